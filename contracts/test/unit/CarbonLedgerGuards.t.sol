// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonRegistry} from "../../src/interfaces/ICarbonRegistry.sol";
import {AccountKind, AccountStatus, MethodologyKind} from "../../src/types/RegistryTypes.sol";
import {LedgerFixture} from "../utils/LedgerFixture.sol";

/// @notice Guards added after review: unpause only when paused, no claims of expired points, the
/// pause also stops cancelling an unclaimed remainder, bounded point validity, the lean status view.
contract CarbonLedgerGuardsTest is LedgerFixture {
    function test_RevertWhen_UnpauseNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerNotPaused.selector));
        vm.prank(pauser);
        ledger.unpause();
    }

    function test_RevertWhen_ClaimExpiredPoints() public {
        // A claim window longer than the points' validity: the expiry is what stops the claim.
        (, uint256 reportId) = _scenarioWithReport(1000);
        bytes32 root = keccak256(bytes.concat(keccak256(abi.encode(individual, uint256(1000)))));
        vm.prank(issuer);
        uint256 batchId = ledger.issueDistribution(reportId, 1000, VINTAGE, 0, root, 2 * uint256(POINT_VALIDITY));
        uint40 expiresAt = ledger.getBatch(batchId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPointsExpired.selector, batchId, expiresAt));
        ledger.claim(batchId, individual, 1000, new bytes32[](0));
    }

    function test_RevertWhen_CancelUnclaimedWhilePaused() public {
        Distribution memory d = _pointsDistribution(1000);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        _pause();
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
        vm.prank(issuer);
        ledger.cancelUnclaimed(d.batchId, "window over");
    }

    function test_RevertWhen_PointValidityBeyondTenYears() public {
        vm.expectRevert(abi.encodeWithSelector(ICarbonRegistry.RegistryInvalidMethodology.selector, "pointValidity"));
        vm.prank(registrar);
        registry.registerMethodology(
            "WHCI-XX-001", 1, "energy", MethodologyKind.PERSONAL_SCENARIO, DOCUMENT_HASH, 3651 days
        );
    }

    function test_AccountStatus_ReadsKindAndStatus() public {
        (AccountKind kind, AccountStatus status) = ledger.accountStatus(individual);
        assertEq(uint8(kind), uint8(AccountKind.INDIVIDUAL), "kind");
        assertEq(uint8(status), uint8(AccountStatus.ACTIVE), "status");
        assertTrue(ledger.getAccount(individual).pointsHolder);
        assertFalse(ledger.getAccount(enterprise).pointsHolder);
        assertTrue(ledger.getAccount(aggregator).pointsHolder);
    }

    function test_FormerAggregatorPointsStillOnlyGoToTheAggregator() public {
        uint256 batchId = _pointsFor(1000);
        _transfer(individual, aggregator, batchId, 400);
        vm.prank(admin);
        ledger.setAggregator(enterprise);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerPointsTransferRestricted.selector, batchId, proponent)
        );
        vm.prank(aggregator);
        ledger.safeTransferFrom(aggregator, proponent, batchId, 100, "");
    }
}
