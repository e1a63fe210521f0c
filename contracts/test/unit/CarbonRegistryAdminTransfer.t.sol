// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {Roles} from "../../src/libraries/Roles.sol";

/// @notice The two-step, delayed hand-over of the default admin (AccessControlDefaultAdminRules).
contract CarbonRegistryAdminTransferTest is RegistryFixture {
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;
    address internal newAdmin;

    function setUp() public override {
        super.setUp();
        newAdmin = makeAddr("newAdmin");
    }

    function _begin() internal returns (uint48 schedule) {
        schedule = uint48(block.timestamp + ADMIN_DELAY);
        vm.prank(admin);
        registry.beginDefaultAdminTransfer(newAdmin);
    }

    function test_BeginDefaultAdminTransfer_SchedulesPendingAdmin() public {
        uint48 schedule = uint48(block.timestamp + ADMIN_DELAY);
        vm.expectEmit();
        emit IAccessControlDefaultAdminRules.DefaultAdminTransferScheduled(newAdmin, schedule);
        vm.prank(admin);
        registry.beginDefaultAdminTransfer(newAdmin);
        (address pending, uint48 at) = registry.pendingDefaultAdmin();
        assertEq(pending, newAdmin);
        assertEq(uint256(at), schedule);
        assertEq(registry.defaultAdmin(), admin);
    }

    function test_AcceptDefaultAdminTransfer_AfterDelay() public {
        uint48 schedule = _begin();
        vm.warp(schedule + 1);
        vm.expectEmit();
        emit IAccessControl.RoleRevoked(DEFAULT_ADMIN_ROLE, admin, newAdmin);
        vm.expectEmit();
        emit IAccessControl.RoleGranted(DEFAULT_ADMIN_ROLE, newAdmin, newAdmin);
        vm.prank(newAdmin);
        registry.acceptDefaultAdminTransfer();
        assertEq(registry.defaultAdmin(), newAdmin);
        assertTrue(registry.hasRole(DEFAULT_ADMIN_ROLE, newAdmin));
        assertFalse(registry.hasRole(DEFAULT_ADMIN_ROLE, admin));
        (address pending,) = registry.pendingDefaultAdmin();
        assertEq(pending, address(0));
    }

    function test_AcceptDefaultAdminTransfer_OldAdminLosesPowers() public {
        vm.warp(_begin() + 1);
        vm.prank(newAdmin);
        registry.acceptDefaultAdminTransfer();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, admin, DEFAULT_ADMIN_ROLE
            )
        );
        vm.prank(admin);
        registry.setVerifierThreshold(1);
        vm.prank(newAdmin);
        registry.setVerifierThreshold(1);
        assertEq(registry.verifierThreshold(), 1);
    }

    function test_RevertWhen_AcceptDefaultAdminTransferBeforeDelay() public {
        uint48 schedule = _begin();
        vm.warp(schedule - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
            )
        );
        vm.prank(newAdmin);
        registry.acceptDefaultAdminTransfer();
    }

    function test_RevertWhen_AcceptDefaultAdminTransferAtSchedule() public {
        // The schedule must have passed strictly (`schedule < block.timestamp`).
        uint48 schedule = _begin();
        vm.warp(schedule);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
            )
        );
        vm.prank(newAdmin);
        registry.acceptDefaultAdminTransfer();
    }

    function test_RevertWhen_AcceptDefaultAdminTransferByWrongAddress() public {
        vm.warp(_begin() + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, stranger
            )
        );
        vm.prank(stranger);
        registry.acceptDefaultAdminTransfer();
        assertEq(registry.defaultAdmin(), admin);
    }

    function test_RevertWhen_AcceptDefaultAdminTransferAfterCancel() public {
        vm.warp(_begin() + 1);
        vm.expectEmit();
        emit IAccessControlDefaultAdminRules.DefaultAdminTransferCanceled();
        vm.prank(admin);
        registry.cancelDefaultAdminTransfer();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, newAdmin
            )
        );
        vm.prank(newAdmin);
        registry.acceptDefaultAdminTransfer();
    }

    function test_RevertWhen_BeginDefaultAdminTransferByNonAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, registrar, DEFAULT_ADMIN_ROLE
            )
        );
        vm.prank(registrar);
        registry.beginDefaultAdminTransfer(registrar);
    }

    function test_RevertWhen_RenounceDefaultAdminWithoutSchedule() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, uint48(0)
            )
        );
        vm.prank(admin);
        registry.renounceRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function test_RenounceRole_NonAdminRole() public {
        vm.prank(oracle);
        registry.renounceRole(Roles.ORACLE, oracle);
        assertFalse(registry.hasRole(Roles.ORACLE, oracle));
    }

    function test_ChangeDefaultAdminDelay_SchedulesNewDelay() public {
        // Increasing the delay waits min(newDelay, 5 days) before it takes effect.
        uint48 effect = uint48(block.timestamp + 2 days);
        vm.expectEmit();
        emit IAccessControlDefaultAdminRules.DefaultAdminDelayChangeScheduled(2 days, effect);
        vm.prank(admin);
        registry.changeDefaultAdminDelay(2 days);
        (uint48 pendingDelay, uint48 schedule) = registry.pendingDefaultAdminDelay();
        assertEq(uint256(pendingDelay), 2 days);
        assertEq(uint256(schedule), effect);
        vm.warp(effect + 1);
        assertEq(uint256(registry.defaultAdminDelay()), 2 days);
    }

    function test_RevertWhen_GrantDefaultAdminRoleDuringTransfer() public {
        _begin();
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        registry.grantRole(DEFAULT_ADMIN_ROLE, newAdmin);
    }
}
