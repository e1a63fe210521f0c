// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {AccountStatus, CarbonEvent, Retirement, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice retire and retireForEvent: burns with a stored record keyed by the first serial consumed.
contract CarbonLedgerRetirementTest is LedgerFixture {
    uint256 internal constant AMOUNT = 5 * TONNE;
    bytes32 internal constant COURT_CASE = keccak256("(2025) E 01 Min Chu 123");

    uint256 internal batchId;
    uint256 internal serialStart;

    function setUp() public override {
        super.setUp();
        batchId = _projectBatch(AMOUNT);
        serialStart = ledger.getBatch(batchId).serialStart;
    }

    function _retireAs(address holder, uint256 amount, RetirementPurpose purpose) internal returns (uint256) {
        vm.prank(holder);
        return ledger.retire(batchId, amount, enterprise, purpose, COURT_CASE, ENSHI);
    }

    // ================================================================ retire

    function test_Retire_BurnsAndStoresRecord() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsRetired(
            serialStart,
            batchId,
            proponent,
            enterprise,
            TONNE,
            RetirementPurpose.ECOLOGICAL_COMPENSATION,
            COURT_CASE,
            uint24(ENSHI)
        );
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(proponent, proponent, address(0), batchId, TONNE);
        uint256 certificateId = _retireAs(proponent, TONNE, RetirementPurpose.ECOLOGICAL_COMPENSATION);

        assertEq(certificateId, serialStart);
        Retirement memory r = ledger.getRetirement(certificateId);
        assertEq(r.holder, proponent);
        assertEq(r.beneficiary, enterprise);
        assertEq(r.amount, TONNE);
        assertEq(uint256(r.purpose), uint256(RetirementPurpose.ECOLOGICAL_COMPENSATION));
        assertEq(r.region, ENSHI);
        assertEq(r.batchId, batchId);
        assertEq(r.retiredAt, block.timestamp);
        assertEq(r.referenceHash, COURT_CASE);
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT - TONNE);
        assertEq(ledger.getBatchSupply(batchId).retired, TONNE);
    }

    function test_Retire_CertificatesFollowConsumedSerials() public {
        uint256 first = _retireAs(proponent, TONNE, RetirementPurpose.VOLUNTARY);
        uint256 cancellation = _cancel(batchId, proponent, 2 * TONNE);
        uint256 second = _retireAs(proponent, TONNE, RetirementPurpose.INCENTIVE_REDEMPTION);
        assertEq(first, serialStart);
        assertEq(cancellation, serialStart + TONNE);
        assertEq(second, serialStart + 3 * TONNE);
    }

    function test_Retire_WholeBalance() public {
        _retireAs(proponent, AMOUNT, RetirementPurpose.VOLUNTARY);
        assertEq(ledger.balanceOf(proponent, batchId), 0);
        assertEq(ledger.getBatchSupply(batchId).retired, AMOUNT);
    }

    function test_Retire_PointsForIncentiveRedemption() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.prank(individual);
        uint256 certificateId =
            ledger.retire(pointsId, TONNE, individual, RetirementPurpose.INCENTIVE_REDEMPTION, bytes32(0), WUHAN);
        assertEq(ledger.getRetirement(certificateId).amount, TONNE);
        assertEq(ledger.balanceOf(individual, pointsId), 0);
    }

    function test_Retire_PointsByAggregator() public {
        uint256 pointsId = _pointsFor(TONNE);
        _transfer(individual, aggregator, pointsId, TONNE);
        vm.prank(aggregator);
        ledger.retire(pointsId, TONNE, individual, RetirementPurpose.INCENTIVE_REDEMPTION, bytes32(0), WUHAN);
        assertEq(ledger.getBatchSupply(pointsId).retired, TONNE);
    }

    function test_RevertWhen_RetireEventPurposeWithoutEvent() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerEventRetirementRequired.selector));
        _retireAs(proponent, TONNE, RetirementPurpose.EVENT_NEUTRALITY);
    }

    function test_RevertWhen_RetireBeneficiaryIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAddress.selector, "beneficiary"));
        vm.prank(proponent);
        ledger.retire(batchId, TONNE, address(0), RetirementPurpose.VOLUNTARY, COURT_CASE, WUHAN);
    }

    function test_RevertWhen_RetireZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        _retireAs(proponent, 0, RetirementPurpose.VOLUNTARY);
    }

    function test_RevertWhen_RetireMaxUint256() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        _retireAs(proponent, type(uint256).max, RetirementPurpose.VOLUNTARY);
    }

    function test_RevertWhen_RetireMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, AMOUNT + 1, batchId
            )
        );
        _retireAs(proponent, AMOUNT + 1, RetirementPurpose.VOLUNTARY);
        assertEq(ledger.getBatchSupply(batchId).retired, 0);
    }

    function test_RevertWhen_RetireRetiredUnitsAgain() public {
        _retireAs(proponent, AMOUNT, RetirementPurpose.VOLUNTARY);
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, 0, 1, batchId)
        );
        _retireAs(proponent, 1, RetirementPurpose.VOLUNTARY);
    }

    function test_RevertWhen_RetireInvalidRegion() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidRegion.selector, uint32(42)));
        vm.prank(proponent);
        ledger.retire(batchId, TONNE, proponent, RetirementPurpose.VOLUNTARY, COURT_CASE, 42);
    }

    function test_RevertWhen_RetireUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        vm.prank(proponent);
        ledger.retire(99, TONNE, proponent, RetirementPurpose.VOLUNTARY, COURT_CASE, WUHAN);
    }

    function test_RevertWhen_RetireFromFrozenAccount() public {
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        _retireAs(proponent, TONNE, RetirementPurpose.VOLUNTARY);
    }

    function test_RevertWhen_RetireFromUnregisteredAccount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _retireAs(stranger, TONNE, RetirementPurpose.VOLUNTARY);
    }

    function test_RevertWhen_RetireExpiredPoints() public {
        uint256 pointsId = _pointsFor(TONNE);
        uint40 expiresAt = ledger.getBatch(pointsId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsExpired.selector, pointsId, expiresAt));
        vm.prank(individual);
        ledger.retire(pointsId, TONNE, individual, RetirementPurpose.INCENTIVE_REDEMPTION, bytes32(0), WUHAN);
    }

    function test_RevertWhen_RetirePaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _retireAs(proponent, TONNE, RetirementPurpose.VOLUNTARY);
    }

    // ================================================================ retireForEvent

    function test_RetireForEvent_RecordsCoverage() public {
        uint256 eventId = _registerEvent(3 * TONNE);
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsRetired(
            serialStart,
            batchId,
            proponent,
            organiser,
            TONNE,
            RetirementPurpose.EVENT_NEUTRALITY,
            bytes32(eventId),
            uint24(WUHAN)
        );
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(proponent, proponent, address(0), batchId, TONNE);
        vm.prank(proponent);
        uint256 certificateId = ledger.retireForEvent(eventId, batchId, TONNE);

        assertEq(certificateId, serialStart);
        Retirement memory r = ledger.getRetirement(certificateId);
        assertEq(r.beneficiary, organiser);
        assertEq(uint256(r.purpose), uint256(RetirementPurpose.EVENT_NEUTRALITY));
        assertEq(r.referenceHash, bytes32(eventId));
        CarbonEvent memory ev = registry.getEvent(eventId);
        assertEq(ev.retired, TONNE);
        assertFalse(ev.neutral);
        uint256[] memory certificates = registry.eventRetirements(eventId);
        assertEq(certificates.length, 1);
        assertEq(certificates[0], certificateId);
    }

    function test_RetireForEvent_NeutralisesEventWhenFootprintCovered() public {
        uint256 eventId = _registerEvent(3 * TONNE);
        vm.prank(proponent);
        uint256 first = ledger.retireForEvent(eventId, batchId, TONNE);

        vm.expectEmit(address(registry));
        emit ICarbonRegistry.CarbonEventNeutralised(eventId, 3 * TONNE, 3 * TONNE);
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsRetired(
            first + TONNE,
            batchId,
            proponent,
            organiser,
            2 * TONNE,
            RetirementPurpose.EVENT_NEUTRALITY,
            bytes32(eventId),
            uint24(WUHAN)
        );
        vm.prank(proponent);
        uint256 second = ledger.retireForEvent(eventId, batchId, 2 * TONNE);

        assertEq(second, first + TONNE);
        assertTrue(registry.getEvent(eventId).neutral);
        assertEq(registry.eventRetirements(eventId).length, 2);
    }

    function test_RevertWhen_RetireForEventUnknownEvent() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownEvent.selector, 7));
        vm.prank(proponent);
        ledger.retireForEvent(7, batchId, TONNE);
    }

    function test_RevertWhen_RetireForEventUnknownBatch() public {
        uint256 eventId = _registerEvent(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        vm.prank(proponent);
        ledger.retireForEvent(eventId, 99, TONNE);
    }

    function test_RevertWhen_RetireForEventZeroAmount() public {
        uint256 eventId = _registerEvent(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, 0);
    }

    function test_RevertWhen_RetireForEventMaxUint256() public {
        uint256 eventId = _registerEvent(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, type(uint256).max);
    }

    function test_RevertWhen_RetireForEventMoreThanBalance() public {
        uint256 eventId = _registerEvent(TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, AMOUNT + 1, batchId
            )
        );
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, AMOUNT + 1);
        assertEq(registry.getEvent(eventId).retired, 0);
    }

    function test_RevertWhen_RetireForEventFromFrozenAccount() public {
        uint256 eventId = _registerEvent(TONNE);
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, TONNE);
    }

    function test_RevertWhen_RetireForEventPaused() public {
        uint256 eventId = _registerEvent(TONNE);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, TONNE);
        assertEq(registry.getEvent(eventId).retired, 0);
    }

    function test_RevertWhen_RetireForEventExpiredPoints() public {
        uint256 eventId = _registerEvent(TONNE);
        uint256 pointsId = _pointsFor(TONNE);
        uint40 expiresAt = ledger.getBatch(pointsId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsExpired.selector, pointsId, expiresAt));
        vm.prank(individual);
        ledger.retireForEvent(eventId, pointsId, TONNE);
    }
}
