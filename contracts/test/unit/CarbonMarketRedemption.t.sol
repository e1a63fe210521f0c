// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {MarketFixture} from "../utils/MarketFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {Redemption} from "../../src/types/MarketTypes.sol";
import {AccountStatus} from "../../src/types/RegistryTypes.sol";

/// @notice redeemPoints: a citizen's personal points go to the platform aggregator for an incentive,
/// under the ledger's points rules (ACTIVE accounts, not expired, only to the aggregator).
contract CarbonMarketRedemptionTest is MarketFixture {
    uint256 internal constant POINTS = 3 * TONNE;

    uint256 internal pointsId;

    function setUp() public override {
        super.setUp();
        pointsId = _pointsFor(POINTS);
    }

    function test_RedeemPoints_MovesPointsToAggregator() public {
        vm.expectEmit(address(market));
        emit ICarbonMarket.PointsRedeemed(1, individual, pointsId, TONNE, aggregator, INCENTIVE_REFERENCE);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(address(market), individual, aggregator, pointsId, TONNE);
        uint256 redemptionId = _redeem(individual, pointsId, TONNE);

        assertEq(redemptionId, 1);
        assertEq(market.redemptionCount(), 1);
        Redemption memory r = market.getRedemption(redemptionId);
        assertEq(r.citizen, individual);
        assertEq(r.batchId, pointsId);
        assertEq(r.redeemedAt, block.timestamp);
        assertEq(r.amount, TONNE);
        assertEq(r.aggregator, aggregator);
        assertEq(r.incentiveReference, INCENTIVE_REFERENCE);
        assertEq(ledger.balanceOf(individual, pointsId), POINTS - TONNE);
        assertEq(ledger.balanceOf(aggregator, pointsId), TONNE);
    }

    function test_RedeemPoints_WholeBalanceInSteps() public {
        _redeem(individual, pointsId, TONNE);
        assertEq(_redeem(individual, pointsId, POINTS - TONNE), 2);
        assertEq(ledger.balanceOf(individual, pointsId), 0);
        assertEq(ledger.balanceOf(aggregator, pointsId), POINTS);
    }

    function test_RedeemPoints_JustBeforeExpiry() public {
        vm.warp(ledger.getBatch(pointsId).expiresAt - 1);
        _redeem(individual, pointsId, TONNE);
        assertEq(ledger.balanceOf(aggregator, pointsId), TONNE);
    }

    function test_RevertWhen_RedeemPointsZeroReference() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroReference.selector));
        vm.prank(individual);
        market.redeemPoints(pointsId, TONNE, bytes32(0));
    }

    function test_RevertWhen_RedeemPointsByEnterprise() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCitizen.selector, enterprise));
        _redeem(enterprise, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsByAggregator() public {
        _redeem(individual, pointsId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCitizen.selector, aggregator));
        _redeem(aggregator, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsByUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCitizen.selector, stranger));
        _redeem(stranger, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsProjectCredits() public {
        uint256 batchId = _creditsFor(individual, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotPoints.selector, batchId));
        _redeem(individual, batchId, TONNE);
    }

    function test_RevertWhen_RedeemPointsUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        _redeem(individual, 99, TONNE);
    }

    function test_RevertWhen_RedeemPointsZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroAmount.selector));
        _redeem(individual, pointsId, 0);
    }

    function test_RevertWhen_RedeemPointsExpired() public {
        uint40 expiresAt = ledger.getBatch(pointsId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsExpired.selector, pointsId, expiresAt));
        _redeem(individual, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, individual, POINTS, POINTS + 1, pointsId
            )
        );
        _redeem(individual, pointsId, POINTS + 1);
    }

    function test_RevertWhen_RedeemPointsAmountAboveUint64() public {
        uint256 amount = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, amount));
        _redeem(individual, pointsId, amount);
    }

    function test_RevertWhen_RedeemPointsCitizenFrozen() public {
        _freeze(individual);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, individual, AccountStatus.FROZEN)
        );
        _redeem(individual, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsAggregatorFrozen() public {
        _freeze(aggregator);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, aggregator, AccountStatus.FROZEN)
        );
        _redeem(individual, pointsId, TONNE);
    }

    function test_RevertWhen_RedeemPointsPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _redeem(individual, pointsId, TONNE);
        assertEq(market.redemptionCount(), 0);
    }
}

/// @notice A ledger whose aggregator was never set: there is nobody to redeem to.
contract CarbonMarketRedemptionNoAggregatorTest is MarketFixture {
    function _setUpLedgerConfig() internal override {
        vm.prank(admin);
        ledger.setBufferAccount(bufferAccount);
    }

    function test_RevertWhen_RedeemPointsWithoutAggregator() public {
        uint256 pointsId = _pointsFor(TONNE);
        assertEq(ledger.aggregator(), address(0));
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNoAggregator.selector));
        _redeem(individual, pointsId, TONNE);
    }
}
