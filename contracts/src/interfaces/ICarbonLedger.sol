// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {
    Account,
    AccountKind,
    AccountStatus,
    Batch,
    BatchSupply,
    CancellationKind,
    Cancellation,
    Lock,
    LockStatus,
    MethodologyKind,
    Retirement,
    RetirementPurpose
} from "../types/RegistryTypes.sol";

/// @title The credit ledger: carbon accounts, batches, claims, transfers, retirements, cancellations
/// @notice Balances are ERC-1155, one id per batch, in grams of CO2e. Every balance change passes one
/// `_update` that enforces the pause and the account rules.
interface ICarbonLedger {
    // ---------------------------------------------------------------- errors
    /// @notice The caller lacks `role` in the CarbonRegistry.
    error LedgerUnauthorized(address caller, bytes32 role);
    error LedgerZeroAddress(string field);
    error LedgerZeroAmount();
    /// @notice Amounts are stored as uint64 grams; larger values are refused.
    error LedgerAmountTooLarge(uint256 amount);
    error LedgerPaused();
    error LedgerNotPaused();
    error LedgerAccountExists(address account);
    error LedgerUnknownAccount(address account);
    error LedgerInvalidAccountKind(address account, AccountKind kind);
    error LedgerInvalidRegion(uint32 region);
    /// @notice REVOKED is final; NONE cannot be set.
    error LedgerInvalidStatusChange(address account, AccountStatus current, AccountStatus requested);
    /// @notice Only ACTIVE accounts send, receive, claim or retire.
    error LedgerAccountNotActive(address account, AccountStatus status);
    /// @notice Personal-scenario points move only to the platform aggregator.
    error LedgerPointsTransferRestricted(uint256 batchId, address to);
    error LedgerPointsExpired(uint256 batchId, uint40 expiresAt);
    error LedgerPointsNotExpired(uint256 batchId, uint40 expiresAt);
    error LedgerUnknownBatch(uint256 batchId);
    error LedgerReportNotVerified(uint256 reportId);
    error LedgerProjectNotRegistered(uint256 projectId);
    error LedgerMethodologyNotActive(uint256 reportId);
    /// @notice Issuing `requested` would exceed the report's verified quantity (`available` left).
    error LedgerExceedsVerified(uint256 reportId, uint256 requested, uint256 available);
    error LedgerInvalidBuffer(uint256 bufferBps);
    error LedgerNoBufferAccount();
    /// @notice Personal-scenario batches are always Merkle distributions.
    error LedgerDistributionRequired(uint256 reportId);
    error LedgerInvalidVintage(uint256 vintage);
    error LedgerInvalidClaimWindow(uint256 claimWindow);
    error LedgerNotADistribution(uint256 batchId);
    error LedgerClaimWindowClosed(uint256 batchId, uint40 claimDeadline);
    error LedgerClaimWindowOpen(uint256 batchId, uint40 claimDeadline);
    error LedgerAlreadyClaimed(uint256 batchId, address account);
    error LedgerInvalidProof(uint256 batchId, address account, uint256 amount);
    error LedgerNothingUnclaimed(uint256 batchId);
    /// @notice Claims may not exceed the distribution (`remaining` left); a bad Merkle root cannot inflate supply.
    error LedgerClaimExceedsDistribution(uint256 batchId, uint256 amount, uint256 remaining);
    /// @notice Event-neutrality retirements go through retireForEvent, so the event's coverage is recorded.
    error LedgerEventRetirementRequired();
    /// @notice EXPORT and UNCLAIMED cancellations have their own functions.
    error LedgerInvalidCancellationKind(CancellationKind kind);
    error LedgerUnknownLock(uint256 lockId);
    error LedgerInvalidLockStatus(uint256 lockId, LockStatus status);
    error LedgerInvalidRecovery(address lost, address replacement);
    /// @notice Only the connected CarbonMarket may call this (it also settles the locks it opened).
    error LedgerOnlyMarket(address caller);
    error LedgerMarketAlreadySet(address market);
    /// @notice The address is not a CarbonMarket connected to this ledger.
    error LedgerInvalidMarket(address market);
    /// @notice Compliance use goes through the CarbonMarket (capped, eligibility-checked), not `retire`
    /// nor the export of a holder's own lock addressed to a compliance year.
    error LedgerComplianceViaMarket();
    /// @notice This purpose needs a reference hash (the court case of an ecological compensation).
    error LedgerReferenceRequired(RetirementPurpose purpose);

