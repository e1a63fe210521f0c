// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {CarbonLedger} from "../../src/CarbonLedger.sol";
import {CarbonMarket} from "../../src/CarbonMarket.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {MarketFixture} from "../utils/MarketFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {
    Batch,
    Cancellation,
    CancellationKind,
    LockStatus,
    MethodologyKind,
    RetirementPurpose
} from "../../src/types/RegistryTypes.sol";

/// @notice setMarket, before any market is connected.
contract CarbonLedgerSetMarketTest is LedgerFixture {
    address internal marketAddress;

    function setUp() public override {
        super.setUp();
        marketAddress = address(new CarbonMarket(address(registry), address(ledger)));
    }

    function test_SetMarket_ConnectsOnce() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.MarketConnected(marketAddress);
        vm.prank(admin);
        ledger.setMarket(marketAddress);
        assertEq(ledger.market(), marketAddress);

        address another = address(new CarbonMarket(address(registry), address(ledger)));
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerMarketAlreadySet.selector, marketAddress));
        vm.prank(admin);
        ledger.setMarket(another);
    }

    /// @notice The hooks mint and move credits: an account without code is refused.
    function test_RevertWhen_SetMarketNotAContract() public {
        address eoa = makeAddr("not a market");
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidMarket.selector, eoa));
        vm.prank(admin);
        ledger.setMarket(eoa);
    }

    /// @notice A market built for another ledger is refused.
    function test_RevertWhen_SetMarketOfAnotherLedger() public {
        CarbonLedger other = new CarbonLedger(address(registry), "");
        address foreign = address(new CarbonMarket(address(registry), address(other)));
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidMarket.selector, foreign));
        vm.prank(admin);
        ledger.setMarket(foreign);
    }

    function test_RevertWhen_SetMarketZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAddress.selector, "market"));
        vm.prank(admin);
        ledger.setMarket(address(0));
    }

    function test_RevertWhen_SetMarketCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, issuer, bytes32(0)));
        vm.prank(issuer);
        ledger.setMarket(marketAddress);
    }

    /// @notice With no market set, the hooks are closed to everyone, address(0) included.
    function test_RevertWhen_MarketHookCalledBeforeMarketSet() public {
        uint256 batchId = _projectBatch(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerOnlyMarket.selector, address(0)));
        vm.prank(address(0));
        ledger.lockFor(proponent, batchId, TONNE, DESTINATION);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerOnlyMarket.selector, issuer));
        vm.prank(issuer);
        ledger.transferFor(proponent, enterprise, batchId, TONNE);
    }
}

