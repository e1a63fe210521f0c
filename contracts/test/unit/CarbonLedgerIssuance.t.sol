// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {AccountStatus, Batch, MethodologyKind} from "../../src/types/RegistryTypes.sol";

/// @notice issueToProponent and issueDistribution: the verified-quantity cap, buffer, vintage, serials.
contract CarbonLedgerIssuanceTest is LedgerFixture {
    uint256 internal constant QUANTITY = 10 * TONNE;
    bytes32 internal constant ROOT = keccak256("distribution root");

    uint256 internal projectId;
    uint256 internal reportId;

    function setUp() public override {
        super.setUp();
        (projectId, reportId) = _projectWithReport(QUANTITY);
    }

    function _expectedBatch(uint256 qty, uint256 buffer, MethodologyKind kind) internal view returns (Batch memory) {
        return Batch({
            reportId: uint64(reportId),
            projectId: uint64(projectId),
            serialStart: uint64(ledger.nextSerial()),
            vintage: VINTAGE,
            kind: kind,
            distributionClosed: false,
            quantity: uint64(qty),
            bufferAmount: uint64(buffer),
            claimDeadline: 0,
            expiresAt: 0,
            merkleRoot: bytes32(0)
        });
    }

    // ================================================================ issueToProponent

    function test_IssueToProponent_MintsQuantityMinusBuffer() public {
        uint256 buffer = QUANTITY * 1000 / 10_000;
        Batch memory expected = _expectedBatch(QUANTITY, buffer, MethodologyKind.PROJECT);

        vm.expectEmit(address(ledger));
        emit ICarbonLedger.BatchIssued(1, reportId, proponent, expected);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(0), bufferAccount, 1, buffer);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(0), proponent, 1, QUANTITY - buffer);
        uint256 batchId = _issueToProponent(reportId, QUANTITY, 1000);

        assertEq(batchId, 1);
        assertEq(ledger.batchCount(), 1);
        assertEq(ledger.balanceOf(proponent, batchId), QUANTITY - buffer);
        assertEq(ledger.balanceOf(bufferAccount, batchId), buffer);
        assertEq(ledger.issuedForReport(reportId), QUANTITY);
        assertEq(ledger.nextSerial(), 1 + QUANTITY);
        assertEq(keccak256(abi.encode(ledger.getBatch(batchId))), keccak256(abi.encode(expected)));
        assertEq(ledger.unclaimedOf(batchId), 0);
    }

    function test_IssueToProponent_WithoutBufferMintsEverythingToProponent() public {
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(0), proponent, 1, QUANTITY);
        uint256 batchId = _issueToProponent(reportId, QUANTITY, 0);
        assertEq(ledger.balanceOf(proponent, batchId), QUANTITY);
        assertEq(ledger.balanceOf(bufferAccount, batchId), 0);
    }

    function test_IssueToProponent_InPartsAllocatesConsecutiveSerials() public {
        uint256 first = _issueToProponent(reportId, 4 * TONNE, 0);
        uint256 second = _issueToProponent(reportId, 6 * TONNE, 0);
        assertEq(ledger.getBatch(first).serialStart, 1);
        assertEq(ledger.getBatch(second).serialStart, 1 + 4 * TONNE);
        assertEq(ledger.issuedForReport(reportId), QUANTITY);
        assertEq(ledger.nextSerial(), QUANTITY + 1);
    }

    function test_IssueToProponent_AcceptsMaxBufferAndVintageBounds() public {
        vm.prank(issuer);
        uint256 a = ledger.issueToProponent(reportId, TONNE, 2000, 5000);
        vm.prank(issuer);
        uint256 b = ledger.issueToProponent(reportId, TONNE, 2200, 0);
        assertEq(ledger.balanceOf(bufferAccount, a), TONNE / 2);
        assertEq(ledger.getBatch(b).vintage, 2200);
    }

    function test_IssueToProponent_BufferRoundsDown() public {
        (, uint256 small) = _projectWithReport(19);
        uint256 batchId = _issueToProponent(small, 19, 1000);
        assertEq(ledger.balanceOf(bufferAccount, batchId), 1);
        assertEq(ledger.balanceOf(proponent, batchId), 18);
    }

    function test_RevertWhen_IssueToProponentCallerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, registrar, Roles.ISSUER));
        vm.prank(registrar);
        ledger.issueToProponent(reportId, QUANTITY, VINTAGE, 0);
    }

    function test_RevertWhen_IssueToProponentUnknownReport() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownReport.selector, 99));
        _issueToProponent(99, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentReportRejected() public {
        vm.prank(issuer);
        registry.rejectReport(reportId, "data error");
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerReportNotVerified.selector, reportId));
        _issueToProponent(reportId, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentProjectSuspended() public {
        vm.prank(registrar);
        registry.suspendProject(projectId, "site inspection");
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerProjectNotRegistered.selector, projectId));
        _issueToProponent(reportId, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentMethodologyDeprecated() public {
        uint256 methodologyId = registry.getProject(projectId).methodologyId;
        vm.prank(registrar);
        registry.deprecateMethodology(methodologyId, "withdrawn");
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerMethodologyNotActive.selector, reportId));
        _issueToProponent(reportId, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentVintageTooEarly() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidVintage.selector, 1999));
        vm.prank(issuer);
        ledger.issueToProponent(reportId, QUANTITY, 1999, 0);
    }

    function test_RevertWhen_IssueToProponentVintageTooLate() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidVintage.selector, 2201));
        vm.prank(issuer);
        ledger.issueToProponent(reportId, QUANTITY, 2201, 0);
    }

    function test_RevertWhen_IssueToProponentBufferTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidBuffer.selector, 5001));
        _issueToProponent(reportId, QUANTITY, 5001);
    }

    function test_RevertWhen_IssueToProponentZeroQuantity() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        _issueToProponent(reportId, 0, 0);
    }

    function test_RevertWhen_IssueToProponentQuantityIsMaxUint256() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, type(uint256).max));
        _issueToProponent(reportId, type(uint256).max, 0);
    }

    function test_RevertWhen_IssueToProponentQuantityAboveUint64() public {
        uint256 tooLarge = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, tooLarge));
        _issueToProponent(reportId, tooLarge, 0);
    }

    function test_RevertWhen_IssueToProponentExceedsVerifiedInOneCall() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, QUANTITY + 1, QUANTITY)
        );
        _issueToProponent(reportId, QUANTITY + 1, 0);
        assertEq(ledger.issuedForReport(reportId), 0);
        assertEq(ledger.batchCount(), 0);
    }

    function test_RevertWhen_IssueToProponentExceedsVerifiedCumulatively() public {
        _issueToProponent(reportId, 7 * TONNE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, 3 * TONNE + 1, 3 * TONNE)
        );
        _issueToProponent(reportId, 3 * TONNE + 1, 0);
        _issueToProponent(reportId, 3 * TONNE, 0);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, 1, 0));
        _issueToProponent(reportId, 1, 0);
        assertEq(ledger.issuedForReport(reportId), QUANTITY);
    }

    function test_RevertWhen_IssueToProponentPersonalScenario() public {
        (, uint256 scenarioReport) = _scenarioWithReport(QUANTITY);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerDistributionRequired.selector, scenarioReport));
        _issueToProponent(scenarioReport, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentProponentFrozen() public {
        _freeze(proponent);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, proponent, AccountStatus.FROZEN)
        );
        _issueToProponent(reportId, QUANTITY, 0);
    }

    function test_RevertWhen_IssueToProponentPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        _issueToProponent(reportId, QUANTITY, 0);
    }

    function test_RevertWhen_IssueSerialCounterWouldOverflow() public {
        uint256 max = type(uint64).max;
        (, uint256 huge) = _projectWithReport(max);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _issueToProponent(huge, max, 0);
        // One gram less fits: serials 1 .. 2^64 - 2, nextSerial 2^64 - 1.
        _issueToProponent(huge, max - 1, 0);
        assertEq(ledger.nextSerial(), max);
    }

    // ================================================================ issueDistribution

    function test_IssueDistribution_RecordsRootWithoutMinting() public {
        (uint256 scenarioProject, uint256 scenarioReport) = _scenarioWithReport(QUANTITY);
        Batch memory expected = Batch({
            reportId: uint64(scenarioReport),
            projectId: uint64(scenarioProject),
            serialStart: 1,
            vintage: VINTAGE,
            kind: MethodologyKind.PERSONAL_SCENARIO,
            distributionClosed: false,
            quantity: uint64(QUANTITY),
            bufferAmount: 0,
            claimDeadline: uint40(block.timestamp + CLAIM_WINDOW),
            expiresAt: uint40(block.timestamp + POINT_VALIDITY),
            merkleRoot: ROOT
        });
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.BatchIssued(1, scenarioReport, address(0), expected);
        vm.prank(issuer);
        uint256 batchId = ledger.issueDistribution(scenarioReport, QUANTITY, VINTAGE, 0, ROOT, CLAIM_WINDOW);

        assertEq(keccak256(abi.encode(ledger.getBatch(batchId))), keccak256(abi.encode(expected)));
        assertEq(ledger.unclaimedOf(batchId), QUANTITY);
        assertEq(ledger.issuedForReport(scenarioReport), QUANTITY);
        assertEq(ledger.nextSerial(), QUANTITY + 1);
    }

    function test_IssueDistribution_ProjectCreditsMintBuffer() public {
        Batch memory expected = _expectedBatch(QUANTITY, QUANTITY / 10, MethodologyKind.PROJECT);
        expected.claimDeadline = uint40(block.timestamp + CLAIM_WINDOW);
        expected.merkleRoot = ROOT;
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.BatchIssued(1, reportId, address(0), expected);
        vm.expectEmit(address(ledger));
        emit IERC1155.TransferSingle(issuer, address(0), bufferAccount, 1, QUANTITY / 10);
        vm.prank(issuer);
        uint256 batchId = ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 1000, ROOT, CLAIM_WINDOW);
        assertEq(ledger.balanceOf(bufferAccount, batchId), QUANTITY / 10);
        assertEq(ledger.unclaimedOf(batchId), QUANTITY - QUANTITY / 10);
    }

    function test_IssueDistribution_AcceptsMaxClaimWindow() public {
        uint256 window = ledger.MAX_CLAIM_WINDOW();
        vm.prank(issuer);
        uint256 batchId = ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, ROOT, window);
        assertEq(ledger.getBatch(batchId).claimDeadline, block.timestamp + window);
    }

    function test_IssueDistribution_PersonalScenarioWithBufferRoundingToZero() public {
        (, uint256 scenarioReport) = _scenarioWithReport(99);
        vm.prank(issuer);
        uint256 batchId = ledger.issueDistribution(scenarioReport, 99, VINTAGE, 100, ROOT, CLAIM_WINDOW);
        assertEq(ledger.getBatch(batchId).bufferAmount, 0);
    }

    function test_RevertWhen_IssueDistributionCallerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, oracle, Roles.ISSUER));
        vm.prank(oracle);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, ROOT, CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionExceedsVerified() public {
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY - 5, VINTAGE, 0, ROOT, CLAIM_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, 6, 5));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, 6, VINTAGE, 0, ROOT, CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionClaimWindowZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidClaimWindow.selector, 0));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, ROOT, 0);
    }

    function test_RevertWhen_IssueDistributionClaimWindowTooLong() public {
        uint256 window = ledger.MAX_CLAIM_WINDOW() + 1;
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidClaimWindow.selector, window));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, ROOT, window);
    }

    function test_RevertWhen_IssueDistributionRootIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, 0, address(0), 0));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, bytes32(0), CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionPersonalScenarioWithBuffer() public {
        (, uint256 scenarioReport) = _scenarioWithReport(QUANTITY);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidBuffer.selector, 100));
        vm.prank(issuer);
        ledger.issueDistribution(scenarioReport, QUANTITY, VINTAGE, 100, ROOT, CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionBufferTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidBuffer.selector, 5001));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 5001, ROOT, CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionZeroQuantity() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAmount.selector));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, 0, VINTAGE, 0, ROOT, CLAIM_WINDOW);
    }

    function test_RevertWhen_IssueDistributionPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, QUANTITY, VINTAGE, 0, ROOT, CLAIM_WINDOW);
    }

    // ================================================================ batch views

    function test_RevertWhen_GetBatchUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 1));
        ledger.getBatch(1);
    }

    function test_RevertWhen_GetBatchSupplyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 1));
        ledger.getBatchSupply(1);
    }

    function test_RevertWhen_UnclaimedOfUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownBatch.selector, 1));
        ledger.unclaimedOf(1);
    }

    function test_SupportsInterface_ERC1155() public view {
        assertTrue(ledger.supportsInterface(type(IERC1155).interfaceId));
        assertFalse(ledger.supportsInterface(0xffffffff));
    }
}

/// @notice Issuance with a buffer share but no buffer account configured.
contract CarbonLedgerIssuanceNoBufferTest is LedgerFixture {
    function _setUpLedgerConfig() internal override {
        vm.prank(admin);
        ledger.setAggregator(aggregator);
    }

    function test_RevertWhen_IssueToProponentBufferWithoutBufferAccount() public {
        (, uint256 reportId) = _projectWithReport(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNoBufferAccount.selector));
        _issueToProponent(reportId, TONNE, 100);
    }

    function test_RevertWhen_IssueDistributionBufferWithoutBufferAccount() public {
        (, uint256 reportId) = _projectWithReport(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNoBufferAccount.selector));
        vm.prank(issuer);
        ledger.issueDistribution(reportId, TONNE, VINTAGE, 100, keccak256("root"), CLAIM_WINDOW);
    }

    function test_IssueToProponent_ZeroBufferNeedsNoBufferAccount() public {
        (, uint256 reportId) = _projectWithReport(TONNE);
        uint256 batchId = _issueToProponent(reportId, TONNE, 0);
        assertEq(ledger.balanceOf(proponent, batchId), TONNE);
    }
}
