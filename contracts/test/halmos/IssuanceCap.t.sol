// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {HalmosBase} from "./HalmosBase.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";

/// @notice DESIGN.md invariant 2 (FAULTS.md rows 1, 2, 13), proved for all quantities: against one
/// report of `verified` grams, a second issuance succeeds only if q1 + q2 <= verified, and the cap
/// is exact (no sum within it is refused, up to the serial space).
/// @dev Run by halmos (`scripts/static_analysis.sh`); forge ignores `check_` functions.
contract IssuanceCapHalmos is HalmosBase {
    bytes32 internal constant ROOT = keccak256("allocation root");

    function check_secondIssuanceOnlyWithinVerified(
        uint64 verified,
        uint256 q1,
        uint256 q2,
        bool firstIsDistribution,
        bool secondIsDistribution
    ) public {
        vm.assume(verified != 0); // a report of zero grams is refused at submission
        uint256 reportId = _verifiedReport(verified);

        bool ok1 = _issue(reportId, q1, firstIsDistribution);
        bool ok2 = _issue(reportId, q2, secondIsDistribution);

        uint256 issued = ledger.issuedForReport(reportId);
        // A successful issuance took a quantity below 2^64, so these sums cannot overflow.
        if (ok1 && ok2) assert(q1 + q2 <= verified);
        if (ok1) assert(q1 != 0 && q1 <= verified);
        if (ok2) assert(q2 != 0 && q2 <= verified);
        assert(issued == (ok1 ? q1 : 0) + (ok2 ? q2 : 0));
        assert(issued <= verified);
        // The cap is exact. The one exception is the serial space: serials run from 1 to 2^64 - 1,
        // so all issuance together stays below 2^64 - 1 grams and a report of exactly 2^64 - 1
        // grams cannot be issued in full (checked arithmetic reverts; FAULTS.md row 13).
        if (ok1 && q2 != 0 && q2 <= verified - q1 && verified < type(uint64).max) assert(ok2);
    }

    function _issue(uint256 reportId, uint256 quantity, bool distribution) internal returns (bool ok) {
        bytes memory call = distribution
            ? abi.encodeCall(ICarbonLedger.issueDistribution, (reportId, quantity, VINTAGE, 0, ROOT, 30 days))
            : abi.encodeCall(ICarbonLedger.issueToProponent, (reportId, quantity, VINTAGE, 0));
        vm.prank(ISSUER);
        (ok,) = address(ledger).call(call);
    }
}
