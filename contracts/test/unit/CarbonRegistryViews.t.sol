// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {
    AccountStatus,
    IssuanceTerms,
    MethodologyKind,
    MethodologyStatus,
    ProjectStatus,
    ReportStatus
} from "../../src/types/RegistryTypes.sol";

/// @notice issuanceTerms, isActiveVerifier and the interfaces the registry declares.
contract CarbonRegistryViewsTest is RegistryFixture {
    uint256 internal constant QUANTITY = 7_000_000;

    function test_IssuanceTerms_ProjectReport() public {
        (uint256 projectId, uint256 reportId) = _projectWithReport(QUANTITY);
        IssuanceTerms memory t = registry.issuanceTerms(reportId);
        assertEq(uint256(t.reportStatus), uint256(ReportStatus.VERIFIED));
        assertEq(uint256(t.quantity), QUANTITY);
        assertEq(uint256(t.projectId), projectId);
        assertEq(uint256(t.projectStatus), uint256(ProjectStatus.REGISTERED));
        assertEq(t.proponent, proponent);
        assertEq(uint256(t.region), WUCHANG);
        assertEq(uint256(t.methodologyKind), uint256(MethodologyKind.PROJECT));
        assertEq(uint256(t.methodologyStatus), uint256(MethodologyStatus.ACTIVE));
        assertEq(uint256(t.pointValidity), 0);
    }

    function test_IssuanceTerms_ScenarioReport() public {
        (, uint256 reportId) = _scenarioWithReport(QUANTITY);
        IssuanceTerms memory t = registry.issuanceTerms(reportId);
        assertEq(uint256(t.methodologyKind), uint256(MethodologyKind.PERSONAL_SCENARIO));
        assertEq(uint256(t.pointValidity), POINT_VALIDITY);
    }

    function test_IssuanceTerms_FollowLaterStatusChanges() public {
        (uint256 projectId, uint256 reportId) = _projectWithReport(QUANTITY);
        vm.startPrank(registrar);
        registry.suspendProject(projectId, "audit");
        registry.deprecateMethodology(_projectMethodology(), "withdrawn");
        vm.stopPrank();
        vm.prank(issuer);
        registry.rejectReport(reportId, "audit");
        IssuanceTerms memory t = registry.issuanceTerms(reportId);
        assertEq(uint256(t.reportStatus), uint256(ReportStatus.REJECTED));
        assertEq(uint256(t.projectStatus), uint256(ProjectStatus.SUSPENDED));
        assertEq(uint256(t.methodologyStatus), uint256(MethodologyStatus.DEPRECATED));
    }

    function test_RevertWhen_IssuanceTermsUnknownReport() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownReport.selector, 1));
        registry.issuanceTerms(1);
    }

    function test_IsActiveVerifier_RoleAndActiveVerifierAccount() public view {
        for (uint256 i = 0; i < verifiers.length; ++i) {
            assertTrue(registry.isActiveVerifier(verifiers[i]));
        }
        assertFalse(registry.isActiveVerifier(oracle));
        assertFalse(registry.isActiveVerifier(stranger));
    }

    function test_IsActiveVerifier_FalseOnceRevokedOrFrozen() public {
        vm.prank(admin);
        registry.revokeRole(Roles.VERIFIER, verifiers[0]);
        vm.prank(registrar);
        ledger.setAccountStatus(verifiers[1], AccountStatus.FROZEN, "suspended accreditation");
        assertFalse(registry.isActiveVerifier(verifiers[0]));
        assertFalse(registry.isActiveVerifier(verifiers[1]));
        assertTrue(registry.isActiveVerifier(verifiers[2]));
    }

    function test_IsActiveVerifier_TrueAgainOnceUnfrozen() public {
        vm.startPrank(registrar);
        ledger.setAccountStatus(verifiers[1], AccountStatus.FROZEN, "review");
        ledger.setAccountStatus(verifiers[1], AccountStatus.ACTIVE, "review passed");
        vm.stopPrank();
        assertTrue(registry.isActiveVerifier(verifiers[1]));
    }

    function test_SupportsInterface() public view {
        assertTrue(registry.supportsInterface(type(IERC165).interfaceId));
        assertTrue(registry.supportsInterface(type(IAccessControl).interfaceId));
        assertTrue(registry.supportsInterface(type(IAccessControlDefaultAdminRules).interfaceId));
        assertFalse(registry.supportsInterface(0xffffffff));
    }

    function test_Owner_IsDefaultAdmin() public view {
        assertEq(registry.owner(), admin);
    }
}
