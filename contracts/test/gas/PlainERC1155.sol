// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

/// @notice A plain OpenZeppelin 5 ERC-1155 with open mint and burn: the gas baseline the registry's
/// permissioned ledger is compared against. No roles, no hooks, no account rules.
contract PlainERC1155 is ERC1155 {
    constructor() ERC1155("") {}

    function mint(address to, uint256 id, uint256 value) external {
        _mint(to, id, value, "");
    }

    function burn(address from, uint256 id, uint256 value) external {
        _burn(from, id, value);
    }
}
