// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RegistryFixture} from "./Fixture.sol";
import {MerkleHelper} from "./MerkleHelper.sol";
import {AccountStatus, CancellationKind, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice The registry fixture plus the ledger steps most credit tests start from: issued project
/// batches, Merkle distributions with their proofs, claimed points, frozen accounts.
abstract contract LedgerFixture is RegistryFixture {
    uint16 internal constant VINTAGE = 2025;
    uint256 internal constant CLAIM_WINDOW = 90 days;
    uint256 internal constant TONNE = 1_000_000;
    bytes32 internal constant REFERENCE = keccak256("court case (2025) E 0101");
    bytes32 internal constant DESTINATION = keccak256("Hubei compliance market account 42");

    /// @notice A Merkle distribution as issued: its batch, allocations and proofs.
    struct Distribution {
        uint256 batchId;
        uint256 reportId;
        bytes32 root;
        address[] accounts;
        uint256[] amounts;
        bytes32[][] proofs;
    }

    // ================================================================ issuance

    function _issueToProponent(uint256 reportId, uint256 quantity, uint16 bufferBps) internal returns (uint256) {
        vm.prank(issuer);
        return ledger.issueToProponent(reportId, quantity, VINTAGE, bufferBps);
    }

    /// @notice A new verified PROJECT report of `quantity` grams, all issued to `proponent` without buffer.
    function _projectBatch(uint256 quantity) internal returns (uint256 batchId) {
        (, uint256 reportId) = _projectWithReport(quantity);
        batchId = _issueToProponent(reportId, quantity, 0);
    }

    /// @notice A project batch of which `amount` grams were transferred from the proponent to `holder`.
    function _creditsFor(address holder, uint256 amount) internal returns (uint256 batchId) {
        batchId = _projectBatch(amount);
        if (holder != proponent) _transfer(proponent, holder, batchId, amount);
    }

    /// @notice Issue a distribution of `accounts[i]` → `amounts[i]` against `reportId`, quantity = their sum.
    function _distribute(uint256 reportId, address[] memory accounts, uint256[] memory amounts)
        internal
        returns (Distribution memory)
    {
        uint256 quantity;
        for (uint256 i = 0; i < amounts.length; ++i) {
            quantity += amounts[i];
        }
        return _distribute(reportId, accounts, amounts, quantity);
    }

    /// @notice Issue `quantity` grams against `reportId` as a distribution of `accounts[i]` → `amounts[i]`.
    function _distribute(uint256 reportId, address[] memory accounts, uint256[] memory amounts, uint256 quantity)
        internal
        returns (Distribution memory d)
    {
        (d.root, d.proofs) = MerkleHelper.build(accounts, amounts);
        d.reportId = reportId;
        d.accounts = accounts;
        d.amounts = amounts;
        vm.prank(issuer);
        d.batchId = ledger.issueDistribution(reportId, quantity, VINTAGE, 0, d.root, CLAIM_WINDOW);
    }

    /// @notice A personal-scenario distribution: `individual` gets `amount`, `individual2` gets 2x `amount`.
    function _pointsDistribution(uint256 amount) internal returns (Distribution memory) {
        (, uint256 reportId) = _scenarioWithReport(3 * amount);
        return _distribute(reportId, _pair(individual, individual2), _pair(amount, 2 * amount));
    }

    /// @notice A personal-scenario batch of which `individual` has claimed `amount` points.
    function _pointsFor(uint256 amount) internal returns (uint256 batchId) {
        Distribution memory d = _pointsDistribution(amount);
        _claim(d, 0);
        return d.batchId;
    }

    function _claim(Distribution memory d, uint256 index) internal {
        ledger.claim(d.batchId, d.accounts[index], d.amounts[index], d.proofs[index]);
    }

    // ================================================================ movement and status

    function _transfer(address from, address to, uint256 batchId, uint256 amount) internal {
        vm.prank(from);
        ledger.safeTransferFrom(from, to, batchId, amount, "");
    }

    function _retire(address holder, uint256 batchId, uint256 amount) internal returns (uint256) {
        vm.prank(holder);
        return ledger.retire(batchId, amount, holder, RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN);
    }

    function _cancel(uint256 batchId, address holder, uint256 amount) internal returns (uint256) {
        vm.prank(issuer);
        return ledger.cancelCredits(batchId, holder, amount, CancellationKind.INVALIDATION, REFERENCE, "error");
    }

    function _lock(address holder, uint256 batchId, uint256 amount) internal returns (uint256) {
        vm.prank(holder);
        return ledger.lockForExport(batchId, amount, DESTINATION);
    }

    function _setStatus(address account, AccountStatus status) internal {
        vm.prank(registrar);
        ledger.setAccountStatus(account, status, "test");
    }

    function _freeze(address account) internal {
        _setStatus(account, AccountStatus.FROZEN);
    }

    function _pause() internal {
        vm.prank(pauser);
        ledger.pause();
    }

    // ================================================================ small arrays

    function _pair(address a, address b) internal pure returns (address[] memory out) {
        out = new address[](2);
        out[0] = a;
        out[1] = b;
    }

    function _pair(uint256 a, uint256 b) internal pure returns (uint256[] memory out) {
        out = new uint256[](2);
        out[0] = a;
        out[1] = b;
    }

    function _one(uint256 a) internal pure returns (uint256[] memory out) {
        out = new uint256[](1);
        out[0] = a;
    }

    function _one(address a) internal pure returns (address[] memory out) {
        out = new address[](1);
        out[0] = a;
    }
}
