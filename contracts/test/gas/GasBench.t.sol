// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {GasMeter} from "../utils/GasMeter.sol";
import {RegistryFixture} from "../utils/Fixture.sol";
import {PlainERC1155} from "./PlainERC1155.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {CancellationKind, ReportInput, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice Steady-state gas of the credit lifecycle ("Credit lifecycle", section Gas — measured, not
/// asserted). Every figure is written with `vm.snapshotGasLastCall("registry", name)` to
/// contracts/snapshots/registry.json, next to `calldata_<name>`: the EIP-2028 calldata cost of the
/// very same call (4 gas per zero byte, 16 per non-zero byte), so that scripts/gas_report.py can
/// add 21,000 + calldata to the call gas for a whole-transaction estimate.
///
/// How the numbers are made comparable to a real transaction:
/// - `setUp` prepares all state; forge runs it as its own transaction, so every account and slot
///   is cold again when the test function starts (test_sanity_coldAtTestStart checks this).
/// - Each test function makes the measured call first; nothing before it touches the registry,
///   the ledger or the plain token (calldata is built from the test contract's own storage).
/// - The call gas forge records is the gas spent inside the called frame: it excludes the 21,000
///   intrinsic gas, the calldata gas and the cold-access cost of the called address (which a real
///   transaction's `to` does not pay), and is before refunds (none of the measured calls clears a
///   slot, so none earns one).
/// - "Steady state": counters, the project's period, the batch's supply totals, the recipient's
///   balance and the event's retirement list are already non-zero, as after the first operations.
/// - Callers are the natural senders (the claimant claims for itself, so its account is warm as a
///   transaction's origin is; a relayed claim pays 2,500 more for the cold receiver check).
/// - forge rewrites registry.json with the entries of the current run only: run the whole file
///   (`forge test --match-path contracts/test/gas/GasBench.t.sol`), not a single test.
abstract contract GasBenchBase is RegistryFixture, GasMeter {
    uint16 internal constant VINTAGE = 2025;
    uint256 internal constant TONNE = 1_000_000; // grams
    uint256 internal constant QUANTITY = 1_000 * TONNE;
    bytes32 internal constant REFERENCE = keccak256("Hubei compliance record 2025-0042");

    /// @dev Calldata of the next submitReport, signed in setUp (signing reads the registry).
    bytes internal submitCalldata;

    function _gasGroup() internal pure override returns (string memory) {
        return "registry";
    }

    /// @notice Store the calldata of `projectId`'s next report signed by the first `k` verifiers.
    /// @dev Call it last in setUp: the signatures expire SIGNATURE_VALIDITY after signing.
    function _prepareSubmit(uint256 projectId, uint256 k) internal {
        ReportInput memory input = _nextReportInput(projectId, QUANTITY);
        bytes[] memory signatures = _signReport(input, _verifierKeys(k));
        submitCalldata = abi.encodeCall(ICarbonRegistry.submitReport, (input, signatures));
    }
}