    // ---------------------------------------------------------------- events
    event AccountRegistered(address indexed account, AccountKind kind, uint32 region, bytes32 recordHash);
    event AccountStatusChanged(address indexed account, AccountStatus previous, AccountStatus status, string reason);
    event AggregatorChanged(address indexed previous, address indexed aggregator);
    event BufferAccountChanged(address indexed previous, address indexed bufferAccount);
    event LedgerPauseChanged(bool paused, address indexed by);
    /// @notice A batch was issued; `recipient` is the proponent, or address(0) for a Merkle distribution.
    event BatchIssued(uint256 indexed batchId, uint256 indexed reportId, address indexed recipient, Batch batch);
    event AllocationClaimed(uint256 indexed batchId, address indexed account, uint256 amount);
    event CreditsRetired(
        uint256 indexed certificateId,
        uint256 indexed batchId,
        address indexed holder,
        address beneficiary,
        uint256 amount,
        RetirementPurpose purpose,
        bytes32 referenceHash,
        uint24 region
    );
    event CreditsCancelled(
        uint256 indexed cancellationId,
        uint256 indexed batchId,
        address indexed holder,
        uint256 amount,
        CancellationKind kind,
        bytes32 referenceHash,
        string reason
    );
    event CreditsLocked(
        uint256 indexed lockId, uint256 indexed batchId, address indexed holder, uint256 amount, bytes32 destinationHash
    );
    event LockReleased(uint256 indexed lockId, string reason);
    event LockExported(uint256 indexed lockId, uint256 indexed cancellationId, bytes32 referenceHash);
    event MarketConnected(address indexed market);
    event AccountRecovered(address indexed lost, address indexed replacement, uint256[] batchIds, uint256[] amounts);

    // ---------------------------------------------------------------- accounts
    /// @notice Register a carbon account (registrar).
    function registerAccount(address account, AccountKind kind, uint32 region, bytes32 recordHash) external;
    /// @notice Freeze, unfreeze or revoke an account with a reason (registrar).
    function setAccountStatus(address account, AccountStatus status, string calldata reason) external;
    /// @notice Move a lost individual wallet's balances of `batchIds` to its replacement (registrar).
    function recoverAccount(address lost, address replacement, uint256[] calldata batchIds) external;
    /// @notice Set the platform aggregator that may receive personal-scenario points (admin).
    function setAggregator(address aggregator) external;
    /// @notice Set the BUFFER account that receives the buffer share of issuance (admin).
    function setBufferAccount(address bufferAccount) external;
    /// @notice Connect the CarbonMarket once (admin).
    function setMarket(address market) external;
    function pause() external;
    function unpause() external;

    // ---------------------------------------------------------------- issuance and claims
    /// @notice Issue `quantity` grams against a verified report to the project's proponent (issuer).
    function issueToProponent(uint256 reportId, uint256 quantity, uint16 vintage, uint16 bufferBps)
        external
        returns (uint256 batchId);
    /// @notice Issue `quantity` grams as a Merkle distribution that accounts claim once each (issuer).
    function issueDistribution(
        uint256 reportId,
        uint256 quantity,
        uint16 vintage,
        uint16 bufferBps,
        bytes32 merkleRoot,
        uint256 claimWindow
    ) external returns (uint256 batchId);
    /// @notice Mint a batch of credits imported from a partner platform to `recipient` (market only);
    /// the registry consumes the project's monitoring period. The batch has no report (reportId 0).
    function issueImported(
        address recipient,
        uint256 projectId,
        uint64 periodStart,
        uint64 periodEnd,
        uint16 vintage,
        uint256 quantity
    ) external returns (uint256 batchId);
    /// @notice Claim `account`'s allocation of a distribution batch; anyone may relay it.
    function claim(uint256 batchId, address account, uint256 amount, bytes32[] calldata proof) external;

