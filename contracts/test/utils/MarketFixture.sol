// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {LedgerFixture} from "./LedgerFixture.sol";
import {CarbonMarket} from "../../src/CarbonMarket.sol";
import {ComplianceYear, ImportInput} from "../../src/types/MarketTypes.sol";
import {AccountKind} from "../../src/types/RegistryTypes.sol";

/// @notice The ledger fixture plus a CarbonMarket connected to the ledger, a partner platform's
/// PARTNER_REGISTRY account with a known key, and helpers for compliance years, partner imports
/// (EIP-712 attestations) and points redemptions.
/// @dev The agency's `issuer` runs the market; `enterprise` is the covered entity, `individual` and
/// `individual2` are the citizens, `aggregator` the platform's points aggregator (all from the base).
abstract contract MarketFixture is LedgerFixture {
    uint16 internal constant YEAR = 2025;
    uint16 internal constant MIN_VINTAGE = 2023;
    uint16 internal constant CAP_BPS = 1_000; // 10 % of verified emissions
    uint256 internal constant COMPLIANCE_WINDOW = 180 days;
    /// @dev The enterprise's verified emissions: 1,000 t, so its cap is 100 t.
    uint256 internal constant EMISSIONS = 1_000 * TONNE;
    uint256 internal constant CAP = EMISSIONS * CAP_BPS / 10_000;
    bytes32 internal constant MARKET_REFERENCE = keccak256("HBEA-2025-offset-0042");
    bytes32 internal constant INCENTIVE_REFERENCE = keccak256("metro coupon 2025-000123");
    bytes32 internal constant IMPORT_EVIDENCE = keccak256("partner cancellation record + verification report");
    uint64 internal constant ATTESTATION_VALIDITY = 1 days;
    /// @dev Each fixture import covers this much of the project's timeline.
    uint64 internal constant IMPORT_PERIOD = 1 days;

    CarbonMarket internal market;

    /// @dev The partner platform's PARTNER_REGISTRY account; it signs `CreditImport` attestations.
    address internal partner;
    uint256 internal partnerKey;

    function setUp() public virtual override {
        super.setUp();
        _setUpMarket();
    }

    function _setUpMarket() internal virtual {
        market = new CarbonMarket(address(registry), address(ledger));
        vm.prank(admin);
        ledger.setMarket(address(market));
        (partner, partnerKey) = makeKey("partner-registry");
        _registerAccount(partner, AccountKind.PARTNER_REGISTRY, WUHAN);
    }

    // ================================================================ compliance

    /// @notice The default terms: vintages 2023–2025, cap 10 %, open for COMPLIANCE_WINDOW from now.
    function _terms() internal view returns (ComplianceYear memory) {
        return ComplianceYear({
            minVintage: MIN_VINTAGE,
            maxVintage: YEAR,
            capBps: CAP_BPS,
            closesAt: uint40(block.timestamp + COMPLIANCE_WINDOW)
        });
    }

    function _setYear(ComplianceYear memory terms) internal {
        vm.prank(issuer);
        market.setComplianceYear(YEAR, terms);
    }

    function _setEligible(uint256 methodologyId, bool eligible) internal {
        vm.prank(issuer);
        market.setMethodologyEligibility(YEAR, methodologyId, eligible);
    }

    function _cover(address entity, uint256 verifiedEmissions) internal {
        vm.prank(issuer);
        market.setCoveredEntity(YEAR, entity, verifiedEmissions);
    }

    /// @notice Open YEAR with the default terms, the default PROJECT methodology eligible and
    /// `enterprise` covered with EMISSIONS.
    function _openComplianceYear() internal {
        _setYear(_terms());
        _setEligible(_projectMethodology(), true);
        _cover(enterprise, EMISSIONS);
    }

    function _use(uint256 batchId, uint256 amount) internal returns (uint256) {
        vm.prank(enterprise);
        return market.useForCompliance(YEAR, batchId, amount);
    }

    // ================================================================ imports

    /// @notice An attestation of origin serials [start, end) of `projectId`, for the day after the
    /// project's last reported or imported period (or starting 30 days ago), to `proponent`.
    function _importInput(uint256 projectId, uint256 start, uint256 end) internal returns (ImportInput memory) {
        uint64 periodStart = registry.getProject(projectId).lastPeriodEnd;
        if (periodStart == 0) periodStart = uint64(block.timestamp - 30 days);
        uint64 periodEnd = periodStart + IMPORT_PERIOD;
        if (periodEnd > block.timestamp) vm.warp(periodEnd);
        return _importInput(projectId, start, end, periodStart, periodEnd);
    }

    function _importInput(uint256 projectId, uint256 start, uint256 end, uint64 periodStart, uint64 periodEnd)
        internal
        view
        returns (ImportInput memory)
    {
        return ImportInput({
            partner: partner,
            originSerialStart: start,
            originSerialEnd: end,
            projectId: projectId,
            periodStart: periodStart,
            periodEnd: periodEnd,
            vintage: VINTAGE,
            recipient: proponent,
            evidenceHash: IMPORT_EVIDENCE,
            deadline: uint64(block.timestamp) + ATTESTATION_VALIDITY
        });
    }

    /// @notice `key`'s signature over the market's EIP-712 digest of `input`.
    /// @dev It reads the market: to expect a revert, sign before `vm.expectRevert`.
    function _attest(ImportInput memory input, uint256 key) internal view returns (bytes memory) {
        return _signature(key, market.importDigest(input));
    }

    function _attest(ImportInput memory input) internal view returns (bytes memory) {
        return _attest(input, partnerKey);
    }

    function _import(ImportInput memory input, bytes memory attestation, uint256 previousStart)
        internal
        returns (uint256 importId, uint256 batchId)
    {
        vm.prank(issuer);
        return market.importCredits(input, attestation, previousStart);
    }

    /// @notice Import origin serials [start, end) of `projectId`, attested by the partner.
    function _importRange(uint256 projectId, uint256 start, uint256 end, uint256 previousStart)
        internal
        returns (uint256 importId, uint256 batchId)
    {
        ImportInput memory input = _importInput(projectId, start, end);
        return _import(input, _attest(input), previousStart);
    }

    // ================================================================ redemption

    function _redeem(address citizen, uint256 batchId, uint256 amount) internal returns (uint256) {
        vm.prank(citizen);
        return market.redeemPoints(batchId, amount, INCENTIVE_REFERENCE);
    }
}
