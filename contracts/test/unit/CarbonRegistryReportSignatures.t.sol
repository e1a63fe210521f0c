// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RegistryFixture} from "../utils/Fixture.sol";
import {CarbonRegistry} from "../../src/CarbonRegistry.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {AccountKind, AccountStatus, ReportInput} from "../../src/types/RegistryTypes.sol";

/// @notice submitReport's signature checks: every EIP-712 field tampered after signing, revoked and
/// frozen verifiers, foreign domains, order, count and malformed signatures.
contract CarbonRegistryReportSignaturesTest is RegistryFixture {
    uint256 internal constant QUANTITY = 2_000_000;
    /// @dev secp256k1 group order.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal projectId;
    ReportInput internal signed;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
        signed = _nextReportInput(projectId, QUANTITY);
    }

    function _recover(bytes32 digest, bytes memory signature) internal pure returns (address) {
        (bytes32 r, bytes32 s, uint8 v) = _split(signature);
        return ecrecover(digest, v, r, s);
    }

    function _split(bytes memory signature) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            s := mload(add(signature, 0x40))
            v := byte(0, mload(add(signature, 0x60)))
        }
    }

    function _expectNotVerifier(address signer) internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportSignerNotVerifier.selector, signer));
    }

    /// @dev Sign `signed`, submit `submitted`: the first signature recovers a stranger to the registry.
    function _assertTamperedRejected(ReportInput memory submitted) internal {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        address recovered = _recover(registry.reportDigest(submitted), signatures[0]);
        assertTrue(recovered != verifiers[0] && recovered != address(0), "tampering must change the signer");
        _expectNotVerifier(recovered);
        _submit(submitted, signatures);
    }

    // ================================================================ tampered fields

    function test_RevertWhen_TamperedProjectId() public {
        uint256 other = _registeredProject();
        signed = _nextReportInput(projectId, QUANTITY);
        ReportInput memory t = signed;
        t.projectId = other;
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedPeriodStart() public {
        ReportInput memory t = signed;
        t.periodStart = signed.periodStart - 1;
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedPeriodEnd() public {
        ReportInput memory t = signed;
        t.periodEnd = signed.periodEnd - 1;
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedQuantity() public {
        ReportInput memory t = signed;
        t.quantity = QUANTITY * 10;
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedDataRoot() public {
        ReportInput memory t = signed;
        t.dataRoot = keccak256("another allocation");
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedEvidenceHash() public {
        ReportInput memory t = signed;
        t.evidenceHash = keccak256("another dataset");
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedMethodologyCode() public {
        ReportInput memory t = signed;
        signed.methodologyCode = "WHCI-PV-002";
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedMethodologyVersion() public {
        ReportInput memory t = signed;
        signed.methodologyVersion = 2;
        _assertTamperedRejected(t);
    }

    function test_RevertWhen_TamperedDeadline() public {
        ReportInput memory t = signed;
        t.deadline = signed.deadline + 1 days;
        _assertTamperedRejected(t);
    }

    // ================================================================ foreign domains

    function test_RevertWhen_SignedForAnotherChainId() public {
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        vm.chainId(chainId);
        _expectNotVerifier(_recover(registry.reportDigest(signed), signatures[0]));
        _submit(signed, signatures);
    }

    function test_RevertWhen_SignedForAnotherRegistry() public {
        CarbonRegistry other = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        bytes32 foreignDigest = other.reportDigest(signed);
        bytes[] memory signatures = new bytes[](2);
        signatures[0] = _signature(verifierKeys[0], foreignDigest);
        signatures[1] = _signature(verifierKeys[1], foreignDigest);
        _expectNotVerifier(_recover(registry.reportDigest(signed), signatures[0]));
        _submit(signed, signatures);
    }

    // ================================================================ who signed

    function test_RevertWhen_VerifierRevokedAfterSigning() public {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        vm.prank(admin);
        registry.revokeRole(Roles.VERIFIER, verifiers[1]);
        _expectNotVerifier(verifiers[1]);
        _submit(signed, signatures);
    }

    function test_RevertWhen_VerifierAccountFrozen() public {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        vm.prank(registrar);
        ledger.setAccountStatus(verifiers[0], AccountStatus.FROZEN, "key compromised");
        _expectNotVerifier(verifiers[0]);
        _submit(signed, signatures);
    }

    function test_RevertWhen_VerifierAccountRevoked() public {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        vm.prank(registrar);
        ledger.setAccountStatus(verifiers[1], AccountStatus.REVOKED, "accreditation withdrawn");
        _expectNotVerifier(verifiers[1]);
        _submit(signed, signatures);
    }

    function test_RevertWhen_SignerHasRoleButNoVerifierAccount() public {
        (address notAccount, uint256 key) = makeKey("role-only");
        vm.prank(admin);
        registry.grantRole(Roles.VERIFIER, notAccount);
        _assertRejectsExtraSigner(notAccount, key);
    }

    function test_RevertWhen_SignerHasRoleButEnterpriseAccount() public {
        (address wrongKind, uint256 key) = makeKey("enterprise-verifier");
        vm.prank(admin);
        registry.grantRole(Roles.VERIFIER, wrongKind);
        _registerAccount(wrongKind, AccountKind.ENTERPRISE, WUHAN);
        _assertRejectsExtraSigner(wrongKind, key);
    }

    function test_RevertWhen_SignerHasVerifierAccountButNoRole() public {
        (address noRole, uint256 key) = makeKey("account-only");
        _registerAccount(noRole, AccountKind.VERIFIER, WUHAN);
        _assertRejectsExtraSigner(noRole, key);
    }

    /// @dev `signer` with one real verifier: it alone must make the report fail.
    function _assertRejectsExtraSigner(address signer, uint256 key) internal {
        uint256[] memory keys = new uint256[](2);
        keys[0] = verifierKeys[0];
        keys[1] = key;
        bytes[] memory signatures = _signReport(signed, keys);
        _expectNotVerifier(signer);
        _submit(signed, signatures);
    }

    // ================================================================ order and count

    function test_RevertWhen_DuplicateSigner() public {
        uint256[] memory keys = new uint256[](2);
        keys[0] = verifierKeys[0];
        keys[1] = verifierKeys[0];
        bytes[] memory signatures = _signaturesInOrder(signed, keys);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.ReportSignersNotAscending.selector, verifiers[0], verifiers[0])
        );
        _submit(signed, signatures);
    }

    function test_RevertWhen_SignersDescending() public {
        uint256[] memory keys = new uint256[](2);
        keys[0] = verifierKeys[1];
        keys[1] = verifierKeys[0];
        bytes[] memory signatures = _signaturesInOrder(signed, keys);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonRegistry.ReportSignersNotAscending.selector, verifiers[1], verifiers[0])
        );
        _submit(signed, signatures);
    }

    function test_RevertWhen_FewerThanK() public {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(1));
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInsufficientSignatures.selector, 1, 2));
        _submit(signed, signatures);
    }

    function test_RevertWhen_NoSignatures() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInsufficientSignatures.selector, 0, 2));
        _submit(signed, new bytes[](0));
    }

    function test_RevertWhen_FewerThanRaisedK() public {
        vm.prank(admin);
        registry.setVerifierThreshold(3);
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInsufficientSignatures.selector, 2, 3));
        _submit(signed, signatures);
    }

    // ================================================================ malformed signatures

    function _expectInvalidSignature(uint256 index, bytes memory bad) internal {
        bytes[] memory signatures = _signReport(signed, _verifierKeys(2));
        signatures[index] = bad;
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInvalidSignature.selector, index));
        _submit(signed, signatures);
    }

    function test_RevertWhen_SignatureTooShort() public {
        (bytes32 r, bytes32 s,) = _split(_signature(verifierKeys[1], registry.reportDigest(signed)));
        _expectInvalidSignature(1, abi.encodePacked(r, s)); // 64 bytes
    }

    function test_RevertWhen_SignatureEmpty() public {
        _expectInvalidSignature(0, "");
    }

    function test_RevertWhen_SignatureHighS() public {
        (bytes32 r, bytes32 s, uint8 v) = _split(_signature(verifierKeys[0], registry.reportDigest(signed)));
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        _expectInvalidSignature(0, abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27)));
    }

    function test_RevertWhen_SignatureBadV() public {
        (bytes32 r, bytes32 s,) = _split(_signature(verifierKeys[1], registry.reportDigest(signed)));
        _expectInvalidSignature(1, abi.encodePacked(r, s, uint8(29)));
    }

    function test_RevertWhen_SignatureAllZero() public {
        _expectInvalidSignature(0, new bytes(65));
    }
}
