// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Vm} from "../../utils/Vm.sol";
import {MerkleHelper} from "../../utils/MerkleHelper.sol";
import {LedgerGhost} from "./LedgerGhost.sol";
import {CarbonRegistry} from "../../../src/CarbonRegistry.sol";
import {CarbonLedger} from "../../../src/CarbonLedger.sol";
import {
    AccountStatus,
    Batch,
    BatchSupply,
    CancellationKind,
    Lock,
    Methodology,
    MethodologyKind,
    Project,
    ReportInput,
    RetirementPurpose
} from "../../../src/types/RegistryTypes.sol";

/// @notice Drives the registry and ledger with valid calls only (fail_on_revert = true): every
/// action picks actors, reports, batches and locks from its own lists, bounds its amounts, and
/// returns early when the call would be refused. Refused moves are tried on purpose in try-style
/// probes (frozen accounts, pause, repeated claims, short signature sets); a probe that succeeds is
/// counted in the ghost store, which the invariants require to stay at zero.
contract LedgerHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant MAX_REPORT = 1e12; // grams per report: a million tonnes
    uint16 internal constant VINTAGE = 2025;
    uint32 internal constant REGION = 420100;
    uint256 internal constant ALLOCATIONS = 4;
    bytes32 internal constant REFERENCE = keccak256("invariant reference");

    struct Config {
        CarbonRegistry registry;
        CarbonLedger ledger;
        address issuer;
        address registrar;
        address oracle;
        address pauser;
        address aggregator;
        uint256[] verifierKeys; // ascending by signer address
        address[] actors; // every account credits move between
        address[] individuals;
        address[] freezable;
        address[] claimants; // allocations of project-credit distributions
        uint256[] projects;
        uint256[] events;
    }

    struct Allocation {
        address account;
        uint256 amount;
    }

    CarbonRegistry internal immutable registry;
    CarbonLedger internal immutable ledger;
    LedgerGhost public immutable ghost;

    Config internal cfg;
    uint256 public currentTime;
    uint256[] internal _distributions;
    uint256[] internal _openLocks;
    mapping(uint256 batchId => Allocation[]) internal _allocations;
    mapping(uint256 reportId => bool) internal _personalReport;
    mapping(uint256 batchId => uint256) internal _lastRetired;
    mapping(uint256 batchId => uint256) internal _lastCancelled;
    mapping(bytes4 action => uint256) public calls;
    /// @notice Calls that went through (not returned early), to show a run is not vacuous.
    mapping(bytes4 action => uint256) public done;

    constructor(Config memory config) {
        registry = config.registry;
        ledger = config.ledger;
        ghost = new LedgerGhost(address(this));
        cfg = config;
        currentTime = block.timestamp;
        for (uint256 i = 0; i < config.projects.length; ++i) {
            ghost.recordProject(config.projects[i]);
        }
    }

    /// @dev Keep the handler's clock, check totals never fell, count the action.
    modifier step() {
        vm.warp(currentTime);
        _;
        _checkTotals();
        ++calls[msg.sig];
    }

    // ================================================================ reports and issuance

    function submitReport(uint256 projectSeed, uint256 quantity, uint256 duration, uint256 signerSeed) external step {
        _submitReport(projectSeed, quantity, duration, signerSeed);
        ++done[msg.sig];
    }

    function issueToProponent(uint256 reportSeed, uint256 quantity, uint256 bufferBps) external step {
        if (ledger.paused()) return;
        (uint256 reportId, uint256 remaining) = _reportWithRemaining(reportSeed, false, 1);
        if (reportId == 0) return;
        address proponent = registry.getProject(ghost.report(reportId).projectId).proponent;
        if (!_active(proponent)) return;
        quantity = _bound(quantity, 1, remaining);
        bufferBps = _bound(bufferBps, 0, ledger.MAX_BUFFER_BPS());
        bytes memory over = abi.encodeCall(ledger.issueToProponent, (reportId, remaining + 1, VINTAGE, 0));
        if (_attempt(cfg.issuer, over)) ghost.flagOverIssueAccepted();
        vm.prank(cfg.issuer);
        uint256 batchId = ledger.issueToProponent(reportId, quantity, VINTAGE, uint16(bufferBps));
        uint256 buffer = quantity * bufferBps / 10_000;
        ghost.recordBatch(batchId, reportId, quantity, false, false);
        if (buffer != 0) ghost.credit(batchId, ledger.bufferAccount(), buffer);
        ghost.credit(batchId, proponent, quantity - buffer);
        ++done[msg.sig];
    }

    function issueDistribution(uint256 reportSeed, uint256 quantity, uint256 slack, uint256 bufferBps, uint256 window)
        external
        step
    {
        if (ledger.paused()) return;
        bool personal = reportSeed % 2 == 0;
        (uint256 reportId, uint256 remaining) = _reportWithRemaining(reportSeed, personal, ALLOCATIONS);
        if (reportId == 0) return;
        quantity = _bound(quantity, ALLOCATIONS, remaining);
        bufferBps = personal || quantity < 2 * ALLOCATIONS ? 0 : _bound(bufferBps, 0, ledger.MAX_BUFFER_BPS());
        uint256 buffer = quantity * bufferBps / 10_000;
        uint256 allocated = quantity - buffer - _bound(slack, 0, quantity - buffer - ALLOCATIONS);
        (address[] memory accounts, uint256[] memory amounts) = _split(personal, allocated);
        window = _bound(window, 1 days, 60 days);

        vm.prank(cfg.issuer);
        uint256 batchId = ledger.issueDistribution(
            reportId,
            quantity,
            VINTAGE,
            uint16(bufferBps),
            MerkleHelper.root(MerkleHelper.leaves(accounts, amounts)),
            window
        );
        ghost.recordBatch(batchId, reportId, quantity, personal, true);
        if (buffer != 0) ghost.credit(batchId, ledger.bufferAccount(), buffer);
        _distributions.push(batchId);
        ++done[msg.sig];
        for (uint256 i = 0; i < ALLOCATIONS; ++i) {
            _allocations[batchId].push(Allocation(accounts[i], amounts[i]));
        }
    }

    // ================================================================ claims

    function claim(uint256 batchSeed, uint256 index) external step {
        if (ledger.paused()) return;
        uint256 batchId = _openDistribution(batchSeed);
        if (batchId == 0) return;
        index = _unclaimedIndex(batchId, index);
        Allocation memory a = _allocations[batchId][index];
        bytes32[] memory proof = _proof(batchId, index);
        bytes memory call = abi.encodeCall(ledger.claim, (batchId, a.account, a.amount, proof));
        if (ledger.hasClaimed(batchId, a.account)) {
            if (_attempt(address(this), call)) ghost.flagRepeatClaimAccepted();
            return;
        }
        if (!_active(a.account)) {
            if (_attempt(address(this), call)) ghost.flagFrozenMoveAccepted();
            return;
        }
        bytes memory inflated = abi.encodeCall(ledger.claim, (batchId, a.account, a.amount + 1, proof));
        if (_attempt(address(this), inflated)) ghost.flagRepeatClaimAccepted();
        ledger.claim(batchId, a.account, a.amount, proof);
        ghost.recordClaim(batchId, a.account, a.amount);
        ++done[msg.sig];
        ghost.recordMovement(true, _active(a.account));
    }

    // ================================================================ transfers

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 batchSeed, uint256 amount) external step {
        (uint256 batchId, address from, uint256 balance) = _position(batchSeed, fromSeed, false);
        if (balance == 0 || _expired(batchId)) return;
        address to = ghost.batch(batchId).personal ? cfg.aggregator : _pick(cfg.actors, toSeed);
        amount = _bound(amount, 1, balance);
        bool paused = ledger.paused();
        if (paused || !_active(from) || !_active(to)) {
            bytes memory call = abi.encodeWithSignature(
                "safeTransferFrom(address,address,uint256,uint256,bytes)", from, to, batchId, amount, ""
            );
            if (_attempt(from, call)) {
                if (paused) ghost.flagMovedWhilePaused();
                else ghost.flagFrozenMoveAccepted();
            }
            return;
        }
        vm.prank(from);
        ledger.safeTransferFrom(from, to, batchId, amount, "");
        _move(batchId, from, to, amount);
        ghost.recordMovement(_active(from), _active(to));
        ++done[msg.sig];
    }

    function batchTransfer(uint256 fromSeed, uint256 toSeed, uint256 seedA, uint256 seedB, uint256 amount)
        external
        step
    {
        if (ledger.paused() || ghost.batchCount() < 2) return;
        uint256[] memory ids = new uint256[](2);
        address from;
        (ids[0], from,) = _position(seedA, fromSeed, false);
        ids[1] = _heldBatch(from, seedB, ids[0]);
        if (ids[1] == 0 || !_active(from)) return;
        bool personal = ghost.batch(ids[0]).personal || ghost.batch(ids[1]).personal;
        address to = personal ? cfg.aggregator : _pick(cfg.actors, toSeed);
        if (!_active(to) || _expired(ids[0]) || _expired(ids[1])) return;
        uint256[] memory values = new uint256[](2);
        for (uint256 i = 0; i < 2; ++i) {
            uint256 balance = ledger.balanceOf(from, ids[i]);
            if (balance == 0) return;
            values[i] = _bound(uint256(keccak256(abi.encode(amount, i))), 1, balance);
        }
        vm.prank(from);
        ledger.safeBatchTransferFrom(from, to, ids, values, "");
        for (uint256 i = 0; i < 2; ++i) {
            _move(ids[i], from, to, values[i]);
        }
        ghost.recordMovement(_active(from), _active(to));
        ++done[msg.sig];
    }

    // ================================================================ retirement

    function retire(uint256 holderSeed, uint256 batchSeed, uint256 amount, uint256 purposeSeed) external step {
        (address holder, uint256 batchId, bool ok) = _retirable(holderSeed, batchSeed, amount);
        if (!ok) return;
        amount = _bound(amount, 1, ledger.balanceOf(holder, batchId));
        // VOLUNTARY, ECOLOGICAL_COMPENSATION or INCENTIVE_REDEMPTION: compliance goes via the market.
        RetirementPurpose[3] memory purposes = [
            RetirementPurpose.VOLUNTARY, RetirementPurpose.ECOLOGICAL_COMPENSATION, RetirementPurpose.INCENTIVE_REDEMPTION
        ];
        RetirementPurpose purpose = purposes[purposeSeed % 3];
        vm.prank(holder);
        uint256 certificateId = ledger.retire(batchId, amount, holder, purpose, REFERENCE, REGION);
        ++done[msg.sig];
        _retired(batchId, holder, certificateId, amount);
    }

    function retireForEvent(uint256 eventSeed, uint256 holderSeed, uint256 batchSeed, uint256 amount) external step {
        (address holder, uint256 batchId, bool ok) = _retirable(holderSeed, batchSeed, amount);
        if (!ok) return;
        amount = _bound(amount, 1, ledger.balanceOf(holder, batchId));
        uint256 eventId = cfg.events[eventSeed % cfg.events.length];
        vm.prank(holder);
        uint256 certificateId = ledger.retireForEvent(eventId, batchId, amount);
        ++done[msg.sig];
        _retired(batchId, holder, certificateId, amount);
    }

    // ================================================================ cancellation, export, recovery

    function cancel(uint256 holderSeed, uint256 batchSeed, uint256 amount) external step {
        if (ledger.paused()) return;
        (uint256 batchId, address holder, uint256 balance) = _position(batchSeed, holderSeed, false);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        CancellationKind kind = _expired(batchId) ? CancellationKind.EXPIRY : CancellationKind.INVALIDATION;
        vm.prank(cfg.issuer);
        uint256 cancellationId = ledger.cancelCredits(batchId, holder, amount, kind, REFERENCE, "invariant");
        ghost.debit(batchId, holder, amount);
        ghost.recordRange(batchId, cancellationId, amount, false);
        ++done[msg.sig];
    }

    function cancelUnclaimed(uint256 batchSeed) external step {
        if (ledger.paused() || _distributions.length == 0) return;
        uint256 batchId = _distributions[batchSeed % _distributions.length];
        Batch memory b = ledger.getBatch(batchId);
        uint256 remainder = ledger.unclaimedOf(batchId);
        if (b.distributionClosed || currentTime <= b.claimDeadline || remainder == 0) return;
        vm.prank(cfg.issuer);
        uint256 cancellationId = ledger.cancelUnclaimed(batchId, "window over");
        ghost.recordRange(batchId, cancellationId, remainder, false);
        ++done[msg.sig];
    }

    function lockForExport(uint256 holderSeed, uint256 batchSeed, uint256 amount) external step {
        if (ledger.paused()) return;
        (uint256 batchId, address holder, uint256 balance) = _position(batchSeed, holderSeed, true);
        if (balance == 0 || !_active(holder)) return;
        amount = _bound(amount, 1, balance);
        vm.prank(holder);
        _openLocks.push(ledger.lockForExport(batchId, amount, keccak256("Hubei compliance market")));
        _move(batchId, holder, address(ledger), amount);
        ++done[msg.sig];
        ghost.recordMovement(_active(holder), true);
    }

    function confirmExport(uint256 lockSeed) external step {
        if (ledger.paused() || _openLocks.length == 0) return;
        uint256 lockId = _takeLock(lockSeed);
        Lock memory l = ledger.getLock(lockId);
        vm.prank(cfg.issuer);
        uint256 cancellationId = ledger.confirmExport(lockId, keccak256(abi.encode("export", lockId)));
        ghost.debit(l.batchId, address(ledger), l.amount);
        ghost.recordRange(l.batchId, cancellationId, l.amount, false);
        ++done[msg.sig];
    }

    function releaseLock(uint256 lockSeed) external step {
        if (ledger.paused() || _openLocks.length == 0) return;
        uint256 lockId = _takeLock(lockSeed);
        Lock memory l = ledger.getLock(lockId);
        vm.prank(cfg.issuer);
        ledger.releaseLock(lockId, "export refused");
        _move(l.batchId, address(ledger), l.holder, l.amount);
        ++done[msg.sig];
    }

    /// @dev The registrar freezes a lost wallet (one call in four) and moves its balances to a replacement.
    function recoverAccount(uint256 lostSeed, uint256 replacementSeed) external step {
        address lost = _pick(cfg.individuals, lostSeed);
        address replacement = _pick(cfg.individuals, replacementSeed);
        if (ledger.paused() || lost == replacement || !_active(replacement)) return;
        if (_active(lost)) {
            if ((lostSeed >> 128) % 4 != 0) return;
            vm.prank(cfg.registrar);
            ledger.setAccountStatus(lost, AccountStatus.FROZEN, "wallet lost");
        }
        uint256[] memory ids = ghost.batchIds();
        uint256[] memory amounts = new uint256[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            amounts[i] = ledger.balanceOf(lost, ids[i]);
        }
        vm.prank(cfg.registrar);
        ledger.recoverAccount(lost, replacement, ids);
        ++done[msg.sig];
        for (uint256 i = 0; i < ids.length; ++i) {
            if (amounts[i] != 0) _move(ids[i], lost, replacement, amounts[i]);
        }
    }

    // ================================================================ accounts, time, pause

    /// @dev Freeze on one call in four, so most accounts are ACTIVE most of the time.
    function freeze(uint256 actorSeed) external step {
        address account = _pick(cfg.freezable, actorSeed);
        if (!_active(account) || (actorSeed >> 128) % 4 != 0) return;
        vm.prank(cfg.registrar);
        ledger.setAccountStatus(account, AccountStatus.FROZEN, "invariant freeze");
        ++done[msg.sig];
    }

    function unfreeze(uint256 actorSeed) external step {
        address account = _pick(cfg.freezable, actorSeed);
        if (ledger.getAccount(account).status != AccountStatus.FROZEN) return;
        vm.prank(cfg.registrar);
        ledger.setAccountStatus(account, AccountStatus.ACTIVE, "invariant unfreeze");
        ++done[msg.sig];
    }

    /// @dev Mostly hours to days (claim windows close); one call in eight jumps up to 400 days (points expire).
    function warp(uint256 seconds_) external step {
        currentTime += _bound(seconds_, 1 hours, seconds_ % 8 == 0 ? 400 days : 3 days);
        vm.warp(currentTime);
        ++done[msg.sig];
    }

    /// @dev Unpause at once; pause on one call in five so most of a run moves credits.
    function togglePause(uint256 seed) external step {
        bool paused = ledger.paused();
        if (!paused && seed % 5 != 0) return;
        vm.prank(cfg.pauser);
        if (paused) ledger.unpause();
        else ledger.pause();
        ++done[msg.sig];
    }

    /// @dev While paused, try every kind of movement; each must be refused.
    function probePaused(uint256 seed) external step {
        if (!ledger.paused() || ghost.batchCount() == 0) return;
        uint256 batchId = _pickBatch(seed);
        for (uint256 i = 0; i < cfg.actors.length; ++i) {
            address holder = cfg.actors[i];
            if (ledger.balanceOf(holder, batchId) == 0) continue;
            bytes memory send = abi.encodeWithSignature(
                "safeTransferFrom(address,address,uint256,uint256,bytes)", holder, cfg.aggregator, batchId, 1, ""
            );
            bytes memory burn =
                abi.encodeCall(ledger.retire, (batchId, 1, holder, RetirementPurpose.VOLUNTARY, REFERENCE, REGION));
            if (_attempt(holder, send) || _attempt(holder, burn)) ghost.flagMovedWhilePaused();
            ++done[msg.sig];
            break;
        }
        (uint256 reportId,) = _reportWithRemaining(seed, false, 1);
        if (reportId != 0) {
            bytes memory issue = abi.encodeCall(ledger.issueToProponent, (reportId, 1, VINTAGE, 0));
            if (_attempt(cfg.issuer, issue)) ghost.flagMovedWhilePaused();
        }
    }

    // ================================================================ internals: reports

    function _submitReport(uint256 projectSeed, uint256 quantity, uint256 duration, uint256 signerSeed)
        internal
        returns (uint256 reportId)
    {
        ReportInput memory input = _nextInput(projectSeed, quantity, duration);
        uint256[] memory keys = _signerKeys(signerSeed);
        _probeBadReport(input, keys, signerSeed);
        address[] memory signers = new address[](keys.length);
        bool allActive = true;
        for (uint256 i = 0; i < keys.length; ++i) {
            signers[i] = vm.addr(keys[i]);
            allActive = allActive && registry.isActiveVerifier(signers[i]);
        }
        uint256 threshold = registry.verifierThreshold();
        bytes[] memory signatures = _sign(input, keys);
        vm.prank(cfg.oracle);
        reportId = registry.submitReport(input, signatures);
        _personalReport[reportId] = _isPersonal(input.projectId);
        ghost.recordReport(reportId, input.projectId, input.quantity, threshold, allActive, signers);
    }

    function _nextInput(uint256 projectSeed, uint256 quantity, uint256 duration)
        internal
        returns (ReportInput memory input)
    {
        uint256 projectId = _pick(cfg.projects, projectSeed);
        Project memory p = registry.getProject(projectId);
        uint64 start = p.lastPeriodEnd == 0 ? uint64(currentTime - 30 days) : p.lastPeriodEnd;
        uint64 end = start + uint64(_bound(duration, 1 hours, 45 days));
        if (end > currentTime) {
            currentTime = end;
            vm.warp(end);
        }
        Methodology memory m = registry.getMethodology(p.methodologyId);
        input = ReportInput({
            projectId: projectId,
            periodStart: start,
            periodEnd: end,
            quantity: _bound(quantity, 1, MAX_REPORT),
            dataRoot: keccak256(abi.encode("data", projectId, start)),
            evidenceHash: keccak256(abi.encode("evidence", projectId, start)),
            methodologyCode: m.code,
            methodologyVersion: m.version,
            deadline: uint64(currentTime + 1 days)
        });
    }

    /// @dev k = 2 of the 3 verifiers, or all three; kept in ascending address order.
    function _signerKeys(uint256 seed) internal view returns (uint256[] memory keys) {
        uint256 skip = seed % 4; // 3 = nobody skipped
        keys = new uint256[](skip == 3 ? 3 : 2);
        uint256 n;
        for (uint256 i = 0; i < 3; ++i) {
            if (i != skip) keys[n++] = cfg.verifierKeys[i];
        }
    }

    /// @dev One signature short of k, or the same verifier twice: both must be refused.
    function _probeBadReport(ReportInput memory input, uint256[] memory keys, uint256 seed) internal {
        uint256[] memory bad = new uint256[](seed % 2 == 0 ? 1 : 2);
        for (uint256 i = 0; i < bad.length; ++i) {
            bad[i] = keys[0];
        }
        bytes memory call = abi.encodeCall(registry.submitReport, (input, _sign(input, bad)));
        vm.prank(cfg.oracle);
        (bool ok,) = address(registry).call(call);
        if (ok) ghost.flagBadReportAccepted();
    }

    function _sign(ReportInput memory input, uint256[] memory keys) internal view returns (bytes[] memory sigs) {
        bytes32 digest = registry.reportDigest(input);
        sigs = new bytes[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            sigs[i] = abi.encodePacked(r, s, v);
        }
    }

    /// @dev A report of the wanted kind with at least `minimum` grams left; submits one if none.
    function _reportWithRemaining(uint256 seed, bool personal, uint256 minimum)
        internal
        returns (uint256 reportId, uint256 remaining)
    {
        uint256[] memory ids = ghost.reportIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[(seed % ids.length + i) % ids.length];
            if (_personalReport[id] != personal) continue;
            remaining = ghost.report(id).quantity - ghost.issuedFor(id);
            if (remaining >= minimum) return (id, remaining);
        }
        // Nothing left to issue: the oracle submits a fresh report for a project of that kind.
        for (uint256 i = 0; i < cfg.projects.length; ++i) {
            uint256 projectSeed = seed % cfg.projects.length + i;
            if (_isPersonal(_pick(cfg.projects, projectSeed)) != personal) continue;
            reportId = _submitReport(projectSeed, uint256(keccak256(abi.encode(seed))), seed >> 8, seed >> 16);
            remaining = ghost.report(reportId).quantity;
            if (remaining < minimum) return (0, 0);
            return (reportId, remaining);
        }
        return (0, 0);
    }

    function _isPersonal(uint256 projectId) internal view returns (bool) {
        Project memory p = registry.getProject(projectId);
        return registry.getMethodology(p.methodologyId).kind == MethodologyKind.PERSONAL_SCENARIO;
    }

    // ================================================================ internals: credits

    function _split(bool personal, uint256 total)
        internal
        view
        returns (address[] memory accounts, uint256[] memory amounts)
    {
        accounts = new address[](ALLOCATIONS);
        amounts = new uint256[](ALLOCATIONS);
        uint256 share = total / ALLOCATIONS;
        for (uint256 i = 0; i < ALLOCATIONS; ++i) {
            accounts[i] = personal ? cfg.individuals[i] : cfg.claimants[i];
            amounts[i] = share;
        }
        amounts[ALLOCATIONS - 1] += total - share * ALLOCATIONS;
    }

    function _proof(uint256 batchId, uint256 index) internal view returns (bytes32[] memory) {
        Allocation[] storage list = _allocations[batchId];
        bytes32[] memory leaves = new bytes32[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            leaves[i] = MerkleHelper.leaf(list[i].account, list[i].amount);
        }
        return MerkleHelper.proof(leaves, index);
    }

    function _retirable(uint256 holderSeed, uint256 batchSeed, uint256 amount)
        internal
        returns (address holder, uint256 batchId, bool ok)
    {
        if (ledger.paused()) return (holder, batchId, false);
        uint256 balance;
        (batchId, holder, balance) = _position(batchSeed, holderSeed, false);
        if (balance == 0 || _expired(batchId)) return (holder, batchId, false);
        if (!_active(holder)) {
            bytes memory call = abi.encodeCall(
                ledger.retire,
                (batchId, _bound(amount, 1, balance), holder, RetirementPurpose.VOLUNTARY, REFERENCE, REGION)
            );
            if (_attempt(holder, call)) ghost.flagFrozenMoveAccepted();
            return (holder, batchId, false);
        }
        return (holder, batchId, true);
    }

    function _retired(uint256 batchId, address holder, uint256 certificateId, uint256 amount) internal {
        ghost.debit(batchId, holder, amount);
        ghost.recordRange(batchId, certificateId, amount, true);
        ghost.recordMovement(_active(holder), true);
    }

    function _move(uint256 batchId, address from, address to, uint256 amount) internal {
        ghost.debit(batchId, from, amount);
        ghost.credit(batchId, to, amount);
    }

    function _takeLock(uint256 seed) internal returns (uint256 lockId) {
        uint256 i = seed % _openLocks.length;
        lockId = _openLocks[i];
        _openLocks[i] = _openLocks[_openLocks.length - 1];
        _openLocks.pop();
    }

    function _checkTotals() internal {
        uint256[] memory ids = ghost.batchIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            BatchSupply memory s = ledger.getBatchSupply(ids[i]);
            if (s.retired < _lastRetired[ids[i]] || s.cancelled < _lastCancelled[ids[i]]) ghost.flagTotalsDecreased();
            (_lastRetired[ids[i]], _lastCancelled[ids[i]]) = (s.retired, s.cancelled);
        }
    }

    // ================================================================ internals: helpers

    /// @dev Make `call` to the ledger as `sender`; true if it succeeded (a probe that should fail).
    function _attempt(address sender, bytes memory call) internal returns (bool ok) {
        if (sender != address(this)) vm.prank(sender);
        (ok,) = address(ledger).call(call);
    }

    function _expired(uint256 batchId) internal view returns (bool) {
        uint40 expiresAt = ledger.getBatch(batchId).expiresAt;
        return expiresAt != 0 && currentTime >= expiresAt;
    }

    function _active(address account) internal view returns (bool) {
        return ledger.getAccount(account).status == AccountStatus.ACTIVE;
    }

    function _pickBatch(uint256 seed) internal view returns (uint256) {
        return ghost.batchIds()[seed % ghost.batchCount()];
    }

    /// @dev The first (batch, actor) from the seeds' offsets where the actor holds credits.
    function _position(uint256 batchSeed, uint256 actorSeed, bool projectOnly)
        internal
        view
        returns (uint256 batchId, address holder, uint256 balance)
    {
        uint256[] memory ids = ghost.batchIds();
        uint256 n = cfg.actors.length;
        for (uint256 i = 0; i < ids.length; ++i) {
            batchId = ids[(batchSeed % ids.length + i) % ids.length];
            if (projectOnly && ghost.batch(batchId).personal) continue;
            for (uint256 j = 0; j < n; ++j) {
                holder = cfg.actors[(actorSeed % n + j) % n];
                balance = ledger.balanceOf(holder, batchId);
                if (balance != 0) return (batchId, holder, balance);
            }
        }
        return (0, address(0), 0);
    }

    /// @dev Another batch than `other` in which `holder` holds credits, or 0.
    function _heldBatch(address holder, uint256 seed, uint256 other) internal view returns (uint256) {
        uint256[] memory ids = ghost.batchIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 batchId = ids[(seed % ids.length + i) % ids.length];
            if (batchId != other && ledger.balanceOf(holder, batchId) != 0) return batchId;
        }
        return 0;
    }

    /// @dev The first distribution from `seed`'s offset whose claim window is open, or 0.
    function _openDistribution(uint256 seed) internal view returns (uint256) {
        uint256 n = _distributions.length;
        for (uint256 i = 0; i < n; ++i) {
            uint256 batchId = _distributions[(seed % n + i) % n];
            Batch memory b = ledger.getBatch(batchId);
            if (!b.distributionClosed && currentTime <= b.claimDeadline) return batchId;
        }
        return 0;
    }

    /// @dev The first allocation from `seed` not yet claimed; `seed`'s own if all are (a repeat probe).
    function _unclaimedIndex(uint256 batchId, uint256 seed) internal view returns (uint256) {
        for (uint256 i = 0; i < ALLOCATIONS; ++i) {
            uint256 index = (seed % ALLOCATIONS + i) % ALLOCATIONS;
            if (!ledger.hasClaimed(batchId, _allocations[batchId][index].account)) return index;
        }
        return seed % ALLOCATIONS;
    }

    function _pick(address[] storage list, uint256 seed) internal view returns (address) {
        return list[seed % list.length];
    }

    function _pick(uint256[] storage list, uint256 seed) internal view returns (uint256) {
        return list[seed % list.length];
    }

    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        return size == 0 ? x : min + (x % size);
    }

    // ================================================================ views for the invariants

    function actors() external view returns (address[] memory) {
        return cfg.actors;
    }

    function openLocks() external view returns (uint256[] memory) {
        return _openLocks;
    }

    function distributions() external view returns (uint256[] memory) {
        return _distributions;
    }
}
