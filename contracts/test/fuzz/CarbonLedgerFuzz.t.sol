// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {BatchSupply, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice Fuzzed issuance against the verified quantity, buffer shares, transfer, retirement and
/// claim amounts; every input is mapped into its domain with bound().
contract CarbonLedgerFuzzTest is LedgerFixture {
    uint256 internal constant MAX_VERIFIED = 1e12 * TONNE; // a million million tonnes

    // ================================================================ issuance

    function testFuzz_IssueToProponent_CappedByVerifiedQuantity(uint256 verified, uint256 first, uint256 second)
        public
    {
        verified = bound(verified, 1, MAX_VERIFIED);
        first = bound(first, 1, verified);
        second = bound(second, 1, 2 * verified);
        (, uint256 reportId) = _projectWithReport(verified);

        _issueToProponent(reportId, first, 0);
        uint256 available = verified - first;
        if (second > available) {
            vm.expectRevert(
                abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, second, available)
            );
            _issueToProponent(reportId, second, 0);
            assertEq(ledger.issuedForReport(reportId), first);
        } else {
            _issueToProponent(reportId, second, 0);
            assertEq(ledger.issuedForReport(reportId), first + second);
        }
        assertLe(ledger.issuedForReport(reportId), verified, "issued above verified");
        assertEq(ledger.nextSerial(), ledger.issuedForReport(reportId) + 1);
    }

    function testFuzz_IssueToProponent_RevertWhen_OneCallExceedsVerified(uint256 verified, uint256 quantity) public {
        verified = bound(verified, 1, MAX_VERIFIED);
        quantity = bound(quantity, verified + 1, type(uint64).max);
        (, uint256 reportId) = _projectWithReport(verified);
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerExceedsVerified.selector, reportId, quantity, verified)
        );
        _issueToProponent(reportId, quantity, 0);
    }

    function testFuzz_IssueToProponent_SplitsBuffer(uint256 quantity, uint256 bufferBps) public {
        quantity = bound(quantity, 1, MAX_VERIFIED);
        bufferBps = bound(bufferBps, 0, ledger.MAX_BUFFER_BPS());
        (, uint256 reportId) = _projectWithReport(quantity);
        uint256 batchId = _issueToProponent(reportId, quantity, uint16(bufferBps));
        uint256 buffer = quantity * bufferBps / 10_000;
        assertEq(ledger.balanceOf(bufferAccount, batchId), buffer);
        assertEq(ledger.balanceOf(proponent, batchId), quantity - buffer);
        assertEq(ledger.getBatch(batchId).bufferAmount, buffer);
        assertGe(quantity - buffer, buffer, "buffer above half");
    }

    function testFuzz_IssueToProponent_RevertWhen_BufferAboveMax(uint256 bufferBps) public {
        bufferBps = bound(bufferBps, ledger.MAX_BUFFER_BPS() + 1, type(uint16).max);
        (, uint256 reportId) = _projectWithReport(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerInvalidBuffer.selector, bufferBps));
        _issueToProponent(reportId, TONNE, uint16(bufferBps));
    }

    function testFuzz_IssueToProponent_RevertWhen_AmountAboveUint64(uint256 quantity) public {
        quantity = bound(quantity, uint256(type(uint64).max) + 1, type(uint256).max);
        (, uint256 reportId) = _projectWithReport(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, quantity));
        _issueToProponent(reportId, quantity, 0);
    }

    function testFuzz_IssueDistribution_BufferOnlyForProjectCredits(uint256 quantity, uint256 bufferBps) public {
        quantity = bound(quantity, 1, MAX_VERIFIED);
        bufferBps = bound(bufferBps, 0, ledger.MAX_BUFFER_BPS());
        (, uint256 reportId) = _projectWithReport(quantity);
        vm.prank(issuer);
        uint256 batchId =
            ledger.issueDistribution(reportId, quantity, VINTAGE, uint16(bufferBps), keccak256("root"), CLAIM_WINDOW);
        uint256 buffer = quantity * bufferBps / 10_000;
        assertEq(ledger.balanceOf(bufferAccount, batchId), buffer);
        assertEq(ledger.unclaimedOf(batchId), quantity - buffer);
    }

    // ================================================================ transfers and retirement

    function testFuzz_SafeTransferFrom_ConservesBalances(uint256 issued, uint256 amount) public {
        issued = bound(issued, 1, MAX_VERIFIED);
        amount = bound(amount, 1, 2 * issued);
        uint256 batchId = _projectBatch(issued);
        if (amount > issued) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, issued, amount, batchId
                )
            );
            _transfer(proponent, enterprise, batchId, amount);
            amount = 0;
        } else {
            _transfer(proponent, enterprise, batchId, amount);
        }
        assertEq(ledger.balanceOf(enterprise, batchId), amount);
        assertEq(ledger.balanceOf(proponent, batchId) + ledger.balanceOf(enterprise, batchId), issued);
    }

    function testFuzz_Retire_BurnsAndNumbersCertificates(uint256 issued, uint256 first, uint256 second) public {
        issued = bound(issued, 2, MAX_VERIFIED);
        first = bound(first, 1, issued - 1);
        second = bound(second, 1, issued);
        uint256 batchId = _projectBatch(issued);
        uint256 start = ledger.getBatch(batchId).serialStart;

        assertEq(_retire(proponent, batchId, first), start);
        if (second > issued - first) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC1155Errors.ERC1155InsufficientBalance.selector, proponent, issued - first, second, batchId
                )
            );
            _retire(proponent, batchId, second);
            second = 0;
        } else {
            assertEq(_retire(proponent, batchId, second), start + first);
        }
        BatchSupply memory s = ledger.getBatchSupply(batchId);
        assertEq(s.retired, first + second);
        assertEq(ledger.balanceOf(proponent, batchId) + s.retired, issued);
    }

    function testFuzz_Retire_RevertWhen_AmountAboveUint64(uint256 amount) public {
        amount = bound(amount, uint256(type(uint64).max) + 1, type(uint256).max);
        uint256 batchId = _projectBatch(TONNE);
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAmountTooLarge.selector, amount));
        vm.prank(proponent);
        ledger.retire(batchId, amount, proponent, RetirementPurpose.VOLUNTARY, REFERENCE, WUHAN);
    }

    function testFuzz_RetireAndCancel_ConsumeDisjointSerials(uint256 issued, uint256 retired, uint256 cancelled)
        public
    {
        issued = bound(issued, 2, MAX_VERIFIED);
        retired = bound(retired, 1, issued - 1);
        cancelled = bound(cancelled, 1, issued - retired);
        uint256 batchId = _projectBatch(issued);
        uint256 start = ledger.getBatch(batchId).serialStart;

        uint256 certificateId = _retire(proponent, batchId, retired);
        uint256 cancellationId = _cancel(batchId, proponent, cancelled);
        assertEq(certificateId, start);
        assertEq(cancellationId, start + retired);
        assertLe(cancellationId + cancelled, start + issued, "serials past the batch block");
        assertEq(ledger.nextSerial(), start + issued);
    }

    // ================================================================ claims

    function testFuzz_Claim_EveryAllocationOnce(uint256 a, uint256 b, uint256 c) public {
        a = bound(a, 1, MAX_VERIFIED);
        b = bound(b, 1, MAX_VERIFIED);
        c = bound(c, 1, MAX_VERIFIED);
        address[] memory accounts = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        (accounts[0], accounts[1], accounts[2]) = (enterprise, individual, organiser);
        (amounts[0], amounts[1], amounts[2]) = (a, b, c);
        (, uint256 reportId) = _projectWithReport(a + b + c);
        Distribution memory d = _distribute(reportId, accounts, amounts);

        for (uint256 i = 0; i < 3; ++i) {
            _claim(d, i);
            assertEq(ledger.balanceOf(accounts[i], d.batchId), amounts[i]);
            vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerAlreadyClaimed.selector, d.batchId, accounts[i]));
            _claim(d, i);
        }
        assertEq(ledger.unclaimedOf(d.batchId), 0);
        assertEq(ledger.getBatchSupply(d.batchId).claimed, a + b + c);
    }

    function testFuzz_Claim_RevertWhen_AmountDiffers(uint256 allocated, uint256 claimed) public {
        allocated = bound(allocated, 1, MAX_VERIFIED);
        claimed = bound(claimed, 1, MAX_VERIFIED);
        vm.assume(claimed != allocated);
        (, uint256 reportId) = _scenarioWithReport(allocated);
        Distribution memory d = _distribute(reportId, _one(individual), _one(allocated));
        vm.expectRevert(
            abi.encodeWithSelector(ICarbonLedger.LedgerInvalidProof.selector, d.batchId, individual, claimed)
        );
        ledger.claim(d.batchId, individual, claimed, d.proofs[0]);
    }
}
