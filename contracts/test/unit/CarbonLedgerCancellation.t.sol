// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {
    AccountStatus,
    Cancellation,
    CancellationKind,
    Lock,
    LockStatus,
    RetirementPurpose
} from "../../src/types/RegistryTypes.sol";

/// @notice cancelCredits, cancelUnclaimed, the export lock (lock → confirm or release) and recoverAccount.
contract CarbonLedgerCancellationTest is LedgerFixture {
    uint256 internal constant AMOUNT = 5 * TONNE;
    bytes32 internal constant EXPORT_REF = keccak256("HBEX-2025-0042");

    uint256 internal batchId;
    uint256 internal serialStart;

    function setUp() public override {
        super.setUp();
        batchId = _projectBatch(AMOUNT);
        serialStart = ledger.getBatch(batchId).serialStart;
    }

    // ================================================================ cancelCredits

    function test_CancelCredits_InvalidatesHolderCredits() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            serialStart, batchId, proponent, TONNE, CancellationKind.INVALIDATION, REFERENCE, "double counting"
        );
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, proponent, address(0), batchId, TONNE);
        vm.prank(issuer);
        uint256 cancellationId = ledger.cancelCredits(
            batchId, proponent, TONNE, CancellationKind.INVALIDATION, REFERENCE, "double counting"
        );

        assertEq(cancellationId, serialStart);
        Cancellation memory c = ledger.getCancellation(cancellationId);
        assertEq(c.holder, proponent);
        assertEq(c.amount, TONNE);
        assertEq(uint256(c.kind), uint256(CancellationKind.INVALIDATION));
        assertEq(c.batchId, batchId);
        assertEq(c.cancelledAt, block.timestamp);
        assertEq(c.referenceHash, REFERENCE);
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT - TONNE);
        assertEq(ledger.getBatchSupply(batchId).cancelled, TONNE);
    }

    function test_CancelCredits_FromFrozenHolder() public {
        _freeze(proponent);
        _cancel(batchId, proponent, AMOUNT);
        assertEq(ledger.balanceOf(proponent, batchId), 0);
    }

    function test_CancelCredits_ExpiredPoints() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.warp(ledger.getBatch(pointsId).expiresAt);
        vm.prank(issuer);
        uint256 cancellationId =
            ledger.cancelCredits(pointsId, individual, TONNE, CancellationKind.EXPIRY, bytes32(0), "expired");
        assertEq(uint256(ledger.getCancellation(cancellationId).kind), uint256(CancellationKind.EXPIRY));
        assertEq(ledger.balanceOf(individual, pointsId), 0);
    }

    function test_RevertWhen_CancelCreditsCallerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, proponent, Roles.ISSUER));
        vm.prank(proponent);
        ledger.cancelCredits(batchId, proponent, TONNE, CancellationKind.INVALIDATION, REFERENCE, "");
    }

    function test_RevertWhen_CancelCreditsKindIsExport() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidCancellationKind.selector, CancellationKind.EXPORT)
        );
        vm.prank(issuer);
        ledger.cancelCredits(batchId, proponent, TONNE, CancellationKind.EXPORT, REFERENCE, "");
    }

    function test_RevertWhen_CancelCreditsKindIsUnclaimed() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidCancellationKind.selector, CancellationKind.UNCLAIMED)
        );
        vm.prank(issuer);
        ledger.cancelCredits(batchId, proponent, TONNE, CancellationKind.UNCLAIMED, REFERENCE, "");
    }

    function test_RevertWhen_CancelCreditsUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        _cancel(99, proponent, TONNE);
    }

    function test_RevertWhen_CancelCreditsExpiryOfProjectCredits() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsNotExpired.selector, batchId, 0));
        vm.prank(issuer);
        ledger.cancelCredits(batchId, proponent, TONNE, CancellationKind.EXPIRY, REFERENCE, "");
    }

    function test_RevertWhen_CancelCreditsExpiryBeforeExpiry() public {
        uint256 pointsId = _pointsFor(TONNE);
        uint40 expiresAt = ledger.getBatch(pointsId).expiresAt;
        vm.warp(expiresAt - 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsNotExpired.selector, pointsId, expiresAt));
        vm.prank(issuer);
        ledger.cancelCredits(pointsId, individual, TONNE, CancellationKind.EXPIRY, REFERENCE, "");
    }

    function test_RevertWhen_CancelCreditsZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        _cancel(batchId, proponent, 0);
    }

    function test_RevertWhen_CancelCreditsMaxUint256() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        _cancel(batchId, proponent, type(uint256).max);
    }

    function test_RevertWhen_CancelCreditsMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, AMOUNT + 1, batchId
            )
        );
        _cancel(batchId, proponent, AMOUNT + 1);
    }

    function test_RevertWhen_CancelCreditsHolderNotAnAccount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownAccount.selector, address(0)));
        _cancel(batchId, address(0), TONNE);
    }

    function test_RevertWhen_CancelCreditsInExportCustody() public {
        // Locked credits leave custody only through confirmExport or releaseLock.
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownAccount.selector, address(ledger)));
        _cancel(batchId, address(ledger), TONNE);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "export withdrawn");
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT);
    }

    function test_RevertWhen_CancelCreditsPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _cancel(batchId, proponent, TONNE);
    }

    // ================================================================ cancelUnclaimed

    function test_CancelUnclaimed_CancelsRemainderAfterWindow() public {
        Distribution memory d = _pointsDistribution(TONNE);
        _claim(d, 0);
        vm.prank(individual);
        ledger.retire(d.batchId, TONNE / 2, individual, _redemption(), bytes32(0), WUHAN);
        uint256 start = ledger.getBatch(d.batchId).serialStart;
        vm.warp(uint256(ledger.getBatch(d.batchId).claimDeadline) + 1);

        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            start + TONNE / 2, d.batchId, address(0), 2 * TONNE, CancellationKind.UNCLAIMED, bytes32(0), "window over"
        );
        vm.prank(issuer);
        uint256 cancellationId = ledger.cancelUnclaimed(d.batchId, "window over");

        assertEq(cancellationId, start + TONNE / 2);
        assertEq(ledger.getCancellation(cancellationId).holder, address(0));
        assertEq(ledger.getCancellation(cancellationId).amount, 2 * TONNE);
        assertTrue(ledger.getBatch(d.batchId).distributionClosed);
        assertEq(ledger.unclaimedOf(d.batchId), 0);
        assertEq(ledger.getBatchSupply(d.batchId).cancelled, 2 * TONNE);
        // Claimed credits are untouched.
        assertEq(ledger.balanceOf(individual, d.batchId), TONNE / 2);
    }

    function test_RevertWhen_CancelUnclaimedCallerNotIssuer() public {
        Distribution memory d = _pointsDistribution(TONNE);
        vm.warp(uint256(ledger.getBatch(d.batchId).claimDeadline) + 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, registrar, Roles.ISSUER));
        vm.prank(registrar);
        ledger.cancelUnclaimed(d.batchId, "");
    }

    function test_RevertWhen_CancelUnclaimedUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        vm.prank(issuer);
        ledger.cancelUnclaimed(99, "");
    }

    function test_RevertWhen_CancelUnclaimedProponentBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNotADistribution.selector, batchId));
        vm.prank(issuer);
        ledger.cancelUnclaimed(batchId, "");
    }

    function test_RevertWhen_CancelUnclaimedWindowOpen() public {
        Distribution memory d = _pointsDistribution(TONNE);
        uint40 deadline = ledger.getBatch(d.batchId).claimDeadline;
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerClaimWindowOpen.selector, d.batchId, deadline));
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "");
    }

    function test_RevertWhen_CancelUnclaimedAtDeadline() public {
        Distribution memory d = _pointsDistribution(TONNE);
        uint40 deadline = ledger.getBatch(d.batchId).claimDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerClaimWindowOpen.selector, d.batchId, deadline));
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "");
    }

    function test_RevertWhen_CancelUnclaimedEverythingClaimed() public {
        Distribution memory d = _pointsDistribution(TONNE);
        _claim(d, 0);
        _claim(d, 1);
        vm.warp(uint256(ledger.getBatch(d.batchId).claimDeadline) + 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNothingUnclaimed.selector, d.batchId));
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "");
    }

    function test_RevertWhen_CancelUnclaimedTwice() public {
        Distribution memory d = _pointsDistribution(TONNE);
        vm.warp(uint256(ledger.getBatch(d.batchId).claimDeadline) + 1);
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "");
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNothingUnclaimed.selector, d.batchId));
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "");
    }

    // ================================================================ lockForExport

    function test_LockForExport_MovesCreditsIntoCustody() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsLocked(1, batchId, proponent, TONNE, DESTINATION);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(proponent, proponent, address(ledger), batchId, TONNE);
        uint256 lockId = _lock(proponent, batchId, TONNE);

        assertEq(lockId, 1);
        Lock memory l = ledger.getLock(lockId);
        assertEq(l.holder, proponent);
        assertEq(l.amount, TONNE);
        assertEq(uint256(l.status), uint256(LockStatus.LOCKED));
        assertEq(l.batchId, batchId);
        assertEq(l.lockedAt, block.timestamp);
        assertEq(l.destinationHash, DESTINATION);
        assertEq(ledger.balanceOf(address(ledger), batchId), TONNE);
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT - TONNE);
        assertEq(ledger.getBatchSupply(batchId).locked, TONNE);
    }

    function test_RevertWhen_LockForExportFromFrozenAccount() public {
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        _lock(proponent, batchId, TONNE);
    }

    function test_RevertWhen_LockForExportFromUnregisteredAccount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _lock(stranger, batchId, TONNE);
    }

    function test_RevertWhen_LockForExportUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        _lock(proponent, 99, TONNE);
    }

    function test_RevertWhen_LockForExportPoints() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, address(ledger))
        );
        _lock(individual, pointsId, TONNE);
    }

    function test_RevertWhen_LockForExportZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        _lock(proponent, batchId, 0);
    }

    function test_RevertWhen_LockForExportMaxUint256() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        _lock(proponent, batchId, type(uint256).max);
    }

    function test_RevertWhen_LockForExportMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, AMOUNT, AMOUNT + 1, batchId
            )
        );
        _lock(proponent, batchId, AMOUNT + 1);
    }

    function test_RevertWhen_LockForExportPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _lock(proponent, batchId, TONNE);
    }

    // ================================================================ confirmExport

    function test_ConfirmExport_CancelsLockedCredits() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        _freeze(proponent); // the holder's status no longer matters once locked
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            serialStart, batchId, proponent, TONNE, CancellationKind.EXPORT, EXPORT_REF, ""
        );
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LockExported(lockId, serialStart, EXPORT_REF);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(ledger), address(0), batchId, TONNE);
        vm.prank(issuer);
        uint256 cancellationId = ledger.confirmExport(lockId, EXPORT_REF);

        assertEq(cancellationId, serialStart);
        assertEq(uint256(ledger.getLock(lockId).status), uint256(LockStatus.EXPORTED));
        assertEq(uint256(ledger.getCancellation(cancellationId).kind), uint256(CancellationKind.EXPORT));
        assertEq(ledger.getCancellation(cancellationId).referenceHash, EXPORT_REF);
        assertEq(ledger.balanceOf(address(ledger), batchId), 0);
        assertEq(ledger.getBatchSupply(batchId).locked, 0);
        assertEq(ledger.getBatchSupply(batchId).cancelled, TONNE);
    }

    function test_RevertWhen_ConfirmExportCallerNotIssuer() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, proponent, Roles.ISSUER));
        vm.prank(proponent);
        ledger.confirmExport(lockId, EXPORT_REF);
    }

    function test_RevertWhen_ConfirmExportLockIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownLock.selector, 0));
        vm.prank(issuer);
        ledger.confirmExport(0, EXPORT_REF);
    }

    function test_RevertWhen_ConfirmExportUnknownLock() public {
        _lock(proponent, batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownLock.selector, 2));
        vm.prank(issuer);
        ledger.confirmExport(2, EXPORT_REF);
    }

    function test_RevertWhen_ConfirmExportTwice() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.confirmExport(lockId, EXPORT_REF);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidLockStatus.selector, lockId, LockStatus.EXPORTED)
        );
        vm.prank(issuer);
        ledger.confirmExport(lockId, EXPORT_REF);
    }

    function test_RevertWhen_ConfirmExportReleasedLock() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidLockStatus.selector, lockId, LockStatus.RELEASED)
        );
        vm.prank(issuer);
        ledger.confirmExport(lockId, EXPORT_REF);
    }

    function test_RevertWhen_ConfirmExportPaused() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(issuer);
        ledger.confirmExport(lockId, EXPORT_REF);
    }

    // ================================================================ releaseLock

    function test_ReleaseLock_ReturnsCreditsToHolder() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        _freeze(proponent); // release returns credits even to a frozen holder
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LockReleased(lockId, "destination refused");
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(ledger), proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "destination refused");

        assertEq(uint256(ledger.getLock(lockId).status), uint256(LockStatus.RELEASED));
        assertEq(ledger.balanceOf(proponent, batchId), AMOUNT);
        assertEq(ledger.balanceOf(address(ledger), batchId), 0);
        assertEq(ledger.getBatchSupply(batchId).locked, 0);
    }

    function test_RevertWhen_ReleaseLockCallerNotIssuer() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, stranger, Roles.ISSUER));
        vm.prank(stranger);
        ledger.releaseLock(lockId, "");
    }

    function test_RevertWhen_ReleaseLockUnknownLock() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownLock.selector, 1));
        vm.prank(issuer);
        ledger.releaseLock(1, "");
    }

    function test_RevertWhen_ReleaseLockExported() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.confirmExport(lockId, EXPORT_REF);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidLockStatus.selector, lockId, LockStatus.EXPORTED)
        );
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");
    }

    function test_RevertWhen_ReleaseLockTwice() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidLockStatus.selector, lockId, LockStatus.RELEASED)
        );
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");
    }

    function test_RevertWhen_ReleaseLockPaused() public {
        uint256 lockId = _lock(proponent, batchId, TONNE);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");
    }

    // ================================================================ recoverAccount

    function test_RecoverAccount_MovesFrozenIndividualsBalances() public {
        uint256 pointsId = _pointsFor(TONNE);
        _transfer(proponent, individual, batchId, 2 * TONNE);
        uint256 untouched = _projectBatch(TONNE);
        _freeze(individual);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (batchId, pointsId, untouched);
        uint256[] memory amounts = new uint256[](3);
        (amounts[0], amounts[1], amounts[2]) = (2 * TONNE, TONNE, 0);

        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AccountRecovered(individual, individual2, ids, amounts);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferBatch(registrar, individual, individual2, ids, amounts);
        vm.prank(registrar);
        ledger.recoverAccount(individual, individual2, ids);

        assertEq(ledger.balanceOf(individual, batchId), 0);
        assertEq(ledger.balanceOf(individual, pointsId), 0);
        assertEq(ledger.balanceOf(individual2, batchId), 2 * TONNE);
        assertEq(ledger.balanceOf(individual2, pointsId), TONNE);
    }

    function test_RevertWhen_RecoverAccountCallerNotRegistrar() public {
        _freeze(individual);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, issuer, Roles.REGISTRAR));
        vm.prank(issuer);
        ledger.recoverAccount(individual, individual2, _one(batchId));
    }

    function test_RevertWhen_RecoverAccountLostUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownAccount.selector, stranger));
        vm.prank(registrar);
        ledger.recoverAccount(stranger, individual2, _one(batchId));
    }

    function test_RevertWhen_RecoverAccountReplacementUnknown() public {
        _freeze(individual);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownAccount.selector, stranger));
        vm.prank(registrar);
        ledger.recoverAccount(individual, stranger, _one(batchId));
    }

    function test_RevertWhen_RecoverAccountLostNotFrozen() public {
        _expectInvalidRecovery(individual, individual2);
    }

    function test_RevertWhen_RecoverAccountToItself() public {
        _freeze(individual);
        _expectInvalidRecovery(individual, individual);
    }

    function test_RevertWhen_RecoverAccountLostNotIndividual() public {
        _freeze(enterprise);
        _expectInvalidRecovery(enterprise, individual2);
    }

    function test_RevertWhen_RecoverAccountReplacementNotActive() public {
        _freeze(individual);
        _freeze(individual2);
        _expectInvalidRecovery(individual, individual2);
    }

    function test_RevertWhen_RecoverAccountReplacementNotIndividual() public {
        _freeze(individual);
        _expectInvalidRecovery(individual, enterprise);
    }

    function test_RevertWhen_RecoverAccountPaused() public {
        _transfer(proponent, individual, batchId, TONNE);
        _freeze(individual);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(registrar);
        ledger.recoverAccount(individual, individual2, _one(batchId));
    }

    function test_RevertWhen_RecoverAccountRevokedReplacement() public {
        _freeze(individual);
        _setStatus(individual2, AccountStatus.REVOKED);
        _expectInvalidRecovery(individual, individual2);
    }

    function _expectInvalidRecovery(address lost, address replacement) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidRecovery.selector, lost, replacement));
        vm.prank(registrar);
        ledger.recoverAccount(lost, replacement, _one(batchId));
    }

    function _redemption() internal pure returns (RetirementPurpose) {
        return RetirementPurpose.INCENTIVE_REDEMPTION;
    }
}
