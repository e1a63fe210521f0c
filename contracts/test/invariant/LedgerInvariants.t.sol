// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {LedgerFixture} from "../utils/LedgerFixture.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";
import {LedgerGhost} from "./handlers/LedgerGhost.sol";
import {AccountKind, Batch, BatchSupply, Report, ReportStatus} from "../../src/types/RegistryTypes.sol";

/// @notice DESIGN.md invariants 1–7 of the registry and ledger, checked after every handler call.
/// See README.md in this folder for the invariant → function map.
contract LedgerInvariants is LedgerFixture {
    LedgerHandler internal handler;
    LedgerGhost internal ghost;
    address[] internal holders;

    function setUp() public override {
        super.setUp();
        address individual3 = makeAddr("individual3");
        address individual4 = makeAddr("individual4");
        address proponent2 = makeAddr("proponent2");
        _registerAccount(individual3, AccountKind.INDIVIDUAL, WUCHANG);
        _registerAccount(individual4, AccountKind.INDIVIDUAL, ENSHI);
        _registerAccount(proponent2, AccountKind.ENTERPRISE, ENSHI);

        LedgerHandler.Config memory c;
        (c.registry, c.ledger) = (registry, ledger);
        (c.issuer, c.registrar, c.oracle, c.pauser, c.aggregator) = (issuer, registrar, oracle, pauser, aggregator);
        c.verifierKeys = verifierKeys;
        c.individuals = _four(individual, individual2, individual3, individual4);
        c.claimants = _four(enterprise, proponent2, individual3, organiser);
        c.freezable = _concat(c.individuals, _five(proponent, proponent2, enterprise, organiser, aggregator));
        c.actors = _concat(c.freezable, _one(bufferAccount));
        c.projects = new uint256[](3);
        c.projects[0] = _registerProject(_projectMethodology(), proponent);
        c.projects[1] = _registerProject(_projectMethodology(), proponent2);
        c.projects[2] = _registerProject(_scenarioMethodology(), proponent);
        c.events = _pair(_registerEvent(50 * TONNE), _registerEvent(500 * TONNE));

        handler = new LedgerHandler(c);
        ghost = handler.ghost();
        holders = _concat(c.actors, _one(address(ledger)));

        bytes4[] memory selectors = new bytes4[](19);
        selectors[0] = LedgerHandler.submitReport.selector;
        selectors[1] = LedgerHandler.issueToProponent.selector;
        selectors[2] = LedgerHandler.issueDistribution.selector;
        selectors[3] = LedgerHandler.claim.selector;
        selectors[4] = LedgerHandler.transfer.selector;
        selectors[5] = LedgerHandler.batchTransfer.selector;
        selectors[6] = LedgerHandler.retire.selector;
        selectors[7] = LedgerHandler.retireForEvent.selector;
        selectors[8] = LedgerHandler.cancel.selector;
        selectors[9] = LedgerHandler.cancelUnclaimed.selector;
        selectors[10] = LedgerHandler.lockForExport.selector;
        selectors[11] = LedgerHandler.confirmExport.selector;
        selectors[12] = LedgerHandler.releaseLock.selector;
        selectors[13] = LedgerHandler.recoverAccount.selector;
        selectors[14] = LedgerHandler.freeze.selector;
        selectors[15] = LedgerHandler.unfreeze.selector;
        selectors[16] = LedgerHandler.warp.selector;
        selectors[17] = LedgerHandler.togglePause.selector;
        selectors[18] = LedgerHandler.probePaused.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ================================================================ 1. supply is conserved per batch

    /// @notice issued = Σ holder balances (incl. the ledger's export custody) + retired + cancelled + unclaimed.
    function invariant_BatchSupplyIsConserved() public view {
        uint256[] memory ids = ghost.batchIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 batchId = ids[i];
            Batch memory b = ledger.getBatch(batchId);
            BatchSupply memory s = ledger.getBatchSupply(batchId);
            uint256 held;
            for (uint256 h = 0; h < holders.length; ++h) {
                uint256 balance = ledger.balanceOf(holders[h], batchId);
                assertEq(balance, ghost.balanceOf(batchId, holders[h]), "balance differs from ghost");
                held += balance;
            }
            assertEq(held + s.retired + s.cancelled + ledger.unclaimedOf(batchId), b.quantity, "supply not conserved");
            assertEq(b.quantity, ghost.batch(batchId).quantity, "quantity differs from ghost");
            assertEq(s.locked, ledger.balanceOf(address(ledger), batchId), "custody differs from open locks");
        }
        assertEq(ledger.batchCount(), ids.length, "batch unknown to the ghost");
    }

    // ================================================================ 2. issuance capped by verification

    /// @notice Σ issued over a report's batches ≤ its verified quantity, and equals what the ghost issued.
    function invariant_IssuedNeverExceedsVerified() public view {
        uint256[] memory reportIds = ghost.reportIds();
        uint256[] memory batchIds = ghost.batchIds();
        for (uint256 i = 0; i < reportIds.length; ++i) {
            uint256 issued = ledger.issuedForReport(reportIds[i]);
            assertLe(issued, registry.getReport(reportIds[i]).quantity, "issued above verified");
            assertEq(issued, ghost.issuedFor(reportIds[i]), "issued differs from ghost");
            uint256 sum;
            for (uint256 j = 0; j < batchIds.length; ++j) {
                Batch memory b = ledger.getBatch(batchIds[j]);
                if (b.reportId == reportIds[i]) sum += b.quantity;
            }
            assertEq(sum, issued, "batches do not add up to issued");
        }
        assertEq(ghost.overIssuesAccepted(), 0, "issuance above the verified quantity accepted");
    }

    // ================================================================ 3. monitoring periods

    /// @notice Reports of one project cover disjoint, ordered monitoring periods.
    function invariant_MonitoringPeriodsNeverOverlap() public view {
        uint256[] memory projectIds = ghost.projectIds();
        for (uint256 p = 0; p < projectIds.length; ++p) {
            uint256[] memory reportIds = ghost.projectReports(projectIds[p]);
            uint64 previousEnd;
            for (uint256 i = 0; i < reportIds.length; ++i) {
                Report memory r = registry.getReport(reportIds[i]);
                assertEq(r.projectId, projectIds[p], "report filed under another project");
                assertTrue(r.periodStart < r.periodEnd, "empty period");
                assertGe(r.periodStart, previousEnd, "periods overlap");
                previousEnd = r.periodEnd;
            }
            assertEq(registry.getProject(projectIds[p]).lastPeriodEnd, previousEnd, "lastPeriodEnd drifted");
        }
    }

    // ================================================================ 4. k distinct active verifiers

    /// @notice Every report exists only with ≥ k signatures of distinct verifiers ACTIVE at submission.
    function invariant_ReportsHaveKDistinctActiveSigners() public view {
        uint256[] memory reportIds = ghost.reportIds();
        assertEq(registry.reportCount(), reportIds.length, "a report the ghost did not submit");
        for (uint256 i = 0; i < reportIds.length; ++i) {
            LedgerGhost.ReportRecord memory r = ghost.report(reportIds[i]);
            assertGe(r.signers.length, r.threshold, "fewer than k signers");
            assertTrue(r.signersActive, "a signer was not an active verifier");
            for (uint256 j = 1; j < r.signers.length; ++j) {
                assertTrue(r.signers[j - 1] < r.signers[j], "signers repeat");
            }
            assertEq(uint256(registry.getReport(reportIds[i]).status), uint256(ReportStatus.VERIFIED));
        }
        assertEq(ghost.badReportsAccepted(), 0, "report with short or repeated signatures accepted");
    }

    // ================================================================ 5. claims

    /// @notice An allocation is claimed at most once; a claim with a wrong amount never passes.
    function invariant_AllocationsClaimedAtMostOnce() public view {
        uint256[] memory batchIds = handler.distributions();
        address[] memory accounts = handler.actors();
        for (uint256 i = 0; i < batchIds.length; ++i) {
            uint256 claimed;
            for (uint256 a = 0; a < accounts.length; ++a) {
                uint256 count = ghost.claimCount(batchIds[i], accounts[a]);
                assertLe(count, 1, "claimed twice");
                assertEq(ledger.hasClaimed(batchIds[i], accounts[a]), count == 1, "claim flag differs");
            }
            claimed = ledger.getBatchSupply(batchIds[i]).claimed;
            assertEq(claimed, ghost.claimed(batchIds[i]), "claimed total differs from ghost");
        }
        assertEq(ghost.repeatClaimsAccepted(), 0, "repeated or inflated claim accepted");
    }

    // ================================================================ 6. retirement and cancellation

    /// @notice Retired/cancelled totals never decrease; their serial sub-ranges are contiguous and
    /// never overlap; serial blocks of batches tile 1 .. nextSerial − 1 (nextSerial == total issued + 1).
    function invariant_RetiredAndCancelledSerialsNeverOverlap() public view {
        assertEq(ghost.totalsDecreased(), 0, "a retired or cancelled total decreased");
        uint256[] memory batchIds = ghost.batchIds();
        uint256 nextSerial = 1;
        for (uint256 i = 0; i < batchIds.length; ++i) {
            Batch memory b = ledger.getBatch(batchIds[i]);
            assertEq(b.serialStart, nextSerial, "serial blocks overlap or leave gaps");
            nextSerial += b.quantity;
            _checkRanges(batchIds[i], b);
        }
        assertEq(ledger.nextSerial(), nextSerial, "nextSerial != total issued + 1");
    }

    function _checkRanges(uint256 batchId, Batch memory b) internal view {
        LedgerGhost.SerialRange[] memory ranges = ghost.ranges(batchId);
        uint256 next = b.serialStart;
        for (uint256 r = 0; r < ranges.length; ++r) {
            assertEq(ranges[r].first, next, "serial sub-ranges overlap");
            uint256 stored =
                ranges[r].retirement ? ledger.getRetirement(next).amount : ledger.getCancellation(next).amount;
            assertEq(stored, ranges[r].amount, "record missing for a consumed range");
            next += ranges[r].amount;
        }
        assertLe(next, uint256(b.serialStart) + b.quantity, "consumed past the batch's serial block");
        BatchSupply memory s = ledger.getBatchSupply(batchId);
        assertEq(s.retired, ghost.retired(batchId), "retired differs from ghost");
        assertEq(s.cancelled, ghost.cancelled(batchId), "cancelled differs from ghost");
    }

    // ================================================================ 7. only ACTIVE accounts, pause

    /// @notice Every holder movement had ACTIVE accounts on both sides; moves from or to frozen
    /// accounts and any movement during a pause were refused.
    function invariant_OnlyActiveAccountsMoveCredits() public view {
        assertEq(ghost.movementsByInactive(), 0, "an inactive account moved credits");
        assertEq(ghost.frozenMovesAccepted(), 0, "a frozen account's move was accepted");
        assertEq(ghost.movementsWhilePaused(), 0, "credits moved during a pause");
    }

    // ================================================================ the handler is not vacuous

    /// @notice A fixed pseudo-random walk of 600 handler calls takes every action at least once.
    function test_Handler_EveryActionTakesEffect() public {
        bytes4[] memory selectors = targetSelectors()[0].selectors;
        for (uint256 i = 0; i < 600; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            bytes memory args;
            for (uint256 a = 0; a < 5; ++a) {
                args = bytes.concat(args, keccak256(abi.encode(r, a)));
            }
            (bool ok,) = address(handler).call(bytes.concat(selectors[r % selectors.length], args));
            assertTrue(ok, "handler call reverted");
        }
        for (uint256 i = 0; i < selectors.length; ++i) {
            assertGe(handler.done(selectors[i]), 1, "an action never took effect");
        }
        invariant_BatchSupplyIsConserved();
        invariant_RetiredAndCancelledSerialsNeverOverlap();
    }

    // ================================================================ arrays

    function _four(address a, address b, address c, address d) internal pure returns (address[] memory out) {
        out = new address[](4);
        (out[0], out[1], out[2], out[3]) = (a, b, c, d);
    }

    function _five(address a, address b, address c, address d, address e) internal pure returns (address[] memory out) {
        out = new address[](5);
        (out[0], out[1], out[2], out[3], out[4]) = (a, b, c, d, e);
    }

    function _concat(address[] memory a, address[] memory b) internal pure returns (address[] memory out) {
        out = new address[](a.length + b.length);
        for (uint256 i = 0; i < a.length; ++i) {
            out[i] = a[i];
        }
        for (uint256 i = 0; i < b.length; ++i) {
            out[a.length + i] = b[i];
        }
    }
}
