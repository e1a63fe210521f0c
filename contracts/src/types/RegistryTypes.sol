// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice What a registered carbon account is (DESIGN.md, "Account").
enum AccountKind {
    NONE,
    AGENCY,
    VERIFIER,
    ORACLE,
    ENTERPRISE,
    INDIVIDUAL,
    ORGANISER,
    AUDITOR,
    PARTNER_REGISTRY,
    BUFFER
}

/// @notice Only ACTIVE accounts send, receive, claim or retire; FROZEN keeps its balance; REVOKED is final.
enum AccountStatus {
    NONE,
    ACTIVE,
    FROZEN,
    REVOKED
}

enum MethodologyKind {
    PROJECT,
    PERSONAL_SCENARIO
}

enum MethodologyStatus {
    NONE,
    ACTIVE,
    DEPRECATED
}

/// @notice PROPOSED → REGISTERED after the public-notice period; REJECTED, SUSPENDED and CLOSED carry a reason.
enum ProjectStatus {
    NONE,
    PROPOSED,
    REGISTERED,
    REJECTED,
    SUSPENDED,
    CLOSED
}

/// @notice A report exists only once verified (k-of-n signatures); the agency may reject it before issuance.
enum ReportStatus {
    NONE,
    VERIFIED,
    REJECTED
}

enum RetirementPurpose {
    EVENT_NEUTRALITY,
    VOLUNTARY,
    COMPLIANCE_OFFSET,
    ECOLOGICAL_COMPENSATION,
    INCENTIVE_REDEMPTION
}

/// @notice Why credits were cancelled (注销): an error or reversal, an export, expired points, or an
/// unclaimed Merkle remainder after the claim window.
enum CancellationKind {
    INVALIDATION,
    EXPORT,
    EXPIRY,
    UNCLAIMED
}

enum LockStatus {
    NONE,
    LOCKED,
    EXPORTED,
    RELEASED
}

/// @notice A carbon account (碳账户); the registration record itself stays off-chain, only its hash is here.
struct Account {
    AccountKind kind;
    AccountStatus status;
    uint32 region; // GB/T 2260 code, e.g. 420100 Wuhan
    uint64 registeredAt;
    // Individuals and (former) aggregators may hold personal points; only their transfers need
    // the batch read that enforces the points rules, so other transfers stay cheap.
    bool pointsHolder;
    bytes32 recordHash;
}

struct Methodology {
    string code; // e.g. "WHCI-GT-001"
    uint32 version;
    MethodologyKind kind;
    MethodologyStatus status;
    uint64 pointValidity; // seconds personal-scenario points stay valid; 0 = no expiry
    string sector;
    bytes32 documentHash; // sha256 of the approved text
}

struct Project {
    uint32 methodologyId;
    ProjectStatus status;
    uint32 region;
    uint64 noticeEndsAt;
    uint64 lastPeriodEnd; // monitoring periods of one project never overlap
    address proponent;
    bytes32 metadataHash;
    string metadataURI;
}

/// @notice The fields verifiers sign (EIP-712 `Report`), as the oracle submits them.
struct ReportInput {
    uint256 projectId;
    uint64 periodStart;
    uint64 periodEnd;
    uint256 quantity; // grams CO2e
    bytes32 dataRoot; // Merkle root of per-participant allocations
    bytes32 evidenceHash; // sha256 of the published dataset
    string methodologyCode;
    uint32 methodologyVersion;
    uint64 deadline; // signatures are void after this time
}

struct Report {
    uint64 projectId;
    uint64 periodStart;
    uint64 periodEnd;
    uint40 submittedAt;
    ReportStatus status;
    uint64 quantity;
    uint32 methodologyId;
    bytes32 dataRoot;
    bytes32 evidenceHash;
}

/// @notice What the ledger needs from the registry to issue against a report, read in one call.
struct IssuanceTerms {
    ReportStatus reportStatus;
    uint64 quantity;
    uint64 projectId;
    ProjectStatus projectStatus;
    address proponent;
    uint32 region;
    MethodologyKind methodologyKind;
    MethodologyStatus methodologyStatus;
    uint64 pointValidity;
}

/// @notice A batch (签发批次) is one ERC-1155 id: credits of one report, one vintage, one serial block.
struct Batch {
    uint64 reportId;
    uint64 projectId;
    uint64 serialStart; // serials [serialStart, serialStart + quantity), one per gram
    uint16 vintage;
    MethodologyKind kind;
    bool distributionClosed; // the unclaimed remainder was cancelled
    uint64 quantity;
    uint64 bufferAmount;
    uint40 claimDeadline; // 0 = issued to the proponent, no claims
    uint40 expiresAt; // 0 = never (project credits)
    bytes32 merkleRoot;
}

/// @notice Running totals of a batch; serials are consumed in order by retirements and cancellations.
struct BatchSupply {
    uint64 retired;
    uint64 cancelled;
    uint64 claimed;
    uint64 locked;
}

/// @notice A retirement (核销), keyed by its certificate id = the first serial it consumed.
struct Retirement {
    address holder;
    uint64 amount;
    RetirementPurpose purpose;
    uint24 region;
    address beneficiary;
    uint56 batchId;
    uint40 retiredAt;
    bytes32 referenceHash; // event id for EVENT_NEUTRALITY, else court case / compliance record hash
}

/// @notice A cancellation (注销), keyed by the first serial it consumed.
struct Cancellation {
    address holder; // address(0) for an unclaimed remainder
    uint64 amount;
    CancellationKind kind;
    uint56 batchId;
    uint40 cancelledAt;
    bytes32 referenceHash;
}

/// @notice Credits held in the ledger's custody, pending export (then cancelled) or release.
struct Lock {
    address holder;
    uint64 amount;
    LockStatus status;
    uint56 batchId;
    uint40 lockedAt;
    bytes32 destinationHash;
}

/// @notice A large event (大型活动) made carbon-neutral by retirements against it.
struct CarbonEvent {
    address organiser;
    uint32 region;
    bool neutral;
    uint40 startsAt;
    uint40 endsAt;
    uint64 footprint; // grams CO2e
    uint64 retired; // grams retired against it
    bytes32 evidenceHash;
    string name;
}
