// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The halmos symbolic cheatcodes these checks use (forge-std's `SymTest` declares the same
/// interface; forge-std is not a dependency here). They only exist under halmos: forge never runs
/// the `check_` functions that call them.
interface SVM {
    function createUint(uint256 bitSize, string calldata name) external pure returns (uint256 value);
    function createUint256(string calldata name) external pure returns (uint256 value);
    function createBool(string calldata name) external pure returns (bool value);
}

abstract contract SymTest {
    /// @dev address(bytes20(uint160(uint256(keccak256("svm cheat code")))))
    SVM internal constant svm = SVM(0xF3993A62377BCd56AE39D773740A5390411E8BC9);
}
