// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICarbonRegistry} from "./interfaces/ICarbonRegistry.sol";
import {ICarbonLedger} from "./interfaces/ICarbonLedger.sol";
import {Roles} from "./libraries/Roles.sol";
import {
    Account,
    AccountKind,
    AccountStatus,
    CarbonEvent,
    IssuanceTerms,
    Methodology,
    MethodologyKind,
    MethodologyStatus,
    Project,
    ProjectStatus,
    Report,
    ReportInput,
    ReportStatus
} from "./types/RegistryTypes.sol";

/// @title CarbonRegistry
/// @notice Roles, methodologies, projects and k-of-n verified reports of the Wuhan carbon-inclusive
/// registry. Admin hand-over is two-step and delayed (AccessControlDefaultAdminRules).
contract CarbonRegistry is ICarbonRegistry, AccessControlDefaultAdminRules, EIP712 {
    using SafeCast for uint256;

    /// @dev EIP-712 type verifiers sign; must equal carbon_chain/eip712.py.
    bytes32 public constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 projectId,uint64 periodStart,uint64 periodEnd,uint256 quantity,bytes32 dataRoot,"
        "bytes32 evidenceHash,string methodologyCode,uint32 methodologyVersion,uint64 deadline)"
    );
    uint256 public constant MAX_NOTICE_PERIOD = 90 days;
    /// @dev Bounds points' validity so an expiry time always fits the ledger's uint40.
    uint256 public constant MAX_POINT_VALIDITY = 3650 days;

    ICarbonLedger private _ledger;
    uint32 private _methodologyCount;
    uint64 private _projectCount;
    uint64 private _reportCount;
    uint64 private _noticePeriod;
    uint16 private _verifierThreshold;
    uint64 private _eventCount;

    mapping(uint256 methodologyId => Methodology) private _methodologies;
    mapping(bytes32 codeVersionKey => uint256 methodologyId) private _methodologyIds;
    mapping(uint256 projectId => Project) private _projects;
    mapping(uint256 reportId => Report) private _reports;
    mapping(bytes32 digest => uint256 reportId) private _reportIds;
    mapping(uint256 eventId => CarbonEvent) private _events;
    mapping(uint256 eventId => uint256[] certificateIds) private _eventRetirements;

    /// @param initialAdminDelay Seconds a new default admin waits before accepting the hand-over.
    /// @param admin The management agency's admin key.
    /// @param threshold k, the number of distinct verifier signatures a report needs.
    /// @param noticePeriod_ Public-notice period of new projects, in seconds (DESIGN.md: 7 days).
    constructor(uint48 initialAdminDelay, address admin, uint256 threshold, uint256 noticePeriod_)
        AccessControlDefaultAdminRules(initialAdminDelay, admin)
        EIP712("WuhanCarbonRegistry", "1")
    {
        _setVerifierThreshold(threshold);
        _setNoticePeriod(noticePeriod_);
    }

    modifier knownProject(uint256 projectId) {
        if (projectId == 0 || projectId > _projectCount) revert RegistryUnknownProject(projectId);
        _;
    }

    // ================================================================ admin

    /// @inheritdoc ICarbonRegistry
    function setLedger(address ledger_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(_ledger) != address(0)) revert RegistryLedgerAlreadySet(address(_ledger));
        if (ledger_ == address(0)) revert RegistryZeroAddress("ledger");
        _ledger = ICarbonLedger(ledger_);
        emit LedgerConnected(ledger_);
    }

    /// @inheritdoc ICarbonRegistry
    function setVerifierThreshold(uint256 threshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVerifierThreshold(threshold);
    }

    /// @inheritdoc ICarbonRegistry
    function setNoticePeriod(uint256 noticePeriod_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setNoticePeriod(noticePeriod_);
    }

    function _setVerifierThreshold(uint256 threshold) private {
        if (threshold == 0 || threshold > type(uint16).max) revert RegistryInvalidThreshold(threshold);
        emit VerifierThresholdChanged(_verifierThreshold, threshold);
        _verifierThreshold = uint16(threshold);
    }

    function _setNoticePeriod(uint256 noticePeriod_) private {
        if (noticePeriod_ > MAX_NOTICE_PERIOD) revert RegistryInvalidNoticePeriod(noticePeriod_);
        emit NoticePeriodChanged(_noticePeriod, noticePeriod_);
        _noticePeriod = uint64(noticePeriod_);
    }

    // ================================================================ methodologies

    /// @inheritdoc ICarbonRegistry
    function registerMethodology(
        string calldata code,
        uint32 version,
        string calldata sector,
        MethodologyKind kind,
        bytes32 documentHash,
        uint64 pointValidity
    ) external onlyRole(Roles.REGISTRAR) returns (uint256 methodologyId) {
        if (bytes(code).length == 0 || bytes(code).length > 32) revert RegistryInvalidMethodology("code");
        if (bytes(sector).length == 0 || bytes(sector).length > 32) revert RegistryInvalidMethodology("sector");
        if (version == 0) revert RegistryInvalidMethodology("version");
        if (documentHash == bytes32(0)) revert RegistryInvalidMethodology("documentHash");
        if ((kind == MethodologyKind.PROJECT && pointValidity != 0) || pointValidity > MAX_POINT_VALIDITY) {
            revert RegistryInvalidMethodology("pointValidity");
        }
        bytes32 key = keccak256(abi.encode(code, version));
        uint256 existing = _methodologyIds[key];
        if (existing != 0) revert RegistryMethodologyExists(code, version, existing);

        methodologyId = ++_methodologyCount;
        _methodologyIds[key] = methodologyId;
        _methodologies[methodologyId] = Methodology({
            code: code,
            version: version,
            kind: kind,
            status: MethodologyStatus.ACTIVE,
            pointValidity: pointValidity,
            sector: sector,
            documentHash: documentHash
        });
        emit MethodologyRegistered(methodologyId, code, version, sector, kind, documentHash, pointValidity);
    }

    /// @inheritdoc ICarbonRegistry
    function deprecateMethodology(uint256 methodologyId, string calldata reason) external onlyRole(Roles.REGISTRAR) {
        Methodology storage m = _methodology(methodologyId);
        if (m.status != MethodologyStatus.ACTIVE) revert RegistryMethodologyNotActive(methodologyId, m.status);
        m.status = MethodologyStatus.DEPRECATED;
        emit MethodologyDeprecated(methodologyId, reason);
    }

    function _methodology(uint256 methodologyId) private view returns (Methodology storage m) {
        if (methodologyId == 0 || methodologyId > _methodologyCount) revert RegistryUnknownMethodology(methodologyId);
        m = _methodologies[methodologyId];
    }

    // ================================================================ projects

    /// @inheritdoc ICarbonRegistry
    function proposeProject(
        uint256 methodologyId,
        address proponent,
        uint32 region,
        bytes32 metadataHash,
        string calldata metadataURI
    ) external onlyRole(Roles.REGISTRAR) returns (uint256 projectId) {
        Methodology storage m = _methodology(methodologyId);
        if (m.status != MethodologyStatus.ACTIVE) revert RegistryMethodologyNotActive(methodologyId, m.status);
        if (region < 100000 || region > 999999) revert RegistryInvalidRegion(region);
        Account memory account = _ledgerAccount(proponent);
        if (account.status != AccountStatus.ACTIVE) revert RegistryProponentNotActive(proponent);

        projectId = ++_projectCount;
        uint64 noticeEndsAt = uint64(block.timestamp) + _noticePeriod;
        Project storage p = _projects[projectId];
        p.methodologyId = uint32(methodologyId);
        p.status = ProjectStatus.PROPOSED;
        p.region = region;
        p.noticeEndsAt = noticeEndsAt;
        p.proponent = proponent;
        p.metadataHash = metadataHash;
        p.metadataURI = metadataURI;
        emit ProjectProposed(projectId, methodologyId, proponent, region, noticeEndsAt, metadataHash, metadataURI);
    }

    /// @inheritdoc ICarbonRegistry
    function registerProject(uint256 projectId) external onlyRole(Roles.REGISTRAR) knownProject(projectId) {
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.PROPOSED) revert RegistryInvalidProjectStatus(projectId, p.status);
        if (block.timestamp < p.noticeEndsAt) revert RegistryNoticePeriodActive(projectId, p.noticeEndsAt);
        _setProjectStatus(projectId, p, ProjectStatus.REGISTERED, "");
    }

    /// @inheritdoc ICarbonRegistry
    function rejectProject(uint256 projectId, string calldata reason)
        external
        onlyRole(Roles.REGISTRAR)
        knownProject(projectId)
    {
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.PROPOSED) revert RegistryInvalidProjectStatus(projectId, p.status);
        _setProjectStatus(projectId, p, ProjectStatus.REJECTED, reason);
    }

    /// @inheritdoc ICarbonRegistry
    function suspendProject(uint256 projectId, string calldata reason)
        external
        onlyRole(Roles.REGISTRAR)
        knownProject(projectId)
    {
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.REGISTERED) revert RegistryInvalidProjectStatus(projectId, p.status);
        _setProjectStatus(projectId, p, ProjectStatus.SUSPENDED, reason);
    }

    /// @inheritdoc ICarbonRegistry
    function resumeProject(uint256 projectId, string calldata reason)
        external
        onlyRole(Roles.REGISTRAR)
        knownProject(projectId)
    {
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.SUSPENDED) revert RegistryInvalidProjectStatus(projectId, p.status);
        _setProjectStatus(projectId, p, ProjectStatus.REGISTERED, reason);
    }

    /// @inheritdoc ICarbonRegistry
    function closeProject(uint256 projectId, string calldata reason)
        external
        onlyRole(Roles.REGISTRAR)
        knownProject(projectId)
    {
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.REGISTERED && p.status != ProjectStatus.SUSPENDED) {
            revert RegistryInvalidProjectStatus(projectId, p.status);
        }
        _setProjectStatus(projectId, p, ProjectStatus.CLOSED, reason);
    }

    function _setProjectStatus(uint256 projectId, Project storage p, ProjectStatus status, string memory reason)
        private
    {
        emit ProjectStatusChanged(projectId, p.status, status, reason);
        p.status = status;
    }

    // ================================================================ reports

    /// @inheritdoc ICarbonRegistry
    function submitReport(ReportInput calldata input, bytes[] calldata signatures)
        external
        onlyRole(Roles.ORACLE)
        knownProject(input.projectId)
        returns (uint256 reportId)
    {
        // Replay is checked first (before expiry too), so a resubmitting oracle learns its report is
        // already on-chain even when it resumes after the signatures' deadline.
        bytes32 digest = reportDigest(input);
        uint256 existing = _reportIds[digest];
        if (existing != 0) revert ReportReplayed(digest, existing);
        if (block.timestamp > input.deadline) revert ReportExpired(input.deadline, block.timestamp);
        Project storage p = _projects[input.projectId];
        uint32 methodologyId = _checkReportSubject(input, p);
        address[] memory signers = _verifySignatures(digest, signatures);
        p.lastPeriodEnd = input.periodEnd;
        reportId = _storeReport(input, methodologyId, digest, signers);
    }

    function _storeReport(ReportInput calldata input, uint32 methodologyId, bytes32 digest, address[] memory signers)
        private
        returns (uint256 reportId)
    {
        reportId = ++_reportCount;
        _reportIds[digest] = reportId;
        Report memory report = Report({
            projectId: uint64(input.projectId),
            periodStart: input.periodStart,
            periodEnd: input.periodEnd,
            submittedAt: uint40(block.timestamp),
            status: ReportStatus.VERIFIED,
            quantity: input.quantity.toUint64(),
            methodologyId: methodologyId,
            dataRoot: input.dataRoot,
            evidenceHash: input.evidenceHash
        });
        _reports[reportId] = report;
        emit ReportVerified(reportId, digest, report, input.deadline, signers);
    }

    /// @dev Check project, methodology, period and quantity; return the methodology id.
    function _checkReportSubject(ReportInput calldata input, Project storage p) private view returns (uint32) {
        if (p.status != ProjectStatus.REGISTERED) revert ReportProjectNotRegistered(input.projectId, p.status);
        Methodology storage m = _methodologies[p.methodologyId];
        if (m.status != MethodologyStatus.ACTIVE) revert RegistryMethodologyNotActive(p.methodologyId, m.status);
        if (m.version != input.methodologyVersion || keccak256(bytes(m.code)) != keccak256(bytes(input.methodologyCode)))
        {
            revert ReportMethodologyMismatch(input.projectId, input.methodologyCode, input.methodologyVersion);
        }
        _checkPeriod(input.projectId, p, input.periodStart, input.periodEnd);
        if (input.quantity == 0) revert ReportZeroQuantity();
        return p.methodologyId;
    }

    /// @dev A monitoring period is non-empty, over, and after every period already reported or imported.
    function _checkPeriod(uint256 projectId, Project storage p, uint64 periodStart, uint64 periodEnd) private view {
        if (periodStart >= periodEnd) revert ReportInvalidPeriod(periodStart, periodEnd);
        if (periodEnd > block.timestamp) revert ReportPeriodInFuture(periodEnd, block.timestamp);
        if (periodStart < p.lastPeriodEnd) revert ReportPeriodOverlap(projectId, periodStart, p.lastPeriodEnd);
    }

    /// @dev Every signature must come from a distinct verifier ACTIVE now, in ascending address order.
    function _verifySignatures(bytes32 digest, bytes[] calldata signatures)
        private
        view
        returns (address[] memory signers)
    {
        uint256 threshold = _verifierThreshold;
        if (signatures.length < threshold) revert ReportInsufficientSignatures(signatures.length, threshold);
        signers = new address[](signatures.length);
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            // slither-disable-next-line unused-return (the third value only details the error code checked here)
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert ReportInvalidSignature(i);
            if (signer <= previous) revert ReportSignersNotAscending(previous, signer);
            if (!isActiveVerifier(signer)) revert ReportSignerNotVerifier(signer);
            signers[i] = signer;
            previous = signer;
        }
    }

    /// @inheritdoc ICarbonRegistry
    function rejectReport(uint256 reportId, string calldata reason) external onlyRole(Roles.ISSUER) {
        Report storage r = _report(reportId);
        if (r.status != ReportStatus.VERIFIED) revert RegistryInvalidReportStatus(reportId, r.status);
        uint256 issued = _ledger.issuedForReport(reportId);
        if (issued != 0) revert RegistryReportAlreadyIssued(reportId, issued);
        r.status = ReportStatus.REJECTED;
        // The latest period of a project is released so a corrected report can replace it;
        // an older one stays consumed, which can only under-count, never double count.
        Project storage p = _projects[r.projectId];
        if (p.lastPeriodEnd == r.periodEnd) p.lastPeriodEnd = r.periodStart;
        emit ReportRejected(reportId, reason);
    }

    function _report(uint256 reportId) private view returns (Report storage r) {
        if (reportId == 0 || reportId > _reportCount) revert RegistryUnknownReport(reportId);
        r = _reports[reportId];
    }

    function _ledgerAccount(address account) private view returns (Account memory) {
        if (address(_ledger) == address(0)) revert RegistryZeroAddress("ledger");
        return _ledger.getAccount(account);
    }

    // ================================================================ large events

    /// @inheritdoc ICarbonRegistry
    function registerEvent(
        string calldata name,
        uint32 region,
        uint40 startsAt,
        uint40 endsAt,
        uint256 footprint,
        bytes32 evidenceHash
    ) external returns (uint256 eventId) {
        Account memory organiser = _ledgerAccount(msg.sender);
        if (organiser.kind != AccountKind.ORGANISER || organiser.status != AccountStatus.ACTIVE) {
            revert RegistryNotOrganiser(msg.sender);
        }
        if (bytes(name).length == 0 || bytes(name).length > 128) revert RegistryInvalidEvent("name");
        if (region < 100000 || region > 999999) revert RegistryInvalidRegion(region);
        if (startsAt == 0 || endsAt < startsAt) revert RegistryInvalidEvent("dates");
        if (footprint == 0) revert RegistryInvalidEvent("footprint");
        if (evidenceHash == bytes32(0)) revert RegistryInvalidEvent("evidenceHash");
        eventId = ++_eventCount;
        _events[eventId] = CarbonEvent({
            organiser: msg.sender,
            region: region,
            neutral: false,
            startsAt: startsAt,
            endsAt: endsAt,
            footprint: footprint.toUint64(),
            retired: 0,
            evidenceHash: evidenceHash,
            name: name
        });
        emit CarbonEventRegistered(eventId, msg.sender, name, region, startsAt, endsAt, footprint, evidenceHash);
    }

    /// @inheritdoc ICarbonRegistry
    function recordEventRetirement(uint256 eventId, uint256 certificateId, uint256 amount)
        external
        returns (address organiser, uint32 region)
    {
        if (msg.sender != address(_ledger)) revert RegistryOnlyLedger(msg.sender);
        CarbonEvent storage ev = _event(eventId);
        uint64 retired = ev.retired + amount.toUint64();
        ev.retired = retired;
        _eventRetirements[eventId].push(certificateId);
        if (!ev.neutral && retired >= ev.footprint) {
            ev.neutral = true;
            emit CarbonEventNeutralised(eventId, retired, ev.footprint);
        }
        return (ev.organiser, ev.region);
    }

    // ================================================================ imports (项目互认)

    /// @inheritdoc ICarbonRegistry
    function recordImportedPeriod(uint256 projectId, uint64 periodStart, uint64 periodEnd)
        external
        knownProject(projectId)
        returns (IssuanceTerms memory terms)
    {
        if (msg.sender != address(_ledger)) revert RegistryOnlyLedger(msg.sender);
        Project storage p = _projects[projectId];
        if (p.status != ProjectStatus.REGISTERED) revert ReportProjectNotRegistered(projectId, p.status);
        Methodology storage m = _methodologies[p.methodologyId];
        if (m.status != MethodologyStatus.ACTIVE) revert RegistryMethodologyNotActive(p.methodologyId, m.status);
        // Personal points stay on the platform that measured them; only project credits are recognised.
        if (m.kind != MethodologyKind.PROJECT) revert RegistryImportOfPoints(projectId);
        _checkPeriod(projectId, p, periodStart, periodEnd);
        p.lastPeriodEnd = periodEnd;
        terms.projectId = uint64(projectId);
        terms.projectStatus = p.status;
        terms.region = p.region;
        terms.methodologyKind = m.kind;
        terms.methodologyStatus = m.status;
    }

    function _event(uint256 eventId) private view returns (CarbonEvent storage ev) {
        if (eventId == 0 || eventId > _eventCount) revert RegistryUnknownEvent(eventId);
        ev = _events[eventId];
    }

    // ================================================================ views

    function eventCount() external view returns (uint256) {
        return _eventCount;
    }

    function getEvent(uint256 eventId) external view returns (CarbonEvent memory) {
        return _event(eventId);
    }

    function eventRetirements(uint256 eventId) external view returns (uint256[] memory) {
        _event(eventId);
        return _eventRetirements[eventId];
    }

    /// @inheritdoc ICarbonRegistry
    function reportDigest(ReportInput calldata input) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    REPORT_TYPEHASH,
                    input.projectId,
                    input.periodStart,
                    input.periodEnd,
                    input.quantity,
                    input.dataRoot,
                    input.evidenceHash,
                    keccak256(bytes(input.methodologyCode)),
                    input.methodologyVersion,
                    input.deadline
                )
            )
        );
    }

    /// @inheritdoc ICarbonRegistry
    function isActiveVerifier(address account) public view returns (bool) {
        if (!hasRole(Roles.VERIFIER, account)) return false;
        if (address(_ledger) == address(0)) revert RegistryZeroAddress("ledger");
        (AccountKind kind, AccountStatus status) = _ledger.accountStatus(account);
        return kind == AccountKind.VERIFIER && status == AccountStatus.ACTIVE;
    }

    /// @inheritdoc ICarbonRegistry
    function issuanceTerms(uint256 reportId) external view returns (IssuanceTerms memory terms) {
        Report storage r = _report(reportId);
        Project storage p = _projects[r.projectId];
        Methodology storage m = _methodologies[r.methodologyId];
        terms = IssuanceTerms({
            reportStatus: r.status,
            quantity: r.quantity,
            projectId: r.projectId,
            projectStatus: p.status,
            proponent: p.proponent,
            region: p.region,
            methodologyKind: m.kind,
            methodologyStatus: m.status,
            pointValidity: m.pointValidity
        });
    }

    function ledger() external view returns (address) {
        return address(_ledger);
    }

    function verifierThreshold() external view returns (uint256) {
        return _verifierThreshold;
    }

    function noticePeriod() external view returns (uint256) {
        return _noticePeriod;
    }

    function methodologyCount() external view returns (uint256) {
        return _methodologyCount;
    }

    function projectCount() external view returns (uint256) {
        return _projectCount;
    }

    function reportCount() external view returns (uint256) {
        return _reportCount;
    }

    function getMethodology(uint256 methodologyId) external view returns (Methodology memory) {
        return _methodology(methodologyId);
    }

    function methodologyIdOf(string calldata code, uint32 version) external view returns (uint256) {
        return _methodologyIds[keccak256(abi.encode(code, version))];
    }

    function getProject(uint256 projectId) external view knownProject(projectId) returns (Project memory) {
        return _projects[projectId];
    }

    function getReport(uint256 reportId) external view returns (Report memory) {
        return _report(reportId);
    }

    function reportIdOf(bytes32 digest) external view returns (uint256) {
        return _reportIds[digest];
    }

    /// @notice The EIP-712 domain separator (chain id and this contract bound in).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
