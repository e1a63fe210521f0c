// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {SymTest} from "./SymTest.sol";
import {CarbonRegistry} from "../../src/CarbonRegistry.sol";
import {CarbonLedger} from "../../src/CarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {AccountKind, MethodologyKind, ReportInput} from "../../src/types/RegistryTypes.sol";

/// @notice The real registry and ledger, connected, for symbolic checks: concrete actor addresses
/// (halmos' `vm.addr` is symbolic, so the usual fixture's derived keys would fork every lookup),
/// one verifier and k = 1, no public-notice period, a registered PROJECT-kind project.
/// @dev Only `vm` cheatcodes halmos implements are used, and plain `assert` (halmos reports
/// Panic(0x01)); Test.sol's `vm.assert*` helpers are forge-only.
abstract contract HalmosBase is Test, SymTest {
    uint256 internal constant START_TIME = 1_735_689_600; // 2025-01-01T00:00:00Z
    uint32 internal constant WUHAN = 420100;
    uint16 internal constant VINTAGE = 2025;
    string internal constant CODE = "WHCI-PV-001";
    uint256 internal constant VERIFIER_KEY = 0xB0B;

    address internal constant ADMIN = address(0x1000);
    address internal constant REGISTRAR = address(0x1001);
    address internal constant ISSUER = address(0x1002);
    address internal constant ORACLE = address(0x1003);
    address internal constant PROPONENT = address(0x2000);
    address internal constant BUFFER = address(0x2001);
    address internal constant CLAIMANT = address(0x2002);
    address internal constant OTHER = address(0x2003);

    CarbonRegistry internal registry;
    CarbonLedger internal ledger;
    uint256 internal projectId;

    function setUp() public virtual {
        vm.warp(START_TIME);
        registry = new CarbonRegistry(1 days, ADMIN, 1, 0);
        ledger = new CarbonLedger(address(registry), "");
        address verifier = vm.addr(VERIFIER_KEY);
        vm.startPrank(ADMIN);
        registry.setLedger(address(ledger));
        registry.grantRole(Roles.REGISTRAR, REGISTRAR);
        registry.grantRole(Roles.ISSUER, ISSUER);
        registry.grantRole(Roles.ORACLE, ORACLE);
        registry.grantRole(Roles.VERIFIER, verifier);
        vm.stopPrank();

        vm.startPrank(REGISTRAR);
        ledger.registerAccount(verifier, AccountKind.VERIFIER, WUHAN, bytes32(0));
        ledger.registerAccount(PROPONENT, AccountKind.ENTERPRISE, WUHAN, bytes32(0));
        ledger.registerAccount(BUFFER, AccountKind.BUFFER, WUHAN, bytes32(0));
        ledger.registerAccount(CLAIMANT, AccountKind.ENTERPRISE, WUHAN, bytes32(0));
        ledger.registerAccount(OTHER, AccountKind.ENTERPRISE, WUHAN, bytes32(0));
        uint256 methodologyId =
            registry.registerMethodology(CODE, 1, "energy", MethodologyKind.PROJECT, keccak256("text"), 0);
        projectId = registry.proposeProject(methodologyId, PROPONENT, WUHAN, bytes32(0), "");
        registry.registerProject(projectId);
        vm.stopPrank();

        vm.prank(ADMIN);
        ledger.setBufferAccount(BUFFER);
    }

    /// @notice Submit a report of `quantity` grams for the last 30 days, signed by the one verifier.
    function _verifiedReport(uint256 quantity) internal returns (uint256 reportId) {
        ReportInput memory input = ReportInput({
            projectId: projectId,
            periodStart: uint64(block.timestamp - 30 days),
            periodEnd: uint64(block.timestamp),
            quantity: quantity,
            dataRoot: bytes32(0),
            evidenceHash: keccak256("dataset"),
            methodologyCode: CODE,
            methodologyVersion: 1,
            deadline: uint64(block.timestamp + 1 days)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(VERIFIER_KEY, registry.reportDigest(input));
        bytes[] memory signatures = new bytes[](1);
        signatures[0] = abi.encodePacked(r, s, v);
        vm.prank(ORACLE);
        reportId = registry.submitReport(input, signatures);
    }
}
