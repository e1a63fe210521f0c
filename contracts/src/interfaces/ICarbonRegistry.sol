// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {
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
} from "../types/RegistryTypes.sol";

/// @title Registration and verification of emission reductions
/// @notice Holds the roles of the whole registry, the methodologies (方法学), projects (碳减排项目)
/// and verified reports (核证). Credits themselves live in the CarbonLedger.
interface ICarbonRegistry {
    // ---------------------------------------------------------------- errors
    /// @notice The ledger was already connected; it is set once.
    error RegistryLedgerAlreadySet(address ledger);
    /// @notice A zero address was given for `field`.
    error RegistryZeroAddress(string field);
    /// @notice The verifier threshold must be at least one.
    error RegistryInvalidThreshold(uint256 threshold);
    /// @notice The public-notice period must lie within the allowed bounds.
    error RegistryInvalidNoticePeriod(uint256 noticePeriod);
    /// @notice A methodology with this code and version is already registered.
    error RegistryMethodologyExists(string code, uint32 version, uint256 methodologyId);
    /// @notice Methodology code, sector or version is empty or malformed.
    error RegistryInvalidMethodology(string field);
    error RegistryUnknownMethodology(uint256 methodologyId);
    error RegistryMethodologyNotActive(uint256 methodologyId, MethodologyStatus status);
    error RegistryUnknownProject(uint256 projectId);
    /// @notice The project is not in a status that allows this transition.
    error RegistryInvalidProjectStatus(uint256 projectId, ProjectStatus status);
    /// @notice The public-notice period (公示) has not ended yet.
    error RegistryNoticePeriodActive(uint256 projectId, uint64 noticeEndsAt);
    /// @notice The proponent is not an ACTIVE registered account.
    error RegistryProponentNotActive(address proponent);
    /// @notice A GB/T 2260 region code must have six digits.
    error RegistryInvalidRegion(uint32 region);
    error RegistryUnknownReport(uint256 reportId);
    error RegistryInvalidReportStatus(uint256 reportId, ReportStatus status);
    /// @notice Credits were already issued against the report, so it can no longer be rejected.
    error RegistryReportAlreadyIssued(uint256 reportId, uint256 issued);
    /// @notice The project must be REGISTERED to report on it.
    error ReportProjectNotRegistered(uint256 projectId, ProjectStatus status);
    /// @notice The signed methodology code/version differs from the project's methodology.
    error ReportMethodologyMismatch(uint256 projectId, string code, uint32 version);
    /// @notice periodStart must be before periodEnd.
    error ReportInvalidPeriod(uint64 periodStart, uint64 periodEnd);
    /// @notice A monitoring period may not end after the current block time.
    error ReportPeriodInFuture(uint64 periodEnd, uint256 blockTime);
    /// @notice Monitoring periods of one project never overlap (no double counting in time).
    error ReportPeriodOverlap(uint256 projectId, uint64 periodStart, uint64 lastPeriodEnd);
    error ReportZeroQuantity();
    /// @notice The verifiers' signatures expired before submission.
    error ReportExpired(uint64 deadline, uint256 blockTime);
    /// @notice The same signed report was already submitted (replay).
    error ReportReplayed(bytes32 digest, uint256 reportId);
    /// @notice Fewer signatures than the threshold k.
    error ReportInsufficientSignatures(uint256 provided, uint256 threshold);
    /// @notice A signature at `index` is malformed and recovers no signer.
    error ReportInvalidSignature(uint256 index);
    /// @notice Signers must be strictly ascending, so no verifier counts twice.
    error ReportSignersNotAscending(address previous, address signer);
    /// @notice The signer is not a verifier ACTIVE at submission.
    error ReportSignerNotVerifier(address signer);

    error RegistryUnknownEvent(uint256 eventId);
    error RegistryInvalidEvent(string field);
    /// @notice Only an ACTIVE ORGANISER account registers events.
    error RegistryNotOrganiser(address account);
    /// @notice Only the connected ledger records retirements against events and imported periods.
    error RegistryOnlyLedger(address caller);
    /// @notice Personal-scenario points are not imported from other platforms.
    error RegistryImportOfPoints(uint256 projectId);

    // ---------------------------------------------------------------- events
    event LedgerConnected(address indexed ledger);
    event VerifierThresholdChanged(uint256 previous, uint256 threshold);
    event NoticePeriodChanged(uint256 previous, uint256 noticePeriod);
    event MethodologyRegistered(
        uint256 indexed methodologyId,
        string code,
        uint32 version,
        string sector,
        MethodologyKind kind,
        bytes32 documentHash,
        uint64 pointValidity
    );
    event MethodologyDeprecated(uint256 indexed methodologyId, string reason);
    event ProjectProposed(
        uint256 indexed projectId,
        uint256 indexed methodologyId,
        address indexed proponent,
        uint32 region,
        uint64 noticeEndsAt,
        bytes32 metadataHash,
        string metadataURI
    );
    event ProjectStatusChanged(uint256 indexed projectId, ProjectStatus previous, ProjectStatus status, string reason);
    /// @notice A report was submitted with k-of-n valid verifier signatures: it is verified.
    event ReportVerified(
        uint256 indexed reportId, bytes32 indexed digest, Report report, uint64 deadline, address[] signers
    );
    event ReportRejected(uint256 indexed reportId, string reason);
    event CarbonEventRegistered(
        uint256 indexed eventId,
        address indexed organiser,
        string name,
        uint32 region,
        uint40 startsAt,
        uint40 endsAt,
        uint256 footprint,
        bytes32 evidenceHash
    );
    /// @notice Retirements against the event now cover its footprint.
    event CarbonEventNeutralised(uint256 indexed eventId, uint256 retired, uint256 footprint);

