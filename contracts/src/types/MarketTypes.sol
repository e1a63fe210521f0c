// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The agency's terms for one Hubei compliance year (湖北碳市场衔接).
struct ComplianceYear {
    uint16 minVintage; // eligible vintages [minVintage, maxVintage]
    uint16 maxVintage;
    uint16 capBps; // share of a covered entity's verified emissions it may offset, basis points
    uint40 closesAt; // compliance use is requested before this time
}

/// @notice A covered entity's verified emissions and the credits it has put to compliance use in a year.
struct CoveredEntity {
    uint64 verifiedEmissions; // grams CO2e
    uint64 used; // grams locked or exported for this year; released uses give their grams back
}

enum ComplianceUseStatus {
    NONE,
    PENDING, // credits locked, pending export to the market
    EXPORTED, // confirmed with the market's reference: cancelled as exported
    RELEASED // returned to the entity
}

/// @notice One request of a covered entity to use credits for compliance.
struct ComplianceUse {
    address entity;
    uint16 year;
    ComplianceUseStatus status;
    uint56 batchId;
    uint64 amount;
    uint64 lockId;
    uint40 requestedAt;
    bytes32 marketReference; // set on confirmation
}

/// @notice What a partner platform attests (EIP-712 `CreditImport`) when its credits move here (互联互通).
struct ImportInput {
    address partner; // the partner platform's PARTNER_REGISTRY account, which signs
    uint256 originSerialStart; // the partner's serials [start, end), one per gram, start >= 1
    uint256 originSerialEnd;
    uint256 projectId; // the project as registered here (项目互认)
    uint64 periodStart; // monitoring period the credits come from
    uint64 periodEnd;
    uint16 vintage;
    address recipient; // the carbon account here that receives the batch
    bytes32 evidenceHash; // sha256 of the partner's cancellation record and verification report
    uint64 deadline; // the attestation is void after this time
}

/// @notice A batch imported from a partner platform.
struct CreditImport {
    address partner;
    uint56 batchId;
    uint40 importedAt;
    uint256 originSerialStart;
    uint256 originSerialEnd;
    bytes32 digest; // the attested EIP-712 digest, used once
}

/// @notice Personal points a citizen redeemed for an incentive; the aggregator received them.
struct Redemption {
    address citizen;
    uint56 batchId;
    uint40 redeemedAt;
    uint64 amount;
    address aggregator;
    bytes32 incentiveReference; // hash of the incentive's off-chain reference (coupon, order)
}
