// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {AccountKind, BatchSupply, CancellationKind} from "../../src/types/RegistryTypes.sol";

/// @notice The pause stops every movement at once (transfer, batch transfer, claim, retire, event
/// retirement, issuance, cancellation, export lock/confirm/release, recovery) and unpause resumes them.
contract CarbonLedgerPauseTest is LedgerFixture {
    uint256 internal batchId;
    uint256 internal reportId;
    uint256 internal lockId;
    uint256 internal eventId;
    Distribution internal points;

    function setUp() public override {
        super.setUp();
        batchId = _projectBatch(10 * TONNE);
        Distribution memory d = _pointsDistribution(TONNE);
        points = d;
        _claim(d, 0);
        _transfer(proponent, individual2, batchId, TONNE);
        lockId = _lock(proponent, batchId, TONNE);
        eventId = _registerEvent(TONNE);
        (, reportId) = _projectWithReport(TONNE);
        _pause();
    }

    function _expectPaused() internal {
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerPaused.selector));
    }

    function test_Pause_StopsEveryMovement() public {
        bytes32 before = _stateHash();

        _expectPaused();
        _transfer(proponent, enterprise, batchId, TONNE);

        _expectPaused();
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _one(batchId), _one(TONNE), "");

        _expectPaused();
        _claim(points, 1);

        _expectPaused();
        _retire(proponent, batchId, TONNE);

        _expectPaused();
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, TONNE);

        _expectPaused();
        _issueToProponent(reportId, TONNE, 0);

        _expectPaused();
        vm.prank(issuer);
        ledger.issueDistribution(reportId, TONNE, VINTAGE, 0, keccak256("root"), CLAIM_WINDOW);

        _expectPaused();
        _cancel(batchId, proponent, TONNE);

        _expectPaused();
        _lock(proponent, batchId, TONNE);

        _expectPaused();
        vm.prank(issuer);
        ledger.confirmExport(lockId, REFERENCE);

        _expectPaused();
        vm.prank(issuer);
        ledger.releaseLock(lockId, "");

        _freeze(individual2);
        _expectPaused();
        vm.prank(registrar);
        ledger.recoverAccount(individual2, individual, _one(batchId));

        assertEq(_stateHash(), before);
    }

    function test_Unpause_ResumesEveryMovement() public {
        vm.prank(pauser);
        ledger.unpause();

        _transfer(proponent, enterprise, batchId, TONNE);
        vm.prank(proponent);
        ledger.safeBatchTransferFrom(proponent, enterprise, _one(batchId), _one(TONNE), "");
        _claim(points, 1);
        _retire(proponent, batchId, TONNE);
        vm.prank(proponent);
        ledger.retireForEvent(eventId, batchId, TONNE);
        _issueToProponent(reportId, TONNE / 2, 0);
        vm.prank(issuer);
        ledger.issueDistribution(reportId, TONNE / 2, VINTAGE, 0, keccak256("root"), CLAIM_WINDOW);
        vm.prank(issuer);
        ledger.cancelCredits(batchId, proponent, TONNE, CancellationKind.INVALIDATION, REFERENCE, "");
        uint256 second = _lock(proponent, batchId, TONNE);
        vm.prank(issuer);
        ledger.confirmExport(lockId, REFERENCE);
        vm.prank(issuer);
        ledger.releaseLock(second, "");
        _freeze(individual2);
        vm.prank(registrar);
        ledger.recoverAccount(individual2, individual, _one(batchId));

        BatchSupply memory s = ledger.getBatchSupply(batchId);
        assertEq(s.retired, 2 * TONNE);
        assertEq(s.cancelled, 2 * TONNE);
        assertEq(s.locked, 0);
        assertEq(ledger.balanceOf(individual, batchId), TONNE);
        assertEq(ledger.issuedForReport(reportId), TONNE);
    }

    function test_Pause_LeavesAccountAdministrationOpen() public {
        // Registering and freezing accounts moves no credits, so the agency may act during a pause.
        _freeze(enterprise);
        _registerAccount(stranger, AccountKind.INDIVIDUAL, WUHAN);
        assertTrue(ledger.paused());
    }

    /// @dev Everything a movement could change, hashed.
    function _stateHash() internal view returns (bytes32) {
        address[6] memory holders = [proponent, enterprise, individual, individual2, address(ledger), aggregator];
        bytes memory acc = abi.encode(ledger.getBatchSupply(batchId), ledger.getBatchSupply(points.batchId));
        for (uint256 i = 0; i < holders.length; ++i) {
            acc = abi.encode(acc, ledger.balanceOf(holders[i], batchId), ledger.balanceOf(holders[i], points.batchId));
        }
        return keccak256(abi.encode(acc, ledger.batchCount(), ledger.nextSerial(), ledger.getLock(lockId)));
    }
}
