// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {AccountStatus, CarbonEvent} from "../../src/types/RegistryTypes.sol";

/// @notice Large events (大型活动): registerEvent's validation and recordEventRetirement (ledger only).
contract CarbonRegistryEventTest is RegistryFixture {
    uint256 internal constant FOOTPRINT = 80_000_000; // 80 tCO2e
    bytes32 internal constant EVENT_EVIDENCE = keccak256("event footprint evidence");
    string internal constant NAME = "Wuhan Marathon";
    uint40 internal startsAt;
    uint40 internal endsAt;

    function setUp() public override {
        super.setUp();
        startsAt = uint40(block.timestamp);
        endsAt = uint40(block.timestamp + 1 days);
    }

    function _register(string memory name, uint32 region, uint40 from, uint40 to, uint256 footprint, bytes32 evidence)
        internal
        returns (uint256)
    {
        vm.prank(organiser);
        return registry.registerEvent(name, region, from, to, footprint, evidence);
    }

    function _expectInvalid(string memory field) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidEvent.selector, field));
    }

    // ================================================================ registerEvent

    function test_RegisterEvent_StoresEvent() public {
        vm.expectEmit();
        emit ICarbonRegistry.CarbonEventRegistered(
            1, organiser, NAME, WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE
        );
        uint256 eventId = _register(NAME, WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
        assertEq(eventId, 1);
        assertEq(registry.eventCount(), 1);
        CarbonEvent memory ev = registry.getEvent(eventId);
        assertEq(ev.organiser, organiser);
        assertEq(uint256(ev.region), WUHAN);
        assertFalse(ev.neutral);
        assertEq(uint256(ev.startsAt), startsAt);
        assertEq(uint256(ev.endsAt), endsAt);
        assertEq(uint256(ev.footprint), FOOTPRINT);
        assertEq(uint256(ev.retired), 0);
        assertEq(ev.evidenceHash, EVENT_EVIDENCE);
        assertEq(ev.name, NAME);
        assertEq(registry.eventRetirements(eventId).length, 0);
    }

    function test_RegisterEvent_OneDayEventAndMaxName() public {
        bytes memory name = new bytes(128);
        for (uint256 i = 0; i < name.length; ++i) {
            name[i] = "x";
        }
        assertEq(_register(string(name), WUHAN, startsAt, startsAt, type(uint64).max, EVENT_EVIDENCE), 1);
    }

    function test_RevertWhen_RegisterEventByEnterprise() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryNotOrganiser.selector, enterprise));
        vm.prank(enterprise);
        registry.registerEvent(NAME, WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventByUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryNotOrganiser.selector, stranger));
        vm.prank(stranger);
        registry.registerEvent(NAME, WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventByFrozenOrganiser() public {
        vm.prank(registrar);
        ledger.setAccountStatus(organiser, AccountStatus.FROZEN, "unpaid fees");
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryNotOrganiser.selector, organiser));
        _register(NAME, WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventNameEmpty() public {
        _expectInvalid("name");
        _register("", WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventNameTooLong() public {
        _expectInvalid("name");
        _register(string(new bytes(129)), WUHAN, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventRegionInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidRegion.selector, uint32(4201)));
        _register(NAME, 4201, startsAt, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventStartZero() public {
        _expectInvalid("dates");
        _register(NAME, WUHAN, 0, endsAt, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventEndsBeforeStart() public {
        _expectInvalid("dates");
        _register(NAME, WUHAN, startsAt, startsAt - 1, FOOTPRINT, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventFootprintZero() public {
        _expectInvalid("footprint");
        _register(NAME, WUHAN, startsAt, endsAt, 0, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventFootprintAboveUint64() public {
        uint256 footprint = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(64), footprint));
        _register(NAME, WUHAN, startsAt, endsAt, footprint, EVENT_EVIDENCE);
    }

    function test_RevertWhen_RegisterEventEvidenceZero() public {
        _expectInvalid("evidenceHash");
        _register(NAME, WUHAN, startsAt, endsAt, FOOTPRINT, bytes32(0));
    }

    // ================================================================ recordEventRetirement

    function _record(uint256 eventId, uint256 certificateId, uint256 amount)
        internal
        returns (address organiser_, uint32 region)
    {
        vm.prank(address(ledger));
        return registry.recordEventRetirement(eventId, certificateId, amount);
    }

    function test_RecordEventRetirement_PartialCoverage() public {
        uint256 eventId = _registerEvent(FOOTPRINT);
        (address who, uint32 region) = _record(eventId, 11, FOOTPRINT - 1);
        assertEq(who, organiser);
        assertEq(uint256(region), WUHAN);
        CarbonEvent memory ev = registry.getEvent(eventId);
        assertEq(uint256(ev.retired), FOOTPRINT - 1);
        assertFalse(ev.neutral);
        uint256[] memory certificates = registry.eventRetirements(eventId);
        assertEq(certificates.length, 1);
        assertEq(certificates[0], 11);
    }

    function test_RecordEventRetirement_NeutralisesOnce() public {
        uint256 eventId = _registerEvent(FOOTPRINT);
        _record(eventId, 1, FOOTPRINT / 2);
        vm.expectEmit();
        emit ICarbonRegistry.CarbonEventNeutralised(eventId, FOOTPRINT, FOOTPRINT);
        _record(eventId, 2, FOOTPRINT - FOOTPRINT / 2);
        vm.recordLogs();
        _record(eventId, 3, 1);
        assertEq(vm.getRecordedLogs().length, 0);
        CarbonEvent memory ev = registry.getEvent(eventId);
        assertTrue(ev.neutral);
        assertEq(uint256(ev.retired), FOOTPRINT + 1);
        assertEq(registry.eventRetirements(eventId).length, 3);
    }

    function test_RecordEventRetirement_ViaLedgerRetireForEvent() public {
        (, uint256 reportId) = _projectWithReport(FOOTPRINT);
        vm.prank(issuer);
        uint256 batchId = ledger.issueToProponent(reportId, FOOTPRINT, 2024, 0);
        uint256 eventId = _registerEvent(FOOTPRINT);
        vm.prank(proponent);
        uint256 certificateId = ledger.retireForEvent(eventId, batchId, FOOTPRINT);
        CarbonEvent memory ev = registry.getEvent(eventId);
        assertTrue(ev.neutral);
        assertEq(registry.eventRetirements(eventId)[0], certificateId);
        assertEq(ledger.getRetirement(certificateId).beneficiary, organiser);
    }

    function test_RevertWhen_RecordEventRetirementByNonLedger() public {
        uint256 eventId = _registerEvent(FOOTPRINT);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryOnlyLedger.selector, organiser));
        vm.prank(organiser);
        registry.recordEventRetirement(eventId, 1, FOOTPRINT);
    }

    function test_RevertWhen_RecordEventRetirementByAdmin() public {
        uint256 eventId = _registerEvent(FOOTPRINT);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryOnlyLedger.selector, admin));
        vm.prank(admin);
        registry.recordEventRetirement(eventId, 1, FOOTPRINT);
    }

    function test_RevertWhen_RecordEventRetirementUnknownEvent() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownEvent.selector, 1));
        _record(1, 1, FOOTPRINT);
    }

    function test_RevertWhen_RecordEventRetirementAmountAboveUint64() public {
        uint256 eventId = _registerEvent(FOOTPRINT);
        uint256 amount = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(64), amount));
        _record(eventId, 1, amount);
    }

    function test_RevertWhen_GetEventUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownEvent.selector, 0));
        registry.getEvent(0);
    }

    function test_RevertWhen_EventRetirementsUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryUnknownEvent.selector, 1));
        registry.eventRetirements(1);
    }
}
