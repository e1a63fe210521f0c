// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice Merkle allocation trees built in Solidity for tests, laid out like OpenZeppelin's
/// `StandardMerkleTree` (and carbon_chain/merkle.py): leaf = keccak256(bytes.concat(keccak256(
/// abi.encode(account, amount)))), sorted-pair node hashing, leaves sorted by hash and placed in
/// reverse at the end of a `2n - 1` node array whose node `i` has children `2i + 1` and `2i + 2`.
/// @dev Quadratic sorting: meant for the handful of leaves a test needs.
library MerkleHelper {
    /// @notice The leaf of one allocation, as CarbonLedger.claim hashes it.
    function leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    /// @notice The leaves of parallel `accounts` and `amounts`.
    function leaves(address[] memory accounts, uint256[] memory amounts) internal pure returns (bytes32[] memory out) {
        require(accounts.length == amounts.length, "MerkleHelper: length mismatch");
        out = new bytes32[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            out[i] = leaf(accounts[i], amounts[i]);
        }
    }

    /// @notice The root of a tree over `leafHashes` (at least one).
    function root(bytes32[] memory leafHashes) internal pure returns (bytes32) {
        return _tree(leafHashes)[0];
    }

    /// @notice The proof of `leafHashes[index]`, siblings from the leaf up.
    function proof(bytes32[] memory leafHashes, uint256 index) internal pure returns (bytes32[] memory path) {
        require(index < leafHashes.length, "MerkleHelper: index out of range");
        bytes32[] memory tree = _tree(leafHashes);
        uint256 node = _treeIndex(tree, leafHashes.length, leafHashes[index]);
        uint256 depth = 0;
        for (uint256 i = node; i > 0; i = (i - 1) / 2) {
            ++depth;
        }
        path = new bytes32[](depth);
        for (uint256 d = 0; node > 0; ++d) {
            path[d] = tree[node % 2 == 1 ? node + 1 : node - 1];
            node = (node - 1) / 2;
        }
    }

    /// @notice Root and every proof of the allocations `accounts[i]` → `amounts[i]`.
    function build(address[] memory accounts, uint256[] memory amounts)
        internal
        pure
        returns (bytes32 treeRoot, bytes32[][] memory proofs)
    {
        bytes32[] memory hashes = leaves(accounts, amounts);
        treeRoot = root(hashes);
        proofs = new bytes32[][](hashes.length);
        for (uint256 i = 0; i < hashes.length; ++i) {
            proofs[i] = proof(hashes, i);
        }
    }

    /// @notice OpenZeppelin's `Hashes.commutativeKeccak256`.
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function _tree(bytes32[] memory leafHashes) private pure returns (bytes32[] memory tree) {
        uint256 n = leafHashes.length;
        require(n > 0, "MerkleHelper: no leaves");
        bytes32[] memory sorted = _sorted(leafHashes);
        tree = new bytes32[](2 * n - 1);
        for (uint256 i = 0; i < n; ++i) {
            tree[tree.length - 1 - i] = sorted[i];
        }
        for (uint256 i = tree.length - n; i > 0; --i) {
            tree[i - 1] = hashPair(tree[2 * i - 1], tree[2 * i]);
        }
    }

    function _sorted(bytes32[] memory values) private pure returns (bytes32[] memory sorted) {
        sorted = new bytes32[](values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            sorted[i] = values[i];
            for (uint256 j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
    }

    function _treeIndex(bytes32[] memory tree, uint256 n, bytes32 value) private pure returns (uint256) {
        for (uint256 i = tree.length - n; i < tree.length; ++i) {
            if (tree[i] == value) return i;
        }
        revert("MerkleHelper: leaf not in tree");
    }
}
