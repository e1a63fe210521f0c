// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {
    ComplianceUse,
    ComplianceUseStatus,
    ComplianceYear,
    CoveredEntity,
    CreditImport,
    ImportInput,
    Redemption
} from "../types/MarketTypes.sol";
import {ProjectStatus} from "../types/RegistryTypes.sol";

/// @title The registry's links to other markets: Hubei compliance use, imports from partner
/// platforms, and redemption of personal points for incentives
/// @notice Credits stay in the CarbonLedger; this contract holds the rules and records of each link
/// and moves credits only through the ledger's market hooks. Roles are read from the CarbonRegistry.
interface ICarbonMarket {
    // ---------------------------------------------------------------- errors
    /// @notice The caller lacks `role` in the CarbonRegistry.
    error MarketUnauthorized(address caller, bytes32 role);
    error MarketZeroAddress(string field);
    error MarketZeroAmount();
    /// @notice Vintages, cap or closing time of a compliance year are out of range.
    error MarketInvalidComplianceYear(uint16 year);
    error MarketUnknownComplianceYear(uint16 year);
    error MarketComplianceYearClosed(uint16 year, uint40 closesAt);
    /// @notice Only an ENTERPRISE account is a covered entity.
    error MarketNotEnterprise(address account);
    error MarketNotCoveredEntity(address entity, uint16 year);
    /// @notice A lower emissions figure would leave the entity above its cap.
    error MarketCapBelowUse(address entity, uint16 year, uint256 cap, uint256 used);
    /// @notice The use would exceed the entity's cap for the year.
    error MarketCapExceeded(address entity, uint16 year, uint256 requested, uint256 available);
    /// @notice The batch's methodology is not eligible in this compliance year.
    error MarketMethodologyNotEligible(uint256 batchId, uint256 methodologyId, uint16 year);
    error MarketVintageNotEligible(uint256 batchId, uint16 vintage, uint16 year);
    /// @notice The batch's project is not REGISTERED (e.g. suspended): its credits are not surrendered.
    error MarketProjectNotRegistered(uint256 batchId, uint256 projectId, ProjectStatus status);
    /// @notice Personal points are not eligible for compliance use.
    error MarketPointsNotEligible(uint256 batchId);
    /// @notice Only PROJECT methodologies can be made eligible (a personal scenario's points never are).
    error MarketMethodologyNotProject(uint256 methodologyId);
    error MarketUnknownComplianceUse(uint256 useId);
    error MarketInvalidComplianceUseStatus(uint256 useId, ComplianceUseStatus status);
    error MarketImportExpired(uint64 deadline, uint256 blockTime);
    error MarketImportReplayed(bytes32 digest, uint256 importId);
    /// @notice The attestation was not signed by the partner it names.
    error MarketInvalidAttestation(address partner, address signer);
    /// @notice The partner is not an ACTIVE PARTNER_REGISTRY account.
    error MarketNotPartner(address partner);
    error MarketInvalidOriginSerials(uint256 originSerialStart, uint256 originSerialEnd);
    /// @notice The origin serials overlap serials of this partner imported before (double counting).
    error MarketOriginSerialsOverlap(
        address partner, uint256 originSerialStart, uint256 originSerialEnd, uint256 importedStart, uint256 importedEnd
    );
    /// @notice `previousStart` is not the start of the imported range just below the new one.
    error MarketStaleSerialHint(address partner, uint256 previousStart);
    /// @notice Only an INDIVIDUAL account redeems personal points.
    error MarketNotCitizen(address account);
    error MarketNotPoints(uint256 batchId);
    error MarketZeroReference();
    error MarketNoAggregator();

