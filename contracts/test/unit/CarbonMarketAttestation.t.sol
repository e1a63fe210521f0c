// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {CarbonMarket} from "../../src/CarbonMarket.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {ImportInput} from "../../src/types/MarketTypes.sol";

/// @notice The EIP-712 `CreditImport` a partner signs: the digest rebuilt from the type string and
/// domain fields alone (as carbon_chain/eip712.py does), and every signed field bound: changing any
/// one after signing recovers another signer, refused with MarketInvalidAttestation(partner, recovered).
contract CarbonMarketAttestationTest is MarketFixture {
    string internal constant IMPORT_TYPE = "CreditImport(address partner,uint256 originSerialStart,"
        "uint256 originSerialEnd,uint256 projectId,uint64 periodStart,uint64 periodEnd,uint16 vintage,"
        "address recipient,bytes32 evidenceHash,uint64 deadline)";
    string internal constant DOMAIN_TYPE =
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    /// @dev secp256k1 group order, for the malleated (high-s) signature.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    ImportInput internal input;
    bytes internal attestation;

    function setUp() public override {
        super.setUp();
        uint256 projectId = _registeredProject();
        input = _importInput(projectId, 1_000, 2_000);
        attestation = _attest(input);
    }

    function _domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(bytes(DOMAIN_TYPE)),
                keccak256("WuhanCarbonMarket"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
    }

    function _digest(ImportInput memory i, uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(bytes(IMPORT_TYPE)),
                i.partner,
                i.originSerialStart,
                i.originSerialEnd,
                i.projectId,
                i.periodStart,
                i.periodEnd,
                i.vintage,
                i.recipient,
                i.evidenceHash,
                i.deadline
            )
        );
        return keccak256(abi.encodePacked(hex"1901", _domainSeparator(chainId, verifyingContract), structHash));
    }

    /// @notice Import `tampered` with the attestation signed over `input`; expect the signer it recovers.
    function _expectRefused(ImportInput memory tampered) internal {
        bytes32 digest = market.importDigest(tampered);
        (bytes32 r, bytes32 s) = abi.decode(attestation, (bytes32, bytes32));
        address recovered = ecrecover(digest, uint8(attestation[64]), r, s);
        assertTrue(recovered != partner && recovered != address(0), "tampering recovered the partner");
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, tampered.partner, recovered)
        );
        _import(tampered, attestation, 0);
    }

    // ================================================================ digest

    function test_ImportTypehash_MatchesTypeString() public view {
        assertEq(market.IMPORT_TYPEHASH(), keccak256(bytes(IMPORT_TYPE)));
    }

    function test_DomainSeparator_MatchesIndependentComputation() public view {
        assertEq(market.domainSeparator(), _domainSeparator(block.chainid, address(market)));
    }

    function test_ImportDigest_MatchesIndependentComputation() public view {
        assertEq(market.importDigest(input), _digest(input, block.chainid, address(market)));
    }

    function test_Eip712Domain_Fields() public view {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            market.eip712Domain();
        assertEq(name, "WuhanCarbonMarket");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(market));
    }

    function test_ImportCredits_AcceptsTheUntamperedAttestation() public {
        _import(input, attestation, 0);
        assertEq(market.importCount(), 1);
    }

    // ================================================================ each field bound

    function test_RevertWhen_TamperedPartner() public {
        ImportInput memory t = input;
        t.partner = makeAddr("another platform");
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedOriginSerialStart() public {
        ImportInput memory t = input;
        t.originSerialStart = input.originSerialStart - 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedOriginSerialEnd() public {
        ImportInput memory t = input;
        t.originSerialEnd = input.originSerialEnd + 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedProjectId() public {
        ImportInput memory t = input;
        t.projectId = input.projectId + 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedPeriodStart() public {
        ImportInput memory t = input;
        t.periodStart = input.periodStart - 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedPeriodEnd() public {
        ImportInput memory t = input;
        t.periodEnd = input.periodEnd + 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedVintage() public {
        ImportInput memory t = input;
        t.vintage = input.vintage - 1;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedRecipient() public {
        ImportInput memory t = input;
        t.recipient = enterprise;
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedEvidenceHash() public {
        ImportInput memory t = input;
        t.evidenceHash = keccak256("another record");
        _expectRefused(t);
    }

    function test_RevertWhen_TamperedDeadline() public {
        ImportInput memory t = input;
        t.deadline = input.deadline + 1;
        _expectRefused(t);
    }

    // ================================================================ domain bound

    function test_RevertWhen_SignedForAnotherChainId() public {
        bytes32 foreign = _digest(input, block.chainid + 1, address(market));
        bytes memory signature = _signature(partnerKey, foreign);
        address recovered = ecrecover(market.importDigest(input), uint8(signature[64]), _r(signature), _s(signature));
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, recovered));
        _import(input, signature, 0);
    }

    function test_RevertWhen_SignedForAnotherMarket() public {
        CarbonMarket other = new CarbonMarket(address(registry), address(ledger));
        bytes memory signature = _signature(partnerKey, other.importDigest(input));
        address recovered = ecrecover(market.importDigest(input), uint8(signature[64]), _r(signature), _s(signature));
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, recovered));
        _import(input, signature, 0);
    }

    /// @notice After a chain split the domain follows block.chainid: an attestation for the old chain fails.
    function test_RevertWhen_ChainIdChangedAfterSigning() public {
        vm.chainId(block.chainid + 1);
        address recovered =
            ecrecover(market.importDigest(input), uint8(attestation[64]), _r(attestation), _s(attestation));
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, recovered));
        _import(input, attestation, 0);
    }

    /// @notice The malleated twin (s' = n − s, v flipped) is refused, so one attestation has one encoding.
    function test_RevertWhen_SignatureMalleated() public {
        bytes32 s = bytes32(SECP256K1_N - uint256(_s(attestation)));
        uint8 v = uint8(attestation[64]) == 27 ? 28 : 27;
        bytes memory twin = abi.encodePacked(_r(attestation), s, v);
        vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketInvalidAttestation.selector, partner, address(0)));
        _import(input, twin, 0);
    }

    function _r(bytes memory signature) internal pure returns (bytes32 r) {
        (r,) = abi.decode(signature, (bytes32, bytes32));
    }

    function _s(bytes memory signature) internal pure returns (bytes32 s) {
        (, s) = abi.decode(signature, (bytes32, bytes32));
    }
}
