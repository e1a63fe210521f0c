// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Vm} from "../../utils/Vm.sol";
import {CarbonLedger} from "../../../src/CarbonLedger.sol";
import {CarbonMarket} from "../../../src/CarbonMarket.sol";
import {CarbonRegistry} from "../../../src/CarbonRegistry.sol";
import {ICarbonMarket} from "../../../src/interfaces/ICarbonMarket.sol";
import {ComplianceUse, ComplianceUseStatus, ImportInput} from "../../../src/types/MarketTypes.sol";

/// @notice Drives the market with valid calls only (fail_on_revert = true): partner imports with the
/// hint a sorted model of each partner's ranges gives, compliance uses within the cap and the
/// balance, their confirmation or release, and points redemptions. Refused calls are tried on
/// purpose as probes (an overlapping origin range, a replayed attestation, one gram above the cap);
/// a probe that succeeds is counted, and the invariants require the count to stay at zero.
contract MarketHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint16 internal constant YEAR = 2025;
    uint16 internal constant VINTAGE = 2025;
    uint256 internal constant SERIAL_SPACE = 5_000;
    uint256 internal constant MAX_LENGTH = 400;
    uint64 internal constant IMPORT_PERIOD = 1 days;
    bytes32 internal constant REFERENCE = keccak256("invariant market reference");

    struct Config {
        CarbonRegistry registry;
        CarbonLedger ledger;
        CarbonMarket market;
        address issuer;
        address enterprise; // the covered entity; receives every import
        address citizen; // holds `pointsId`
        address aggregator;
        uint256 pointsId;
        uint256 localBatch; // project credits the enterprise holds from the start
        address[] partners;
        uint256[] partnerKeys;
        uint256[] projects; // REGISTERED, eligible methodology; imports consume their timelines
    }

    CarbonRegistry internal immutable registry;
    CarbonLedger internal immutable ledger;
    CarbonMarket internal immutable market;
    Config internal cfg;

    /// @notice Per partner, the model of its imported ranges, sorted by start.
    mapping(address partner => uint256[]) internal _starts;
    mapping(address partner => uint256[]) internal _ends;
    /// @notice Per project, the end of each imported period, in order.
    mapping(uint256 projectId => uint64[]) internal _periodStarts;
    mapping(uint256 projectId => uint64[]) internal _periodEnds;
    uint256[] internal _batches; // the enterprise's batches: the local one, then every import
    bytes32[] internal _digests;
    uint256 public redeemed;
    uint256 public probesSucceeded;
    mapping(bytes4 action => uint256) public done;

    constructor(Config memory config) {
        registry = config.registry;
        ledger = config.ledger;
        market = config.market;
        cfg = config;
        _batches.push(config.localBatch);
    }

    // ================================================================ imports

    function importRange(uint256 partnerSeed, uint256 startSeed, uint256 lengthSeed, uint256 projectSeed) external {
        uint256 p = partnerSeed % cfg.partners.length;
        uint256 start = 1 + startSeed % SERIAL_SPACE;
        uint256 end = start + 1 + lengthSeed % MAX_LENGTH;
        (uint256 hint, uint256 at, bool disjoint) = _model(cfg.partners[p], start, end);
        (ImportInput memory input, bytes memory attestation) =
            _attested(p, start, end, cfg.projects[projectSeed % cfg.projects.length]);
        if (!disjoint) {
            _probe(abi.encodeCall(ICarbonMarket.importCredits, (input, attestation, hint)));
            return;
        }
        vm.prank(cfg.issuer);
        (, uint256 batchId) = market.importCredits(input, attestation, hint);
        _insert(cfg.partners[p], at, start, end);
        _periodStarts[input.projectId].push(input.periodStart);
        _periodEnds[input.projectId].push(input.periodEnd);
        _batches.push(batchId);
        _digests.push(market.importDigest(input));
        // The same attestation again is a replay.
        _probe(abi.encodeCall(ICarbonMarket.importCredits, (input, attestation, hint)));
        ++done[this.importRange.selector];
    }

    function _attested(uint256 p, uint256 start, uint256 end, uint256 projectId)
        internal
        returns (ImportInput memory input, bytes memory attestation)
    {
        uint64 periodStart = registry.getProject(projectId).lastPeriodEnd;
        uint64 periodEnd = periodStart + IMPORT_PERIOD;
        if (periodEnd > block.timestamp) vm.warp(periodEnd);
        input = ImportInput({
            partner: cfg.partners[p],
            originSerialStart: start,
            originSerialEnd: end,
            projectId: projectId,
            periodStart: periodStart,
            periodEnd: periodEnd,
            vintage: VINTAGE,
            recipient: cfg.enterprise,
            evidenceHash: keccak256(abi.encode(p, start, end)),
            deadline: uint64(block.timestamp + 1 days)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(cfg.partnerKeys[p], market.importDigest(input));
        attestation = abi.encodePacked(r, s, v);
    }

    /// @notice The model's hint (last start at or below `start`), insertion index and disjointness.
    function _model(address partner, uint256 start, uint256 end)
        internal
        view
        returns (uint256 hint, uint256 at, bool disjoint)
    {
        uint256[] storage starts = _starts[partner];
        while (at < starts.length && starts[at] <= start) {
            hint = starts[at];
            ++at;
        }
        bool overlapsBelow = at != 0 && _ends[partner][at - 1] > start;
        bool overlapsAbove = at < starts.length && starts[at] < end;
        disjoint = !overlapsBelow && !overlapsAbove;
    }

    function _insert(address partner, uint256 at, uint256 start, uint256 end) internal {
        uint256[] storage starts = _starts[partner];
        uint256[] storage ends = _ends[partner];
        starts.push();
        ends.push();
        for (uint256 i = starts.length - 1; i > at; --i) {
            (starts[i], ends[i]) = (starts[i - 1], ends[i - 1]);
        }
        (starts[at], ends[at]) = (start, end);
    }

    // ================================================================ compliance

    function useForCompliance(uint256 batchSeed, uint256 amount, bool probeCap) external {
        uint256 batchId = _batches[batchSeed % _batches.length];
        uint256 available = market.availableCap(YEAR, cfg.enterprise);
        uint256 balance = ledger.balanceOf(cfg.enterprise, batchId);
        if (probeCap && available < balance) {
            vm.prank(cfg.enterprise);
            _probe(abi.encodeCall(ICarbonMarket.useForCompliance, (YEAR, batchId, available + 1)));
            return;
        }
        uint256 limit = available < balance ? available : balance;
        if (limit == 0) return;
        amount = 1 + amount % limit;
        vm.prank(cfg.enterprise);
        market.useForCompliance(YEAR, batchId, amount);
        ++done[this.useForCompliance.selector];
    }

    function confirmUse(uint256 useSeed) external {
        uint256 useId = _pendingUse(useSeed);
        if (useId == 0) return;
        vm.prank(cfg.issuer);
        market.confirmComplianceUse(useId, REFERENCE);
        ++done[this.confirmUse.selector];
    }

    function releaseUse(uint256 useSeed) external {
        uint256 useId = _pendingUse(useSeed);
        if (useId == 0) return;
        vm.prank(cfg.issuer);
        market.releaseComplianceUse(useId, "invariant release");
        ++done[this.releaseUse.selector];
    }

    /// @notice A PENDING use, searched from a random id upwards (0 if none).
    function _pendingUse(uint256 seed) internal view returns (uint256) {
        uint256 count = market.complianceUseCount();
        for (uint256 i = 0; i < count; ++i) {
            uint256 useId = 1 + (seed % count + i) % count;
            if (market.getComplianceUse(useId).status == ComplianceUseStatus.PENDING) return useId;
        }
        return 0;
    }

    // ================================================================ redemption

    function redeemPoints(uint256 amount) external {
        uint256 balance = ledger.balanceOf(cfg.citizen, cfg.pointsId);
        if (balance == 0) return;
        amount = 1 + amount % balance;
        vm.prank(cfg.citizen);
        market.redeemPoints(cfg.pointsId, amount, REFERENCE);
        redeemed += amount;
        ++done[this.redeemPoints.selector];
    }

    // ================================================================ probes

    /// @notice Call the market as the issuer unless a prank is already set; count a success.
    function _probe(bytes memory data) internal {
        if (bytes4(data) == ICarbonMarket.importCredits.selector) vm.prank(cfg.issuer);
        (bool ok,) = address(market).call(data);
        if (ok) ++probesSucceeded;
        ++done[this._probeSelector.selector];
    }

    /// @dev Only a key for `done`, never called.
    function _probeSelector() external pure {}

    // ================================================================ views for the invariants

    function ranges(address partner) external view returns (uint256[] memory, uint256[] memory) {
        return (_starts[partner], _ends[partner]);
    }

    function periods(uint256 projectId) external view returns (uint64[] memory, uint64[] memory) {
        return (_periodStarts[projectId], _periodEnds[projectId]);
    }

    function batches() external view returns (uint256[] memory) {
        return _batches;
    }

    function digests() external view returns (bytes32[] memory) {
        return _digests;
    }

    function partners() external view returns (address[] memory) {
        return cfg.partners;
    }

    function projects() external view returns (uint256[] memory) {
        return cfg.projects;
    }
}
