// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {AccountKind, AccountStatus} from "../../src/types/RegistryTypes.sol";

/// @notice Transfers through the one `_update`: ACTIVE accounts only, points only to the aggregator,
/// no zero or over-balance amounts, retired units gone for good.
contract CarbonLedgerTransfersTest is LedgerFixture {
    uint256 internal constant AMOUNT = 5 * TONNE;

    uint256 internal batchId;
    uint256 internal pointsId;

    function setUp() public override {
        super.setUp();
        batchId = _projectBatch(AMOUNT);
        pointsId = _pointsFor(TONNE);
    }

    function _batchOf(uint256 a, uint256 b) internal pure returns (uint256[] memory) {
        return _pair(a, b);
    }

    // ================================================================ success

    function test_SafeTransferFrom_MovesCredits() public {
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(proponent, proponent, enterprise, batchId, TONNE);
        _transfer(proponent, enterprise, batchId, TONNE);
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT - TONNE);
        assertEq(ledger.balanceOf(enterprise, batchId), TONNE);
    }

    function test_SafeTransferFrom_ProjectCreditsToIndividual() public {
        _transfer(proponent, individual, batchId, AMOUNT);
        _transfer(individual, individual2, batchId, AMOUNT);
        assertEq(ledger.balanceOf(individual2, batchId), AMOUNT);
    }

    function test_SafeTransferFrom_ByApprovedOperator() public {
        vm.prank(proponent);
        ledger.setApprovalForAll(enterprise, true);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(enterprise, proponent, organiser, batchId, TONNE);
        vm.prank(enterprise);
        ledger.safeTransferFrom(proponent, organiser, batchId, TONNE, "");
        assertEq(ledger.balanceOf(organiser, batchId), TONNE);
    }

    function test_SafeBatchTransferFrom_MovesSeveralBatches() public {
        uint256 second = _projectBatch(AMOUNT);
        uint256[] memory ids = _batchOf(batchId, second);
        uint256[] memory values = _pair(TONNE, 2 * TONNE);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferBatch(proponent, proponent, enterprise, ids, values);
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, ids, values, "");
        assertEq(ledger.balanceOf(enterprise, batchId), TONNE);
        assertEq(ledger.balanceOf(enterprise, second), 2 * TONNE);
    }

    function test_SafeTransferFrom_PointsToAggregator() public {
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(individual, individual, aggregator, pointsId, TONNE);
        _transfer(individual, aggregator, pointsId, TONNE);
        assertEq(ledger.balanceOf(aggregator, pointsId), TONNE);
    }

    function test_SafeTransferFrom_PointsJustBeforeExpiry() public {
        vm.warp(ledger.getBatch(pointsId).expiresAt - 1);
        _transfer(individual, aggregator, pointsId, TONNE);
        assertEq(ledger.balanceOf(aggregator, pointsId), TONNE);
    }

    function test_SafeTransferFrom_FormerAggregatorPointsToNewAggregator() public {
        _transfer(individual, aggregator, pointsId, TONNE);
        vm.prank(admin);
        ledger.setAggregator(enterprise);
        _transfer(aggregator, enterprise, pointsId, TONNE);
        assertEq(ledger.balanceOf(enterprise, pointsId), TONNE);
    }

    // ================================================================ amounts

    function test_RevertWhen_TransferZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        _transfer(proponent, enterprise, batchId, 0);
    }

    function test_RevertWhen_BatchTransferContainsZeroAmount() public {
        uint256 second = _projectBatch(AMOUNT);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _batchOf(batchId, second), _pair(TONNE, 0), "");
    }

    function test_RevertWhen_TransferMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, AMOUNT + 1, batchId
            )
        );
        _transfer(proponent, enterprise, batchId, AMOUNT + 1);
    }

    function test_RevertWhen_TransferMaxUint256() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, type(uint256).max, batchId
            )
        );
        _transfer(proponent, enterprise, batchId, type(uint256).max);
    }

    function test_RevertWhen_BatchTransferArrayLengthsDiffer() public {
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InvalidArrayLength.selector, 2, 1));
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _batchOf(batchId, batchId), _one(TONNE), "");
    }

    function test_RevertWhen_TransferRetiredUnits() public {
        _retire(proponent, batchId, AMOUNT - TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, TONNE, TONNE + 1, batchId
            )
        );
        _transfer(proponent, enterprise, batchId, TONNE + 1);

        _retire(proponent, batchId, TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, 0, 1, batchId)
        );
        _transfer(proponent, enterprise, batchId, 1);
    }

    // ================================================================ accounts

    function test_RevertWhen_TransferFromFrozenAccount() public {
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        _transfer(proponent, enterprise, batchId, TONNE);
    }

    function test_RevertWhen_TransferToFrozenAccount() public {
        _freeze(enterprise);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, enterprise, AccountStatus.FROZEN)
        );
        _transfer(proponent, enterprise, batchId, TONNE);
    }

    function test_RevertWhen_TransferToRevokedAccount() public {
        _setStatus(enterprise, AccountStatus.REVOKED);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, enterprise, AccountStatus.REVOKED)
        );
        _transfer(proponent, enterprise, batchId, TONNE);
    }

    function test_RevertWhen_TransferToUnregisteredAccount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _transfer(proponent, stranger, batchId, TONNE);
    }

    function test_RevertWhen_TransferFromUnregisteredAccount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _transfer(stranger, enterprise, batchId, TONNE);
    }

    function test_RevertWhen_OperatorMovesFromFrozenAccount() public {
        vm.prank(proponent);
        ledger.setApprovalForAll(enterprise, true);
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        vm.prank(enterprise);
        ledger.safeTransferFrom(proponent, enterprise, batchId, TONNE, "");
    }

    function test_RevertWhen_BatchTransferFromFrozenAccount() public {
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _one(batchId), _one(TONNE), "");
    }

    function test_RevertWhen_TransferToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InvalidReceiver.selector, address(0)));
        _transfer(proponent, address(0), batchId, TONNE);
    }

    function test_RevertWhen_TransferToContractWithoutReceiverHook() public {
        address noHook = address(registry);
        _registerAccount(noHook, AccountKind.ENTERPRISE, WUHAN);
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InvalidReceiver.selector, noHook));
        _transfer(proponent, noHook, batchId, TONNE);
    }

    function test_RevertWhen_OperatorNotApproved() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155MissingApprovalForAll.selector, enterprise, proponent)
        );
        vm.prank(enterprise);
        ledger.safeTransferFrom(proponent, enterprise, batchId, TONNE, "");
    }

    // ================================================================ personal points

    function test_RevertWhen_PointsToEnterprise() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, enterprise)
        );
        _transfer(individual, enterprise, pointsId, TONNE);
    }

    function test_RevertWhen_PointsToAnotherIndividual() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, individual2)
        );
        _transfer(individual, individual2, pointsId, TONNE);
    }

    function test_RevertWhen_PointsExpired() public {
        uint40 expiresAt = ledger.getBatch(pointsId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsExpired.selector, pointsId, expiresAt));
        _transfer(individual, aggregator, pointsId, TONNE);
    }

    function test_RevertWhen_AggregatorPassesPointsOn() public {
        _transfer(individual, aggregator, pointsId, TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, enterprise)
        );
        _transfer(aggregator, enterprise, pointsId, TONNE);
    }

    function test_RevertWhen_FormerAggregatorPassesPointsOn() public {
        _transfer(individual, aggregator, pointsId, TONNE);
        vm.prank(admin);
        ledger.setAggregator(organiser);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, enterprise)
        );
        _transfer(aggregator, enterprise, pointsId, TONNE);
    }

    function test_RevertWhen_BatchTransferMixesPointsToEnterprise() public {
        _transfer(proponent, individual, batchId, TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, enterprise)
        );
        vm.prank(individual);
        ledger.safeBatchTransferFrom(individual, enterprise, _batchOf(batchId, pointsId), _pair(TONNE, TONNE), "");
    }

    // ================================================================ pause

    function test_RevertWhen_TransferPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _transfer(proponent, enterprise, batchId, TONNE);
    }

    function test_RevertWhen_BatchTransferPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _one(batchId), _one(TONNE), "");
    }
}
