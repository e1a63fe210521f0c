// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {GasMeter} from "../utils/GasMeter.sol";
import {MarketFixture} from "../utils/MarketFixture.sol";
import {ICarbonLedger} from "../../src/interfaces/ICarbonLedger.sol";
import {ICarbonMarket} from "../../src/interfaces/ICarbonMarket.sol";
import {ComplianceUseStatus, ImportInput} from "../../src/types/MarketTypes.sol";
import {AccountKind} from "../../src/types/RegistryTypes.sol";

/// @notice Steady-state gas of the market's hot paths, measured like GasBench.t.sol (see its notes:
/// setUp prepares all state, so every slot is cold when the measured call, the test's first, starts)
/// and written with `vm.snapshotGasLastCall("market", name)` to contracts/snapshots/market.json, next
/// to `calldata_<name>`, the EIP-2028 calldata gas of the same call.
/// Run the whole file (`forge test --match-path contracts/test/gas/MarketGasBench.t.sol`): forge
/// rewrites market.json with the entries of the current run only.
abstract contract MarketGasBenchBase is MarketFixture, GasMeter {
    function _gasGroup() internal pure override returns (string memory) {
        return "market";
    }
}

/// @notice Compliance use, its confirmation and release, a partner import and a points redemption,
/// each after one operation of its kind (counters, the entity's use, the partner's range list, the
/// aggregator's balance are already non-zero).
contract MarketGasBench is MarketGasBenchBase {
    uint256 internal constant ORIGIN_BLOCK = 1_000 * TONNE;

    uint256 internal heldBatch;
    uint256 internal pendingUse;
    uint256 internal pendingUse2;
    uint256 internal pointsId;
    bytes internal importCalldata;

    function setUp() public override {
        super.setUp();
        _openComplianceYear();
        heldBatch = _creditsFor(enterprise, CAP);
        // One use exported, two pending.
        uint256 exported = _use(heldBatch, TONNE);
        vm.prank(issuer);
        market.confirmComplianceUse(exported, MARKET_REFERENCE);
        pendingUse = _use(heldBatch, TONNE);
        pendingUse2 = _use(heldBatch, TONNE);

        // One redemption made; the citizen redeems again.
        pointsId = _pointsFor(10 * TONNE);
        _redeem(individual, pointsId, TONNE);

        // The partner's first block imported; the next one, right after it, is attested now.
        uint256 projectId = _registeredProject();
        _importRange(projectId, 1, 1 + ORIGIN_BLOCK, 0);
        ImportInput memory input = _importInput(projectId, 1 + ORIGIN_BLOCK, 1 + 2 * ORIGIN_BLOCK);
        importCalldata = abi.encodeCall(ICarbonMarket.importCredits, (input, _attest(input), 1));
    }

    function test_gas_useForCompliance() public {
        bytes memory data = abi.encodeCall(ICarbonMarket.useForCompliance, (YEAR, heldBatch, TONNE));
        (, bytes memory result) = _measure("useForCompliance", enterprise, address(market), data);
        assertEq(abi.decode(result, (uint256)), 4);
        assertEq(market.coveredEntity(YEAR, enterprise).used, 4 * TONNE);
    }

    function test_gas_confirmComplianceUse() public {
        bytes memory data = abi.encodeCall(ICarbonMarket.confirmComplianceUse, (pendingUse, MARKET_REFERENCE));
        _measure("confirmComplianceUse", issuer, address(market), data);
        assertEq(uint256(market.getComplianceUse(pendingUse).status), uint256(ComplianceUseStatus.EXPORTED));
    }

    function test_gas_releaseComplianceUse() public {
        bytes memory data = abi.encodeCall(ICarbonMarket.releaseComplianceUse, (pendingUse2, "rejected"));
        _measure("releaseComplianceUse", issuer, address(market), data);
        assertEq(uint256(market.getComplianceUse(pendingUse2).status), uint256(ComplianceUseStatus.RELEASED));
    }

    function test_gas_importCredits() public {
        (, bytes memory result) = _measure("importCredits", issuer, address(market), importCalldata);
        (uint256 importId, uint256 batchId) = abi.decode(result, (uint256, uint256));
        assertEq(importId, 2);
        assertEq(ledger.balanceOf(proponent, batchId), ORIGIN_BLOCK);
    }

    function test_gas_redeemPoints() public {
        bytes memory data = abi.encodeCall(ICarbonMarket.redeemPoints, (pointsId, TONNE, INCENTIVE_REFERENCE));
        _measure("redeemPoints", individual, address(market), data);
        assertEq(ledger.balanceOf(aggregator, pointsId), 2 * TONNE);
    }
}

/// @notice The issuer's sweep of an expired points batch, per 10 holders (each claimed its points).
contract CancelExpiredGasBench is MarketGasBenchBase {
    uint256 internal constant HOLDERS = 10;

    uint256 internal pointsId;
    address[] internal holders;

    function setUp() public override {
        super.setUp();
        uint256[] memory amounts = new uint256[](HOLDERS);
        for (uint256 i = 0; i < HOLDERS; ++i) {
            address holder = makeAddr(string(abi.encodePacked("citizen-", bytes1(uint8(48 + i)))));
            _registerAccount(holder, AccountKind.INDIVIDUAL, WUHAN);
            holders.push(holder);
            amounts[i] = TONNE + i;
        }
        (, uint256 reportId) = _scenarioWithReport(HOLDERS * TONNE + 45);
        Distribution memory d = _distribute(reportId, holders, amounts);
        for (uint256 i = 0; i < HOLDERS; ++i) {
            _claim(d, i);
        }
        pointsId = d.batchId;
        vm.warp(ledger.getBatch(pointsId).expiresAt);
    }

    function test_gas_cancelExpired_10holders() public {
        bytes memory data = abi.encodeCall(ICarbonLedger.cancelExpired, (pointsId, holders));
        (uint256 gasUsed, bytes memory result) = _measure("cancelExpired_10holders", issuer, address(ledger), data);
        vm.snapshotValue(_gasGroup(), "cancelExpired_perHolder", gasUsed / HOLDERS);
        assertEq(abi.decode(result, (uint256)), HOLDERS * TONNE + 45);
        assertEq(ledger.getBatchSupply(pointsId).cancelled, HOLDERS * TONNE + 45);
    }
}
