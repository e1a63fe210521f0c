// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {Methodology, MethodologyKind, MethodologyStatus} from "../../src/types/RegistryTypes.sol";

/// @notice registerMethodology and deprecateMethodology.
contract CarbonRegistryMethodologyTest is RegistryFixture {
    function _register(string memory code, string memory sector, uint32 version, bytes32 doc, uint64 validity)
        internal
        returns (uint256)
    {
        vm.prank(registrar);
        return registry.registerMethodology(code, version, sector, MethodologyKind.PROJECT, doc, validity);
    }

    function _expectInvalid(string memory field) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidMethodology.selector, field));
    }

    // ================================================================ registerMethodology

    function test_RegisterMethodology_StoresProjectMethodology() public {
        vm.expectEmit();
        emit ICarbonRegistry.MethodologyRegistered(
            1, PROJECT_CODE, 1, "energy", MethodologyKind.PROJECT, DOCUMENT_HASH, 0
        );
        uint256 id = _registerMethodology(PROJECT_CODE, 1, MethodologyKind.PROJECT, 0);
        assertEq(id, 1);
        assertEq(registry.methodologyCount(), 1);
        assertEq(registry.methodologyIdOf(PROJECT_CODE, 1), 1);
        Methodology memory m = registry.getMethodology(id);
        assertEq(m.code, PROJECT_CODE);
        assertEq(uint256(m.version), 1);
        assertEq(m.sector, "energy");
        assertEq(uint256(m.kind), uint256(MethodologyKind.PROJECT));
        assertEq(uint256(m.status), uint256(MethodologyStatus.ACTIVE));
        assertEq(m.documentHash, DOCUMENT_HASH);
        assertEq(uint256(m.pointValidity), 0);
    }

    function test_RegisterMethodology_StoresScenarioWithPointValidity() public {
        vm.expectEmit();
        emit ICarbonRegistry.MethodologyRegistered(
            1, SCENARIO_CODE, 1, "energy", MethodologyKind.PERSONAL_SCENARIO, DOCUMENT_HASH, POINT_VALIDITY
        );
        uint256 id = _scenarioMethodology();
        Methodology memory m = registry.getMethodology(id);
        assertEq(uint256(m.kind), uint256(MethodologyKind.PERSONAL_SCENARIO));
        assertEq(uint256(m.pointValidity), POINT_VALIDITY);
    }

    function test_RegisterMethodology_NewVersionOfSameCode() public {
        _registerMethodology(PROJECT_CODE, 1, MethodologyKind.PROJECT, 0);
        uint256 id2 = _registerMethodology(PROJECT_CODE, 2, MethodologyKind.PROJECT, 0);
        assertEq(id2, 2);
        assertEq(registry.methodologyIdOf(PROJECT_CODE, 2), 2);
        assertEq(registry.methodologyIdOf(PROJECT_CODE, 3), 0);
    }

    function test_RegisterMethodology_AcceptsMaxLengths() public {
        string memory max32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-12345";
        assertEq(bytes(max32).length, 32);
        assertEq(_register(max32, max32, 1, DOCUMENT_HASH, 0), 1);
    }

    function test_RevertWhen_RegisterMethodologyDuplicate() public {
        _registerMethodology(PROJECT_CODE, 1, MethodologyKind.PROJECT, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.RegistryMethodologyExists.selector, PROJECT_CODE, uint32(1), 1)
        );
        _registerMethodology(PROJECT_CODE, 1, MethodologyKind.PERSONAL_SCENARIO, 1 days);
    }

    function test_RevertWhen_RegisterMethodologyCodeEmpty() public {
        _expectInvalid("code");
        _register("", "energy", 1, DOCUMENT_HASH, 0);
    }

    function test_RevertWhen_RegisterMethodologyCodeTooLong() public {
        _expectInvalid("code");
        _register("ABCDEFGHIJKLMNOPQRSTUVWXYZ-123456", "energy", 1, DOCUMENT_HASH, 0);
    }

    function test_RevertWhen_RegisterMethodologySectorEmpty() public {
        _expectInvalid("sector");
        _register(PROJECT_CODE, "", 1, DOCUMENT_HASH, 0);
    }

    function test_RevertWhen_RegisterMethodologySectorTooLong() public {
        _expectInvalid("sector");
        _register(PROJECT_CODE, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-123456", 1, DOCUMENT_HASH, 0);
    }

    function test_RevertWhen_RegisterMethodologyVersionZero() public {
        _expectInvalid("version");
        _register(PROJECT_CODE, "energy", 0, DOCUMENT_HASH, 0);
    }

    function test_RevertWhen_RegisterMethodologyDocumentHashZero() public {
        _expectInvalid("documentHash");
        _register(PROJECT_CODE, "energy", 1, bytes32(0), 0);
    }

    function test_RevertWhen_RegisterMethodologyProjectWithPointValidity() public {
        _expectInvalid("pointValidity");
        _register(PROJECT_CODE, "energy", 1, DOCUMENT_HASH, 1 days);
    }

    function test_RevertWhen_RegisterMethodologyByNonRegistrar() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, issuer, Roles.REGISTRAR)
        );
        vm.prank(issuer);
        registry.registerMethodology(PROJECT_CODE, 1, "energy", MethodologyKind.PROJECT, DOCUMENT_HASH, 0);
    }

    // ================================================================ deprecateMethodology

    function test_DeprecateMethodology_MarksDeprecated() public {
        uint256 id = _projectMethodology();
        vm.expectEmit();
        emit ICarbonRegistry.MethodologyDeprecated(id, "HFC-23 withdrawn");
        vm.prank(registrar);
        registry.deprecateMethodology(id, "HFC-23 withdrawn");
        assertEq(uint256(registry.getMethodology(id).status), uint256(MethodologyStatus.DEPRECATED));
    }

    function test_RevertWhen_DeprecateMethodologyTwice() public {
        uint256 id = _projectMethodology();
        vm.startPrank(registrar);
        registry.deprecateMethodology(id, "withdrawn");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonRegistry.RegistryMethodologyNotActive.selector, id, MethodologyStatus.DEPRECATED
            )
        );
        registry.deprecateMethodology(id, "again");
        vm.stopPrank();
    }

    function test_RevertWhen_DeprecateMethodologyUnknown() public {
        _projectMethodology();
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownMethodology.selector, 2));
        vm.prank(registrar);
        registry.deprecateMethodology(2, "unknown");
    }

    function test_RevertWhen_DeprecateMethodologyIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownMethodology.selector, 0));
        vm.prank(registrar);
        registry.deprecateMethodology(0, "zero");
    }

    function test_RevertWhen_DeprecateMethodologyByNonRegistrar() public {
        uint256 id = _projectMethodology();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, Roles.REGISTRAR)
        );
        vm.prank(admin);
        registry.deprecateMethodology(id, "withdrawn");
    }

    function test_RevertWhen_GetMethodologyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownMethodology.selector, 1));
        registry.getMethodology(1);
    }
}
