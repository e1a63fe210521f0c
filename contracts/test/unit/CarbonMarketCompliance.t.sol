// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {MarketFixture} from "../utils/MarketFixture.sol";
import {CarbonMarket} from "../../src/CarbonMarket.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {ComplianceUse, ComplianceUseStatus, ComplianceYear, CoveredEntity} from "../../src/types/MarketTypes.sol";
import {
    AccountStatus,
    Cancellation,
    CancellationKind,
    Lock,
    LockStatus,
    MethodologyKind,
    ProjectStatus
} from "../../src/types/RegistryTypes.sol";

/// @notice Hubei compliance use: the agency's terms (year, eligible methodologies, covered entities),
/// a covered enterprise's use within its cap, and its confirmation (export) or release.
contract CarbonMarketComplianceTest is MarketFixture {
    uint256 internal batchId;

    function setUp() public override {
        super.setUp();
        _openComplianceYear();
        batchId = _creditsFor(enterprise, 2 * CAP);
    }

    /// @notice A project batch of `vintage` under `methodologyId`, transferred to `enterprise`.
    function _enterpriseBatch(uint256 methodologyId, uint16 vintage) internal returns (uint256 id) {
        uint256 projectId = _registerProject(methodologyId, proponent);
        uint256 reportId = _verifiedReport(projectId, TONNE);
        vm.prank(issuer);
        id = ledger.issueToProponent(reportId, TONNE, vintage, 0);
        _transfer(proponent, enterprise, id, TONNE);
    }

    function _expectUnauthorized(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnauthorized.selector, caller, Roles.ISSUER));
    }

    // ================================================================ constructor and views

    function test_Constructor_StoresRegistryAndLedger() public view {
        assertEq(market.registry(), address(registry));
        assertEq(market.ledger(), address(ledger));
        assertEq(ledger.market(), address(market));
    }

    function test_RevertWhen_ConstructedWithZeroRegistry() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroAddress.selector, "registry"));
        new CarbonMarket(address(0), address(ledger));
    }

    function test_RevertWhen_ConstructedWithZeroLedger() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroAddress.selector, "ledger"));
        new CarbonMarket(address(registry), address(0));
    }

    function test_ComplianceDestination_HashesMarketAndYear() public view {
        assertEq(market.complianceDestination(YEAR), keccak256(abi.encode("HUBEI-ETS", YEAR)));
        assertTrue(market.complianceDestination(YEAR) != market.complianceDestination(YEAR + 1));
    }

    // ================================================================ setComplianceYear

    function test_SetComplianceYear_StoresTerms() public {
        ComplianceYear memory terms = ComplianceYear({
            minVintage: 2024,
            maxVintage: 2026,
            capBps: uint16(market.MAX_CAP_BPS()),
            closesAt: uint40(block.timestamp + 1)
        });
        vm.expectEmit(address(market));
        emit ICarbonMarket.ComplianceYearSet(2026, terms);
        vm.prank(issuer);
        market.setComplianceYear(2026, terms);

        ComplianceYear memory stored = market.complianceYear(2026);
        assertEq(stored.minVintage, 2024);
        assertEq(stored.maxVintage, 2026);
        assertEq(stored.capBps, market.MAX_CAP_BPS());
        assertEq(stored.closesAt, block.timestamp + 1);
    }

    function test_SetComplianceYear_ReplacesTerms() public {
        ComplianceYear memory terms = _terms();
        terms.capBps = 500;
        _setYear(terms);
        assertEq(market.complianceYear(YEAR).capBps, 500);
        assertEq(market.availableCap(YEAR, enterprise), CAP / 2);
    }

    function test_RevertWhen_SetComplianceYearCallerNotIssuer() public {
        ComplianceYear memory terms = _terms();
        _expectUnauthorized(registrar);
        vm.prank(registrar);
        market.setComplianceYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearBefore2000() public {
        ComplianceYear memory terms = _terms();
        terms.minVintage = 1999;
        terms.maxVintage = 1999;
        _expectInvalidYear(1999, terms);
    }

    function test_RevertWhen_SetComplianceYearAfter2200() public {
        ComplianceYear memory terms = _terms();
        _expectInvalidYear(2201, terms);
    }

    function test_RevertWhen_SetComplianceYearMinVintageBefore2000() public {
        ComplianceYear memory terms = _terms();
        terms.minVintage = 1999;
        _expectInvalidYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearVintagesReversed() public {
        ComplianceYear memory terms = _terms();
        terms.minVintage = YEAR;
        terms.maxVintage = YEAR - 1;
        _expectInvalidYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearMaxVintageAfterYear() public {
        ComplianceYear memory terms = _terms();
        terms.maxVintage = YEAR + 1;
        _expectInvalidYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearZeroCap() public {
        ComplianceYear memory terms = _terms();
        terms.capBps = 0;
        _expectInvalidYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearCapAboveMax() public {
        ComplianceYear memory terms = _terms();
        terms.capBps = uint16(market.MAX_CAP_BPS() + 1);
        _expectInvalidYear(YEAR, terms);
    }

    function test_RevertWhen_SetComplianceYearClosesNow() public {
        ComplianceYear memory terms = _terms();
        terms.closesAt = uint40(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketComplianceYearClosed.selector, YEAR, terms.closesAt));
        _setYear(terms);
    }

    function _expectInvalidYear(uint16 year, ComplianceYear memory terms) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidComplianceYear.selector, year));
        vm.prank(issuer);
        market.setComplianceYear(year, terms);
    }

    // ================================================================ setMethodologyEligibility

    function test_SetMethodologyEligibility_TogglesEligibility() public {
        uint256 methodologyId = _registerMethodology("WHCI-FR-001", 1, MethodologyKind.PROJECT, 0);
        assertFalse(market.isEligible(YEAR, methodologyId));

        vm.expectEmit(address(market));
        emit ICarbonMarket.MethodologyEligibilitySet(YEAR, methodologyId, true);
        _setEligible(methodologyId, true);
        assertTrue(market.isEligible(YEAR, methodologyId));

        vm.expectEmit(address(market));
        emit ICarbonMarket.MethodologyEligibilitySet(YEAR, methodologyId, false);
        _setEligible(methodologyId, false);
        assertFalse(market.isEligible(YEAR, methodologyId));
    }

    function test_RevertWhen_SetMethodologyEligibilityCallerNotIssuer() public {
        uint256 methodologyId = _projectMethodology();
        _expectUnauthorized(stranger);
        vm.prank(stranger);
        market.setMethodologyEligibility(YEAR, methodologyId, true);
    }

    function test_RevertWhen_SetMethodologyEligibilityUnknownYear() public {
        uint256 methodologyId = _projectMethodology();
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceYear.selector, YEAR - 1));
        vm.prank(issuer);
        market.setMethodologyEligibility(YEAR - 1, methodologyId, true);
    }

    function test_RevertWhen_SetMethodologyEligibilityUnknownMethodology() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownMethodology.selector, 99));
        _setEligible(99, true);
    }

    function test_RevertWhen_SetMethodologyEligibilityOfPersonalScenario() public {
        uint256 methodologyId = _scenarioMethodology();
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketMethodologyNotProject.selector, methodologyId));
        _setEligible(methodologyId, true);
    }

    // ================================================================ setCoveredEntity

    function test_SetCoveredEntity_RecordsEmissionsAndCap() public {
        vm.expectEmit(address(market));
        emit ICarbonMarket.CoveredEntitySet(YEAR, proponent, 50 * TONNE, 5 * TONNE);
        _cover(proponent, 50 * TONNE);

        CoveredEntity memory e = market.coveredEntity(YEAR, proponent);
        assertEq(e.verifiedEmissions, 50 * TONNE);
        assertEq(e.used, 0);
        assertEq(market.availableCap(YEAR, proponent), 5 * TONNE);
    }

    function test_SetCoveredEntity_FrozenEnterpriseStaysCovered() public {
        _freeze(proponent);
        _cover(proponent, EMISSIONS);
        assertEq(market.availableCap(YEAR, proponent), CAP);
    }

    function test_SetCoveredEntity_LowerEmissionsDownToUse() public {
        _use(batchId, CAP / 2);
        _cover(enterprise, EMISSIONS / 2);
        assertEq(market.availableCap(YEAR, enterprise), 0);
        assertEq(market.coveredEntity(YEAR, enterprise).used, CAP / 2);
    }

    function test_RevertWhen_SetCoveredEntityBelowUse() public {
        _use(batchId, CAP / 2);
        uint256 emissions = EMISSIONS / 2 - 1;
        uint256 cap = emissions * CAP_BPS / 10_000;
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketCapBelowUse.selector, enterprise, YEAR, cap, CAP / 2)
        );
        _cover(enterprise, emissions);
    }

    function test_RevertWhen_SetCoveredEntityCallerNotIssuer() public {
        _expectUnauthorized(enterprise);
        vm.prank(enterprise);
        market.setCoveredEntity(YEAR, enterprise, EMISSIONS);
    }

    function test_RevertWhen_SetCoveredEntityUnknownYear() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceYear.selector, YEAR + 1));
        vm.prank(issuer);
        market.setCoveredEntity(YEAR + 1, enterprise, EMISSIONS);
    }

    function test_RevertWhen_SetCoveredEntityIndividual() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotEnterprise.selector, individual));
        _cover(individual, EMISSIONS);
    }

    function test_RevertWhen_SetCoveredEntityUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotEnterprise.selector, stranger));
        _cover(stranger, EMISSIONS);
    }

    function test_RevertWhen_SetCoveredEntityEmissionsAboveUint64() public {
        uint256 emissions = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, emissions));
        _cover(enterprise, emissions);
    }

    // ================================================================ useForCompliance

    function test_UseForCompliance_LocksCreditsWithinCap() public {
        uint256 amount = 30 * TONNE;
        bytes32 destination = market.complianceDestination(YEAR);
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsLocked(1, batchId, enterprise, amount, destination);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(address(market), enterprise, address(ledger), batchId, amount);
        vm.expectEmit(address(market));
        emit ICarbonMarket.ComplianceUseRequested(1, YEAR, enterprise, batchId, amount, 1);
        uint256 useId = _use(batchId, amount);

        assertEq(useId, 1);
        assertEq(market.complianceUseCount(), 1);
        ComplianceUse memory u = market.getComplianceUse(useId);
        assertEq(u.entity, enterprise);
        assertEq(u.year, YEAR);
        assertEq(uint256(u.status), uint256(ComplianceUseStatus.PENDING));
        assertEq(u.batchId, batchId);
        assertEq(u.amount, amount);
        assertEq(u.lockId, 1);
        assertEq(u.requestedAt, block.timestamp);
        assertEq(u.marketReference, bytes32(0));

        Lock memory l = ledger.getLock(1);
        assertEq(l.holder, enterprise);
        assertEq(l.amount, amount);
        assertEq(uint256(l.status), uint256(LockStatus.LOCKED));
        assertEq(l.destinationHash, destination);
        assertEq(ledger.balanceOf(enterprise, batchId), 2 * CAP - amount);
        assertEq(ledger.balanceOf(address(ledger), batchId), amount);
        assertEq(ledger.getBatchSupply(batchId).locked, amount);
        assertEq(market.coveredEntity(YEAR, enterprise).used, amount);
        assertEq(market.availableCap(YEAR, enterprise), CAP - amount);
    }

    function test_UseForCompliance_ExactlyTheCap() public {
        _use(batchId, CAP);
        assertEq(market.availableCap(YEAR, enterprise), 0);
        assertEq(market.coveredEntity(YEAR, enterprise).used, CAP);
    }

    function test_RevertWhen_UseForComplianceCapPlusOne() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketCapExceeded.selector, enterprise, YEAR, CAP + 1, CAP)
        );
        _use(batchId, CAP + 1);
    }

    function test_RevertWhen_UseForComplianceExceedsWhatIsLeft() public {
        _use(batchId, CAP - TONNE);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketCapExceeded.selector, enterprise, YEAR, TONNE + 1, TONNE)
        );
        _use(batchId, TONNE + 1);
        _use(batchId, TONNE);
    }

    /// @notice Terms re-set with a lower cap share leave the entity above its cap: it may use nothing
    /// more, and the views report 0 rather than underflowing.
    function test_RevertWhen_UseForComplianceAfterCapLowered() public {
        _use(batchId, CAP);
        ComplianceYear memory terms = _terms();
        terms.capBps = CAP_BPS / 2;
        _setYear(terms);
        assertEq(market.availableCap(YEAR, enterprise), 0);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketCapExceeded.selector, enterprise, YEAR, 1, 0));
        _use(batchId, 1);
    }

    function test_UseForCompliance_JustBeforeClose() public {
        vm.warp(market.complianceYear(YEAR).closesAt - 1);
        _use(batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceYearClosed() public {
        uint40 closesAt = market.complianceYear(YEAR).closesAt;
        vm.warp(closesAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketComplianceYearClosed.selector, YEAR, closesAt));
        _use(batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceUnknownYear() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceYear.selector, YEAR - 1));
        vm.prank(enterprise);
        market.useForCompliance(YEAR - 1, batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroAmount.selector));
        _use(batchId, 0);
    }

    function test_RevertWhen_UseForComplianceUnknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 99));
        _use(99, TONNE);
    }

    /// @notice A holder's own export lock addressed to the Hubei market cannot be exported by the
    /// issuer (it would bypass the cap); it can only be released.
    function test_RevertWhen_ConfirmExportOfOwnLockToComplianceDestination() public {
        bytes32 destination = market.complianceDestination(YEAR);
        assertEq(market.complianceYearOf(destination), YEAR);
        vm.prank(enterprise);
        uint256 lockId = ledger.lockForExport(batchId, 2 * CAP, destination);
        vm.expectRevert(ICarbonLedger.LedgerComplianceViaMarket.selector);
        vm.prank(issuer);
        ledger.confirmExport(lockId, keccak256("HBETS record"));
        vm.prank(issuer);
        ledger.releaseLock(lockId, "compliance goes through the market");
        assertEq(ledger.balanceOf(enterprise, batchId), 2 * CAP);
    }

    function test_ConfirmExport_OwnLockToAnotherPlatform() public {
        vm.prank(enterprise);
        uint256 lockId = ledger.lockForExport(batchId, TONNE, keccak256("partner:shenzhen"));
        assertEq(market.complianceYearOf(keccak256("partner:shenzhen")), 0);
        vm.prank(issuer);
        ledger.confirmExport(lockId, keccak256("SZCI import record"));
        assertEq(uint8(ledger.getLock(lockId).status), uint8(LockStatus.EXPORTED));
    }

    /// @notice A suspended project's credits stay held but are not surrendered to the market.
    function test_RevertWhen_UseForComplianceProjectSuspended() public {
        uint256 projectId = ledger.getBatch(batchId).projectId;
        vm.prank(registrar);
        registry.suspendProject(projectId, "fraud investigation");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonMarket.MarketProjectNotRegistered.selector, batchId, projectId, ProjectStatus.SUSPENDED
            )
        );
        _use(batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceVintageBeforeRange() public {
        uint256 oldBatch = _enterpriseBatch(_projectMethodology(), MIN_VINTAGE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketVintageNotEligible.selector, oldBatch, MIN_VINTAGE - 1, YEAR)
        );
        _use(oldBatch, TONNE);
    }

    function test_RevertWhen_UseForComplianceVintageAfterRange() public {
        uint256 newBatch = _enterpriseBatch(_projectMethodology(), YEAR + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketVintageNotEligible.selector, newBatch, YEAR + 1, YEAR)
        );
        _use(newBatch, TONNE);
    }

    function test_UseForCompliance_VintagesAtBothBounds() public {
        _use(_enterpriseBatch(_projectMethodology(), MIN_VINTAGE), TONNE);
        _use(_enterpriseBatch(_projectMethodology(), YEAR), TONNE);
        assertEq(market.complianceUseCount(), 2);
    }

    function test_RevertWhen_UseForComplianceMethodologyNotEligible() public {
        uint256 methodologyId = _registerMethodology("WHCI-FR-001", 1, MethodologyKind.PROJECT, 0);
        uint256 forestBatch = _enterpriseBatch(methodologyId, VINTAGE);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonMarket.MarketMethodologyNotEligible.selector, forestBatch, methodologyId, YEAR
            )
        );
        _use(forestBatch, TONNE);
    }

    function test_RevertWhen_UseForComplianceMethodologyEligibilityWithdrawn() public {
        uint256 methodologyId = _projectMethodology();
        _setEligible(methodologyId, false);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketMethodologyNotEligible.selector, batchId, methodologyId, YEAR)
        );
        _use(batchId, TONNE);
    }

    function test_RevertWhen_UseForCompliancePoints() public {
        uint256 pointsId = _pointsFor(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketPointsNotEligible.selector, pointsId));
        _use(pointsId, TONNE);
    }

    function test_RevertWhen_UseForComplianceNotCovered() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCoveredEntity.selector, proponent, YEAR));
        vm.prank(proponent);
        market.useForCompliance(YEAR, batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceCoveredOnlyInAnotherYear() public {
        ComplianceYear memory terms = _terms();
        terms.maxVintage = YEAR - 1;
        vm.prank(issuer);
        market.setComplianceYear(YEAR - 1, terms);
        vm.prank(issuer);
        market.setMethodologyEligibility(YEAR - 1, _projectMethodology(), true);
        uint256 oldBatch = _enterpriseBatch(_projectMethodology(), YEAR - 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCoveredEntity.selector, enterprise, YEAR - 1));
        vm.prank(enterprise);
        market.useForCompliance(YEAR - 1, oldBatch, TONNE);
    }

    /// @notice A citizen can never be covered (setCoveredEntity takes enterprises only).
    function test_RevertWhen_UseForComplianceByIndividual() public {
        _transfer(enterprise, individual, batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotCoveredEntity.selector, individual, YEAR));
        vm.prank(individual);
        market.useForCompliance(YEAR, batchId, TONNE);
    }

    function test_RevertWhen_UseForComplianceEntityFrozen() public {
        _freeze(enterprise);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, enterprise, AccountStatus.FROZEN)
        );
        _use(batchId, TONNE);
        assertEq(market.coveredEntity(YEAR, enterprise).used, 0);
    }

    function test_RevertWhen_UseForComplianceMoreThanBalance() public {
        _cover(enterprise, 100 * EMISSIONS);
        uint256 balance = ledger.balanceOf(enterprise, batchId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC1155Errors.ERC1155InsufficientBalance.selector, enterprise, balance, balance + 1, batchId
            )
        );
        _use(batchId, balance + 1);
    }

    function test_RevertWhen_UseForCompliancePaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _use(batchId, TONNE);
    }

    // ================================================================ confirmComplianceUse

    function test_ConfirmComplianceUse_CancelsAsExported() public {
        uint256 useId = _use(batchId, CAP);
        uint256 cancellationId = ledger.getBatch(batchId).serialStart;
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.CreditsCancelled(
            cancellationId, batchId, enterprise, CAP, CancellationKind.EXPORT, MARKET_REFERENCE, ""
        );
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LockExported(1, cancellationId, MARKET_REFERENCE);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(address(market), address(ledger), address(0), batchId, CAP);
        vm.expectEmit(address(market));
        emit ICarbonMarket.ComplianceUseExported(useId, cancellationId, MARKET_REFERENCE);
        vm.prank(issuer);
        assertEq(market.confirmComplianceUse(useId, MARKET_REFERENCE), cancellationId);

        ComplianceUse memory u = market.getComplianceUse(useId);
        assertEq(uint256(u.status), uint256(ComplianceUseStatus.EXPORTED));
        assertEq(u.marketReference, MARKET_REFERENCE);
        Cancellation memory c = ledger.getCancellation(cancellationId);
        assertEq(c.holder, enterprise);
        assertEq(c.amount, CAP);
        assertEq(uint256(c.kind), uint256(CancellationKind.EXPORT));
        assertEq(c.referenceHash, MARKET_REFERENCE);
        assertEq(uint256(ledger.getLock(1).status), uint256(LockStatus.EXPORTED));
        assertEq(ledger.balanceOf(address(ledger), batchId), 0);
        assertEq(ledger.getBatchSupply(batchId).locked, 0);
        assertEq(ledger.getBatchSupply(batchId).cancelled, CAP);
        // An exported use stays counted against the cap.
        assertEq(market.coveredEntity(YEAR, enterprise).used, CAP);
    }

    function test_ConfirmComplianceUse_AfterTheYearClosed() public {
        uint256 useId = _use(batchId, TONNE);
        vm.warp(market.complianceYear(YEAR).closesAt + 30 days);
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
        assertEq(uint256(market.getComplianceUse(useId).status), uint256(ComplianceUseStatus.EXPORTED));
    }

    function test_RevertWhen_ConfirmComplianceUseCallerNotIssuer() public {
        uint256 useId = _use(batchId, TONNE);
        _expectUnauthorized(enterprise);
        vm.prank(enterprise);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
    }

    function test_RevertWhen_ConfirmComplianceUseZeroReference() public {
        uint256 useId = _use(batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketZeroReference.selector));
        vm.prank(issuer);
        market.confirmComplianceUse(useId, bytes32(0));
    }

    function test_RevertWhen_ConfirmComplianceUseZeroId() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceUse.selector, 0));
        vm.prank(issuer);
        market.confirmComplianceUse(0, MARKET_REFERENCE);
    }

    function test_RevertWhen_ConfirmComplianceUseUnknownId() public {
        _use(batchId, TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceUse.selector, 2));
        vm.prank(issuer);
        market.confirmComplianceUse(2, MARKET_REFERENCE);
    }

    function test_RevertWhen_ConfirmComplianceUseTwice() public {
        uint256 useId = _use(batchId, TONNE);
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
        _expectStatus(useId, ComplianceUseStatus.EXPORTED);
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
    }

    function test_RevertWhen_ConfirmComplianceUseReleased() public {
        uint256 useId = _use(batchId, TONNE);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "rejected by the market");
        _expectStatus(useId, ComplianceUseStatus.RELEASED);
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
    }

    function test_RevertWhen_ConfirmComplianceUsePaused() public {
        uint256 useId = _use(batchId, TONNE);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
    }

    function _expectStatus(uint256 useId, ComplianceUseStatus status) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidComplianceUseStatus.selector, useId, status));
    }

    // ================================================================ releaseComplianceUse

    function test_ReleaseComplianceUse_ReturnsCreditsAndCap() public {
        uint256 useId = _use(batchId, CAP);
        vm.expectEmit(address(market));
        emit ICarbonMarket.ComplianceUseReleased(useId, "rejected by the market");
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LockReleased(1, "rejected by the market");
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(address(market), address(ledger), enterprise, batchId, CAP);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "rejected by the market");

        assertEq(uint256(market.getComplianceUse(useId).status), uint256(ComplianceUseStatus.RELEASED));
        assertEq(uint256(ledger.getLock(1).status), uint256(LockStatus.RELEASED));
        assertEq(ledger.balanceOf(enterprise, batchId), 2 * CAP);
        assertEq(ledger.getBatchSupply(batchId).locked, 0);
        assertEq(market.coveredEntity(YEAR, enterprise).used, 0);
        assertEq(market.availableCap(YEAR, enterprise), CAP);
        // The cap given back can be used again.
        _use(batchId, CAP);
    }

    function test_ReleaseComplianceUse_OnlyTheReleasedUseGivesBack() public {
        uint256 first = _use(batchId, 40 * TONNE);
        uint256 second = _use(batchId, 60 * TONNE);
        vm.prank(issuer);
        market.confirmComplianceUse(first, MARKET_REFERENCE);
        vm.prank(issuer);
        market.releaseComplianceUse(second, "withdrawn");
        assertEq(market.coveredEntity(YEAR, enterprise).used, 40 * TONNE);
        assertEq(market.availableCap(YEAR, enterprise), 60 * TONNE);
    }

    function test_RevertWhen_ReleaseComplianceUseCallerNotIssuer() public {
        uint256 useId = _use(batchId, TONNE);
        _expectUnauthorized(enterprise);
        vm.prank(enterprise);
        market.releaseComplianceUse(useId, "mine");
    }

    function test_RevertWhen_ReleaseComplianceUseUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnknownComplianceUse.selector, 1));
        vm.prank(issuer);
        market.releaseComplianceUse(1, "none");
    }

    function test_RevertWhen_ReleaseComplianceUseExported() public {
        uint256 useId = _use(batchId, TONNE);
        vm.prank(issuer);
        market.confirmComplianceUse(useId, MARKET_REFERENCE);
        _expectStatus(useId, ComplianceUseStatus.EXPORTED);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "too late");
    }

    function test_RevertWhen_ReleaseComplianceUseTwice() public {
        uint256 useId = _use(batchId, TONNE);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "withdrawn");
        _expectStatus(useId, ComplianceUseStatus.RELEASED);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "withdrawn");
    }
}