/// @notice The market-only hooks (issueImported, lockFor, transferFor) and who settles which lock.
contract CarbonLedgerMarketHooksTest is MarketFixture {
    uint256 internal batchId;
    uint256 internal projectId;

    function setUp() public override {
        super.setUp();
        batchId = _creditsFor(enterprise, 10 * TONNE);
        projectId = _registeredProject();
    }

    function _expectOnlyMarket(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerOnlyMarket.selector, caller));
    }

    // ================================================================ onlyMarket

    function test_RevertWhen_IssueImportedCallerNotMarket() public {
        uint64 t = uint64(block.timestamp);
        _expectOnlyMarket(issuer);
        vm.prank(issuer);
        ledger.issueImported(proponent, projectId, t - 2 days, t - 1 days, VINTAGE, TONNE);
    }

    function test_RevertWhen_LockForCallerNotMarket() public {
        _expectOnlyMarket(enterprise);
        vm.prank(enterprise);
        ledger.lockFor(enterprise, batchId, TONNE, DESTINATION);
    }

    function test_RevertWhen_TransferForCallerNotMarket() public {
        _expectOnlyMarket(admin);
        vm.prank(admin);
        ledger.transferFor(enterprise, proponent, batchId, TONNE);
    }

    function test_IssueImported_ByMarket() public {
        uint64 t = uint64(block.timestamp);
        vm.prank(address(market));
        uint256 id = ledger.issueImported(enterprise, projectId, t - 2 days, t - 1 days, VINTAGE, TONNE);
        Batch memory b = ledger.getBatch(id);
        assertEq(b.reportId, 0);
        assertEq(b.projectId, projectId);
        assertEq(uint256(b.kind), uint256(MethodologyKind.PROJECT));
        assertEq(b.quantity, TONNE);
        assertEq(ledger.balanceOf(enterprise, id), TONNE);
        assertEq(registry.getProject(projectId).lastPeriodEnd, t - 1 days);
    }

    function test_RevertWhen_IssueImportedZeroQuantity() public {
        uint64 t = uint64(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        vm.prank(address(market));
        ledger.issueImported(enterprise, projectId, t - 2 days, t - 1 days, VINTAGE, 0);
    }

    function test_LockFor_ByMarketLocksHolderCredits() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsLocked(1, batchId, enterprise, TONNE, DESTINATION);
        vm.prank(address(market));
        uint256 lockId = ledger.lockFor(enterprise, batchId, TONNE, DESTINATION);
        assertEq(ledger.getLock(lockId).holder, enterprise);
        assertEq(ledger.balanceOf(address(ledger), batchId), TONNE);
    }

    function test_RevertWhen_LockForPoints() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, address(ledger))
        );
        vm.prank(address(market));
        ledger.lockFor(individual, pointsId, TONNE, DESTINATION);
    }

    function test_TransferFor_ByMarketAppliesTheUsualRules() public {
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(address(market), enterprise, proponent, batchId, TONNE);
        vm.prank(address(market));
        ledger.transferFor(enterprise, proponent, batchId, TONNE);
        assertEq(ledger.balanceOf(proponent, batchId), TONNE);
    }

    function test_RevertWhen_TransferForPointsToEnterprise() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, pointsId, enterprise)
        );
        vm.prank(address(market));
        ledger.transferFor(individual, enterprise, pointsId, TONNE);
    }

    // ================================================================ who settles a lock

    function test_RevertWhen_IssuerConfirmsMarketLock() public {
        uint256 lockId = _marketLock();
        _expectOnlyMarket(issuer);
        vm.prank(issuer);
        ledger.confirmExport(lockId, DESTINATION);
    }

    function test_RevertWhen_IssuerReleasesMarketLock() public {
        uint256 lockId = _marketLock();
        _expectOnlyMarket(issuer);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "bypassing the market");
        assertEq(uint256(ledger.getLock(lockId).status), uint256(LockStatus.LOCKED));
    }

    function test_RevertWhen_MarketConfirmsOrdinaryLock() public {
        uint256 lockId = _lock(enterprise, batchId, TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, address(market), Roles.ISSUER)
        );
        vm.prank(address(market));
        ledger.confirmExport(lockId, DESTINATION);
    }

    function test_RevertWhen_MarketReleasesOrdinaryLock() public {
        uint256 lockId = _lock(enterprise, batchId, TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, address(market), Roles.ISSUER)
        );
        vm.prank(address(market));
        ledger.releaseLock(lockId, "not mine");
    }

    function test_IssuerStillSettlesOrdinaryLocks() public {
        uint256 marketLock = _marketLock();
        uint256 lockId = _lock(enterprise, batchId, TONNE);
        vm.prank(issuer);
        ledger.releaseLock(lockId, "withdrawn");
        assertEq(uint256(ledger.getLock(lockId).status), uint256(LockStatus.RELEASED));
        assertEq(uint256(ledger.getLock(marketLock).status), uint256(LockStatus.LOCKED));
    }

    function _marketLock() internal returns (uint256 lockId) {
        _openComplianceYear();
        uint256 useId = _use(batchId, TONNE);
        lockId = market.getComplianceUse(useId).lockId;
    }
}

