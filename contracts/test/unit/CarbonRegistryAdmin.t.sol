// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {CarbonRegistry} from "../../src/CarbonRegistry.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";

/// @notice Constructor, ledger connection, threshold and notice-period setters, and the admin role.
contract CarbonRegistryAdminTest is RegistryFixture {
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;

    function _expectUnauthorized(address account, bytes32 role) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role)
        );
    }

    // ================================================================ constructor

    function test_Constructor_SetsAdminThresholdNoticeAndDomain() public view {
        assertEq(registry.defaultAdmin(), admin);
        assertEq(uint256(registry.defaultAdminDelay()), ADMIN_DELAY);
        assertTrue(registry.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertEq(registry.verifierThreshold(), THRESHOLD);
        assertEq(registry.noticePeriod(), NOTICE_PERIOD);
        assertEq(registry.ledger(), address(ledger));
        assertEq(registry.MAX_NOTICE_PERIOD(), 90 days);
    }

    function test_Constructor_EmitsThresholdAndNoticeEvents() public {
        vm.expectEmit();
        emit ICarbonRegistry.VerifierThresholdChanged(0, 3);
        vm.expectEmit();
        emit ICarbonRegistry.NoticePeriodChanged(0, 14 days);
        new CarbonRegistry(ADMIN_DELAY, admin, 3, 14 days);
    }

    function test_RevertWhen_ConstructorThresholdZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidThreshold.selector, 0));
        new CarbonRegistry(ADMIN_DELAY, admin, 0, NOTICE_PERIOD);
    }

    function test_RevertWhen_ConstructorNoticeTooLong() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidNoticePeriod.selector, 90 days + 1));
        new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, 90 days + 1);
    }

    function test_RevertWhen_ConstructorAdminZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, address(0)
            )
        );
        new CarbonRegistry(ADMIN_DELAY, address(0), THRESHOLD, NOTICE_PERIOD);
    }

    // ================================================================ setLedger

    function test_SetLedger_ConnectsOnce() public {
        CarbonRegistry fresh = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        vm.expectEmit();
        emit ICarbonRegistry.LedgerConnected(address(ledger));
        vm.prank(admin);
        fresh.setLedger(address(ledger));
        assertEq(fresh.ledger(), address(ledger));
    }

    function test_RevertWhen_SetLedgerTwice() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryLedgerAlreadySet.selector, address(ledger)));
        vm.prank(admin);
        registry.setLedger(stranger);
    }

    function test_RevertWhen_SetLedgerZero() public {
        CarbonRegistry fresh = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryZeroAddress.selector, "ledger"));
        vm.prank(admin);
        fresh.setLedger(address(0));
    }

    function test_RevertWhen_SetLedgerByNonAdmin() public {
        _expectUnauthorized(registrar, DEFAULT_ADMIN_ROLE);
        vm.prank(registrar);
        registry.setLedger(stranger);
    }

    function test_RevertWhen_LedgerNotConnectedAndAccountRead() public {
        CarbonRegistry fresh = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        vm.prank(admin);
        fresh.grantRole(Roles.VERIFIER, verifiers[0]);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryZeroAddress.selector, "ledger"));
        fresh.isActiveVerifier(verifiers[0]);
    }

    // ================================================================ setVerifierThreshold

    function test_SetVerifierThreshold_ChangesK() public {
        vm.expectEmit();
        emit ICarbonRegistry.VerifierThresholdChanged(THRESHOLD, 3);
        vm.prank(admin);
        registry.setVerifierThreshold(3);
        assertEq(registry.verifierThreshold(), 3);
    }

    function test_SetVerifierThreshold_AcceptsUint16Max() public {
        vm.prank(admin);
        registry.setVerifierThreshold(type(uint16).max);
        assertEq(registry.verifierThreshold(), type(uint16).max);
    }

    function test_RevertWhen_SetVerifierThresholdZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidThreshold.selector, 0));
        vm.prank(admin);
        registry.setVerifierThreshold(0);
    }

    function test_RevertWhen_SetVerifierThresholdAboveUint16() public {
        uint256 k = uint256(type(uint16).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidThreshold.selector, k));
        vm.prank(admin);
        registry.setVerifierThreshold(k);
    }

    function test_RevertWhen_SetVerifierThresholdByNonAdmin() public {
        _expectUnauthorized(stranger, DEFAULT_ADMIN_ROLE);
        vm.prank(stranger);
        registry.setVerifierThreshold(1);
    }

    // ================================================================ setNoticePeriod

    function test_SetNoticePeriod_ChangesPeriod() public {
        vm.expectEmit();
        emit ICarbonRegistry.NoticePeriodChanged(NOTICE_PERIOD, 90 days);
        vm.prank(admin);
        registry.setNoticePeriod(90 days);
        assertEq(registry.noticePeriod(), 90 days);
    }

    function test_SetNoticePeriod_AcceptsZero() public {
        vm.prank(admin);
        registry.setNoticePeriod(0);
        assertEq(registry.noticePeriod(), 0);
    }

    function test_RevertWhen_SetNoticePeriodTooLong() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidNoticePeriod.selector, 90 days + 1));
        vm.prank(admin);
        registry.setNoticePeriod(90 days + 1);
    }

    function test_RevertWhen_SetNoticePeriodByNonAdmin() public {
        _expectUnauthorized(registrar, DEFAULT_ADMIN_ROLE);
        vm.prank(registrar);
        registry.setNoticePeriod(1 days);
    }

    // ================================================================ roles

    function test_GrantRole_ByAdmin() public {
        vm.expectEmit();
        emit IAccessControl.RoleGranted(Roles.ISSUER, stranger, admin);
        vm.prank(admin);
        registry.grantRole(Roles.ISSUER, stranger);
        assertTrue(registry.hasRole(Roles.ISSUER, stranger));
    }

    function test_RevokeRole_ByAdmin() public {
        vm.expectEmit();
        emit IAccessControl.RoleRevoked(Roles.ORACLE, oracle, admin);
        vm.prank(admin);
        registry.revokeRole(Roles.ORACLE, oracle);
        assertFalse(registry.hasRole(Roles.ORACLE, oracle));
    }

    function test_RevertWhen_GrantRoleByNonAdmin() public {
        _expectUnauthorized(registrar, DEFAULT_ADMIN_ROLE);
        vm.prank(registrar);
        registry.grantRole(Roles.ISSUER, stranger);
    }

    function test_RevertWhen_GrantRoleByTxOriginAdmin() public {
        // Authority is msg.sender only: the admin as tx.origin behind another caller counts for nothing.
        _expectUnauthorized(stranger, DEFAULT_ADMIN_ROLE);
        vm.prank(stranger, admin);
        registry.grantRole(Roles.ISSUER, stranger);
    }

    function test_RevertWhen_GrantDefaultAdminRole() public {
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        registry.grantRole(DEFAULT_ADMIN_ROLE, stranger);
    }

    function test_RevertWhen_RevokeDefaultAdminRole() public {
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        registry.revokeRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function test_RoleAdmin_IsDefaultAdminForEveryRole() public view {
        assertEq(registry.getRoleAdmin(Roles.REGISTRAR), DEFAULT_ADMIN_ROLE);
        assertEq(registry.getRoleAdmin(Roles.ISSUER), DEFAULT_ADMIN_ROLE);
        assertEq(registry.getRoleAdmin(Roles.VERIFIER), DEFAULT_ADMIN_ROLE);
        assertEq(registry.getRoleAdmin(Roles.ORACLE), DEFAULT_ADMIN_ROLE);
        assertEq(registry.getRoleAdmin(Roles.PAUSER), DEFAULT_ADMIN_ROLE);
    }
}
