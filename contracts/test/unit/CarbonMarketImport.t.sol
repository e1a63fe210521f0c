// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {CreditImport, ImportInput} from "../../src/types/MarketTypes.sol";
import {
    AccountKind,
    AccountStatus,
    Batch,
    MethodologyKind,
    MethodologyStatus,
    ProjectStatus,
    ReportInput
} from "../../src/types/RegistryTypes.sol";

/// @notice importCredits (互联互通): a partner's attested credits become a batch here, its origin serials
/// and the project's monitoring period are never counted twice; and the registry's recordImportedPeriod.
contract CarbonMarketImportTest is MarketFixture {
    uint256 internal projectId;
    ImportInput internal pending;
    bytes internal pendingAttestation;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
    }

    function _expectOverlap(uint256 start, uint256 end, uint256 importedStart, uint256 importedEnd) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonMarket.MarketOriginSerialsOverlap.selector, partner, start, end, importedStart, importedEnd
            )
        );
    }

    function _expectStaleHint(uint256 previousStart) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketStaleSerialHint.selector, partner, previousStart));
    }

    /// @notice Attest origin serials [start, end) now: sign before vm.expectRevert, import after it.
    function _prepare(uint256 start, uint256 end) internal {
        pending = _importInput(projectId, start, end);
        pendingAttestation = _attest(pending);
    }

    function _importPrepared(uint256 previousStart) internal {
        _import(pending, pendingAttestation, previousStart);
    }

    /// @notice The partner's imported ranges, walking the list from its head.
    function _ranges(address partner_) internal view returns (uint256[] memory starts, uint256[] memory ends) {
        starts = new uint256[](16);
        ends = new uint256[](16);
        uint256 count;
        (, uint256 s) = market.importedRange(partner_, 0);
        while (s != 0) {
            starts[count] = s;
            (ends[count], s) = market.importedRange(partner_, s);
            ++count;
        }
        assembly ("memory-safe") {
            mstore(starts, count)
            mstore(ends, count)
        }
    }

    // ================================================================ success

    function test_ImportCredits_MintsBatchAndRecordsImport() public {
        ImportInput memory input = _importInput(projectId, 1_001, 1_001 + 5 * TONNE);
        bytes memory attestation = _attest(input);
        bytes32 digest = market.importDigest(input);
        uint256 serialStart = ledger.nextSerial();
        Batch memory expected = Batch({
            reportId: 0,
            projectId: uint64(projectId),
            serialStart: uint64(serialStart),
            vintage: VINTAGE,
            kind: MethodologyKind.PROJECT,
            distributionClosed: false,
            quantity: uint64(5 * TONNE),
            bufferAmount: 0,
            claimDeadline: 0,
            expiresAt: 0,
            merkleRoot: bytes32(0)
        });
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.BatchIssued(1, 0, proponent, expected);
        vm.expectEmit(address(market));
        emit ICarbonMarket.CreditsImported(1, 1, partner, input, digest);
        (uint256 importId, uint256 batchId) = _import(input, attestation, 0);

        assertEq(importId, 1);
        assertEq(batchId, 1);
        assertEq(market.importCount(), 1);
        assertEq(market.importIdOf(digest), 1);
        CreditImport memory record = market.getImport(importId);
        assertEq(record.partner, partner);
        assertEq(record.batchId, batchId);
        assertEq(record.importedAt, block.timestamp);
        assertEq(record.originSerialStart, 1_001);
        assertEq(record.originSerialEnd, 1_001 + 5 * TONNE);
        assertEq(record.digest, digest);

        assertEq(ledger.balanceOf(proponent, batchId), 5 * TONNE);
        assertEq(ledger.nextSerial(), serialStart + 5 * TONNE);
        assertEq(ledger.issuedForReport(0), 0);
        assertEq(registry.getProject(projectId).lastPeriodEnd, input.periodEnd);
        (uint256 headEnd, uint256 first) = market.importedRange(partner, 0);
        assertEq(headEnd, 0);
        assertEq(first, 1_001);
        (uint256 end, uint256 next) = market.importedRange(partner, 1_001);
        assertEq(end, 1_001 + 5 * TONNE);
        assertEq(next, 0);
    }

    function test_ImportCredits_AtTheDeadline() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.warp(input.deadline);
        _import(input, attestation, 0);
        assertEq(market.importCount(), 1);
    }

    function test_ImportCredits_ToAnotherRecipient() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.recipient = enterprise;
        (, uint256 batchId) = _import(input, _attest(input), 0);
        assertEq(ledger.balanceOf(enterprise, batchId), 100);
        assertEq(ledger.balanceOf(proponent, batchId), 0);
    }

    /// @notice Imported credits are ordinary project credits: eligible for compliance use.
    function test_ImportCredits_BatchUsableForCompliance() public {
        _openComplianceYear();
        ImportInput memory input = _importInput(projectId, 1, 1 + CAP);
        input.recipient = enterprise;
        (, uint256 batchId) = _import(input, _attest(input), 0);
        _use(batchId, CAP);
        assertEq(market.availableCap(YEAR, enterprise), 0);
    }

    function test_RevertWhen_ImportCreditsCallerNotIssuer() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketUnauthorized.selector, partner, Roles.ISSUER));
        vm.prank(partner);
        market.importCredits(input, attestation, 0);
    }

    // ================================================================ attestation and partner

    function test_RevertWhen_ImportCreditsGarbageSignature() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, address(0)));
        _import(input, new bytes(65), 0);
    }

    function test_RevertWhen_ImportCreditsShortSignature() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, address(0)));
        _import(input, hex"1234", 0);
    }

    function test_RevertWhen_ImportCreditsSignedByAnotherKey() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input, verifierKeys[0]);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, verifiers[0]));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsNamesAnotherPartner() public {
        (address other,) = _addPartner("partner-2", AccountKind.PARTNER_REGISTRY);
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.partner = other;
        bytes memory attestation = _attest(input, partnerKey);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, other, partner));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsPartnerNotPartnerRegistry() public {
        (address other, uint256 otherKey) = _addPartner("enterprise-key", AccountKind.ENTERPRISE);
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.partner = other;
        bytes memory attestation = _attest(input, otherKey);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotPartner.selector, other));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsPartnerUnregistered() public {
        (address other, uint256 otherKey) = makeKey("unregistered partner");
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.partner = other;
        bytes memory attestation = _attest(input, otherKey);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotPartner.selector, other));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsPartnerFrozen() public {
        _freeze(partner);
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotPartner.selector, partner));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsPartnerRevoked() public {
        _setStatus(partner, AccountStatus.REVOKED);
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketNotPartner.selector, partner));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsReplayed() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        _import(input, attestation, 0);
        bytes32 digest = market.importDigest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketImportReplayed.selector, digest, 1));
        _import(input, attestation, 0);
    }

    /// @notice Replay is reported before expiry, so a resubmitting node learns the import is on chain.
    function test_RevertWhen_ImportCreditsReplayedAfterDeadline() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        _import(input, attestation, 0);
        vm.warp(input.deadline + 1);
        bytes32 digest = market.importDigest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketImportReplayed.selector, digest, 1));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsExpired() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.warp(input.deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketImportExpired.selector, input.deadline, input.deadline + 1)
        );
        _import(input, attestation, 0);
    }

    function _addPartner(string memory name, AccountKind kind) internal returns (address account, uint256 key) {
        (account, key) = makeKey(name);
        _registerAccount(account, kind, WUHAN);
    }

    // ================================================================ origin serial ranges

    function test_RevertWhen_ImportCreditsZeroOriginStart() public {
        _prepare(0, 100);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidOriginSerials.selector, 0, 100));
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsEmptyOriginRange() public {
        _prepare(100, 100);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidOriginSerials.selector, 100, 100));
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsReversedOriginRange() public {
        _prepare(100, 99);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidOriginSerials.selector, 100, 99));
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsOverlapsPreviousRange() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(150, 250);
        _expectOverlap(150, 250, 100, 200);
        _importPrepared(100);
    }

    function test_RevertWhen_ImportCreditsOverlapsNextRange() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(50, 101);
        _expectOverlap(50, 101, 100, 200);
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsOverlapsNextRangeAfterHint() public {
        _importRange(projectId, 100, 200, 0);
        _importRange(projectId, 300, 400, 100);
        _prepare(250, 350);
        _expectOverlap(250, 350, 300, 400);
        _importPrepared(100);
    }

    function test_RevertWhen_ImportCreditsContainsRange() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(50, 250);
        _expectOverlap(50, 250, 100, 200);
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsInsideRange() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(120, 130);
        _expectOverlap(120, 130, 100, 200);
        _importPrepared(100);
    }

    function test_RevertWhen_ImportCreditsSameStart() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(100, 150);
        _expectOverlap(100, 150, 100, 200);
        _importPrepared(100);
    }

    /// @notice With the head as hint, a range whose start lies inside the first range overlaps it.
    function test_RevertWhen_ImportCreditsStartsInsideFirstRangeWithHeadHint() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(150, 250);
        _expectOverlap(150, 250, 100, 200);
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsHintBelowPredecessor() public {
        _importRange(projectId, 100, 200, 0);
        _importRange(projectId, 300, 400, 100);
        _prepare(500, 600);
        _expectStaleHint(100);
        _importPrepared(100);
    }

    function test_RevertWhen_ImportCreditsHeadHintWhenRangesBelow() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(300, 400);
        _expectStaleHint(0);
        _importPrepared(0);
    }

    function test_RevertWhen_ImportCreditsHintAboveStart() public {
        _importRange(projectId, 100, 200, 0);
        _importRange(projectId, 300, 400, 100);
        _prepare(250, 260);
        _expectStaleHint(300);
        _importPrepared(300);
    }

    function test_RevertWhen_ImportCreditsHintNotARangeStart() public {
        _importRange(projectId, 100, 200, 0);
        _prepare(300, 400);
        _expectStaleHint(150);
        _importPrepared(150);
    }

    function test_RevertWhen_ImportCreditsHintWithoutRanges() public {
        _prepare(100, 200);
        _expectStaleHint(1);
        _importPrepared(1);
    }

    function test_ImportCredits_AdjacentRangesAccepted() public {
        _importRange(projectId, 100, 200, 0);
        _importRange(projectId, 200, 300, 100); // right after
        _importRange(projectId, 50, 100, 0); // right before the head
        _importRange(projectId, 400, 500, 200);
        _importRange(projectId, 300, 400, 200); // fills the gap exactly

        (uint256[] memory starts, uint256[] memory ends) = _ranges(partner);
        assertEq(starts.length, 5);
        uint256[5] memory wantStarts = [uint256(50), 100, 200, 300, 400];
        for (uint256 i = 0; i < 5; ++i) {
            assertEq(starts[i], wantStarts[i]);
            assertEq(ends[i], wantStarts[i] + (i == 0 ? 50 : 100));
        }
    }

    function test_ImportCredits_RangesArePerPartner() public {
        (address other, uint256 otherKey) = _addPartner("partner-2", AccountKind.PARTNER_REGISTRY);
        _importRange(projectId, 100, 200, 0);
        ImportInput memory input = _importInput(projectId, 100, 200);
        input.partner = other;
        _import(input, _attest(input, otherKey), 0);
        (uint256 end,) = market.importedRange(other, 100);
        assertEq(end, 200);
        assertEq(market.importCount(), 2);
    }

    function test_RevertWhen_ImportCreditsQuantityAboveUint64() public {
        uint256 quantity = uint256(type(uint64).max) + 1;
        _prepare(1, 1 + quantity);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, quantity));
        _importPrepared(0);
    }

    // ================================================================ batch terms

    function test_RevertWhen_ImportCreditsInvalidVintage() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.vintage = 1999;
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidVintage.selector, 1999));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsRecipientUnregistered() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.recipient = stranger;
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsPaused() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _import(input, attestation, 0);
    }

    // ================================================================ (project, period)

    function test_RevertWhen_ImportCreditsOverlapsReportedPeriod() public {
        ReportInput memory report = _nextReportInput(projectId, TONNE);
        _submitReport(report);
        ImportInput memory input = _importInput(projectId, 1, 101, report.periodEnd - 1, report.periodEnd);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.ReportPeriodOverlap.selector, projectId, report.periodEnd - 1, report.periodEnd
            )
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsOverlapsImportedPeriod() public {
        ImportInput memory first = _importInput(projectId, 1, 101);
        _import(first, _attest(first), 0);
        ImportInput memory input = _importInput(projectId, 101, 201, first.periodStart + 1, first.periodEnd + 1);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.ReportPeriodOverlap.selector, projectId, first.periodStart + 1, first.periodEnd
            )
        );
        _import(input, attestation, 1);
    }

    function test_ImportCredits_PeriodRightAfterReport() public {
        ReportInput memory report = _nextReportInput(projectId, TONNE);
        _submitReport(report);
        ImportInput memory input = _importInput(projectId, 1, 101);
        assertEq(input.periodStart, report.periodEnd);
        _import(input, _attest(input), 0);
    }

    function test_RevertWhen_ReportOverlapsImportedPeriod() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        _import(input, _attest(input), 0);
        ReportInput memory report = _reportInput(projectId, input.periodEnd - 1, uint64(block.timestamp), TONNE);
        bytes[] memory signatures = _signReport(report, _verifierKeys(THRESHOLD));
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.ReportPeriodOverlap.selector, projectId, input.periodEnd - 1, input.periodEnd
            )
        );
        _submit(report, signatures);
    }

    function test_Report_RightAfterImportedPeriod() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        _import(input, _attest(input), 0);
        _submitReport(_reportInput(projectId, input.periodEnd, uint64(block.timestamp), TONNE));
        assertEq(registry.getProject(projectId).lastPeriodEnd, block.timestamp);
    }

    /// @notice Rejecting an earlier report never releases a period imported after it.
    function test_RejectReport_KeepsImportedPeriod() public {
        uint256 reportId = _verifiedReport(projectId, TONNE);
        ImportInput memory input = _importInput(projectId, 1, 101);
        _import(input, _attest(input), 0);
        vm.prank(issuer);
        registry.rejectReport(reportId, "error");
        assertEq(registry.getProject(projectId).lastPeriodEnd, input.periodEnd);
    }

    function test_RevertWhen_ImportCreditsPeriodInFuture() public {
        uint64 periodEnd = uint64(block.timestamp + 1);
        ImportInput memory input = _importInput(projectId, 1, 101, uint64(block.timestamp - 1 days), periodEnd);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.ReportPeriodInFuture.selector, periodEnd, block.timestamp)
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsEmptyPeriod() public {
        uint64 t = uint64(block.timestamp - 1 days);
        ImportInput memory input = _importInput(projectId, 1, 101, t, t);
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInvalidPeriod.selector, t, t));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsUnknownProject() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.projectId = 99;
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 99));
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsProjectProposed() public {
        uint256 proposed = _proposeProject(_projectMethodology(), proponent);
        ImportInput memory input = _importInput(proposed, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.ReportProjectNotRegistered.selector, proposed, ProjectStatus.PROPOSED
            )
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsProjectSuspended() public {
        vm.prank(registrar);
        registry.suspendProject(projectId, "audit");
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.ReportProjectNotRegistered.selector, projectId, ProjectStatus.SUSPENDED
            )
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsMethodologyDeprecated() public {
        uint256 methodologyId = _projectMethodology();
        vm.prank(registrar);
        registry.deprecateMethodology(methodologyId, "superseded");
        ImportInput memory input = _importInput(projectId, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.RegistryMethodologyNotActive.selector, methodologyId, MethodologyStatus.DEPRECATED
            )
        );
        _import(input, attestation, 0);
    }

    function test_RevertWhen_ImportCreditsOfPoints() public {
        uint256 scenarioProject = _registeredScenarioProject();
        ImportInput memory input = _importInput(scenarioProject, 1, 101);
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryImportOfPoints.selector, scenarioProject));
        _import(input, attestation, 0);
    }

    /// @notice A refused period leaves the origin range unconsumed: the corrected import may use it.
    function test_ImportCredits_RefusedImportConsumesNothing() public {
        ImportInput memory input = _importInput(projectId, 1, 101);
        input.vintage = 1999;
        bytes memory attestation = _attest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidVintage.selector, 1999));
        _import(input, attestation, 0);
        input.vintage = VINTAGE;
        _import(input, _attest(input), 0);
        assertEq(market.importCount(), 1);
    }

    // ================================================================ registry.recordImportedPeriod

    function test_RevertWhen_RecordImportedPeriodCallerNotLedger() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryOnlyLedger.selector, address(market)));
        vm.prank(address(market));
        registry.recordImportedPeriod(projectId, uint64(block.timestamp - 2 days), uint64(block.timestamp - 1 days));
    }

    function test_RevertWhen_RecordImportedPeriodCallerIsIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryOnlyLedger.selector, issuer));
        vm.prank(issuer);
        registry.recordImportedPeriod(projectId, uint64(block.timestamp - 2 days), uint64(block.timestamp - 1 days));
    }
}
