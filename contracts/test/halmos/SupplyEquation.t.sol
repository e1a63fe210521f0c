// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {HalmosBase} from "./HalmosBase.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {Batch, BatchSupply, CancellationKind, RetirementPurpose} from "../../src/types/RegistryTypes.sol";

/// @notice DESIGN.md invariant 1, proved for every amount, holder and order of one or two operations
/// from an issued batch: issued = Σ holder balances + export custody + retired + cancelled + unclaimed.
/// @dev The batch is a Merkle distribution with a 20 % buffer, so every term starts non-zero or can
/// become so: the buffer account holds credits, the claimant can claim, the remainder is unclaimed.
/// Every operation is a low-level call: the one-operation check includes refused calls (any amount,
/// any holder); the two-operation check takes successful ones (see there).
/// Run by halmos (`scripts/static_analysis.sh`); forge ignores `check_` functions.
contract SupplyEquationHalmos is HalmosBase {
    uint64 internal constant QUANTITY = 1000;
    uint16 internal constant BUFFER_BPS = 2000;
    uint256 internal constant ALLOCATION = 500;
    uint256 internal constant CLAIM_WINDOW = 30 days;

    uint256 internal batchId;

    function setUp() public override {
        super.setUp();
        uint256 reportId = _verifiedReport(QUANTITY);
        // A one-leaf tree: the root is the claimant's leaf and the proof is empty.
        bytes32 root = keccak256(bytes.concat(keccak256(abi.encode(CLAIMANT, ALLOCATION))));
        vm.prank(ISSUER);
        batchId = ledger.issueDistribution(reportId, QUANTITY, VINTAGE, BUFFER_BPS, root, CLAIM_WINDOW);
    }

    function check_supplyEquation_afterOneOperation(uint8 op, bool fromClaimant, bool toOther, uint256 amount) public {
        _operate(op, fromClaimant, toOther, amount);
        _assertSupplyEquation();
    }

    function check_supplyEquation_afterTwoOperations(
        uint8 op1,
        bool fromClaimant1,
        bool toOther1,
        uint256 amount1,
        uint8 op2,
        bool fromClaimant2,
        bool toOther2,
        uint256 amount2
    ) public {
        // A refused call changes nothing (the EVM undoes it), so a sequence with a refused step is a
        // shorter sequence, which the one-operation check and the issued state already cover.
        vm.assume(_operate(op1, fromClaimant1, toOther1, amount1));
        vm.assume(_operate(op2, fromClaimant2, toOther2, amount2));
        _assertSupplyEquation();
    }

    function _assertSupplyEquation() internal view {
        Batch memory b = ledger.getBatch(batchId);
        BatchSupply memory s = ledger.getBatchSupply(batchId);
        uint256 custody = ledger.balanceOf(address(ledger), batchId);
        uint256 held = ledger.balanceOf(BUFFER, batchId) + ledger.balanceOf(CLAIMANT, batchId)
            + ledger.balanceOf(OTHER, batchId) + ledger.balanceOf(PROPONENT, batchId);
        assert(b.quantity == QUANTITY);
        assert(b.quantity == held + custody + s.retired + s.cancelled + ledger.unclaimedOf(batchId));
        assert(s.locked == custody);
        assert(s.claimed <= ALLOCATION);
    }

    /// @dev One of: transfer, retire, cancel (invalidation), claim, lock for export, confirm or
    /// release lock 1, cancel the unclaimed remainder after the claim window.
    /// A refused operation leaves the state as it was; the equation must hold either way.
    function _operate(uint8 op, bool fromClaimant, bool toOther, uint256 amount) internal returns (bool ok) {
        address holder = fromClaimant ? CLAIMANT : BUFFER;
        bytes memory call;
        address caller = holder;
        if (op == 0) {
            call = abi.encodeCall(IERC1155.safeTransferFrom, (holder, toOther ? OTHER : CLAIMANT, batchId, amount, ""));
        } else if (op == 1) {
            call = abi.encodeCall(
                ICarbonLedger.retire, (batchId, amount, holder, RetirementPurpose.VOLUNTARY, bytes32(0), WUHAN)
            );
        } else if (op == 2) {
            caller = ISSUER;
            call = abi.encodeCall(
                ICarbonLedger.cancelCredits, (batchId, holder, amount, CancellationKind.INVALIDATION, bytes32(0), "")
            );
        } else if (op == 3) {
            call = abi.encodeCall(ICarbonLedger.claim, (batchId, CLAIMANT, amount, new bytes32[](0)));
        } else if (op == 4) {
            call = abi.encodeCall(ICarbonLedger.lockForExport, (batchId, amount, bytes32(0)));
        } else if (op == 5) {
            caller = ISSUER;
            call = abi.encodeCall(ICarbonLedger.confirmExport, (1, bytes32(0)));
        } else if (op == 6) {
            caller = ISSUER;
            call = abi.encodeCall(ICarbonLedger.releaseLock, (1, ""));
        } else {
            vm.warp(block.timestamp + CLAIM_WINDOW + 1);
            caller = ISSUER;
            call = abi.encodeCall(ICarbonLedger.cancelUnclaimed, (batchId, ""));
        }
        vm.prank(caller);
        (ok,) = address(ledger).call(call);
    }
}
