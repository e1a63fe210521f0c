// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice Role identifiers held in the CarbonRegistry's AccessControl and checked by both contracts.
library Roles {
    /// @dev The management agency's registration desk: accounts, methodologies, projects.
    bytes32 internal constant REGISTRAR = keccak256("REGISTRAR_ROLE");
    /// @dev The management agency's issuance signer: issues, rejects reports, cancels.
    bytes32 internal constant ISSUER = keccak256("ISSUER_ROLE");
    /// @dev A verification body whose EIP-712 signature counts toward the k-of-n threshold.
    bytes32 internal constant VERIFIER = keccak256("VERIFIER_ROLE");
    /// @dev The oracle operator that submits verified reports.
    bytes32 internal constant ORACLE = keccak256("ORACLE_ROLE");
    /// @dev May stop and resume all credit movement.
    bytes32 internal constant PAUSER = keccak256("PAUSER_ROLE");
}
