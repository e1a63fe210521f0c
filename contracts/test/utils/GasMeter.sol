// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "./Test.sol";

/// @notice Records the call gas of one call and its EIP-2028 calldata gas in a forge snapshot
/// group (`contracts/snapshots/<group>.json`), for scripts/gas_report.py.
abstract contract GasMeter is Test {
    /// @dev The snapshot group (file name) the bench writes.
    function _gasGroup() internal pure virtual returns (string memory);

    /// @notice Call `target` as `caller` with `data`, record its call gas as `name` and the calldata
    /// gas as `calldata_<name>`.
    function _measure(string memory name, address caller, address target, bytes memory data)
        internal
        returns (uint256 gasUsed, bytes memory result)
    {
        uint256 calldataGas = _calldataGas(data);
        vm.prank(caller);
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        gasUsed = vm.snapshotGasLastCall(_gasGroup(), name);
        vm.snapshotValue(_gasGroup(), string.concat("calldata_", name), calldataGas);
    }

    /// @notice EIP-2028 calldata cost: 4 gas per zero byte, 16 per non-zero byte.
    function _calldataGas(bytes memory data) internal pure returns (uint256 cost) {
        for (uint256 i = 0; i < data.length; ++i) {
            cost += data[i] == 0 ? 4 : 16;
        }
    }
}
