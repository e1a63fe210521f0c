// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ReentrantReceiver} from "../utils/ReentrantReceiver.sol";
import {AccountKind, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice ERC-1155 receiver hooks cannot re-enter the ledger's state-changing functions while one runs.
contract CarbonLedgerReentrancyTest is LedgerFixture {
    ReentrantReceiver internal receiver;

    function setUp() public override {
        super.setUp();
        receiver = new ReentrantReceiver();
        vm.label(address(receiver), "receiver");
    }

    function _expectReentrantCall() internal {
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector));
    }

    function test_RevertWhen_IssueToProponentReenteredByProponent() public {
        _registerAccount(address(receiver), AccountKind.ENTERPRISE, WUHAN);
        uint256 projectId = _registerProject(_projectMethodology(), address(receiver));
        uint256 reportId = _verifiedReport(projectId, 2 * TONNE);
        uint256 earlier = _creditsFor(address(receiver), TONNE);
        // While being minted the new batch, the proponent tries to retire credits it already holds.
        receiver.arm(
            address(ledger),
            abi.encodeCall(
                ledger.retire, (earlier, TONNE, address(receiver), RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN)
            )
        );
        _expectReentrantCall();
        _issueToProponent(reportId, 2 * TONNE, 0);
        assertEq(ledger.issuedForReport(reportId), 0);
    }

    function test_RevertWhen_ClaimReenteredToClaimAgain() public {
        _registerAccount(address(receiver), AccountKind.INDIVIDUAL, WUHAN);
        (, uint256 reportId) = _scenarioWithReport(2 * TONNE);
        Distribution memory d = _distribute(reportId, _one(address(receiver)), _one(2 * TONNE));
        receiver.arm(
            address(ledger), abi.encodeCall(ledger.claim, (d.batchId, address(receiver), 2 * TONNE, d.proofs[0]))
        );
        _expectReentrantCall();
        _claim(d, 0);
        assertFalse(ledger.hasClaimed(d.batchId, address(receiver)));
    }

    function test_RevertWhen_ClaimReenteredToLockForExport() public {
        _registerAccount(address(receiver), AccountKind.ENTERPRISE, WUHAN);
        (, uint256 reportId) = _projectWithReport(TONNE);
        Distribution memory d = _distribute(reportId, _one(address(receiver)), _one(TONNE));
        receiver.arm(address(ledger), abi.encodeCall(ledger.lockForExport, (d.batchId, TONNE, DESTINATION)));
        _expectReentrantCall();
        _claim(d, 0);
    }

    function test_RevertWhen_ClaimReenteredToRetireForEvent() public {
        _registerAccount(address(receiver), AccountKind.ENTERPRISE, WUHAN);
        uint256 eventId = _registerEvent(TONNE);
        (, uint256 reportId) = _projectWithReport(TONNE);
        Distribution memory d = _distribute(reportId, _one(address(receiver)), _one(TONNE));
        receiver.arm(address(ledger), abi.encodeCall(ledger.retireForEvent, (eventId, d.batchId, TONNE)));
        _expectReentrantCall();
        _claim(d, 0);
        assertEq(registry.getEvent(eventId).retired, 0);
    }

    function test_SafeTransferFrom_ReceiverActsOnSettledBalance() public {
        // Plain transfers hold no lock: the hook runs after balances are final, so acting on the
        // received credits from inside it (here: retiring them) sees a consistent ledger.
        _registerAccount(address(receiver), AccountKind.ENTERPRISE, WUHAN);
        uint256 batchId = _projectBatch(TONNE);
        receiver.arm(
            address(ledger),
            abi.encodeCall(
                ledger.retire, (batchId, TONNE, address(receiver), RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN)
            )
        );
        _transfer(proponent, address(receiver), batchId, TONNE);
        assertEq(ledger.balanceOf(address(receiver), batchId), 0);
        assertEq(ledger.getBatchSupply(batchId).retired, TONNE);
    }
}
