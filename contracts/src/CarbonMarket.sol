// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICarbonLedger} from "./interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "./interfaces/ICarbonMarket.sol";
import {ICarbonRegistry} from "./interfaces/ICarbonRegistry.sol";
import {Roles} from "./libraries/Roles.sol";
import {
    ComplianceUse,
    ComplianceUseStatus,
    ComplianceYear,
    CoveredEntity,
    CreditImport,
    ImportInput,
    Redemption
} from "./types/MarketTypes.sol";
import {
    AccountKind, AccountStatus, Batch, MethodologyKind, Project, ProjectStatus
} from "./types/RegistryTypes.sol";

/// @title CarbonMarket
/// @notice Hubei compliance use (eligibility and per-entity caps enforced here), imports from partner
/// platforms (attested by the partner's key; origin serials and monitoring periods never counted
/// twice) and redemption of personal points. Credits move only through the ledger's market hooks.
contract CarbonMarket is ICarbonMarket, EIP712, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @dev EIP-712 type a partner platform signs; must equal carbon_chain/eip712.py.
    bytes32 public constant IMPORT_TYPEHASH = keccak256(
        "CreditImport(address partner,uint256 originSerialStart,uint256 originSerialEnd,uint256 projectId,"
        "uint64 periodStart,uint64 periodEnd,uint16 vintage,address recipient,bytes32 evidenceHash,uint64 deadline)"
    );
    /// @dev Hubei's programme caps offsets well below this; it bounds a misconfigured cap.
    uint256 public constant MAX_CAP_BPS = 5000;

    ICarbonRegistry private immutable _registry;
    ICarbonLedger private immutable _ledger;

    uint64 private _useCount;
    uint64 private _importCount;
    uint64 private _redemptionCount;

    mapping(uint16 year => ComplianceYear) private _years;
    mapping(uint16 year => mapping(uint256 methodologyId => bool)) private _eligible;
    mapping(uint16 year => mapping(address entity => CoveredEntity)) private _entities;
    mapping(uint256 useId => ComplianceUse) private _uses;
    mapping(uint256 importId => CreditImport) private _imports;
    mapping(bytes32 digest => uint256 importId) private _importIds;
    /// @dev Per partner, its imported origin ranges as a list sorted by start: start => (end, next start).
    /// Key 0 is the head. Inserting checks only the neighbours named by the caller's hint.
    mapping(address partner => mapping(uint256 start => OriginRange)) private _ranges;
    mapping(uint256 redemptionId => Redemption) private _redemptions;
    /// @dev The compliance destination hash of each configured year, so the ledger can tell a
    /// holder's export lock addressed to the Hubei market from one to another platform.
    mapping(bytes32 destinationHash => uint16 year) private _destinationYears;

    struct OriginRange {
        uint256 end;
        uint256 next;
    }

    constructor(address registry_, address ledger_) EIP712("WuhanCarbonMarket", "1") {
        if (registry_ == address(0)) revert MarketZeroAddress("registry");
        if (ledger_ == address(0)) revert MarketZeroAddress("ledger");
        _registry = ICarbonRegistry(registry_);
        _ledger = ICarbonLedger(ledger_);
    }

    modifier onlyRole(bytes32 role) {
        if (!IAccessControl(address(_registry)).hasRole(role, msg.sender)) revert MarketUnauthorized(msg.sender, role);
        _;
    }

    // ================================================================ Hubei compliance

    /// @inheritdoc ICarbonMarket
    function setComplianceYear(uint16 year, ComplianceYear calldata terms) external onlyRole(Roles.ISSUER) {
        bool vintagesValid = terms.minVintage >= 2000 && terms.minVintage <= terms.maxVintage && terms.maxVintage <= year;
        if (year < 2000 || year > 2200 || !vintagesValid || terms.capBps == 0 || terms.capBps > MAX_CAP_BPS) {
            revert MarketInvalidComplianceYear(year);
        }
        if (terms.closesAt <= block.timestamp) revert MarketComplianceYearClosed(year, terms.closesAt);
        _years[year] = terms;
        _destinationYears[complianceDestination(year)] = year;
        emit ComplianceYearSet(year, terms);
    }

    /// @inheritdoc ICarbonMarket
    function setMethodologyEligibility(uint16 year, uint256 methodologyId, bool eligible)
        external
        onlyRole(Roles.ISSUER)
    {
        _complianceYear(year);
        // Reverts for an unknown methodology, so a typo cannot make a phantom id eligible.
        if (_registry.getMethodology(methodologyId).kind != MethodologyKind.PROJECT) {
            revert MarketMethodologyNotProject(methodologyId);
        }
        _eligible[year][methodologyId] = eligible;
        emit MethodologyEligibilitySet(year, methodologyId, eligible);
    }

    /// @inheritdoc ICarbonMarket
    function setCoveredEntity(uint16 year, address entity, uint256 verifiedEmissions)
        external
        onlyRole(Roles.ISSUER)
    {
        ComplianceYear memory terms = _complianceYear(year);
        // slither-disable-next-line unused-return (a frozen enterprise stays covered; the ledger refuses its lock)
        (AccountKind kind,) = _ledger.accountStatus(entity);
        if (kind != AccountKind.ENTERPRISE) revert MarketNotEnterprise(entity);
        CoveredEntity storage e = _entities[year][entity];
        uint256 cap = _cap(verifiedEmissions, terms.capBps);
        if (cap < e.used) revert MarketCapBelowUse(entity, year, cap, e.used);
        e.verifiedEmissions = verifiedEmissions.toUint64();
        emit CoveredEntitySet(year, entity, verifiedEmissions, cap);
    }

    /// @inheritdoc ICarbonMarket
    function useForCompliance(uint16 year, uint256 batchId, uint256 amount)
        external
        nonReentrant
        returns (uint256 useId)
    {
        ComplianceYear memory terms = _complianceYear(year);
        if (block.timestamp >= terms.closesAt) revert MarketComplianceYearClosed(year, terms.closesAt);
        if (amount == 0) revert MarketZeroAmount();
        _checkEligible(year, terms, batchId);
        CoveredEntity storage e = _entities[year][msg.sender];
        if (e.verifiedEmissions == 0) revert MarketNotCoveredEntity(msg.sender, year);
        uint256 available = _available(e, terms.capBps);
        if (amount > available) revert MarketCapExceeded(msg.sender, year, amount, available);
        // amount <= available < 2^64 here.
        e.used += uint64(amount);
        useId = ++_useCount;
        uint256 lockId = _ledger.lockFor(msg.sender, batchId, amount, complianceDestination(year));
        _uses[useId] = ComplianceUse({
            entity: msg.sender,
            year: year,
            status: ComplianceUseStatus.PENDING,
            batchId: batchId.toUint56(),
            amount: uint64(amount),
            lockId: lockId.toUint64(),
            requestedAt: uint40(block.timestamp),
            marketReference: 0
        });
        emit ComplianceUseRequested(useId, year, msg.sender, batchId, amount, lockId);
    }

    /// @inheritdoc ICarbonMarket
    function confirmComplianceUse(uint256 useId, bytes32 marketReference)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 cancellationId)
    {
        if (marketReference == 0) revert MarketZeroReference();
        ComplianceUse storage u = _pendingUse(useId);
        u.status = ComplianceUseStatus.EXPORTED;
        u.marketReference = marketReference;
        cancellationId = _ledger.confirmExport(u.lockId, marketReference);
        emit ComplianceUseExported(useId, cancellationId, marketReference);
    }

    /// @inheritdoc ICarbonMarket
    function releaseComplianceUse(uint256 useId, string calldata reason) external onlyRole(Roles.ISSUER) nonReentrant {
        ComplianceUse storage u = _pendingUse(useId);
        u.status = ComplianceUseStatus.RELEASED;
        _entities[u.year][u.entity].used -= u.amount;
        emit ComplianceUseReleased(useId, reason);
        _ledger.releaseLock(u.lockId, reason);
    }

    /// @notice The destination hash of a compliance year's locks: keccak256(abi.encode("HUBEI-ETS", year)).
    function complianceDestination(uint16 year) public pure returns (bytes32) {
        return keccak256(abi.encode("HUBEI-ETS", year));
    }

    function _checkEligible(uint16 year, ComplianceYear memory terms, uint256 batchId) private view {
        Batch memory b = _ledger.getBatch(batchId);
        if (b.kind != MethodologyKind.PROJECT) revert MarketPointsNotEligible(batchId);
        if (b.vintage < terms.minVintage || b.vintage > terms.maxVintage) {
            revert MarketVintageNotEligible(batchId, b.vintage, year);
        }
        Project memory p = _registry.getProject(b.projectId);
        // Credits of a suspended (or closed, rejected) project are not surrendered to the market.
        if (p.status != ProjectStatus.REGISTERED) revert MarketProjectNotRegistered(batchId, b.projectId, p.status);
        if (!_eligible[year][p.methodologyId]) revert MarketMethodologyNotEligible(batchId, p.methodologyId, year);
    }

    function _complianceYear(uint16 year) private view returns (ComplianceYear memory terms) {
        terms = _years[year];
        if (terms.capBps == 0) revert MarketUnknownComplianceYear(year);
    }

    function _pendingUse(uint256 useId) private view returns (ComplianceUse storage u) {
        if (useId == 0 || useId > _useCount) revert MarketUnknownComplianceUse(useId);
        u = _uses[useId];
        if (u.status != ComplianceUseStatus.PENDING) revert MarketInvalidComplianceUseStatus(useId, u.status);
    }

    function _cap(uint256 verifiedEmissions, uint16 capBps) private pure returns (uint256) {
        return (verifiedEmissions * capBps) / 10_000;
    }

    /// @dev Zero, not an underflow, when terms re-set with a lower cap share leave the entity above its cap.
    function _available(CoveredEntity storage e, uint16 capBps) private view returns (uint256) {
        uint256 cap = _cap(e.verifiedEmissions, capBps);
        return cap > e.used ? cap - e.used : 0;
    }

    // ================================================================ mutual recognition

    /// @inheritdoc ICarbonMarket
    function importCredits(ImportInput calldata input, bytes calldata attestation, uint256 previousStart)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 importId, uint256 batchId)
    {
        bytes32 digest = importDigest(input);
        uint256 existing = _importIds[digest];
        if (existing != 0) revert MarketImportReplayed(digest, existing);
        if (block.timestamp > input.deadline) revert MarketImportExpired(input.deadline, block.timestamp);
        _checkAttestation(input.partner, digest, attestation);
        _insertOriginRange(input.partner, input.originSerialStart, input.originSerialEnd, previousStart);
        importId = ++_importCount;
        _importIds[digest] = importId;
        batchId = _issueImported(input);
        _imports[importId] = CreditImport({
            partner: input.partner,
            batchId: batchId.toUint56(),
            importedAt: uint40(block.timestamp),
            originSerialStart: input.originSerialStart,
            originSerialEnd: input.originSerialEnd,
            digest: digest
        });
        emit CreditsImported(importId, batchId, input.partner, input, digest);
    }

    /// @dev One gram per origin serial; the ledger mints the batch and the registry consumes the period.
    function _issueImported(ImportInput calldata input) private returns (uint256) {
        uint256 quantity = input.originSerialEnd - input.originSerialStart;
        return _ledger.issueImported(
            input.recipient, input.projectId, input.periodStart, input.periodEnd, input.vintage, quantity
        );
    }

    function _checkAttestation(address partner, bytes32 digest, bytes calldata attestation) private view {
        // slither-disable-next-line unused-return (the third value only details the error code checked here)
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, attestation);
        if (err != ECDSA.RecoverError.NoError || signer != partner) revert MarketInvalidAttestation(partner, signer);
        (AccountKind kind, AccountStatus status) = _ledger.accountStatus(partner);
        if (kind != AccountKind.PARTNER_REGISTRY || status != AccountStatus.ACTIVE) revert MarketNotPartner(partner);
    }

    /// @dev Insert [start, end) after the range starting at `previousStart`: it must end at or before
    /// `start`, and the next range must begin at or after `end`. Sorted and disjoint by induction.
    function _insertOriginRange(address partner, uint256 start, uint256 end, uint256 previousStart) private {
        if (start == 0 || end <= start) revert MarketInvalidOriginSerials(start, end);
        OriginRange storage prev = _ranges[partner][previousStart];
        if (previousStart != 0) {
            if (prev.end == 0 || previousStart > start) revert MarketStaleSerialHint(partner, previousStart);
            if (prev.end > start) revert MarketOriginSerialsOverlap(partner, start, end, previousStart, prev.end);
        }
        uint256 next = prev.next;
        if (next != 0) {
            uint256 nextEnd = _ranges[partner][next].end;
            // The next range lies wholly below `start`: the hint is not the range just below it.
            if (nextEnd <= start) revert MarketStaleSerialHint(partner, previousStart);
            if (next < end) revert MarketOriginSerialsOverlap(partner, start, end, next, nextEnd);
        }
        _ranges[partner][start] = OriginRange({end: end, next: next});
        _ranges[partner][previousStart].next = start;
    }

    // ================================================================ personal incentives

    /// @inheritdoc ICarbonMarket
    function redeemPoints(uint256 batchId, uint256 amount, bytes32 incentiveReference)
        external
        nonReentrant
        returns (uint256 redemptionId)
    {
        if (incentiveReference == 0) revert MarketZeroReference();
        // slither-disable-next-line unused-return (the status is the ledger's to check, on the transfer)
        (AccountKind kind,) = _ledger.accountStatus(msg.sender);
        if (kind != AccountKind.INDIVIDUAL) revert MarketNotCitizen(msg.sender);
        if (_ledger.getBatch(batchId).kind != MethodologyKind.PERSONAL_SCENARIO) revert MarketNotPoints(batchId);
        address aggregator = _ledger.aggregator();
        if (aggregator == address(0)) revert MarketNoAggregator();
        if (amount == 0) revert MarketZeroAmount();
        redemptionId = ++_redemptionCount;
        _redemptions[redemptionId] = Redemption({
            citizen: msg.sender,
            batchId: batchId.toUint56(),
            redeemedAt: uint40(block.timestamp),
            amount: amount.toUint64(),
            aggregator: aggregator,
            incentiveReference: incentiveReference
        });
        emit PointsRedeemed(redemptionId, msg.sender, batchId, amount, aggregator, incentiveReference);
        // The ledger applies the points rules (ACTIVE accounts, not expired, only to the aggregator).
        _ledger.transferFor(msg.sender, aggregator, batchId, amount);
    }

    // ================================================================ views

    function registry() external view returns (address) {
        return address(_registry);
    }

    function ledger() external view returns (address) {
        return address(_ledger);
    }

    function complianceYear(uint16 year) external view returns (ComplianceYear memory) {
        return _years[year];
    }

    function complianceYearOf(bytes32 destinationHash) external view returns (uint16) {
        return _destinationYears[destinationHash];
    }

    function isEligible(uint16 year, uint256 methodologyId) external view returns (bool) {
        return _eligible[year][methodologyId];
    }

    function coveredEntity(uint16 year, address entity) external view returns (CoveredEntity memory) {
        return _entities[year][entity];
    }

    function availableCap(uint16 year, address entity) external view returns (uint256) {
        return _available(_entities[year][entity], _years[year].capBps);
    }

    function complianceUseCount() external view returns (uint256) {
        return _useCount;
    }

    function getComplianceUse(uint256 useId) external view returns (ComplianceUse memory) {
        return _uses[useId];
    }

    function importCount() external view returns (uint256) {
        return _importCount;
    }

    function getImport(uint256 importId) external view returns (CreditImport memory) {
        return _imports[importId];
    }

    function importIdOf(bytes32 digest) external view returns (uint256) {
        return _importIds[digest];
    }

    function importedRange(address partner, uint256 start) external view returns (uint256 end, uint256 nextStart) {
        OriginRange storage r = _ranges[partner][start];
        return (r.end, r.next);
    }

    function redemptionCount() external view returns (uint256) {
        return _redemptionCount;
    }

    function getRedemption(uint256 redemptionId) external view returns (Redemption memory) {
        return _redemptions[redemptionId];
    }

    /// @inheritdoc ICarbonMarket
    function importDigest(ImportInput calldata input) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    IMPORT_TYPEHASH,
                    input.partner,
                    input.originSerialStart,
                    input.originSerialEnd,
                    input.projectId,
                    input.periodStart,
                    input.periodEnd,
                    input.vintage,
                    input.recipient,
                    input.evidenceHash,
                    input.deadline
                )
            )
        );
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
