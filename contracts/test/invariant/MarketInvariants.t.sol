// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";
import {ComplianceUse, ComplianceUseStatus} from "../../src/types/MarketTypes.sol";
import {AccountKind, Batch, BatchSupply, Lock, LockStatus} from "../../src/types/RegistryTypes.sol";

/// @notice The market's rules, checked after every handler call: origin serials imported once,
/// imported periods never overlapping, attestations used once, compliance caps, uses agreeing with
/// the ledger's locks, supply conserved, redemptions reaching the aggregator. See README.md.
contract MarketInvariants is MarketFixture {
    MarketHandler internal handler;
    address[] internal holders;
    uint256 internal pointsId;

    function setUp() public override {
        super.setUp();
        MarketHandler.Config memory c;
        (c.registry, c.ledger, c.market) = (registry, ledger, market);
        (c.issuer, c.enterprise, c.citizen, c.aggregator) = (issuer, enterprise, individual, aggregator);
        c.partners = new address[](2);
        c.partnerKeys = new uint256[](2);
        (c.partners[0], c.partnerKeys[0]) = (partner, partnerKey);
        (c.partners[1], c.partnerKeys[1]) = makeKey("partner-registry-2");
        _registerAccount(c.partners[1], AccountKind.PARTNER_REGISTRY, WUHAN);
        c.projects = new uint256[](2);
        for (uint256 i = 0; i < 2; ++i) {
            c.projects[i] = _registeredProject();
            _verifiedReport(c.projects[i], TONNE); // imports follow a reported period
        }
        pointsId = _pointsFor(50 * TONNE);
        c.pointsId = pointsId;
        c.localBatch = _creditsFor(enterprise, 2 * CAP);
        _openComplianceYear(); // after the set-up's warps, so the year stays open for the run

        handler = new MarketHandler(c);
        holders = _five(enterprise, proponent, individual, aggregator, address(ledger));
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = MarketHandler.importRange.selector;
        selectors[1] = MarketHandler.useForCompliance.selector;
        selectors[2] = MarketHandler.confirmUse.selector;
        selectors[3] = MarketHandler.releaseUse.selector;
        selectors[4] = MarketHandler.redeemPoints.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ================================================================ imports

    /// @notice Per partner the on-chain list equals the model: sorted by start, disjoint, non-empty
    /// ranges; no overlapping or replayed import ever got through.
    function invariant_OriginRangesSortedAndDisjoint() public view {
        address[] memory partners = handler.partners();
        for (uint256 p = 0; p < partners.length; ++p) {
            (uint256[] memory starts, uint256[] memory ends) = handler.ranges(partners[p]);
            (, uint256 s) = market.importedRange(partners[p], 0);
            uint256 previousEnd = 0;
            for (uint256 i = 0; i < starts.length; ++i) {
                (uint256 e, uint256 next) = market.importedRange(partners[p], s);
                assertEq(s, starts[i], "start differs from the model");
                assertEq(e, ends[i], "end differs from the model");
                assertLe(previousEnd, s, "origin ranges overlap or are out of order");
                assertLe(s + 1, e, "empty origin range");
                (previousEnd, s) = (e, next);
            }
            assertEq(s, 0, "list longer than the model");
        }
        assertEq(handler.probesSucceeded(), 0, "a refused market call went through");
    }

    /// @notice Each attestation maps to its one import; imported periods of a project follow each
    /// other without overlap and the project's lastPeriodEnd is the last one's end.
    function invariant_ImportsUsedOnceAndPeriodsNeverOverlap() public view {
        bytes32[] memory digests = handler.digests();
        assertEq(market.importCount(), digests.length, "import count");
        for (uint256 i = 0; i < digests.length; ++i) {
            assertEq(market.importIdOf(digests[i]), i + 1, "digest not mapped to its import");
            assertTrue(market.getImport(i + 1).digest == digests[i], "import digest");
        }
        uint256[] memory projects = handler.projects();
        for (uint256 p = 0; p < projects.length; ++p) {
            (uint64[] memory starts, uint64[] memory ends) = handler.periods(projects[p]);
            for (uint256 i = 0; i < starts.length; ++i) {
                assertLe(uint256(starts[i]) + 1, ends[i], "empty period");
                if (i != 0) assertLe(ends[i - 1], starts[i], "imported periods overlap");
            }
            if (ends.length != 0) {
                assertEq(registry.getProject(projects[p]).lastPeriodEnd, ends[ends.length - 1], "lastPeriodEnd");
            }
        }
    }

    // ================================================================ compliance

    /// @notice used = Σ PENDING and EXPORTED uses ≤ cap, and each use agrees with its ledger lock.
    function invariant_ComplianceUsesWithinCapAndMatchLocks() public view {
        uint256 used;
        uint256 count = market.complianceUseCount();
        for (uint256 useId = 1; useId <= count; ++useId) {
            ComplianceUse memory u = market.getComplianceUse(useId);
            Lock memory l = ledger.getLock(u.lockId);
            assertEq(l.holder, u.entity, "lock holder");
            assertEq(l.amount, u.amount, "lock amount");
            assertEq(l.batchId, u.batchId, "lock batch");
            assertEq(uint256(l.status), _lockStatusOf(u.status), "lock status");
            if (u.status != ComplianceUseStatus.RELEASED) used += u.amount;
        }
        assertEq(market.coveredEntity(YEAR, enterprise).used, used, "used differs from the uses");
        assertLe(used, CAP, "used above the cap");
        assertEq(market.availableCap(YEAR, enterprise), CAP - used, "available cap");
    }

    function _lockStatusOf(ComplianceUseStatus status) internal pure returns (uint256) {
        if (status == ComplianceUseStatus.PENDING) return uint256(LockStatus.LOCKED);
        if (status == ComplianceUseStatus.EXPORTED) return uint256(LockStatus.EXPORTED);
        return uint256(LockStatus.RELEASED);
    }

    /// @notice For the enterprise's batches: quantity = Σ balances (custody included) + retired +
    /// cancelled, and the custody balance equals `locked`.
    function invariant_MarketBatchesConserveSupply() public view {
        uint256[] memory ids = handler.batches();
        for (uint256 i = 0; i < ids.length; ++i) {
            Batch memory b = ledger.getBatch(ids[i]);
            BatchSupply memory s = ledger.getBatchSupply(ids[i]);
            uint256 held;
            for (uint256 h = 0; h < holders.length; ++h) {
                held += ledger.balanceOf(holders[h], ids[i]);
            }
            assertEq(b.quantity, held + s.retired + s.cancelled, "supply not conserved");
            assertEq(ledger.balanceOf(address(ledger), ids[i]), s.locked, "custody differs from locked");
        }
    }

    // ================================================================ redemption

    /// @notice Every redeemed point sits with the aggregator; the citizen holds the rest.
    function invariant_RedemptionsReachTheAggregator() public view {
        uint256 redeemed = handler.redeemed();
        assertEq(ledger.balanceOf(aggregator, pointsId), redeemed, "aggregator balance");
        assertEq(ledger.balanceOf(individual, pointsId), 50 * TONNE - redeemed, "citizen balance");
        uint256 total;
        for (uint256 i = 1; i <= market.redemptionCount(); ++i) {
            total += market.getRedemption(i).amount;
        }
        assertEq(total, redeemed, "redemption records");
    }

    // ================================================================ not vacuous

    /// @notice A fixed walk in which every action takes effect at least once.
    function test_Handler_EveryActionTakesEffect() public {
        for (uint256 i = 0; i < 120; ++i) {
            uint256 seed = uint256(keccak256(abi.encode(i)));
            uint256 action = seed % 5;
            if (action == 0) handler.importRange(seed, seed >> 16, seed >> 32, seed >> 48);
            else if (action == 1) handler.useForCompliance(seed, seed >> 8, (seed >> 100) % 4 == 0);
            else if (action == 2) handler.confirmUse(seed);
            else if (action == 3) handler.releaseUse(seed);
            else handler.redeemPoints(seed % (TONNE / 10));
        }
        assertGe(handler.done(MarketHandler.importRange.selector), 1, "no import");
        assertGe(handler.done(MarketHandler.useForCompliance.selector), 1, "no use");
        assertGe(handler.done(MarketHandler.confirmUse.selector), 1, "no confirmation");
        assertGe(handler.done(MarketHandler.releaseUse.selector), 1, "no release");
        assertGe(handler.done(MarketHandler.redeemPoints.selector), 1, "no redemption");
        assertGe(handler.done(MarketHandler._probeSelector.selector), 1, "no probe");
        invariant_OriginRangesSortedAndDisjoint();
        invariant_ImportsUsedOnceAndPeriodsNeverOverlap();
        invariant_ComplianceUsesWithinCapAndMatchLocks();
        invariant_MarketBatchesConserveSupply();
        invariant_RedemptionsReachTheAggregator();
    }

    function _five(address a, address b, address c, address d, address e) internal pure returns (address[] memory out) {
        out = new address[](5);
        (out[0], out[1], out[2], out[3], out[4]) = (a, b, c, d, e);
    }
}
