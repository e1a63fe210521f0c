// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {RegistryFixture} from "../utils/Fixture.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {ReportInput} from "../../src/types/RegistryTypes.sol";

/// @notice Fuzzed monitoring-period sequences, k-of-n thresholds and quantities of submitReport.
contract CarbonRegistryFuzzTest is RegistryFixture {
    uint256 internal constant STEPS = 6;
    uint256 internal constant MAX_SHIFT = 20 days;
    uint256 internal constant MAX_LENGTH = 90 days;
    uint256 internal projectId;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
        _addVerifier("verifier-4");
        _addVerifier("verifier-5");
    }

    // ================================================================ periods

    /// @dev A period is accepted iff it is non-empty, ends no later than now and starts at or after
    /// the project's last accepted end; otherwise the first failing check's exact error.
    function _expectedPeriodError(uint64 start, uint64 end, uint64 lastEnd) internal view returns (bytes memory) {
        if (start >= end) return abi.encodeWithSelector(ICarbonRegistry.ReportInvalidPeriod.selector, start, end);
        if (end > block.timestamp) {
            return abi.encodeWithSelector(ICarbonRegistry.ReportPeriodInFuture.selector, end, block.timestamp);
        }
        if (start < lastEnd) {
            return abi.encodeWithSelector(ICarbonRegistry.ReportPeriodOverlap.selector, projectId, start, lastEnd);
        }
        return "";
    }

    /// @dev Step `i`: a period near the last accepted end (exactly adjacent when `adjacent`).
    function _period(uint64 lastEnd, uint256 startSeed, uint256 lengthSeed, bool adjacent)
        internal
        view
        returns (uint64 start, uint64 end)
    {
        uint256 ref = lastEnd == 0 ? block.timestamp - 300 days : lastEnd;
        start = uint64(adjacent ? ref : bound(startSeed, ref - MAX_SHIFT, ref + MAX_SHIFT));
        end = uint64(start + bound(lengthSeed, 0, MAX_LENGTH));
    }

    /// @dev Submit one period; returns the new last accepted end.
    function _step(uint256 i, uint64 start, uint64 end, uint64 lastEnd) internal returns (uint64) {
        // A distinct quantity per step keeps payloads distinct, so no step is a replay.
        ReportInput memory input = _reportInput(projectId, start, end, i + 1);
        bytes[] memory signatures = _signReport(input, _verifierKeys(THRESHOLD));
        bytes memory err = _expectedPeriodError(start, end, lastEnd);
        if (err.length != 0) {
            vm.expectRevert(err);
            _submit(input, signatures);
            return lastEnd;
        }
        _submit(input, signatures);
        assertEq(uint256(registry.getProject(projectId).lastPeriodEnd), end);
        return end;
    }

    function testFuzz_PeriodSequence_AcceptedIffNoOverlapAndNotFuture(
        uint256[STEPS] memory startSeeds,
        uint256[STEPS] memory lengthSeeds,
        bool[STEPS] memory adjacent
    ) public {
        uint64 lastEnd;
        for (uint256 i = 0; i < STEPS; ++i) {
            (uint64 start, uint64 end) = _period(lastEnd, startSeeds[i], lengthSeeds[i], adjacent[i]);
            lastEnd = _step(i, start, end, lastEnd);
        }
        _assertPeriodsDisjoint();
    }

    /// @dev Invariant 3: the accepted periods of the project, in order, never overlap.
    function _assertPeriodsDisjoint() internal view {
        uint256 count = registry.reportCount();
        for (uint256 id = 2; id <= count; ++id) {
            assertGe(registry.getReport(id).periodStart, registry.getReport(id - 1).periodEnd, "periods overlap");
        }
    }

    function testFuzz_PeriodRejectedReleasesForCorrection(uint256 lengthSeed, uint256 quantitySeed) public {
        uint64 start = uint64(block.timestamp - 200 days);
        uint64 end = uint64(start + bound(lengthSeed, 1, 200 days));
        uint256 reportId = _submitReport(_reportInput(projectId, start, end, 1_000));
        vm.prank(issuer);
        registry.rejectReport(reportId, "recount");
        uint256 corrected = bound(quantitySeed, 1, type(uint64).max);
        vm.assume(corrected != 1_000);
        assertEq(_submitReport(_reportInput(projectId, start, end, corrected)), reportId + 1);
    }

    // ================================================================ thresholds

    function testFuzz_Threshold_AcceptedIffEnoughSignatures(uint256 kSeed, uint256 nSeed) public {
        uint256 k = bound(kSeed, 1, 5);
        uint256 n = bound(nSeed, 0, 5);
        vm.prank(admin);
        registry.setVerifierThreshold(k);
        ReportInput memory input = _nextReportInput(projectId, 1_000_000);
        bytes[] memory signatures = _signReport(input, _verifierKeys(n));
        if (n < k) {
            vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportInsufficientSignatures.selector, n, k));
            _submit(input, signatures);
            return;
        }
        assertEq(_submit(input, signatures), 1);
    }

    function testFuzz_Threshold_OneRevokedSignerSpoilsTheReport(uint256 kSeed, uint256 nSeed, uint256 revokedSeed)
        public
    {
        uint256 k = bound(kSeed, 1, 5);
        uint256 n = bound(nSeed, k, 5);
        uint256 revoked = bound(revokedSeed, 0, n - 1);
        vm.prank(admin);
        registry.setVerifierThreshold(k);
        ReportInput memory input = _nextReportInput(projectId, 1_000_000);
        bytes[] memory signatures = _signReport(input, _verifierKeys(n));
        vm.prank(admin);
        registry.revokeRole(Roles.VERIFIER, verifiers[revoked]);
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.ReportSignerNotVerifier.selector, verifiers[revoked]));
        _submit(input, signatures);
    }

    // ================================================================ quantities

    function testFuzz_Quantity_StoredExactlyWithinUint64(uint256 quantity) public {
        ReportInput memory input = _nextReportInput(projectId, quantity);
        bytes[] memory signatures = _signReport(input, _verifierKeys(THRESHOLD));
        if (quantity == 0 || quantity > type(uint64).max) {
            vm.expectRevert(
                quantity == 0
                    ? abi.encodeWithSelector(ICarbonRegistry.ReportZeroQuantity.selector)
                    : abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(64), quantity)
            );
            _submit(input, signatures);
            return;
        }
        uint256 reportId = _submit(input, signatures);
        assertEq(uint256(registry.getReport(reportId).quantity), quantity);
        assertEq(uint256(registry.issuanceTerms(reportId).quantity), quantity);
    }

    function testFuzz_Quantity_BoundedAlwaysAccepted(uint256 quantitySeed) public {
        uint256 quantity = bound(quantitySeed, 1, type(uint64).max);
        uint256 reportId = _verifiedReport(projectId, quantity);
        assertEq(uint256(registry.getReport(reportId).quantity), quantity);
    }
}
