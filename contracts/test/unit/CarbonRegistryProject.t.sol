// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {AccountStatus, MethodologyStatus, Project, ProjectStatus} from "../../src/types/RegistryTypes.sol";

/// @notice The project lifecycle: PROPOSED → REGISTERED after the notice period; reject, suspend,
/// resume and close with reasons; every invalid transition.
contract CarbonRegistryProjectTest is RegistryFixture {
    uint256 internal methodologyId;

    function setUp() public override {
        super.setUp();
        methodologyId = _projectMethodology();
    }

    function _expectStatus(uint256 projectId, ProjectStatus status) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidProjectStatus.selector, projectId, status)
        );
    }

    function _expectNotRegistrar(address caller) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, Roles.REGISTRAR)
        );
    }

    function _expectStatusChange(uint256 projectId, ProjectStatus from, ProjectStatus to, string memory reason)
        internal
    {
        vm.expectEmit();
        emit ICarbonRegistry.ProjectStatusChanged(projectId, from, to, reason);
    }

    function _suspended() internal returns (uint256 projectId) {
        projectId = _registeredProject();
        vm.prank(registrar);
        registry.suspendProject(projectId, "meter audit");
    }

    // ================================================================ proposeProject

    function test_ProposeProject_StartsNoticePeriod() public {
        uint64 noticeEndsAt = uint64(block.timestamp + NOTICE_PERIOD);
        vm.expectEmit();
        emit ICarbonRegistry.ProjectProposed(
            1, methodologyId, proponent, WUCHANG, noticeEndsAt, METADATA_HASH, METADATA_URI
        );
        uint256 projectId = _proposeProject(methodologyId, proponent);
        assertEq(projectId, 1);
        assertEq(registry.projectCount(), 1);
        Project memory p = registry.getProject(projectId);
        assertEq(uint256(p.methodologyId), methodologyId);
        assertEq(uint256(p.status), uint256(ProjectStatus.PROPOSED));
        assertEq(uint256(p.region), WUCHANG);
        assertEq(uint256(p.noticeEndsAt), noticeEndsAt);
        assertEq(uint256(p.lastPeriodEnd), 0);
        assertEq(p.proponent, proponent);
        assertEq(p.metadataHash, METADATA_HASH);
        assertEq(p.metadataURI, METADATA_URI);
    }

    function test_RevertWhen_ProposeProjectUnknownMethodology() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownMethodology.selector, 2));
        _proposeProject(2, proponent);
    }

    function test_RevertWhen_ProposeProjectDeprecatedMethodology() public {
        vm.prank(registrar);
        registry.deprecateMethodology(methodologyId, "withdrawn");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.RegistryMethodologyNotActive.selector, methodologyId, MethodologyStatus.DEPRECATED
            )
        );
        _proposeProject(methodologyId, proponent);
    }

    function test_RevertWhen_ProposeProjectRegionTooShort() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidRegion.selector, uint32(99999)));
        vm.prank(registrar);
        registry.proposeProject(methodologyId, proponent, 99999, METADATA_HASH, METADATA_URI);
    }

    function test_RevertWhen_ProposeProjectRegionTooLong() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidRegion.selector, uint32(1000000)));
        vm.prank(registrar);
        registry.proposeProject(methodologyId, proponent, 1000000, METADATA_HASH, METADATA_URI);
    }

    function test_RevertWhen_ProposeProjectProponentUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryProponentNotActive.selector, stranger));
        _proposeProject(methodologyId, stranger);
    }

    function test_RevertWhen_ProposeProjectProponentFrozen() public {
        vm.prank(registrar);
        ledger.setAccountStatus(proponent, AccountStatus.FROZEN, "investigation");
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryProponentNotActive.selector, proponent));
        _proposeProject(methodologyId, proponent);
    }

    function test_RevertWhen_ProposeProjectByNonRegistrar() public {
        _expectNotRegistrar(oracle);
        vm.prank(oracle);
        registry.proposeProject(methodologyId, proponent, WUCHANG, METADATA_HASH, METADATA_URI);
    }

    // ================================================================ registerProject

    function test_RegisterProject_AtNoticeEnd() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        vm.warp(block.timestamp + NOTICE_PERIOD);
        _expectStatusChange(projectId, ProjectStatus.PROPOSED, ProjectStatus.REGISTERED, "");
        vm.prank(registrar);
        registry.registerProject(projectId);
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.REGISTERED));
    }

    function test_RegisterProject_ImmediatelyWithZeroNotice() public {
        vm.prank(admin);
        registry.setNoticePeriod(0);
        uint256 projectId = _proposeProject(methodologyId, proponent);
        vm.prank(registrar);
        registry.registerProject(projectId);
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.REGISTERED));
    }

    function test_RevertWhen_RegisterProjectDuringNotice() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        uint64 noticeEndsAt = uint64(block.timestamp + NOTICE_PERIOD);
        vm.warp(noticeEndsAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.RegistryNoticePeriodActive.selector, projectId, noticeEndsAt)
        );
        vm.prank(registrar);
        registry.registerProject(projectId);
    }

    function test_RevertWhen_RegisterProjectTwice() public {
        uint256 projectId = _registeredProject();
        _expectStatus(projectId, ProjectStatus.REGISTERED);
        vm.prank(registrar);
        registry.registerProject(projectId);
    }

    function test_RevertWhen_RegisterProjectRejected() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        vm.startPrank(registrar);
        registry.rejectProject(projectId, "objection upheld");
        vm.warp(block.timestamp + NOTICE_PERIOD);
        _expectStatus(projectId, ProjectStatus.REJECTED);
        registry.registerProject(projectId);
        vm.stopPrank();
    }

    function test_RevertWhen_RegisterProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 1));
        vm.prank(registrar);
        registry.registerProject(1);
    }

    function test_RevertWhen_RegisterProjectIdZero() public {
        _proposeProject(methodologyId, proponent);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 0));
        vm.prank(registrar);
        registry.registerProject(0);
    }

    function test_RevertWhen_RegisterProjectByNonRegistrar() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        vm.warp(block.timestamp + NOTICE_PERIOD);
        _expectNotRegistrar(issuer);
        vm.prank(issuer);
        registry.registerProject(projectId);
    }

    // ================================================================ rejectProject

    function test_RejectProject_DuringNotice() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        _expectStatusChange(projectId, ProjectStatus.PROPOSED, ProjectStatus.REJECTED, "public objection upheld");
        vm.prank(registrar);
        registry.rejectProject(projectId, "public objection upheld");
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.REJECTED));
    }

    function test_RevertWhen_RejectProjectRegistered() public {
        uint256 projectId = _registeredProject();
        _expectStatus(projectId, ProjectStatus.REGISTERED);
        vm.prank(registrar);
        registry.rejectProject(projectId, "too late");
    }

    function test_RevertWhen_RejectProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 7));
        vm.prank(registrar);
        registry.rejectProject(7, "unknown");
    }

    function test_RevertWhen_RejectProjectByNonRegistrar() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        _expectNotRegistrar(stranger);
        vm.prank(stranger);
        registry.rejectProject(projectId, "no");
    }

    // ================================================================ suspendProject

    function test_SuspendProject_FromRegistered() public {
        uint256 projectId = _registeredProject();
        _expectStatusChange(projectId, ProjectStatus.REGISTERED, ProjectStatus.SUSPENDED, "meter audit");
        vm.prank(registrar);
        registry.suspendProject(projectId, "meter audit");
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.SUSPENDED));
    }

    function test_RevertWhen_SuspendProjectProposed() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        _expectStatus(projectId, ProjectStatus.PROPOSED);
        vm.prank(registrar);
        registry.suspendProject(projectId, "early");
    }

    function test_RevertWhen_SuspendProjectSuspended() public {
        uint256 projectId = _suspended();
        _expectStatus(projectId, ProjectStatus.SUSPENDED);
        vm.prank(registrar);
        registry.suspendProject(projectId, "again");
    }

    function test_RevertWhen_SuspendProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 1));
        vm.prank(registrar);
        registry.suspendProject(1, "unknown");
    }

    function test_RevertWhen_SuspendProjectByNonRegistrar() public {
        uint256 projectId = _registeredProject();
        _expectNotRegistrar(issuer);
        vm.prank(issuer);
        registry.suspendProject(projectId, "no");
    }

    // ================================================================ resumeProject

    function test_ResumeProject_FromSuspended() public {
        uint256 projectId = _suspended();
        _expectStatusChange(projectId, ProjectStatus.SUSPENDED, ProjectStatus.REGISTERED, "audit passed");
        vm.prank(registrar);
        registry.resumeProject(projectId, "audit passed");
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.REGISTERED));
    }

    function test_RevertWhen_ResumeProjectRegistered() public {
        uint256 projectId = _registeredProject();
        _expectStatus(projectId, ProjectStatus.REGISTERED);
        vm.prank(registrar);
        registry.resumeProject(projectId, "not suspended");
    }

    function test_RevertWhen_ResumeProjectClosed() public {
        uint256 projectId = _suspended();
        vm.startPrank(registrar);
        registry.closeProject(projectId, "ended");
        _expectStatus(projectId, ProjectStatus.CLOSED);
        registry.resumeProject(projectId, "reopen");
        vm.stopPrank();
    }

    function test_RevertWhen_ResumeProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 1));
        vm.prank(registrar);
        registry.resumeProject(1, "unknown");
    }

    function test_RevertWhen_ResumeProjectByNonRegistrar() public {
        uint256 projectId = _suspended();
        _expectNotRegistrar(admin);
        vm.prank(admin);
        registry.resumeProject(projectId, "no");
    }

    // ================================================================ closeProject

    function test_CloseProject_FromRegistered() public {
        uint256 projectId = _registeredProject();
        _expectStatusChange(projectId, ProjectStatus.REGISTERED, ProjectStatus.CLOSED, "crediting period ended");
        vm.prank(registrar);
        registry.closeProject(projectId, "crediting period ended");
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.CLOSED));
    }

    function test_CloseProject_FromSuspended() public {
        uint256 projectId = _suspended();
        _expectStatusChange(projectId, ProjectStatus.SUSPENDED, ProjectStatus.CLOSED, "double counting found");
        vm.prank(registrar);
        registry.closeProject(projectId, "double counting found");
        assertEq(uint256(registry.getProject(projectId).status), uint256(ProjectStatus.CLOSED));
    }

    function test_RevertWhen_CloseProjectProposed() public {
        uint256 projectId = _proposeProject(methodologyId, proponent);
        _expectStatus(projectId, ProjectStatus.PROPOSED);
        vm.prank(registrar);
        registry.closeProject(projectId, "early");
    }

    function test_RevertWhen_CloseProjectClosed() public {
        uint256 projectId = _registeredProject();
        vm.startPrank(registrar);
        registry.closeProject(projectId, "ended");
        _expectStatus(projectId, ProjectStatus.CLOSED);
        registry.closeProject(projectId, "again");
        vm.stopPrank();
    }

    function test_RevertWhen_CloseProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 1));
        vm.prank(registrar);
        registry.closeProject(1, "unknown");
    }

    function test_RevertWhen_CloseProjectByNonRegistrar() public {
        uint256 projectId = _registeredProject();
        _expectNotRegistrar(oracle);
        vm.prank(oracle);
        registry.closeProject(projectId, "no");
    }

    function test_RevertWhen_GetProjectUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownProject.selector, 1));
        registry.getProject(1);
    }
}
