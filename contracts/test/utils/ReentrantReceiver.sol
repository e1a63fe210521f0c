// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice An ERC-1155 holder that, when armed, calls `target` with `payload` from inside
/// onERC1155Received / onERC1155BatchReceived and bubbles any revert — a reentrancy probe.
contract ReentrantReceiver is IERC1155Receiver {
    address public target;
    bytes public payload;
    uint256 public received;

    /// @notice Re-enter `target_` with `payload_` on the next receipt (once).
    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    /// @notice Make any call as this holder (transfers, retirements, locks).
    function execute(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) _bubble(ret);
        return ret;
    }

    function onERC1155Received(address, address, uint256, uint256 value, bytes calldata) external returns (bytes4) {
        received += value;
        _reenter();
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        returns (bytes4)
    {
        _reenter();
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _reenter() private {
        address to = target;
        if (to == address(0)) return;
        target = address(0);
        (bool ok, bytes memory ret) = to.call(payload);
        if (!ok) _bubble(ret);
    }

    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            revert(add(ret, 0x20), mload(ret))
        }
    }
}