    // ---------------------------------------------------------------- events
    event ComplianceYearSet(uint16 indexed year, ComplianceYear terms);
    event MethodologyEligibilitySet(uint16 indexed year, uint256 indexed methodologyId, bool eligible);
    event CoveredEntitySet(uint16 indexed year, address indexed entity, uint256 verifiedEmissions, uint256 cap);
    event ComplianceUseRequested(
        uint256 indexed useId, uint16 indexed year, address indexed entity, uint256 batchId, uint256 amount, uint256 lockId
    );
    event ComplianceUseExported(uint256 indexed useId, uint256 indexed cancellationId, bytes32 marketReference);
    event ComplianceUseReleased(uint256 indexed useId, string reason);
    event CreditsImported(
        uint256 indexed importId,
        uint256 indexed batchId,
        address indexed partner,
        ImportInput input,
        bytes32 digest
    );
    event PointsRedeemed(
        uint256 indexed redemptionId,
        address indexed citizen,
        uint256 indexed batchId,
        uint256 amount,
        address aggregator,
        bytes32 incentiveReference
    );

    // ---------------------------------------------------------------- Hubei compliance (湖北碳市场衔接)
    /// @notice Set a compliance year's eligible vintages, cap share and closing time (issuer).
    function setComplianceYear(uint16 year, ComplianceYear calldata terms) external;
    /// @notice Make a methodology eligible or not for a compliance year (issuer).
    function setMethodologyEligibility(uint16 year, uint256 methodologyId, bool eligible) external;
    /// @notice Record a covered entity's verified emissions for a year; its cap follows (issuer).
    function setCoveredEntity(uint16 year, address entity, uint256 verifiedEmissions) external;
    /// @notice Lock the caller's eligible credits for compliance use, within its cap (covered entity).
    function useForCompliance(uint16 year, uint256 batchId, uint256 amount) external returns (uint256 useId);
    /// @notice Confirm a use with the market's reference: the locked credits are cancelled as exported (issuer).
    function confirmComplianceUse(uint256 useId, bytes32 marketReference) external returns (uint256 cancellationId);
    /// @notice Return a pending use's credits to the entity and its grams to its cap (issuer).
    function releaseComplianceUse(uint256 useId, string calldata reason) external;

    // ---------------------------------------------------------------- mutual recognition (互联互通)
    /// @notice Import credits a partner platform attests it has cancelled for transfer here (issuer).
    /// @param previousStart start of this partner's imported range just below the new one (0 if none);
    /// the node finds it in its index, the contract checks it, so no list is ever walked on-chain.
    function importCredits(ImportInput calldata input, bytes calldata attestation, uint256 previousStart)
        external
        returns (uint256 importId, uint256 batchId);

    // ---------------------------------------------------------------- personal incentives
    /// @notice Redeem the caller's points for an incentive: the aggregator receives them (citizen).
    function redeemPoints(uint256 batchId, uint256 amount, bytes32 incentiveReference)
        external
        returns (uint256 redemptionId);

    // ---------------------------------------------------------------- views
    function registry() external view returns (address);
    function ledger() external view returns (address);
    function complianceYear(uint16 year) external view returns (ComplianceYear memory);
    function isEligible(uint16 year, uint256 methodologyId) external view returns (bool);
    /// @notice The compliance year whose destination hash this is (0: not a configured year's).
    function complianceYearOf(bytes32 destinationHash) external view returns (uint16);
    function coveredEntity(uint16 year, address entity) external view returns (CoveredEntity memory);
    /// @notice The grams `entity` may still use in `year`.
    function availableCap(uint16 year, address entity) external view returns (uint256);
    function complianceUseCount() external view returns (uint256);
    function getComplianceUse(uint256 useId) external view returns (ComplianceUse memory);
    function importCount() external view returns (uint256);
    function getImport(uint256 importId) external view returns (CreditImport memory);
    function importIdOf(bytes32 digest) external view returns (uint256);
    /// @notice The end of a partner's imported origin range starting at `start` (0 if none), and the
    /// start of the next range above it (0 if none); `start` 0 is the head of the list.
    function importedRange(address partner, uint256 start) external view returns (uint256 end, uint256 nextStart);
    function redemptionCount() external view returns (uint256);
    function getRedemption(uint256 redemptionId) external view returns (Redemption memory);
    /// @notice EIP-712 digest of an import attestation under this contract's domain.
    function importDigest(ImportInput calldata input) external view returns (bytes32);
    function domainSeparator() external view returns (bytes32);
}