    // ---------------------------------------------------------------- use
    /// @notice Retire the caller's credits for `beneficiary` (核销); irreversible.
    function retire(
        uint256 batchId,
        uint256 amount,
        address beneficiary,
        RetirementPurpose purpose,
        bytes32 referenceHash,
        uint32 region
    ) external returns (uint256 certificateId);
    /// @notice Retire the caller's credits against an event registered in the CarbonRegistry
    /// (beneficiary: its organiser); the registry records the coverage.
    function retireForEvent(uint256 eventId, uint256 batchId, uint256 amount) external returns (uint256 certificateId);

    // ---------------------------------------------------------------- cancellation
    /// @notice Cancel a holder's credits: invalidation or expiry of points (issuer).
    function cancelCredits(
        uint256 batchId,
        address holder,
        uint256 amount,
        CancellationKind kind,
        bytes32 referenceHash,
        string calldata reason
    ) external returns (uint256 cancellationId);
    /// @notice Cancel the whole balance of each listed holder of an expired points batch, reason
    /// "expired" (issuer); holders with nothing left are skipped. Returns the grams cancelled.
    function cancelExpired(uint256 batchId, address[] calldata holders) external returns (uint256 cancelled);
    /// @notice Cancel a distribution's unclaimed remainder after its claim window (issuer).
    function cancelUnclaimed(uint256 batchId, string calldata reason) external returns (uint256 cancellationId);
    /// @notice Move the caller's credits into custody pending an export.
    function lockForExport(uint256 batchId, uint256 amount, bytes32 destinationHash) external returns (uint256 lockId);
    /// @notice Move `holder`'s credits into custody for a compliance use (market only).
    function lockFor(address holder, uint256 batchId, uint256 amount, bytes32 destinationHash)
        external
        returns (uint256 lockId);
    /// @notice Move credits between accounts under the usual rules, for a points redemption (market only).
    function transferFor(address from, address to, uint256 batchId, uint256 amount) external;
    /// @notice Confirm an export with the destination's reference: the locked credits are cancelled (issuer).
    function confirmExport(uint256 lockId, bytes32 referenceHash) external returns (uint256 cancellationId);
    /// @notice Return locked credits to their holder (issuer).
    function releaseLock(uint256 lockId, string calldata reason) external;

    // ---------------------------------------------------------------- views
    function registry() external view returns (address);
    function getAccount(address account) external view returns (Account memory);
    /// @notice Kind and status of an account in one storage read (used per verifier signature).
    function accountStatus(address account) external view returns (AccountKind kind, AccountStatus status);
    function aggregator() external view returns (address);
    function bufferAccount() external view returns (address);
    function market() external view returns (address);
    function paused() external view returns (bool);
    function batchCount() external view returns (uint256);
    /// @notice The next serial to be issued; always total issued + 1.
    function nextSerial() external view returns (uint256);
    function getBatch(uint256 batchId) external view returns (Batch memory);
    function getBatchSupply(uint256 batchId) external view returns (BatchSupply memory);
    /// @notice The distribution's allocation not yet claimed (0 once cancelled or for proponent batches).
    function unclaimedOf(uint256 batchId) external view returns (uint256);
    function issuedForReport(uint256 reportId) external view returns (uint256);
    function hasClaimed(uint256 batchId, address account) external view returns (bool);
    function getRetirement(uint256 certificateId) external view returns (Retirement memory);
    function getCancellation(uint256 cancellationId) external view returns (Cancellation memory);
    function getLock(uint256 lockId) external view returns (Lock memory);
}
