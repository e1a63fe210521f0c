// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ICarbonLedger} from "./interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "./interfaces/ICarbonMarket.sol";
import {ICarbonRegistry} from "./interfaces/ICarbonRegistry.sol";
import {Roles} from "./libraries/Roles.sol";
import {
    Account,
    AccountKind,
    AccountStatus,
    Batch,
    BatchSupply,
    Cancellation,
    CancellationKind,
    IssuanceTerms,
    Lock,
    LockStatus,
    MethodologyKind,
    MethodologyStatus,
    ProjectStatus,
    ReportStatus,
    Retirement,
    RetirementPurpose
} from "./types/RegistryTypes.sol";

/// @title CarbonLedger
/// @notice Carbon accounts (碳账户) and the credits they hold: issuance against verified reports,
/// Merkle claims, permissioned transfers, retirements (核销), event neutrality and cancellations (注销).
/// Roles are read from the CarbonRegistry, the one role store of the registry.
contract CarbonLedger is ICarbonLedger, ERC1155, ReentrancyGuardTransient {
    uint256 public constant MAX_BUFFER_BPS = 5000;
    uint256 public constant MAX_CLAIM_WINDOW = 3650 days;
    bytes32 private constant DEFAULT_ADMIN_ROLE = 0x00;

    /// @dev Read on every balance change, so pause flag and aggregator share one slot.
    struct Config {
        address aggregator;
        bool paused;
    }

    struct Counters {
        uint64 batches;
        uint64 nextSerial;
        uint64 locks;
    }

    ICarbonRegistry private immutable _registry;
    Config private _config;
    Counters private _counters;
    address private _bufferAccount;
    /// @dev The CarbonMarket (compliance use, imports, redemptions), set once by the admin.
    address private _market;
    /// @dev Set around moves the ledger makes itself (custody, recovery, cancellation), whose
    /// account rules the calling function has already applied.
    bool private transient _ledgerMove;

    mapping(address account => Account) private _accounts;
    mapping(uint256 batchId => Batch) private _batches;
    mapping(uint256 batchId => BatchSupply) private _supplies;
    mapping(uint256 reportId => uint256 issued) private _issuedForReport;
    mapping(uint256 batchId => mapping(address account => bool)) private _claimed;
    mapping(uint256 certificateId => Retirement) private _retirements;
    mapping(uint256 cancellationId => Cancellation) private _cancellations;
    mapping(uint256 lockId => Lock) private _locks;
    /// @dev Locks opened by the market (compliance use) are settled only through it, so its
    /// per-entity accounting always agrees with the ledger.
    mapping(uint256 lockId => bool) private _marketLocks;

    constructor(address registry_, string memory uri_) ERC1155(uri_) {
        if (registry_ == address(0)) revert LedgerZeroAddress("registry");
        _registry = ICarbonRegistry(registry_);
        _counters.nextSerial = 1;
    }

    modifier onlyRole(bytes32 role) {
        _checkRole(role);
        _;
    }

    modifier onlyMarket() {
        if (msg.sender != _market || msg.sender == address(0)) revert LedgerOnlyMarket(msg.sender);
        _;
    }

    function _checkRole(bytes32 role) private view {
        if (!IAccessControl(address(_registry)).hasRole(role, msg.sender)) revert LedgerUnauthorized(msg.sender, role);
    }

    // ================================================================ accounts

    /// @inheritdoc ICarbonLedger
    function registerAccount(address account, AccountKind kind, uint32 region, bytes32 recordHash)
        external
        onlyRole(Roles.REGISTRAR)
    {
        if (account == address(0)) revert LedgerZeroAddress("account");
        if (_accounts[account].status != AccountStatus.NONE) revert LedgerAccountExists(account);
        if (kind == AccountKind.NONE) revert LedgerInvalidAccountKind(account, kind);
        _checkRegion(region);
        _accounts[account] = Account({
            kind: kind,
            status: AccountStatus.ACTIVE,
            region: region,
            registeredAt: uint64(block.timestamp),
            pointsHolder: kind == AccountKind.INDIVIDUAL,
            recordHash: recordHash
        });
        emit AccountRegistered(account, kind, region, recordHash);
    }

    /// @inheritdoc ICarbonLedger
    function setAccountStatus(address account, AccountStatus status, string calldata reason)
        external
        onlyRole(Roles.REGISTRAR)
    {
        Account storage a = _account(account);
        AccountStatus current = a.status;
        if (current == AccountStatus.REVOKED || status == AccountStatus.NONE || status == current) {
            revert LedgerInvalidStatusChange(account, current, status);
        }
        a.status = status;
        emit AccountStatusChanged(account, current, status, reason);
    }

    /// @inheritdoc ICarbonLedger
    function recoverAccount(address lost, address replacement, uint256[] calldata batchIds)
        external
        onlyRole(Roles.REGISTRAR)
        nonReentrant
    {
        Account storage l = _account(lost);
        Account storage r = _account(replacement);
        if (
            lost == replacement || l.kind != AccountKind.INDIVIDUAL || l.status != AccountStatus.FROZEN
                || r.kind != AccountKind.INDIVIDUAL || r.status != AccountStatus.ACTIVE
        ) revert LedgerInvalidRecovery(lost, replacement);
        uint256[] memory amounts = new uint256[](batchIds.length);
        for (uint256 i = 0; i < batchIds.length; ++i) {
            amounts[i] = balanceOf(lost, batchIds[i]);
        }
        emit AccountRecovered(lost, replacement, batchIds, amounts);
        _ledgerMove = true;
        _update(lost, replacement, batchIds, amounts);
        _ledgerMove = false;
    }

    /// @inheritdoc ICarbonLedger
    function setAggregator(address aggregator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireActive(aggregator_);
        // Stays set after a hand-over: a former aggregator's points keep their restrictions.
        _accounts[aggregator_].pointsHolder = true;
        emit AggregatorChanged(_config.aggregator, aggregator_);
        _config.aggregator = aggregator_;
    }

    /// @inheritdoc ICarbonLedger
    function setBufferAccount(address bufferAccount_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AccountKind kind = _requireActive(bufferAccount_);
        if (kind != AccountKind.BUFFER) revert LedgerInvalidAccountKind(bufferAccount_, kind);
        emit BufferAccountChanged(_bufferAccount, bufferAccount_);
        _bufferAccount = bufferAccount_;
    }

    /// @inheritdoc ICarbonLedger
    function setMarket(address market_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_market != address(0)) revert LedgerMarketAlreadySet(_market);
        if (market_ == address(0)) revert LedgerZeroAddress("market");
        // The hooks it gets mint and move credits: it must be a market built for this ledger.
        if (market_.code.length == 0 || ICarbonMarket(market_).ledger() != address(this)) {
            revert LedgerInvalidMarket(market_);
        }
        _market = market_;
        emit MarketConnected(market_);
    }

    /// @inheritdoc ICarbonLedger
    function pause() external onlyRole(Roles.PAUSER) {
        if (_config.paused) revert LedgerPaused();
        _config.paused = true;
        emit LedgerPauseChanged(true, msg.sender);
    }

    /// @inheritdoc ICarbonLedger
    function unpause() external onlyRole(Roles.PAUSER) {
        if (!_config.paused) revert LedgerNotPaused();
        _config.paused = false;
        emit LedgerPauseChanged(false, msg.sender);
    }

    // ================================================================ issuance and claims

    /// @inheritdoc ICarbonLedger
    function issueToProponent(uint256 reportId, uint256 quantity, uint16 vintage, uint16 bufferBps)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 batchId)
    {
        (IssuanceTerms memory t, uint64 qty, uint64 buffer) = _checkIssuance(reportId, quantity, vintage, bufferBps);
        if (t.methodologyKind == MethodologyKind.PERSONAL_SCENARIO) revert LedgerDistributionRequired(reportId);
        batchId = _createBatch(reportId, t, qty, buffer, vintage, bytes32(0), 0, t.proponent);
        if (buffer != 0) _mint(_bufferAccount, batchId, buffer, "");
        _mint(t.proponent, batchId, qty - buffer, "");
    }

    /// @inheritdoc ICarbonLedger
    function issueDistribution(
        uint256 reportId,
        uint256 quantity,
        uint16 vintage,
        uint16 bufferBps,
        bytes32 merkleRoot,
        uint256 claimWindow
    ) external onlyRole(Roles.ISSUER) nonReentrant returns (uint256 batchId) {
        (IssuanceTerms memory t, uint64 qty, uint64 buffer) = _checkIssuance(reportId, quantity, vintage, bufferBps);
        if (claimWindow == 0 || claimWindow > MAX_CLAIM_WINDOW) revert LedgerInvalidClaimWindow(claimWindow);
        if (merkleRoot == bytes32(0)) revert LedgerInvalidProof(0, address(0), 0);
        // Points never sit in the buffer: they may only ever be held by citizens and the aggregator.
        if (t.methodologyKind == MethodologyKind.PERSONAL_SCENARIO && buffer != 0) revert LedgerInvalidBuffer(bufferBps);
        uint40 claimDeadline = uint40(block.timestamp + claimWindow);
        batchId = _createBatch(reportId, t, qty, buffer, vintage, merkleRoot, claimDeadline, address(0));
        if (buffer != 0) _mint(_bufferAccount, batchId, buffer, "");
    }

    /// @inheritdoc ICarbonLedger
    function issueImported(
        address recipient,
        uint256 projectId,
        uint64 periodStart,
        uint64 periodEnd,
        uint16 vintage,
        uint256 quantity
    ) external onlyMarket nonReentrant returns (uint256 batchId) {
        IssuanceTerms memory t = _registry.recordImportedPeriod(projectId, periodStart, periodEnd);
        batchId = _mintImported(recipient, t, vintage, quantity);
    }

    function _mintImported(address recipient, IssuanceTerms memory t, uint16 vintage, uint256 quantity)
        private
        returns (uint256 batchId)
    {
        if (vintage < 2000 || vintage > 2200) revert LedgerInvalidVintage(vintage);
        uint64 qty = _amount(quantity);
        batchId = _createBatch(0, t, qty, 0, vintage, bytes32(0), 0, recipient);
        _mint(recipient, batchId, qty, "");
    }

    /// @dev Check the report, project, methodology and the cumulative cap; record the issued amount.
    function _checkIssuance(uint256 reportId, uint256 quantity, uint16 vintage, uint16 bufferBps)
        private
        returns (IssuanceTerms memory t, uint64 qty, uint64 buffer)
    {
        // A distribution without buffer mints nothing here, yet it creates credits: the pause stops it too.
        if (_config.paused) revert LedgerPaused();
        t = _registry.issuanceTerms(reportId);
        if (t.reportStatus != ReportStatus.VERIFIED) revert LedgerReportNotVerified(reportId);
        if (t.projectStatus != ProjectStatus.REGISTERED) revert LedgerProjectNotRegistered(t.projectId);
        if (t.methodologyStatus != MethodologyStatus.ACTIVE) revert LedgerMethodologyNotActive(reportId);
        if (vintage < 2000 || vintage > 2200) revert LedgerInvalidVintage(vintage);
        if (bufferBps > MAX_BUFFER_BPS) revert LedgerInvalidBuffer(bufferBps);
        qty = _amount(quantity);
        uint256 issued = _issuedForReport[reportId];
        if (issued + qty > t.quantity) revert LedgerExceedsVerified(reportId, qty, t.quantity - issued);
        _issuedForReport[reportId] = issued + qty;
        // Cannot overflow: qty < 2^64 and bufferBps <= 5000.
        buffer = uint64((uint256(qty) * bufferBps) / 10_000);
        if (buffer != 0 && _bufferAccount == address(0)) revert LedgerNoBufferAccount();
    }

    function _createBatch(
        uint256 reportId,
        IssuanceTerms memory t,
        uint64 qty,
        uint64 buffer,
        uint16 vintage,
        bytes32 merkleRoot,
        uint40 claimDeadline,
        address recipient
    ) private returns (uint256 batchId) {
        Counters memory c = _counters;
        batchId = c.batches + 1;
        // Checked addition: the serial counter reverts rather than wrap (serial blocks never overlap).
        _counters.batches = uint64(batchId);
        _counters.nextSerial = c.nextSerial + qty;
        Batch memory batch = Batch({
            reportId: uint64(reportId),
            projectId: t.projectId,
            serialStart: c.nextSerial,
            vintage: vintage,
            kind: t.methodologyKind,
            distributionClosed: false,
            quantity: qty,
            bufferAmount: buffer,
            claimDeadline: claimDeadline,
            expiresAt: t.pointValidity == 0 ? 0 : uint40(block.timestamp + t.pointValidity),
            merkleRoot: merkleRoot
        });
        _batches[batchId] = batch;
        emit BatchIssued(batchId, reportId, recipient, batch);
    }

    /// @inheritdoc ICarbonLedger
    function claim(uint256 batchId, address account, uint256 amount, bytes32[] calldata proof) external nonReentrant {
        Batch storage b = _batch(batchId);
        uint40 deadline = b.claimDeadline;
        if (deadline == 0) revert LedgerNotADistribution(batchId);
        if (b.distributionClosed || block.timestamp > deadline) revert LedgerClaimWindowClosed(batchId, deadline);
        if (_claimed[batchId][account]) revert LedgerAlreadyClaimed(batchId, account);
        uint64 amt = _amount(amount);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, b.merkleRoot, leaf)) revert LedgerInvalidProof(batchId, account, amount);
        if (b.kind == MethodologyKind.PERSONAL_SCENARIO) {
            _checkNotExpired(batchId, b.expiresAt);
            AccountKind kind = _accounts[account].kind;
            if (kind != AccountKind.INDIVIDUAL) revert LedgerInvalidAccountKind(account, kind);
        }
        BatchSupply storage s = _supplies[batchId];
        uint256 remaining = b.quantity - b.bufferAmount - s.claimed;
        if (amt > remaining) revert LedgerClaimExceedsDistribution(batchId, amt, remaining);
        _claimed[batchId][account] = true;
        s.claimed += amt;
        emit AllocationClaimed(batchId, account, amt);
        _mint(account, batchId, amt, "");
    }

    // ================================================================ retirement

    /// @inheritdoc ICarbonLedger
    function retire(
        uint256 batchId,
        uint256 amount,
        address beneficiary,
        RetirementPurpose purpose,
        bytes32 referenceHash,
        uint32 region
    ) external nonReentrant returns (uint256 certificateId) {
        if (purpose == RetirementPurpose.EVENT_NEUTRALITY) revert LedgerEventRetirementRequired();
        // Compliance use is capped and checked for eligibility by the CarbonMarket (lock → export);
        // a plain retirement labelled as a compliance offset would sidestep both.
        if (purpose == RetirementPurpose.COMPLIANCE_OFFSET) revert LedgerComplianceViaMarket();
        // A compensation certificate must name its court case (the hash of the case reference).
        if (purpose == RetirementPurpose.ECOLOGICAL_COMPENSATION && referenceHash == 0) {
            revert LedgerReferenceRequired(purpose);
        }
        if (beneficiary == address(0)) revert LedgerZeroAddress("beneficiary");
        return _retire(batchId, _amount(amount), beneficiary, purpose, referenceHash, region);
    }

    /// @inheritdoc ICarbonLedger
    function retireForEvent(uint256 eventId, uint256 batchId, uint256 amount)
        external
        nonReentrant
        returns (uint256 certificateId)
    {
        uint64 amt = _amount(amount);
        // The certificate id is known before the burn, so the registry can record it first.
        Batch storage b = _batch(batchId);
        BatchSupply storage s = _supplies[batchId];
        certificateId = uint256(b.serialStart) + s.retired + s.cancelled;
        (address organiser, uint32 region) = _registry.recordEventRetirement(eventId, certificateId, amt);
        _retire(batchId, amt, organiser, RetirementPurpose.EVENT_NEUTRALITY, bytes32(eventId), region);
    }

    /// @dev Burn the caller's credits and store the retirement under the first serial it consumes.
    function _retire(
        uint256 batchId,
        uint64 amount,
        address beneficiary,
        RetirementPurpose purpose,
        bytes32 referenceHash,
        uint32 region
    ) private returns (uint256 certificateId) {
        _checkRegion(region);
        Batch storage b = _batch(batchId);
        if (b.kind == MethodologyKind.PERSONAL_SCENARIO) _checkNotExpired(batchId, b.expiresAt);
        certificateId = _consumeSerials(b, _supplies[batchId], amount, true);
        _retirements[certificateId] = Retirement({
            holder: msg.sender,
            amount: amount,
            purpose: purpose,
            region: uint24(region),
            beneficiary: beneficiary,
            batchId: uint56(batchId),
            retiredAt: uint40(block.timestamp),
            referenceHash: referenceHash
        });
        emit CreditsRetired(certificateId, batchId, msg.sender, beneficiary, amount, purpose, referenceHash, uint24(region));
        _burn(msg.sender, batchId, amount);
    }

    /// @dev Serials of a batch are consumed in order, so retired and cancelled sub-ranges never overlap.
    function _consumeSerials(Batch storage b, BatchSupply storage s, uint64 amount, bool retirement)
        private
        returns (uint256 firstSerial)
    {
        BatchSupply memory m = s;
        firstSerial = uint256(b.serialStart) + m.retired + m.cancelled;
        if (retirement) s.retired = m.retired + amount;
        else s.cancelled = m.cancelled + amount;
    }

    // ================================================================ cancellation and export

    /// @inheritdoc ICarbonLedger
    function cancelCredits(
        uint256 batchId,
        address holder,
        uint256 amount,
        CancellationKind kind,
        bytes32 referenceHash,
        string calldata reason
    ) external onlyRole(Roles.ISSUER) nonReentrant returns (uint256 cancellationId) {
        if (kind != CancellationKind.INVALIDATION && kind != CancellationKind.EXPIRY) {
            revert LedgerInvalidCancellationKind(kind);
        }
        // Only a carbon account's credits: the ledger's export custody leaves through confirmExport/releaseLock.
        _account(holder);
        Batch storage b = _batch(batchId);
        if (kind == CancellationKind.EXPIRY) {
            uint40 expiresAt = b.expiresAt;
            if (expiresAt == 0 || block.timestamp < expiresAt) revert LedgerPointsNotExpired(batchId, expiresAt);
        }
        uint64 amt = _amount(amount);
        cancellationId = _recordCancellation(batchId, b, holder, amt, kind, referenceHash, reason);
        _ledgerMove = true;
        _burn(holder, batchId, amt);
        _ledgerMove = false;
    }

    /// @inheritdoc ICarbonLedger
    function cancelUnclaimed(uint256 batchId, string calldata reason)
        external
        onlyRole(Roles.ISSUER)
        returns (uint256 cancellationId)
    {
        // It changes supply without a balance change, so the pause is checked here.
        if (_config.paused) revert LedgerPaused();
        Batch storage b = _batch(batchId);
        uint40 deadline = b.claimDeadline;
        if (deadline == 0) revert LedgerNotADistribution(batchId);
        if (block.timestamp <= deadline) revert LedgerClaimWindowOpen(batchId, deadline);
        uint256 remainder = unclaimedOf(batchId);
        if (remainder == 0) revert LedgerNothingUnclaimed(batchId);
        b.distributionClosed = true;
        cancellationId =
            _recordCancellation(batchId, b, address(0), uint64(remainder), CancellationKind.UNCLAIMED, 0, reason);
    }

    /// @inheritdoc ICarbonLedger
    function cancelExpired(uint256 batchId, address[] calldata holders)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 cancelled)
    {
        Batch storage b = _batch(batchId);
        uint40 expiresAt = b.expiresAt;
        if (expiresAt == 0 || block.timestamp < expiresAt) revert LedgerPointsNotExpired(batchId, expiresAt);
        _ledgerMove = true;
        // Bounded by the calldata list; a holder already swept (balance 0) is skipped, so a sweep re-runs safely.
        for (uint256 i = 0; i < holders.length; ++i) {
            uint256 balance = balanceOf(holders[i], batchId);
            if (balance == 0) continue;
            _recordCancellation(batchId, b, holders[i], uint64(balance), CancellationKind.EXPIRY, 0, "expired");
            _burn(holders[i], batchId, balance);
            cancelled += balance;
        }
        _ledgerMove = false;
    }

    /// @inheritdoc ICarbonLedger
    function lockForExport(uint256 batchId, uint256 amount, bytes32 destinationHash)
        external
        nonReentrant
        returns (uint256 lockId)
    {
        return _lock(msg.sender, batchId, amount, destinationHash);
    }

    /// @inheritdoc ICarbonLedger
    function lockFor(address holder, uint256 batchId, uint256 amount, bytes32 destinationHash)
        external
        onlyMarket
        nonReentrant
        returns (uint256 lockId)
    {
        lockId = _lock(holder, batchId, amount, destinationHash);
        _marketLocks[lockId] = true;
    }

    /// @inheritdoc ICarbonLedger
    function transferFor(address from, address to, uint256 batchId, uint256 amount) external onlyMarket nonReentrant {
        // The one balance hook applies every account and points rule, as for the holder's own transfer.
        _safeTransferFrom(from, to, batchId, amount, "");
    }

    function _lock(address holder, uint256 batchId, uint256 amount, bytes32 destinationHash)
        private
        returns (uint256 lockId)
    {
        _requireActive(holder);
        Batch storage b = _batch(batchId);
        if (b.kind == MethodologyKind.PERSONAL_SCENARIO) revert LedgerPointsTransferRestricted(batchId, address(this));
        uint64 amt = _amount(amount);
        lockId = ++_counters.locks;
        _locks[lockId] = Lock({
            holder: holder,
            amount: amt,
            status: LockStatus.LOCKED,
            batchId: uint56(batchId),
            lockedAt: uint40(block.timestamp),
            destinationHash: destinationHash
        });
        _supplies[batchId].locked += amt;
        emit CreditsLocked(lockId, batchId, holder, amt, destinationHash);
        _moveByLedger(holder, address(this), batchId, amt);
    }

    /// @inheritdoc ICarbonLedger
    function confirmExport(uint256 lockId, bytes32 referenceHash)
        external
        nonReentrant
        returns (uint256 cancellationId)
    {
        Lock storage l = _openLock(lockId);
        // A holder's own lock addressed to a Hubei compliance year would reach the market outside
        // its cap and eligibility rules: only the market's locks are exported there.
        if (!_marketLocks[lockId] && _market != address(0)) {
            if (ICarbonMarket(_market).complianceYearOf(l.destinationHash) != 0) revert LedgerComplianceViaMarket();
        }
        l.status = LockStatus.EXPORTED;
        uint256 batchId = l.batchId;
        uint64 amt = l.amount;
        _supplies[batchId].locked -= amt;
        cancellationId =
            _recordCancellation(batchId, _batches[batchId], l.holder, amt, CancellationKind.EXPORT, referenceHash, "");
        emit LockExported(lockId, cancellationId, referenceHash);
        _moveByLedger(address(this), address(0), batchId, amt);
    }

    /// @inheritdoc ICarbonLedger
    function releaseLock(uint256 lockId, string calldata reason) external nonReentrant {
        Lock storage l = _openLock(lockId);
        l.status = LockStatus.RELEASED;
        _supplies[l.batchId].locked -= l.amount;
        emit LockReleased(lockId, reason);
        _moveByLedger(address(this), l.holder, l.batchId, l.amount);
    }

    /// @dev The issuer settles ordinary locks; only the market settles the locks it opened.
    function _openLock(uint256 lockId) private view returns (Lock storage l) {
        if (_marketLocks[lockId]) {
            if (msg.sender != _market) revert LedgerOnlyMarket(msg.sender);
        } else {
            _checkRole(Roles.ISSUER);
        }
        if (lockId == 0 || lockId > _counters.locks) revert LedgerUnknownLock(lockId);
        l = _locks[lockId];
        if (l.status != LockStatus.LOCKED) revert LedgerInvalidLockStatus(lockId, l.status);
    }

    function _recordCancellation(
        uint256 batchId,
        Batch storage b,
        address holder,
        uint64 amount,
        CancellationKind kind,
        bytes32 referenceHash,
        string memory reason
    ) private returns (uint256 cancellationId) {
        cancellationId = _consumeSerials(b, _supplies[batchId], amount, false);
        _cancellations[cancellationId] = Cancellation({
            holder: holder,
            amount: amount,
            kind: kind,
            batchId: uint56(batchId),
            cancelledAt: uint40(block.timestamp),
            referenceHash: referenceHash
        });
        emit CreditsCancelled(cancellationId, batchId, holder, amount, kind, referenceHash, reason);
    }

    function _moveByLedger(address from, address to, uint256 batchId, uint256 amount) private {
        uint256[] memory ids = new uint256[](1);
        uint256[] memory values = new uint256[](1);
        ids[0] = batchId;
        values[0] = amount;
        _ledgerMove = true;
        _update(from, to, ids, values);
        _ledgerMove = false;
    }

    // ================================================================ the one balance hook

    /// @dev Every balance change passes here: the pause stops all of them; outside the ledger's own
    /// moves, only ACTIVE accounts send or receive, and points go only to the aggregator.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        Config memory cfg = _config;
        if (cfg.paused) revert LedgerPaused();
        if (!_ledgerMove) _checkMovement(cfg, from, to, ids, values);
        super._update(from, to, ids, values);
    }

    function _checkMovement(
        Config memory cfg,
        address from,
        address to,
        uint256[] memory ids,
        uint256[] memory values
    ) private view {
        bool pointsHolder = false;
        if (from != address(0)) pointsHolder = _requireActive(from) == AccountKind.INDIVIDUAL
            || _accounts[from].pointsHolder;
        if (to != address(0)) _requireActive(to);
        if (from == address(0) || to == address(0)) return;
        // Mints and burns check their amounts themselves; a zero transfer would be an empty record.
        for (uint256 i = 0; i < values.length; ++i) {
            if (values[i] == 0) revert LedgerZeroAmount();
        }
        // Points only ever sit with individuals and current or former aggregators (pointsHolder).
        if (!pointsHolder) return;
        for (uint256 i = 0; i < ids.length; ++i) {
            Batch storage b = _batches[ids[i]];
            if (b.kind == MethodologyKind.PERSONAL_SCENARIO) {
                if (to != cfg.aggregator) revert LedgerPointsTransferRestricted(ids[i], to);
                _checkNotExpired(ids[i], b.expiresAt);
            }
        }
    }

    // ================================================================ helpers

    function _requireActive(address account) private view returns (AccountKind) {
        Account storage a = _accounts[account];
        AccountStatus status = a.status;
        if (status != AccountStatus.ACTIVE) revert LedgerAccountNotActive(account, status);
        return a.kind;
    }

    function _account(address account) private view returns (Account storage a) {
        a = _accounts[account];
        if (a.status == AccountStatus.NONE) revert LedgerUnknownAccount(account);
    }

    function _batch(uint256 batchId) private view returns (Batch storage b) {
        b = _batches[batchId];
        if (b.serialStart == 0) revert LedgerUnknownBatch(batchId);
    }

    function _checkNotExpired(uint256 batchId, uint40 expiresAt) private view {
        if (expiresAt != 0 && block.timestamp >= expiresAt) revert LedgerPointsExpired(batchId, expiresAt);
    }

    function _checkRegion(uint32 region) private pure {
        if (region < 100000 || region > 999999) revert LedgerInvalidRegion(region);
    }

    /// @dev Amounts are whole grams in (0, 2^64): enough for 1.8e13 tCO2e, far above any programme.
    function _amount(uint256 amount) private pure returns (uint64) {
        if (amount == 0) revert LedgerZeroAmount();
        if (amount > type(uint64).max) revert LedgerAmountTooLarge(amount);
        return uint64(amount);
    }

    // ================================================================ views

    function registry() external view returns (address) {
        return address(_registry);
    }

    function getAccount(address account) external view returns (Account memory) {
        return _accounts[account];
    }

    function accountStatus(address account) external view returns (AccountKind kind, AccountStatus status) {
        Account storage a = _accounts[account];
        return (a.kind, a.status);
    }

    function aggregator() external view returns (address) {
        return _config.aggregator;
    }

    function market() external view returns (address) {
        return _market;
    }

    function bufferAccount() external view returns (address) {
        return _bufferAccount;
    }

    function paused() external view returns (bool) {
        return _config.paused;
    }

    function batchCount() external view returns (uint256) {
        return _counters.batches;
    }

    function nextSerial() external view returns (uint256) {
        return _counters.nextSerial;
    }

    function getBatch(uint256 batchId) external view returns (Batch memory) {
        return _batch(batchId);
    }

    function getBatchSupply(uint256 batchId) external view returns (BatchSupply memory) {
        _batch(batchId);
        return _supplies[batchId];
    }

    function unclaimedOf(uint256 batchId) public view returns (uint256) {
        Batch storage b = _batch(batchId);
        if (b.claimDeadline == 0 || b.distributionClosed) return 0;
        return b.quantity - b.bufferAmount - _supplies[batchId].claimed;
    }

    function issuedForReport(uint256 reportId) external view returns (uint256) {
        return _issuedForReport[reportId];
    }

    function hasClaimed(uint256 batchId, address account) external view returns (bool) {
        return _claimed[batchId][account];
    }

    function getRetirement(uint256 certificateId) external view returns (Retirement memory) {
        return _retirements[certificateId];
    }

    function getCancellation(uint256 cancellationId) external view returns (Cancellation memory) {
        return _cancellations[cancellationId];
    }

    function getLock(uint256 lockId) external view returns (Lock memory) {
        return _locks[lockId];
    }
}
