// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {CarbonLedger} from "../../src/CarbonLedger.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {Account, AccountKind, AccountStatus} from "../../src/types/RegistryTypes.sol";

/// @notice Carbon accounts: registration, status changes, the aggregator and buffer accounts, pause switch.
contract CarbonLedgerAccountsTest is LedgerFixture {
    bytes32 internal constant RECORD = keccak256("registration record");
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;

    address internal newcomer;

    function setUp() public override {
        super.setUp();
        newcomer = makeAddr("newcomer");
    }

    // ================================================================ constructor and views

    function test_Constructor_SetsRegistryAndFirstSerial() public view {
        assertEq(ledger.registry(), address(registry));
        assertEq(ledger.nextSerial(), 1);
        assertEq(ledger.batchCount(), 0);
        assertFalse(ledger.paused());
    }

    function test_RevertWhen_ConstructorRegistryIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAddress.selector, "registry"));
        new CarbonLedger(address(0), "");
    }

    // ================================================================ registerAccount

    function test_RegisterAccount_StoresActiveAccount() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AccountRegistered(newcomer, AccountKind.INDIVIDUAL, WUCHANG, RECORD);
        vm.prank(registrar);
        ledger.registerAccount(newcomer, AccountKind.INDIVIDUAL, WUCHANG, RECORD);

        Account memory a = ledger.getAccount(newcomer);
        assertEq(uint256(a.kind), uint256(AccountKind.INDIVIDUAL));
        assertEq(uint256(a.status), uint256(AccountStatus.ACTIVE));
        assertEq(a.region, WUCHANG);
        assertEq(a.registeredAt, block.timestamp);
        assertEq(a.recordHash, RECORD);
    }

    function test_RegisterAccount_AcceptsRegionBounds() public {
        vm.startPrank(registrar);
        ledger.registerAccount(newcomer, AccountKind.ENTERPRISE, 100000, RECORD);
        ledger.registerAccount(stranger, AccountKind.ENTERPRISE, 999999, RECORD);
        vm.stopPrank();
        assertEq(ledger.getAccount(newcomer).region, 100000);
        assertEq(ledger.getAccount(stranger).region, 999999);
    }

    function test_RevertWhen_RegisterAccountCallerNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, issuer, Roles.REGISTRAR));
        vm.prank(issuer);
        ledger.registerAccount(newcomer, AccountKind.INDIVIDUAL, WUHAN, RECORD);
    }

    function test_RevertWhen_RegisterAccountIsZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerZeroAddress.selector, "account"));
        vm.prank(registrar);
        ledger.registerAccount(address(0), AccountKind.INDIVIDUAL, WUHAN, RECORD);
    }

    function test_RevertWhen_RegisterAccountExists() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAccountExists.selector, individual));
        vm.prank(registrar);
        ledger.registerAccount(individual, AccountKind.ENTERPRISE, WUHAN, RECORD);
    }

    function test_RevertWhen_RegisterAccountKindIsNone() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidAccountKind.selector, newcomer, AccountKind.NONE)
        );
        vm.prank(registrar);
        ledger.registerAccount(newcomer, AccountKind.NONE, WUHAN, RECORD);
    }

    function test_RevertWhen_RegisterAccountRegionTooShort() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidRegion.selector, uint32(99999)));
        vm.prank(registrar);
        ledger.registerAccount(newcomer, AccountKind.INDIVIDUAL, 99999, RECORD);
    }

    function test_RevertWhen_RegisterAccountRegionTooLong() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidRegion.selector, uint32(1000000)));
        vm.prank(registrar);
        ledger.registerAccount(newcomer, AccountKind.INDIVIDUAL, 1000000, RECORD);
    }

    // ================================================================ setAccountStatus

    function test_SetAccountStatus_FreezesAndUnfreezes() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AccountStatusChanged(individual, AccountStatus.ACTIVE, AccountStatus.FROZEN, "lost phone");
        vm.prank(registrar);
        ledger.setAccountStatus(individual, AccountStatus.FROZEN, "lost phone");
        assertEq(uint256(ledger.getAccount(individual).status), uint256(AccountStatus.FROZEN));

        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AccountStatusChanged(individual, AccountStatus.FROZEN, AccountStatus.ACTIVE, "found");
        vm.prank(registrar);
        ledger.setAccountStatus(individual, AccountStatus.ACTIVE, "found");
        assertEq(uint256(ledger.getAccount(individual).status), uint256(AccountStatus.ACTIVE));
    }

    function test_SetAccountStatus_Revokes() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AccountStatusChanged(enterprise, AccountStatus.ACTIVE, AccountStatus.REVOKED, "closed");
        vm.prank(registrar);
        ledger.setAccountStatus(enterprise, AccountStatus.REVOKED, "closed");
        assertEq(uint256(ledger.getAccount(enterprise).status), uint256(AccountStatus.REVOKED));
    }

    function test_RevertWhen_SetAccountStatusCallerNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, stranger, Roles.REGISTRAR));
        vm.prank(stranger);
        ledger.setAccountStatus(individual, AccountStatus.FROZEN, "");
    }

    function test_RevertWhen_SetAccountStatusUnknownAccount() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnknownAccount.selector, stranger));
        vm.prank(registrar);
        ledger.setAccountStatus(stranger, AccountStatus.FROZEN, "");
    }

    function test_RevertWhen_SetAccountStatusFromRevoked() public {
        _setStatus(enterprise, AccountStatus.REVOKED);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonLedger.LedgerInvalidStatusChange.selector,
                enterprise,
                AccountStatus.REVOKED,
                AccountStatus.ACTIVE
            )
        );
        vm.prank(registrar);
        ledger.setAccountStatus(enterprise, AccountStatus.ACTIVE, "");
    }

    function test_RevertWhen_SetAccountStatusToNone() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonLedger.LedgerInvalidStatusChange.selector, individual, AccountStatus.ACTIVE, AccountStatus.NONE
            )
        );
        vm.prank(registrar);
        ledger.setAccountStatus(individual, AccountStatus.NONE, "");
    }

    function test_RevertWhen_SetAccountStatusUnchanged() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonLedger.LedgerInvalidStatusChange.selector, individual, AccountStatus.ACTIVE, AccountStatus.ACTIVE
            )
        );
        vm.prank(registrar);
        ledger.setAccountStatus(individual, AccountStatus.ACTIVE, "");
    }

    // ================================================================ setAggregator

    function test_SetAggregator_ReplacesAggregator() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.AggregatorChanged(aggregator, enterprise);
        vm.prank(admin);
        ledger.setAggregator(enterprise);
        assertEq(ledger.aggregator(), enterprise);
    }

    function test_RevertWhen_SetAggregatorCallerNotAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, registrar, DEFAULT_ADMIN_ROLE)
        );
        vm.prank(registrar);
        ledger.setAggregator(enterprise);
    }

    function test_RevertWhen_SetAggregatorNotRegistered() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, stranger, AccountStatus.NONE)
        );
        vm.prank(admin);
        ledger.setAggregator(stranger);
    }

    function test_RevertWhen_SetAggregatorFrozen() public {
        _freeze(enterprise);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, enterprise, AccountStatus.FROZEN)
        );
        vm.prank(admin);
        ledger.setAggregator(enterprise);
    }

    // ================================================================ setBufferAccount

    function test_SetBufferAccount_ReplacesBuffer() public {
        _registerAccount(newcomer, AccountKind.BUFFER, WUHAN);
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.BufferAccountChanged(bufferAccount, newcomer);
        vm.prank(admin);
        ledger.setBufferAccount(newcomer);
        assertEq(ledger.bufferAccount(), newcomer);
    }

    function test_RevertWhen_SetBufferAccountCallerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, issuer, DEFAULT_ADMIN_ROLE));
        vm.prank(issuer);
        ledger.setBufferAccount(bufferAccount);
    }

    function test_RevertWhen_SetBufferAccountNotActive() public {
        _freeze(bufferAccount);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerAccountNotActive.selector, bufferAccount, AccountStatus.FROZEN)
        );
        vm.prank(admin);
        ledger.setBufferAccount(bufferAccount);
    }

    function test_RevertWhen_SetBufferAccountNotBufferKind() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidAccountKind.selector, enterprise, AccountKind.ENTERPRISE)
        );
        vm.prank(admin);
        ledger.setBufferAccount(enterprise);
    }

    // ================================================================ pause / unpause

    function test_Pause_SetsPaused() public {
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LedgerPauseChanged(true, pauser);
        vm.prank(pauser);
        ledger.pause();
        assertTrue(ledger.paused());
    }

    function test_Unpause_ClearsPaused() public {
        _pause();
        vm.expectEmit(address(ledger));
        emit ICarbonLedger.LedgerPauseChanged(false, pauser);
        vm.prank(pauser);
        ledger.unpause();
        assertFalse(ledger.paused());
    }

    function test_RevertWhen_PauseCallerNotPauser() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, admin, Roles.PAUSER));
        vm.prank(admin);
        ledger.pause();
    }

    function test_RevertWhen_PauseAlreadyPaused() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(pauser);
        ledger.pause();
    }

    function test_RevertWhen_UnpauseCallerNotPauser() public {
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerUnauthorized.selector, stranger, Roles.PAUSER));
        vm.prank(stranger);
        ledger.unpause();
    }
}