    // ---------------------------------------------------------------- admin
    /// @notice Connect the ledger whose accounts this registry reads (once).
    function setLedger(address ledger) external;
    /// @notice Set k, the number of distinct verifier signatures a report needs.
    function setVerifierThreshold(uint256 threshold) external;
    /// @notice Set the public-notice period for new projects, in seconds.
    function setNoticePeriod(uint256 noticePeriod) external;

    // ---------------------------------------------------------------- methodologies
    /// @notice Register an approved methodology or personal scenario; returns its id.
    function registerMethodology(
        string calldata code,
        uint32 version,
        string calldata sector,
        MethodologyKind kind,
        bytes32 documentHash,
        uint64 pointValidity
    ) external returns (uint256 methodologyId);
    /// @notice Withdraw a methodology: no new reports or issuance under it.
    function deprecateMethodology(uint256 methodologyId, string calldata reason) external;

    // ---------------------------------------------------------------- projects
    /// @notice Propose a project; it enters its public-notice period.
    function proposeProject(
        uint256 methodologyId,
        address proponent,
        uint32 region,
        bytes32 metadataHash,
        string calldata metadataURI
    ) external returns (uint256 projectId);
    /// @notice Register a proposed project whose notice period has passed.
    function registerProject(uint256 projectId) external;
    /// @notice Reject a proposed project with a reason.
    function rejectProject(uint256 projectId, string calldata reason) external;
    /// @notice Suspend a registered project: no reports or issuance until resumed.
    function suspendProject(uint256 projectId, string calldata reason) external;
    /// @notice Resume a suspended project.
    function resumeProject(uint256 projectId, string calldata reason) external;
    /// @notice Close a project for good.
    function closeProject(uint256 projectId, string calldata reason) external;

    // ---------------------------------------------------------------- reports
    /// @notice Submit a report signed by at least k distinct ACTIVE verifiers (EIP-712), as the oracle.
    /// @param signatures 65-byte signatures, ordered by strictly ascending signer address.
    function submitReport(ReportInput calldata input, bytes[] calldata signatures) external returns (uint256 reportId);
    /// @notice Reject a verified report before any credit is issued against it.
    function rejectReport(uint256 reportId, string calldata reason) external;

    // ---------------------------------------------------------------- large events (大型活动)
    /// @notice Register a large event with its footprint, as an ACTIVE organiser account.
    function registerEvent(
        string calldata name,
        uint32 region,
        uint40 startsAt,
        uint40 endsAt,
        uint256 footprint,
        bytes32 evidenceHash
    ) external returns (uint256 eventId);
    /// @notice Record a retirement made against an event (ledger only); returns organiser and region.
    function recordEventRetirement(uint256 eventId, uint256 certificateId, uint256 amount)
        external
        returns (address organiser, uint32 region);

    // ---------------------------------------------------------------- views
    // ---------------------------------------------------------------- imports (项目互认)
    /// @notice Consume a monitoring period of a REGISTERED project for credits imported from a
    /// partner platform (ledger only): the period must follow every period reported or imported
    /// before, so one reduction is never counted here and there. Returns the batch terms.
    function recordImportedPeriod(uint256 projectId, uint64 periodStart, uint64 periodEnd)
        external
        returns (IssuanceTerms memory terms);

    function ledger() external view returns (address);
    function verifierThreshold() external view returns (uint256);
    function noticePeriod() external view returns (uint256);
    function methodologyCount() external view returns (uint256);
    function projectCount() external view returns (uint256);
    function reportCount() external view returns (uint256);
    function getMethodology(uint256 methodologyId) external view returns (Methodology memory);
    function methodologyIdOf(string calldata code, uint32 version) external view returns (uint256);
    function getProject(uint256 projectId) external view returns (Project memory);
    function getReport(uint256 reportId) external view returns (Report memory);
    /// @notice The report id a signed payload was submitted as, or 0.
    function reportIdOf(bytes32 digest) external view returns (uint256);
    /// @notice The EIP-712 digest verifiers sign for `input`.
    function reportDigest(ReportInput calldata input) external view returns (bytes32);
    /// @notice Whether `account` holds the verifier role and an ACTIVE VERIFIER account now.
    function isActiveVerifier(address account) external view returns (bool);
    function eventCount() external view returns (uint256);
    function getEvent(uint256 eventId) external view returns (CarbonEvent memory);
    /// @notice The certificate ids of the retirements made against an event, in order.
    function eventRetirements(uint256 eventId) external view returns (uint256[] memory);
    /// @notice Everything the ledger checks before issuing against `reportId`.
    function issuanceTerms(uint256 reportId) external view returns (IssuanceTerms memory);
}