/// @notice cancelExpired: the issuer's sweep of an expired points batch.
contract CarbonLedgerCancelExpiredTest is MarketFixture {
    uint256 internal constant POINTS = TONNE; // individual: 1 t, individual2: 2 t

    uint256 internal pointsId;
    uint40 internal expiresAt;

    function setUp() public override {
        super.setUp();
        Distribution memory d = _pointsDistribution(POINTS);
        _claim(d, 0);
        _claim(d, 1);
        pointsId = d.batchId;
        expiresAt = ledger.getBatch(pointsId).expiresAt;
    }

    function _sweep(address[] memory holders) internal returns (uint256) {
        vm.prank(issuer);
        return ledger.cancelExpired(pointsId, holders);
    }

    function test_CancelExpired_CancelsEachHolderBalance() public {
        vm.warp(expiresAt);
        uint256 serialStart = ledger.getBatch(pointsId).serialStart;
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            serialStart, pointsId, individual, POINTS, CancellationKind.EXPIRY, bytes32(0), "expired"
        );
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, individual, address(0), pointsId, POINTS);
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            serialStart + POINTS, pointsId, individual2, 2 * POINTS, CancellationKind.EXPIRY, bytes32(0), "expired"
        );
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, individual2, address(0), pointsId, 2 * POINTS);
        assertEq(_sweep(_pair(individual, individual2)), 3 * POINTS);

        Cancellation memory c = ledger.getCancellation(serialStart + POINTS);
        assertEq(c.holder, individual2);
        assertEq(c.amount, 2 * POINTS);
        assertEq(uint256(c.kind), uint256(CancellationKind.EXPIRY));
        assertEq(ledger.balanceOf(individual, pointsId), 0);
        assertEq(ledger.balanceOf(individual2, pointsId), 0);
        assertEq(ledger.getBatchSupply(pointsId).cancelled, 3 * POINTS);
    }

    function test_CancelExpired_SkipsZeroBalances() public {
        vm.warp(expiresAt);
        address[] memory holders = new address[](4);
        (holders[0], holders[1], holders[2], holders[3]) = (stranger, individual, enterprise, individual);
        assertEq(_sweep(holders), POINTS);
        assertEq(ledger.getBatchSupply(pointsId).cancelled, POINTS);
        assertEq(ledger.balanceOf(individual2, pointsId), 2 * POINTS);
    }

    function test_CancelExpired_RerunChangesNothing() public {
        vm.warp(expiresAt);
        _sweep(_pair(individual, individual2));
        vm.recordLogs();
        assertEq(_sweep(_pair(individual, individual2)), 0);
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(ledger.getBatchSupply(pointsId).cancelled, 3 * POINTS);
    }

    function test_CancelExpired_EmptyList() public {
        vm.warp(expiresAt);
        assertEq(_sweep(new address[](0)), 0);
    }

    function test_CancelExpired_FrozenHolderAndAggregator() public {
        _redeem(individual2, pointsId, POINTS);
        _freeze(individual);
        vm.warp(expiresAt);
        assertEq(_sweep(_pair(individual, aggregator)), 2 * POINTS);
        assertEq(ledger.balanceOf(aggregator, pointsId), 0);
        assertEq(ledger.balanceOf(individual, pointsId), 0);
    }

    function test_RevertWhen_CancelExpiredBeforeExpiry() public {
        vm.warp(expiresAt - 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsNotExpired.selector, pointsId, expiresAt));
        _sweep(_pair(individual, individual2));
    }

    function test_RevertWhen_CancelExpiredProjectCredits() public {
        uint256 batchId = _projectBatch(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsNotExpired.selector, batchId, 0));
        vm.prank(issuer);
        ledger.cancelExpired(batchId, _one(proponent));
    }

    function test_RevertWhen_CancelExpiredUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        vm.prank(issuer);
        ledger.cancelExpired(99, _one(individual));
    }

    function test_RevertWhen_CancelExpiredCallerNotIssuer() public {
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, registrar, Roles.ISSUER));
        vm.prank(registrar);
        ledger.cancelExpired(pointsId, _one(individual));
    }

    function test_RevertWhen_CancelExpiredPaused() public {
        vm.warp(expiresAt);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _sweep(_one(individual));
    }
}

/// @notice An ecological-compensation retirement must name its court case.
contract CarbonLedgerCompensationReferenceTest is LedgerFixture {
    function test_RevertWhen_CompensationWithoutReference() public {
        uint256 batchId = _projectBatch(TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonLedger.LedgerReferenceRequired.selector, RetirementPurpose.ECOLOGICAL_COMPENSATION
            )
        );
        vm.prank(proponent);
        ledger.retire(batchId, TONNE, proponent, RetirementPurpose.ECOLOGICAL_COMPENSATION, bytes32(0), WUHAN);
    }

    function test_Retire_CompensationWithReference() public {
        uint256 batchId = _projectBatch(TONNE);
        vm.prank(proponent);
        uint256 certificateId =
            ledger.retire(batchId, TONNE, proponent, RetirementPurpose.ECOLOGICAL_COMPENSATION, REFERENCE, WUHAN);
        assertEq(ledger.getRetirement(certificateId).referenceHash, REFERENCE);
    }

    function test_Retire_OtherPurposesNeedNoReference() public {
        uint256 batchId = _projectBatch(2 * TONNE);
        vm.startPrank(proponent);
        ledger.retire(batchId, TONNE, proponent, RetirementPurpose.VOLUNTARY, bytes32(0), WUHAN);
        ledger.retire(batchId, TONNE, proponent, RetirementPurpose.INCENTIVE_REDEMPTION, bytes32(0), WUHAN);
        vm.stopPrank();
        assertEq(ledger.getBatchSupply(batchId).retired, 2 * TONNE);
    }

    function test_RevertWhen_RetireAsComplianceOffset() public {
        uint256 batchId = _projectBatch(TONNE);
        vm.prank(proponent);
        vm.expectRevert(ICarbonLedger.LedgerComplianceViaMarket.selector);
        ledger.retire(batchId, TONNE, proponent, RetirementPurpose.COMPLIANCE_OFFSET, REFERENCE, WUHAN);
    }
}
