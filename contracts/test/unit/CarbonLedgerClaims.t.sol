// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {MerkleHelper} from "../utils/MerkleHelper.sol";
import {ReentrantReceiver} from "../utils/ReentrantReceiver.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {AccountKind, AccountStatus, BatchSupply} from "../../src/types/RegistryTypes.sol";

/// @notice claim: Merkle proofs, once per account, within the window, ACTIVE accounts only.
contract CarbonLedgerClaimsTest is LedgerFixture {
    uint256 internal constant AMOUNT = 2 * TONNE;

    Distribution internal points;

    function setUp() public override {
        super.setUp();
        Distribution memory d = _pointsDistribution(AMOUNT);
        points = d;
    }

    function _deadline(uint256 batchId) internal view returns (uint40) {
        return ledger.getBatch(batchId).claimDeadline;
    }

    // ================================================================ success

    function test_Claim_MintsAllocationToAccount() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AllocationClaimed(points.batchId, individual, AMOUNT);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(stranger, address(0), individual, points.batchId, AMOUNT);
        // Anyone may relay a claim; the credits go to the allocation's account.
        vm.prank(stranger);
        ledger.claim(points.batchId, individual, AMOUNT, points.proofs[0]);

        assertEq(ledger.balanceOf(individual, points.batchId), AMOUNT);
        assertEq(ledger.balanceOf(stranger, points.batchId), 0);
        assertTrue(ledger.hasClaimed(points.batchId, individual));
        assertFalse(ledger.hasClaimed(points.batchId, individual2));
        assertEq(ledger.unclaimedOf(points.batchId), 2 * AMOUNT);
        assertEq(ledger.getBatchSupply(points.batchId).claimed, AMOUNT);
    }

    function test_Claim_EveryAllocationEmptiesTheDistribution() public {
        _claim(points, 0);
        _claim(points, 1);
        assertEq(ledger.unclaimedOf(points.batchId), 0);
        assertEq(ledger.balanceOf(individual2, points.batchId), 2 * AMOUNT);
    }

    function test_Claim_FiveLeafProjectDistribution() public {
        (, uint256 reportId) = _projectWithReport(15);
        address[] memory accounts = new address[](5);
        uint256[] memory amounts = new uint256[](5);
        (accounts[0], accounts[1], accounts[2], accounts[3], accounts[4]) =
        (proponent, enterprise, individual, individual2, organiser);
        for (uint256 i = 0; i < 5; ++i) {
            amounts[i] = i + 1;
        }
        Distribution memory d = _distribute(reportId, accounts, amounts);
        for (uint256 i = 0; i < 5; ++i) {
            assertTrue(MerkleProof.verify(d.proofs[i], d.root, MerkleHelper.leaf(accounts[i], amounts[i])));
            _claim(d, i);
            assertEq(ledger.balanceOf(accounts[i], d.batchId), i + 1);
        }
        assertEq(ledger.unclaimedOf(d.batchId), 0);
    }

    function test_Claim_AtTheDeadline() public {
        vm.warp(_deadline(points.batchId));
        _claim(points, 0);
        assertEq(ledger.balanceOf(individual, points.batchId), AMOUNT);
    }

    function test_Claim_ByContractAccount() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        _registerAccount(address(receiver), AccountKind.INDIVIDUAL, WUHAN);
        (, uint256 reportId) = _scenarioWithReport(AMOUNT);
        Distribution memory d = _distribute(reportId, _one(address(receiver)), _one(AMOUNT));
        _claim(d, 0);
        assertEq(receiver.received(), AMOUNT);
    }

    // ================================================================ reverts

    function test_RevertWhen_ClaimUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        ledger.claim(99, individual, AMOUNT, points.proofs[0]);
    }

    function test_RevertWhen_ClaimProponentBatch() public {
        uint256 batchId = _projectBatch(AMOUNT);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNotADistribution.selector, batchId));
        ledger.claim(batchId, individual, AMOUNT, points.proofs[0]);
    }

    function test_RevertWhen_ClaimAfterWindow() public {
        uint40 deadline = _deadline(points.batchId);
        vm.warp(uint256(deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerClaimWindowClosed.selector, points.batchId, deadline)
        );
        _claim(points, 0);
    }

    function test_RevertWhen_ClaimAfterRemainderCancelled() public {
        uint40 deadline = _deadline(points.batchId);
        vm.warp(uint256(deadline) + 1);
        vm.prank(issuer);
        ledger.cancelUnclaimed(points.batchId, "window over");
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerClaimWindowClosed.selector, points.batchId, deadline)
        );
        _claim(points, 1);
    }

    function test_RevertWhen_ClaimTwice() public {
        _claim(points, 0);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAlreadyClaimed.selector, points.batchId, individual));
        _claim(points, 0);
        assertEq(ledger.balanceOf(individual, points.batchId), AMOUNT);
    }

    function test_RevertWhen_ClaimWrongAmount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, points.batchId, individual, 2 * AMOUNT)
        );
        ledger.claim(points.batchId, individual, 2 * AMOUNT, points.proofs[0]);
    }

    function test_RevertWhen_ClaimWithAnotherAccountsProof() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, points.batchId, individual, AMOUNT)
        );
        ledger.claim(points.batchId, individual, AMOUNT, points.proofs[1]);
    }

    function test_RevertWhen_ClaimWithEmptyProof() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, points.batchId, individual, AMOUNT)
        );
        ledger.claim(points.batchId, individual, AMOUNT, new bytes32[](0));
    }

    function test_RevertWhen_ClaimForAccountNotInTree() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, points.batchId, enterprise, AMOUNT)
        );
        ledger.claim(points.batchId, enterprise, AMOUNT, points.proofs[0]);
    }

    function test_RevertWhen_ClaimZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        ledger.claim(points.batchId, individual, 0, points.proofs[0]);
    }

    function test_RevertWhen_ClaimMaxUint256() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        ledger.claim(points.batchId, individual, type(uint256).max, points.proofs[0]);
    }

    function test_RevertWhen_ClaimPointsForNonIndividual() public {
        (, uint256 reportId) = _scenarioWithReport(2 * AMOUNT);
        Distribution memory d = _distribute(reportId, _pair(individual, enterprise), _pair(AMOUNT, AMOUNT));
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidAccountKind.selector, enterprise, AccountKind.ENTERPRISE)
        );
        _claim(d, 1);
    }

    function test_RevertWhen_ClaimExceedsDistribution() public {
        // A root whose allocations add up to more than the batch cannot inflate supply.
        (, uint256 reportId) = _projectWithReport(150);
        Distribution memory d = _distribute(reportId, _pair(enterprise, proponent), _pair(100, 100), 150);
        _claim(d, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerClaimExceedsDistribution.selector, d.batchId, 100, 50)
        );
        _claim(d, 1);
    }

    function test_RevertWhen_ClaimForFrozenAccount() public {
        _freeze(individual);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, individual, AccountStatus.FROZEN)
        );
        _claim(points, 0);
        assertFalse(ledger.hasClaimed(points.batchId, individual));
    }

    function test_RevertWhen_ClaimForUnregisteredAccount() public {
        (, uint256 reportId) = _projectWithReport(2 * AMOUNT);
        Distribution memory d = _distribute(reportId, _pair(enterprise, stranger), _pair(AMOUNT, AMOUNT));
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _claim(d, 1);
    }

    function test_RevertWhen_ClaimPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _claim(points, 0);
    }

    function test_RevertWhen_ClaimReenteredFromReceiver() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        _registerAccount(address(receiver), AccountKind.INDIVIDUAL, WUHAN);
        (, uint256 reportId) = _scenarioWithReport(2 * AMOUNT);
        Distribution memory d = _distribute(reportId, _pair(address(receiver), individual), _pair(AMOUNT, AMOUNT));
        receiver.arm(address(ledger), abi.encodeCall(ledger.claim, (d.batchId, individual, AMOUNT, d.proofs[1])));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector));
        _claim(d, 0);
        BatchSupply memory s = ledger.getBatchSupply(d.batchId);
        assertEq(s.claimed, 0);
    }
}
