// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {ComplianceYear, ImportInput} from "../../src/types/MarketTypes.sol";

/// @notice Fuzzed insertion of a partner's origin serial ranges against a reference model kept in the
/// test, and fuzzed compliance caps; every input is mapped into its domain with bound().
contract CarbonMarketFuzzTest is MarketFixture {
    uint256 internal constant RANGES = 12;
    /// @dev A small serial space, so that random ranges often touch or overlap.
    uint256 internal constant SERIAL_SPACE = 1_000;
    uint256 internal constant MAX_LENGTH = 150;

    uint256 internal projectId;

    /// @dev The reference model: the accepted ranges, sorted by start.
    uint256[] internal modelStarts;
    uint256[] internal modelEnds;

    function setUp() public override {
        super.setUp();
        projectId = _registeredProject();
    }

    // ================================================================ origin ranges

    /// @notice Each range, imported with the hint the model computes (the start of the accepted range
    /// just below it), is accepted iff it is disjoint from every range accepted before; a refusal names
    /// the neighbour it overlaps; a disjoint range with a wrong hint is refused as stale. The list on
    /// chain equals the model: sorted by start and disjoint.
    function testFuzz_ImportCredits_OriginRangesAcceptedIffDisjoint(uint256 seed) public {
        for (uint256 i = 0; i < RANGES; ++i) {
            uint256 start = bound(uint256(keccak256(abi.encode(seed, i, "start"))), 1, SERIAL_SPACE);
            uint256 end = start + bound(uint256(keccak256(abi.encode(seed, i, "length"))), 1, MAX_LENGTH);
            _importOne(start, end, uint256(keccak256(abi.encode(seed, i, "hint"))));
        }
        _assertListEqualsModel();
    }

    function _importOne(uint256 start, uint256 end, uint256 hintSeed) internal {
        (uint256 hint, uint256 at) = _modelHint(start);
        ImportInput memory input = _importInput(projectId, start, end);
        bytes memory attestation = _attest(input);
        bool disjoint = _modelDisjoint(start, end);
        if (!disjoint) {
            _expectModelOverlap(start, end, hint, at);
            _import(input, attestation, hint);
            return;
        }
        uint256 wrongHint = _wrongHint(hint, hintSeed);
        if (wrongHint != hint) {
            vm.expectRevert(abi.encodeWithSelector(ICarbonMarket.MarketStaleSerialHint.selector, partner, wrongHint));
            _import(input, attestation, wrongHint);
        }
        _import(input, attestation, hint);
        _modelInsert(at, start, end);
    }

    /// @notice The model's hint: the start of the last accepted range starting at or below `start`
    /// (0 if none), and the index where `start` would be inserted.
    function _modelHint(uint256 start) internal view returns (uint256 hint, uint256 at) {
        while (at < modelStarts.length && modelStarts[at] <= start) {
            hint = modelStarts[at];
            ++at;
        }
    }

    /// @notice Brute force, independent of the sorted order: no accepted range intersects [start, end).
    function _modelDisjoint(uint256 start, uint256 end) internal view returns (bool) {
        for (uint256 i = 0; i < modelStarts.length; ++i) {
            if (start < modelEnds[i] && modelStarts[i] < end) return false;
        }
        return true;
    }

    /// @notice With the right hint, the overlap found is the range below (if it reaches past `start`),
    /// else the range above.
    function _expectModelOverlap(uint256 start, uint256 end, uint256 hint, uint256 at) internal {
        uint256 index = hint != 0 && modelEnds[at - 1] > start ? at - 1 : at;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICarbonMarket.MarketOriginSerialsOverlap.selector,
                partner,
                start,
                end,
                modelStarts[index],
                modelEnds[index]
            )
        );
    }

    /// @notice A hint other than `hint` for two thirds of the seeds (else `hint`: no wrong attempt):
    /// another accepted start or the head, or `hint + 1`, which starts no range yet lies at or below
    /// `start` (the range just below ends at or before `start`, as [start, end) is disjoint).
    function _wrongHint(uint256 hint, uint256 hintSeed) internal view returns (uint256) {
        uint256 kind = hintSeed % 3;
        if (kind == 0) return hint;
        if (kind == 1 && modelStarts.length != 0) {
            uint256 other = modelStarts[(hintSeed >> 8) % modelStarts.length];
            if (other != hint) return other;
            if (hint != 0) return 0;
        }
        return hint + 1;
    }

    function _modelInsert(uint256 at, uint256 start, uint256 end) internal {
        modelStarts.push();
        modelEnds.push();
        for (uint256 i = modelStarts.length - 1; i > at; --i) {
            modelStarts[i] = modelStarts[i - 1];
            modelEnds[i] = modelEnds[i - 1];
        }
        modelStarts[at] = start;
        modelEnds[at] = end;
    }

    function _assertListEqualsModel() internal view {
        (uint256 headEnd, uint256 s) = market.importedRange(partner, 0);
        assertEq(headEnd, 0, "head holds a range");
        uint256 previousEnd = 0;
        uint256 count = 0;
        while (s != 0) {
            (uint256 e, uint256 next) = market.importedRange(partner, s);
            assertLe(previousEnd, s, "ranges overlap or are out of order");
            assertLe(s + 1, e, "empty range");
            assertEq(s, modelStarts[count], "start differs from the model");
            assertEq(e, modelEnds[count], "end differs from the model");
            previousEnd = e;
            s = next;
            ++count;
        }
        assertEq(count, modelStarts.length, "list length differs from the model");
        assertEq(market.importCount(), modelStarts.length, "import count differs from the model");
    }

    // ================================================================ compliance caps

    /// @notice Two uses are accepted iff their running total stays within the cap; a release gives
    /// its grams back exactly.
    function testFuzz_UseForCompliance_WithinCap(uint256 emissions, uint256 capBps, uint256 first, uint256 second)
        public
    {
        emissions = bound(emissions, 1, 1e12 * TONNE);
        capBps = bound(capBps, 1, market.MAX_CAP_BPS());
        uint256 cap = emissions * capBps / 10_000;
        vm.assume(cap != 0);
        first = bound(first, 1, cap);
        second = bound(second, 1, 2 * cap);
        ComplianceYear memory terms = _terms();
        terms.capBps = uint16(capBps);
        _setYear(terms);
        _setEligible(_projectMethodology(), true);
        _cover(enterprise, emissions);
        uint256 batchId = _creditsFor(enterprise, first + second);

        uint256 useId = _use(batchId, first);
        if (second > cap - first) {
            vm.expectRevert(
                abi.encodeWithSelector(ICarbonMarket.MarketCapExceeded.selector, enterprise, YEAR, second, cap - first)
            );
            _use(batchId, second);
        } else {
            _use(batchId, second);
        }
        assertLe(market.coveredEntity(YEAR, enterprise).used, cap, "used above the cap");

        uint256 available = market.availableCap(YEAR, enterprise);
        vm.prank(issuer);
        market.releaseComplianceUse(useId, "fuzz");
        assertEq(market.availableCap(YEAR, enterprise), available + first);
    }
}