/// @notice The lifecycle operations and the plain ERC-1155 baseline (threshold k = 2).
contract RegistryGasBench is GasBenchBase {
    uint256 internal constant BUFFER_BPS = 1_000; // 10 %
    uint256 internal constant PROOF_DEPTH = 20;
    uint256 internal constant CLAIM_WINDOW = 90 days;
    uint256 internal constant PLAIN_ID = 1;

    PlainERC1155 internal plain;

    uint256 internal reportForProponent;
    uint256 internal reportForBuffer;
    uint256 internal reportForDistribution;
    /// @dev A project batch held by the proponent (and, after one transfer, by `enterprise`), with
    /// one retirement and one event retirement already made against it.
    uint256 internal heldBatch;
    uint256 internal eventId;

    /// @dev The depth-20 distribution: `individual2` has claimed, `individual` has not.
    uint256 internal claimBatch;
    uint256 internal claimAmount;
    bytes32[] internal claimProof;

    function setUp() public override {
        super.setUp();
        uint256 projectId = _registeredProject();

        // A batch in circulation: issued, transferred once, retired once, retired for an event once.
        uint256 firstReport = _verifiedReport(projectId, QUANTITY);
        vm.prank(issuer);
        heldBatch = ledger.issueToProponent(firstReport, QUANTITY, VINTAGE, 0);
        vm.prank(proponent);
        ledger.safeTransferFrom(proponent, enterprise, heldBatch, 10 * TONNE, "");
        vm.prank(proponent);
        ledger.retire(heldBatch, TONNE, proponent, RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN);
        eventId = _registerEvent(1_000_000 * TONNE);
        vm.prank(proponent);
        ledger.retireForEvent(eventId, heldBatch, TONNE);

        // Verified reports awaiting issuance.
        reportForProponent = _verifiedReport(projectId, QUANTITY);
        reportForBuffer = _verifiedReport(projectId, QUANTITY);
        uint256 scenarioProject = _registeredScenarioProject();
        reportForDistribution = _verifiedReport(scenarioProject, QUANTITY);

        // A points distribution whose tree is 20 levels deep: `individual` and `individual2` are
        // sibling leaves, the 19 siblings above them are arbitrary hashes; `individual2` claims now.
        uint256 claimReport = _verifiedReport(scenarioProject, QUANTITY);
        claimAmount = 3_000;
        uint256 otherAmount = 5_000;
        bytes32 leafMine = _leaf(individual, claimAmount);
        bytes32 leafOther = _leaf(individual2, otherAmount);
        bytes32[] memory otherProof = new bytes32[](PROOF_DEPTH);
        claimProof.push(leafOther);
        otherProof[0] = leafMine;
        bytes32 node = _hashPair(leafMine, leafOther);
        for (uint256 i = 1; i < PROOF_DEPTH; ++i) {
            bytes32 sibling = keccak256(abi.encode("gas bench sibling", i));
            claimProof.push(sibling);
            otherProof[i] = sibling;
            node = _hashPair(node, sibling);
        }
        vm.prank(issuer);
        claimBatch = ledger.issueDistribution(claimReport, QUANTITY, VINTAGE, 0, node, CLAIM_WINDOW);
        ledger.claim(claimBatch, individual2, otherAmount, otherProof);

        // The plain ERC-1155: the same holder has already transferred to the same recipient once.
        plain = new PlainERC1155();
        plain.mint(proponent, PLAIN_ID, QUANTITY);
        vm.prank(proponent);
        plain.safeTransferFrom(proponent, enterprise, PLAIN_ID, 10 * TONNE, "");

        // Submit: the project already has reports; its next one is signed by k = 2.
        _prepareSubmit(projectId, 2);
    }

    // ================================================================ reports

    function test_gas_submitReport_k2() public {
        (, bytes memory result) = _measure("submitReport_k2", oracle, address(registry), submitCalldata);
        assertEq(abi.decode(result, (uint256)), registry.reportCount());
    }

    // ================================================================ issuance and claims

    function test_gas_issueToProponent() public {
        bytes memory data =
            abi.encodeCall(ICarbonLedger.issueToProponent, (reportForProponent, QUANTITY, VINTAGE, 0));
        (, bytes memory result) = _measure("issueToProponent", issuer, address(ledger), data);
        assertEq(ledger.balanceOf(proponent, abi.decode(result, (uint256))), QUANTITY);
    }

    function test_gas_issueToProponent_buffer() public {
        bytes memory data = abi.encodeCall(
            ICarbonLedger.issueToProponent, (reportForBuffer, QUANTITY, VINTAGE, uint16(BUFFER_BPS))
        );
        (, bytes memory result) = _measure("issueToProponent_buffer", issuer, address(ledger), data);
        uint256 batchId = abi.decode(result, (uint256));
        assertEq(ledger.balanceOf(bufferAccount, batchId), QUANTITY / 10);
        assertEq(ledger.balanceOf(proponent, batchId), QUANTITY - QUANTITY / 10);
    }

    function test_gas_issueDistribution() public {
        bytes memory data = abi.encodeCall(
            ICarbonLedger.issueDistribution,
            (reportForDistribution, QUANTITY, VINTAGE, 0, keccak256("allocation root"), CLAIM_WINDOW)
        );
        (, bytes memory result) = _measure("issueDistribution", issuer, address(ledger), data);
        assertEq(ledger.unclaimedOf(abi.decode(result, (uint256))), QUANTITY);
    }

    function test_gas_claim_depth20() public {
        bytes memory data =
            abi.encodeCall(ICarbonLedger.claim, (claimBatch, individual, claimAmount, claimProof));
        _measure("claim_depth20", individual, address(ledger), data);
        assertEq(claimProof.length, PROOF_DEPTH);
        assertEq(ledger.balanceOf(individual, claimBatch), claimAmount);
    }

    // ================================================================ transfer, retirement, cancellation

    function test_gas_transfer_existingHolder() public {
        bytes memory data =
            abi.encodeCall(IERC1155.safeTransferFrom, (proponent, enterprise, heldBatch, TONNE, ""));
        _measure("transfer_existingHolder", proponent, address(ledger), data);
        assertEq(ledger.balanceOf(enterprise, heldBatch), 11 * TONNE);
    }

    function test_gas_retire() public {
        bytes memory data = abi.encodeCall(
            ICarbonLedger.retire,
            (heldBatch, TONNE, enterprise, RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN)
        );
        (, bytes memory result) = _measure("retire", proponent, address(ledger), data);
        assertEq(ledger.getRetirement(abi.decode(result, (uint256))).amount, TONNE);
    }

    /// @notice A voluntary retirement without a reference hash: one slot of the record stays zero.
    function test_gas_retire_noReference() public {
        bytes memory data = abi.encodeCall(
            ICarbonLedger.retire,
            (heldBatch, TONNE, proponent, RetirementPurpose.VOLUNTARY, bytes32(0), WUHAN)
        );
        (, bytes memory result) = _measure("retire_noReference", proponent, address(ledger), data);
        assertEq(ledger.getRetirement(abi.decode(result, (uint256))).amount, TONNE);
    }

    function test_gas_retireForEvent() public {
        bytes memory data = abi.encodeCall(ICarbonLedger.retireForEvent, (eventId, heldBatch, TONNE));
        _measure("retireForEvent", proponent, address(ledger), data);
        assertEq(registry.eventRetirements(eventId).length, 2);
    }

    function test_gas_cancelCredits() public {
        bytes memory data = abi.encodeCall(
            ICarbonLedger.cancelCredits,
            (heldBatch, proponent, TONNE, CancellationKind.INVALIDATION, REFERENCE, "verification error")
        );
        (, bytes memory result) = _measure("cancelCredits", issuer, address(ledger), data);
        assertEq(ledger.getCancellation(abi.decode(result, (uint256))).amount, TONNE);
    }

    // ================================================================ plain ERC-1155 baseline

    function test_gas_plain_safeTransferFrom() public {
        bytes memory data =
            abi.encodeCall(IERC1155.safeTransferFrom, (proponent, enterprise, PLAIN_ID, TONNE, ""));
        (uint256 gasUsed,) = _measure("plain_safeTransferFrom", proponent, address(plain), data);
        assertEq(plain.balanceOf(enterprise, PLAIN_ID), 11 * TONNE);
        // Sanity of the method: a warm-storage measurement would be ~6k lower.
        uint256 withIntrinsic = gasUsed + 21_000 + _calldataGas(data);
        assertGe(withIntrinsic, 30_000, "plain transfer implausibly cheap");
        assertLe(withIntrinsic, 45_000, "plain transfer implausibly dear");
    }

    /// @notice Mint to an account that holds none of the id yet (a new balance slot, as in issuance).
    function test_gas_plain_mint() public {
        bytes memory data = abi.encodeCall(PlainERC1155.mint, (individual, PLAIN_ID, TONNE));
        _measure("plain_mint", individual, address(plain), data);
        assertEq(plain.balanceOf(individual, PLAIN_ID), TONNE);
    }

    /// @notice Partial burn (the balance stays non-zero, as in a retirement).
    function test_gas_plain_burn() public {
        bytes memory data = abi.encodeCall(PlainERC1155.burn, (proponent, PLAIN_ID, TONNE));
        _measure("plain_burn", proponent, address(plain), data);
        assertEq(plain.balanceOf(proponent, PLAIN_ID), QUANTITY - 11 * TONNE);
    }

    // ================================================================ method check

    /// @notice Slots written in setUp are cold again at the start of a test function (each test's
    /// first touch pays 2,100 per slot as a fresh transaction would), and warm after it.
    function test_sanity_coldAtTestStart() public view {
        plain.balanceOf(proponent, PLAIN_ID);
        uint256 cold = vm.lastCallGas().gasTotalUsed;
        plain.balanceOf(proponent, PLAIN_ID);
        uint256 warm = vm.lastCallGas().gasTotalUsed;
        assertEq(cold - warm, 2_000, "balance slot not cold at test start");

        ledger.getBatchSupply(heldBatch);
        cold = vm.lastCallGas().gasTotalUsed;
        ledger.getBatchSupply(heldBatch);
        warm = vm.lastCallGas().gasTotalUsed;
        assertEq(cold - warm, 2 * 2_000, "ledger slots not cold at test start");
    }

    // ================================================================ helpers

    function _leaf(address account, uint256 amount) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    /// @dev OpenZeppelin's Hashes.commutativeKeccak256 (sorted pair).
    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }
}

/// @notice Report submission at threshold k = 3 (its own set-up: the threshold is a registry setting).
contract SubmitReportK3GasBench is GasBenchBase {
    function setUp() public override {
        super.setUp();
        vm.prank(admin);
        registry.setVerifierThreshold(3);
        // A project with a previous report, as in RegistryGasBench; the next one signed by k = 3.
        uint256 projectId = _registeredProject();
        _verifiedReport(projectId, QUANTITY);
        _prepareSubmit(projectId, 3);
    }

    function test_gas_submitReport_k3() public {
        (, bytes memory result) = _measure("submitReport_k3", oracle, address(registry), submitCalldata);
        assertEq(abi.decode(result, (uint256)), registry.reportCount());
        assertEq(registry.verifierThreshold(), 3);
    }
}
