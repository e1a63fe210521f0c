// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice Ghost store of the ledger invariant suite: what the handler expects the chain to hold,
/// written only by the handler after each successful call, read by LedgerInvariants.
contract LedgerGhost {
    struct ReportRecord {
        uint256 projectId;
        uint256 quantity;
        uint256 threshold; // k when it was submitted
        bool signersActive; // every signer was an ACTIVE verifier just before submission
        address[] signers;
    }

    struct BatchRecord {
        uint256 reportId;
        uint256 quantity;
        bool personal;
        bool distribution;
    }

    /// @notice A retired or cancelled serial sub-range [first, first + amount) of one batch.
    struct SerialRange {
        uint256 first;
        uint256 amount;
        bool retirement;
    }

    address public immutable handler;

    uint256[] internal _reportIds;
    mapping(uint256 reportId => ReportRecord) internal _reports;
    uint256[] internal _projectIds;
    mapping(uint256 projectId => uint256[] reportIds) internal _projectReports;
    uint256[] internal _batchIds;
    mapping(uint256 batchId => BatchRecord) internal _batches;
    mapping(uint256 batchId => SerialRange[]) internal _ranges;

    mapping(uint256 reportId => uint256 issued) public issuedFor;
    mapping(uint256 batchId => mapping(address holder => uint256)) public balanceOf;
    mapping(uint256 batchId => uint256) public retired;
    mapping(uint256 batchId => uint256) public cancelled;
    mapping(uint256 batchId => uint256) public claimed;
    mapping(uint256 batchId => mapping(address account => uint256)) public claimCount;

    // ---- counters of things that must never happen ----
    uint256 public movementsByInactive; // a successful holder movement with a non-ACTIVE side
    uint256 public movementsWhilePaused; // any credit movement that succeeded during a pause
    uint256 public frozenMovesAccepted; // a probe moving credits from/to a frozen account succeeded
    uint256 public repeatClaimsAccepted; // a second claim or a claim with a bad proof succeeded
    uint256 public badReportsAccepted; // a report with < k or repeated signatures was accepted
    uint256 public overIssuesAccepted; // issuing one gram more than a report has left succeeded
    uint256 public totalsDecreased; // a batch's retired or cancelled total went down
    uint256 public movements; // successful holder movements, for the record

    error GhostOnlyHandler(address caller);

    constructor(address handler_) {
        handler = handler_;
    }

    modifier onlyHandler() {
        if (msg.sender != handler) revert GhostOnlyHandler(msg.sender);
        _;
    }

    // ================================================================ writes (handler)

    function recordProject(uint256 projectId) external onlyHandler {
        _projectIds.push(projectId);
    }

    function recordReport(
        uint256 reportId,
        uint256 projectId,
        uint256 quantity,
        uint256 threshold,
        bool signersActive,
        address[] calldata signers
    ) external onlyHandler {
        _reportIds.push(reportId);
        _projectReports[projectId].push(reportId);
        ReportRecord storage r = _reports[reportId];
        (r.projectId, r.quantity, r.threshold, r.signersActive, r.signers) =
        (projectId, quantity, threshold, signersActive, signers);
    }

    function recordBatch(uint256 batchId, uint256 reportId, uint256 quantity, bool personal, bool distribution)
        external
        onlyHandler
    {
        _batchIds.push(batchId);
        _batches[batchId] = BatchRecord(reportId, quantity, personal, distribution);
        issuedFor[reportId] += quantity;
    }

    function credit(uint256 batchId, address holder, uint256 amount) external onlyHandler {
        balanceOf[batchId][holder] += amount;
    }

    function debit(uint256 batchId, address holder, uint256 amount) external onlyHandler {
        balanceOf[batchId][holder] -= amount;
    }

    function recordClaim(uint256 batchId, address account, uint256 amount) external onlyHandler {
        claimCount[batchId][account] += 1;
        claimed[batchId] += amount;
        balanceOf[batchId][account] += amount;
    }

    function recordRange(uint256 batchId, uint256 first, uint256 amount, bool retirement) external onlyHandler {
        _ranges[batchId].push(SerialRange(first, amount, retirement));
        if (retirement) retired[batchId] += amount;
        else cancelled[batchId] += amount;
    }

    function recordMovement(bool fromActive, bool toActive) external onlyHandler {
        ++movements;
        if (!fromActive || !toActive) ++movementsByInactive;
    }

    function flagMovedWhilePaused() external onlyHandler {
        ++movementsWhilePaused;
    }

    function flagFrozenMoveAccepted() external onlyHandler {
        ++frozenMovesAccepted;
    }

    function flagRepeatClaimAccepted() external onlyHandler {
        ++repeatClaimsAccepted;
    }

    function flagBadReportAccepted() external onlyHandler {
        ++badReportsAccepted;
    }

    function flagOverIssueAccepted() external onlyHandler {
        ++overIssuesAccepted;
    }

    function flagTotalsDecreased() external onlyHandler {
        ++totalsDecreased;
    }

    // ================================================================ reads

    function reportIds() external view returns (uint256[] memory) {
        return _reportIds;
    }

    function report(uint256 reportId) external view returns (ReportRecord memory) {
        return _reports[reportId];
    }

    function projectIds() external view returns (uint256[] memory) {
        return _projectIds;
    }

    function projectReports(uint256 projectId) external view returns (uint256[] memory) {
        return _projectReports[projectId];
    }

    function batchIds() external view returns (uint256[] memory) {
        return _batchIds;
    }

    function batchCount() external view returns (uint256) {
        return _batchIds.length;
    }

    function batch(uint256 batchId) external view returns (BatchRecord memory) {
        return _batches[batchId];
    }

    function ranges(uint256 batchId) external view returns (SerialRange[] memory) {
        return _ranges[batchId];
    }
}
