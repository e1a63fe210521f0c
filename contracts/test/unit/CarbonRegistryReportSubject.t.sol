// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {MethodologyKind, MethodologyStatus, ProjectStatus, ReportInput} from "../../src/types/RegistryTypes.sol";

/// @notice submitReport's checks of what a report is about: deadline, project, methodology, period,
/// quantity and replay. Every input here carries valid k-of-n signatures.
contract CarbonRegistryReportSubjectTest is RegistryFixture {
    uint256 internal constant QUANTITY = 3_000_000;
    uint256 internal projectId;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
    }

    /// @dev Sign with k verifiers, then expect `revertData` on submission.
    function _expectSubmitRevert(ReportInput memory input, bytes memory revertData) internal {
        bytes[] memory signatures = _signReport(input, _verifierKeys(THRESHOLD));
        vm.expectRevert(revertData);
        _submit(input, signatures);
    }

    function _setProjectStatus(function(uint256, string memory) external change) internal {
        vm.prank(registrar);
        change(projectId, "reason");
    }

    // ================================================================ deadline

    function test_RevertWhen_DeadlinePassed() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        vm.warp(uint256(input.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.ReportExpired.selector, input.deadline, block.timestamp)
        );
        _submit(input, signatures);
    }

    // ================================================================ project

    function test_RevertWhen_ProjectUnknown() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        input.projectId = 2;
        _expectSubmitRevert(input, abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 2));
    }

    function test_RevertWhen_ProjectProposed() public {
        uint256 proposed = _proposeProject(_projectMethodology(), proponent);
        ReportInput memory input = _nextReportInput(proposed, QUANTITY);
        _expectSubmitRevert(
            input,
            abi.encodeWithSelector(
                ICarbonRegistry.ReportProjectNotRegistered.selector, proposed, ProjectStatus.PROPOSED
            )
        );
    }

    function test_RevertWhen_ProjectSuspended() public {
        _setProjectStatus(registry.suspendProject);
        _expectSubmitRevert(
            _nextReportInput(projectId, QUANTITY),
            abi.encodeWithSelector(
                ICarbonRegistry.ReportProjectNotRegistered.selector, projectId, ProjectStatus.SUSPENDED
            )
        );
    }

    function test_RevertWhen_ProjectClosed() public {
        _setProjectStatus(registry.closeProject);
        _expectSubmitRevert(
            _nextReportInput(projectId, QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportProjectNotRegistered.selector, projectId, ProjectStatus.CLOSED)
        );
    }

    function test_SubmitReport_AfterResume() public {
        _setProjectStatus(registry.suspendProject);
        _setProjectStatus(registry.resumeProject);
        assertEq(_verifiedReport(projectId, QUANTITY), 1);
    }

    // ================================================================ methodology

    function test_RevertWhen_MethodologyDeprecated() public {
        uint256 methodologyId = _projectMethodology();
        vm.prank(registrar);
        registry.deprecateMethodology(methodologyId, "withdrawn");
        _expectSubmitRevert(
            _nextReportInput(projectId, QUANTITY),
            abi.encodeWithSelector(
                ICarbonRegistry.RegistryMethodologyNotActive.selector, methodologyId, MethodologyStatus.DEPRECATED
            )
        );
    }

    function test_RevertWhen_MethodologyCodeMismatch() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        input.methodologyCode = SCENARIO_CODE;
        _expectSubmitRevert(
            input,
            abi.encodeWithSelector(
                ICarbonRegistry.ReportMethodologyMismatch.selector, projectId, SCENARIO_CODE, METHODOLOGY_VERSION
            )
        );
    }

    function test_RevertWhen_MethodologyVersionMismatch() public {
        // Version 2 exists, but the project runs under version 1.
        _registerMethodology(PROJECT_CODE, 2, MethodologyKind.PROJECT, 0);
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        input.methodologyVersion = 2;
        _expectSubmitRevert(
            input,
            abi.encodeWithSelector(
                ICarbonRegistry.ReportMethodologyMismatch.selector, projectId, PROJECT_CODE, uint32(2)
            )
        );
    }

    // ================================================================ period

    function test_RevertWhen_PeriodEmpty() public {
        uint64 t = uint64(block.timestamp - 1 days);
        _expectSubmitRevert(
            _reportInput(projectId, t, t, QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportInvalidPeriod.selector, t, t)
        );
    }

    function test_RevertWhen_PeriodReversed() public {
        uint64 start = uint64(block.timestamp - 1 days);
        uint64 end = start - 1;
        _expectSubmitRevert(
            _reportInput(projectId, start, end, QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportInvalidPeriod.selector, start, end)
        );
    }

    function test_RevertWhen_PeriodInFuture() public {
        uint64 start = uint64(block.timestamp - 1 days);
        uint64 end = uint64(block.timestamp + 1);
        _expectSubmitRevert(
            _reportInput(projectId, start, end, QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportPeriodInFuture.selector, end, block.timestamp)
        );
    }

    function test_RevertWhen_PeriodOverlapsUnderNewPayload() public {
        uint256 first = _verifiedReport(projectId, QUANTITY);
        uint64 lastEnd = registry.getReport(first).periodEnd;
        vm.warp(block.timestamp + 10 days);
        uint64 start = lastEnd - 1;
        _expectSubmitRevert(
            _reportInput(projectId, start, uint64(block.timestamp), QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportPeriodOverlap.selector, projectId, start, lastEnd)
        );
    }

    function test_RevertWhen_PeriodRekeyedWithOtherQuantity() public {
        // The same period under a different payload (re-keying to double-issue) is an overlap.
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        _submitReport(input);
        input.quantity = QUANTITY + 1;
        _expectSubmitRevert(
            input,
            abi.encodeWithSelector(
                ICarbonRegistry.ReportPeriodOverlap.selector, projectId, input.periodStart, input.periodEnd
            )
        );
    }

    function test_RevertWhen_PeriodContainsEarlierReport() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        _submitReport(input);
        vm.warp(block.timestamp + 10 days);
        uint64 start = input.periodStart - 1 days;
        _expectSubmitRevert(
            _reportInput(projectId, start, uint64(block.timestamp), QUANTITY),
            abi.encodeWithSelector(ICarbonRegistry.ReportPeriodOverlap.selector, projectId, start, input.periodEnd)
        );
    }

    function test_SubmitReport_AdjacentPeriodAccepted() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        _submitReport(input);
        vm.warp(block.timestamp + 10 days);
        ReportInput memory next = _reportInput(projectId, input.periodEnd, uint64(block.timestamp), QUANTITY);
        assertEq(_submitReport(next), 2);
    }

    function test_SubmitReport_PeriodsOfOtherProjectsIndependent() public {
        uint256 other = _registeredProject();
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        _submitReport(input);
        input.projectId = other;
        assertEq(_submitReport(input), 2);
    }

    // ================================================================ quantity

    function test_RevertWhen_QuantityZero() public {
        _expectSubmitRevert(
            _nextReportInput(projectId, 0), abi.encodeWithSelector(ICarbonRegistry.ReportZeroQuantity.selector)
        );
    }

    function test_RevertWhen_QuantityAboveUint64() public {
        uint256 quantity = uint256(type(uint64).max) + 1;
        _expectSubmitRevert(
            _nextReportInput(projectId, quantity),
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(64), quantity)
        );
    }

    // ================================================================ replay

    function test_RevertWhen_ReplayedPayload() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        uint256 reportId = _submit(input, signatures);
        bytes32 digest = registry.reportDigest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportReplayed.selector, digest, reportId));
        _submit(input, signatures);
    }

    function test_RevertWhen_ReplayedPayloadWithOtherSigners() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        uint256 reportId = _submitReport(input);
        bytes32 digest = registry.reportDigest(input);
        uint256[] memory keys = new uint256[](2);
        (keys[0], keys[1]) = (verifierKeys[1], verifierKeys[2]);
        bytes[] memory signatures = _signReport(input, keys);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportReplayed.selector, digest, reportId));
        _submit(input, signatures);
    }

    function test_RevertWhen_ReplayedPayloadAfterRejection() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        uint256 reportId = _submit(input, signatures);
        vm.prank(issuer);
        registry.rejectReport(reportId, "dataset incomplete");
        bytes32 digest = registry.reportDigest(input);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportReplayed.selector, digest, reportId));
        _submit(input, signatures);
    }

    function test_RevertWhen_ReplayedPayloadAfterDeadline() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        uint256 reportId = _submit(input, signatures);
        bytes32 digest = registry.reportDigest(input);
        vm.warp(uint256(input.deadline) + 1);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportReplayed.selector, digest, reportId));
        _submit(input, signatures);
    }
}
