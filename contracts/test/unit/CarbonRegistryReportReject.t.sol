// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {Report, ReportInput, ReportStatus} from "../../src/types/RegistryTypes.sol";

/// @notice rejectReport: status, the release of the latest period, and refusal once issued.
contract CarbonRegistryReportRejectTest is RegistryFixture {
    uint256 internal constant QUANTITY = 5_000_000;
    uint16 internal constant VINTAGE = 2024;
    uint256 internal projectId;
    uint256 internal reportId;

    function setUp() public override {
        super.setUp();
        (projectId, reportId) = _projectWithReport(QUANTITY);
    }

    function _reject(uint256 id) internal {
        vm.prank(issuer);
        registry.rejectReport(id, "dataset incomplete");
    }

    function test_RejectReport_MarksRejected() public {
        vm.expectEmit();
        emit ICarbonRegistry.ReportRejected(reportId, "dataset incomplete");
        _reject(reportId);
        assertEq(uint256(registry.getReport(reportId).status), uint256(ReportStatus.REJECTED));
    }

    function test_RejectReport_ReleasesLatestPeriod() public {
        Report memory r = registry.getReport(reportId);
        _reject(reportId);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), r.periodStart);
        // A corrected report may now cover the same period.
        ReportInput memory corrected = _reportInput(projectId, r.periodStart, r.periodEnd, QUANTITY - 1);
        uint256 correctedId = _submitReport(corrected);
        assertEq(correctedId, reportId + 1);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), r.periodEnd);
    }

    function test_RejectReport_OlderReportKeepsPeriodConsumed() public {
        vm.warp(block.timestamp + 30 days);
        uint256 latest = _verifiedReport(projectId, QUANTITY);
        uint64 latestEnd = registry.getReport(latest).periodEnd;
        _reject(reportId);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), latestEnd);
    }

    function test_RejectReport_LatestThenOlderReleasesBoth() public {
        Report memory first = registry.getReport(reportId);
        vm.warp(block.timestamp + 30 days);
        uint256 latest = _verifiedReport(projectId, QUANTITY);
        _reject(latest);
        _reject(reportId);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), first.periodStart);
    }

    function test_RejectReport_LedgerRefusesIssuanceAfterwards() public {
        _reject(reportId);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerReportNotVerified.selector, reportId));
        vm.prank(issuer);
        ledger.issueToProponent(reportId, QUANTITY, VINTAGE, 0);
    }

    function test_RevertWhen_RejectReportAfterIssuance() public {
        vm.prank(issuer);
        ledger.issueToProponent(reportId, QUANTITY / 5, VINTAGE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.RegistryReportAlreadyIssued.selector, reportId, QUANTITY / 5)
        );
        _reject(reportId);
    }

    function test_RevertWhen_RejectReportTwice() public {
        _reject(reportId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.RegistryInvalidReportStatus.selector, reportId, ReportStatus.REJECTED
            )
        );
        _reject(reportId);
    }

    function test_RevertWhen_RejectReportUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownReport.selector, reportId + 1));
        _reject(reportId + 1);
    }

    function test_RevertWhen_RejectReportIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownReport.selector, 0));
        _reject(0);
    }

    function test_RevertWhen_RejectReportByNonIssuer() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, registrar, Roles.ISSUER)
        );
        vm.prank(registrar);
        registry.rejectReport(reportId, "not mine to reject");
    }
}
