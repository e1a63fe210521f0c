// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {Report, ReportInput, ReportStatus} from "../../src/types/RegistryTypes.sol";

/// @notice submitReport: the verified path with k = 2 and k = 3, and the caller's role.
contract CarbonRegistryReportTest is RegistryFixture {
    uint256 internal constant QUANTITY = 1_500_000_000; // 1,500 tCO2e
    uint256 internal projectId;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
    }

    function _expectedReport(ReportInput memory input) internal view returns (Report memory) {
        return Report({
            projectId: uint64(input.projectId),
            periodStart: input.periodStart,
            periodEnd: input.periodEnd,
            submittedAt: uint40(block.timestamp),
            status: ReportStatus.VERIFIED,
            quantity: uint64(input.quantity),
            methodologyId: registry.getProject(input.projectId).methodologyId,
            dataRoot: input.dataRoot,
            evidenceHash: input.evidenceHash
        });
    }

    function _assertStored(uint256 reportId, Report memory expected) internal view {
        Report memory r = registry.getReport(reportId);
        assertEq(keccak256(abi.encode(r)), keccak256(abi.encode(expected)));
    }

    function _submitWithSigners(uint256 signerCount) internal {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes32 digest = registry.reportDigest(input);
        address[] memory signers = new address[](signerCount);
        for (uint256 i = 0; i < signerCount; ++i) {
            signers[i] = verifiers[i];
        }
        Report memory expected = _expectedReport(input);
        vm.expectEmit();
        emit ICarbonRegistry.ReportVerified(1, digest, expected, input.deadline, signers);
        uint256 reportId = _submitReport(input, _verifierKeys(signerCount));
        assertEq(reportId, 1);
        assertEq(registry.reportCount(), 1);
        assertEq(registry.reportIdOf(digest), 1);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), input.periodEnd);
        _assertStored(reportId, expected);
    }

    function test_SubmitReport_VerifiedWithTwoOfThree() public {
        _submitWithSigners(2);
    }

    function test_SubmitReport_VerifiedWithThreeOfThree() public {
        vm.prank(admin);
        registry.setVerifierThreshold(3);
        _submitWithSigners(3);
    }

    function test_SubmitReport_AcceptsMoreSignaturesThanK() public {
        _submitWithSigners(3);
    }

    function test_SubmitReport_AnyTwoDistinctVerifiers() public {
        uint256[] memory keys = new uint256[](2);
        keys[0] = verifierKeys[2];
        keys[1] = verifierKeys[0];
        uint256 reportId = _submitReport(_nextReportInput(projectId, QUANTITY), keys);
        assertEq(reportId, 1);
    }

    function test_SubmitReport_ConsecutivePeriods() public {
        uint256 first = _verifiedReport(projectId, QUANTITY);
        vm.warp(block.timestamp + 30 days);
        ReportInput memory next = _nextReportInput(projectId, QUANTITY);
        assertEq(uint256(next.periodStart), registry.getReport(first).periodEnd);
        assertEq(_submitReport(next), 2);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), next.periodEnd);
    }

    function test_SubmitReport_AtDeadline() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        vm.warp(input.deadline);
        assertEq(_submit(input, signatures), 1);
    }

    function test_SubmitReport_PeriodEndingNow() public {
        ReportInput memory input = _reportInput(projectId, uint64(block.timestamp - 1), uint64(block.timestamp), 1);
        assertEq(_submitReport(input), 1);
    }

    function test_SubmitReport_MaxUint64Quantity() public {
        ReportInput memory input = _nextReportInput(projectId, type(uint64).max);
        uint256 reportId = _submitReport(input);
        assertEq(uint256(registry.getReport(reportId).quantity), type(uint64).max);
    }

    function test_RevertWhen_SubmitReportByNonOracle() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, verifiers[0], Roles.ORACLE
            )
        );
        vm.prank(verifiers[0]);
        registry.submitReport(input, signatures);
    }

    function test_RevertWhen_SubmitReportByRevokedOracle() public {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(2));
        vm.prank(admin);
        registry.revokeRole(Roles.ORACLE, oracle);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, oracle, Roles.ORACLE)
        );
        _submit(input, signatures);
    }

    function test_RevertWhen_GetReportUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownReport.selector, 1));
        registry.getReport(1);
    }

    function test_ReportIdOf_UnknownDigestIsZero() public view {
        assertEq(registry.reportIdOf(keccak256("nothing")), 0);
    }
}
