// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RegistryFixture} from "../utils/Fixture.sol";
import {CarbonRegistry} from "../../src/CarbonRegistry.sol";
import {ReportInput} from "../../src/types/RegistryTypes.sol";

/// @notice The EIP-712 digest verifiers sign, rebuilt here from the type string and domain fields
/// alone (the same recipe carbon_chain/eip712.py follows).
contract CarbonRegistryDigestTest is RegistryFixture {
    string internal constant REPORT_TYPE = "Report(uint256 projectId,uint64 periodStart,uint64 periodEnd,"
        "uint256 quantity,bytes32 dataRoot,bytes32 evidenceHash,string methodologyCode,"
        "uint32 methodologyVersion,uint64 deadline)";
    string internal constant DOMAIN_TYPE =
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    function _domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(bytes(DOMAIN_TYPE)),
                keccak256("WuhanCarbonRegistry"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
    }

    function _structHash(ReportInput memory input) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(bytes(REPORT_TYPE)),
                input.projectId,
                input.periodStart,
                input.periodEnd,
                input.quantity,
                input.dataRoot,
                input.evidenceHash,
                keccak256(bytes(input.methodologyCode)),
                input.methodologyVersion,
                input.deadline
            )
        );
    }

    function _digest(ReportInput memory input, uint256 chainId, address verifyingContract)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encodePacked(hex"1901", _domainSeparator(chainId, verifyingContract), _structHash(input))
        );
    }

    function _fixedInput() internal pure returns (ReportInput memory) {
        return ReportInput({
            projectId: 1,
            periodStart: 1_704_067_200, // 2024-01-01
            periodEnd: 1_706_745_600, // 2024-02-01
            quantity: 1_234_567_890,
            dataRoot: keccak256("allocation root"),
            evidenceHash: keccak256("published dataset"),
            methodologyCode: "WHCI-GT-001",
            methodologyVersion: 1,
            deadline: 1_735_776_000
        });
    }

    function test_ReportTypehash_MatchesTypeString() public view {
        assertEq(registry.REPORT_TYPEHASH(), keccak256(bytes(REPORT_TYPE)));
    }

    function test_DomainSeparator_MatchesIndependentComputation() public view {
        assertEq(registry.domainSeparator(), _domainSeparator(block.chainid, address(registry)));
    }

    function test_Eip712Domain_Fields() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = registry.eip712Domain();
        assertEq(fields == hex"0f", true);
        assertEq(name, "WuhanCarbonRegistry");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(registry));
        assertEq(salt, bytes32(0));
        assertEq(extensions.length, 0);
    }

    function test_ReportDigest_MatchesIndependentComputation() public view {
        ReportInput memory input = _fixedInput();
        assertEq(registry.reportDigest(input), _digest(input, block.chainid, address(registry)));
    }

    function test_ReportDigest_DefaultChainIsAnvil() public view {
        assertEq(block.chainid, 31337);
        assertEq(registry.reportDigest(_fixedInput()), _digest(_fixedInput(), 31337, address(registry)));
    }

    /// @dev The registry's runtime code at a fixed address on chain 31337; the expected digest was
    /// computed with eth_account's `encode_typed_data` (an implementation independent of both this
    /// contract and carbon_chain/eip712.py) for `_fixedInput()`.
    function test_ReportDigest_PinnedValueAtFixedAddress() public {
        address fixedAddress = address(0xC0FFEE);
        vm.etch(fixedAddress, address(registry).code);
        vm.chainId(31337);
        bytes32 expected = 0x67201bd0a368d33ec4b9085f0605707329e9329da3a4d120e01b54bb03b2e5b7;
        assertEq(CarbonRegistry(fixedAddress).reportDigest(_fixedInput()), expected);
        assertEq(_digest(_fixedInput(), 31337, fixedAddress), expected);
    }

    function test_ReportDigest_FollowsChainId() public {
        ReportInput memory input = _fixedInput();
        bytes32 before = registry.reportDigest(input);
        vm.chainId(1_337_420);
        bytes32 forked = registry.reportDigest(input);
        assertTrue(forked != before, "chain id must be bound in");
        assertEq(forked, _digest(input, 1_337_420, address(registry)));
        assertEq(registry.domainSeparator(), _domainSeparator(1_337_420, address(registry)));
    }

    function test_ReportDigest_BoundToContract() public {
        CarbonRegistry other = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        ReportInput memory input = _fixedInput();
        assertTrue(other.reportDigest(input) != registry.reportDigest(input), "contract must be bound in");
        assertEq(other.reportDigest(input), _digest(input, block.chainid, address(other)));
    }

    function test_ReportDigest_EveryFieldCounts() public view {
        ReportInput memory input = _fixedInput();
        bytes32 base = registry.reportDigest(input);
        for (uint256 field = 0; field < 9; ++field) {
            ReportInput memory t = _fixedInput();
            _perturb(t, field);
            assertTrue(registry.reportDigest(t) != base, "each field must be signed");
        }
    }

    function testFuzz_ReportDigest_MatchesIndependentComputation(
        uint256 projectId,
        uint64 periodStart,
        uint64 periodEnd,
        uint256 quantity,
        bytes32 dataRoot,
        bytes32 evidenceHash,
        string memory methodologyCode,
        uint32 methodologyVersion,
        uint64 deadline
    ) public view {
        ReportInput memory input = ReportInput({
            projectId: projectId,
            periodStart: periodStart,
            periodEnd: periodEnd,
            quantity: quantity,
            dataRoot: dataRoot,
            evidenceHash: evidenceHash,
            methodologyCode: methodologyCode,
            methodologyVersion: methodologyVersion,
            deadline: deadline
        });
        assertEq(registry.reportDigest(input), _digest(input, block.chainid, address(registry)));
    }

    function _perturb(ReportInput memory t, uint256 field) internal pure {
        if (field == 0) t.projectId += 1;
        else if (field == 1) t.periodStart += 1;
        else if (field == 2) t.periodEnd += 1;
        else if (field == 3) t.quantity += 1;
        else if (field == 4) t.dataRoot = bytes32(uint256(t.dataRoot) ^ 1);
        else if (field == 5) t.evidenceHash = bytes32(uint256(t.evidenceHash) ^ 1);
        else if (field == 6) t.methodologyCode = "WHCI-GT-002";
        else if (field == 7) t.methodologyVersion += 1;
        else t.deadline += 1;
    }
}
