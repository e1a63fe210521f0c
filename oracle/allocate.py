"""Aggregate per-record grams into per-account allocations and their Merkle tree."""

from __future__ import annotations

from collections.abc import Iterable

from carbon_chain.merkle import AllocationTree


def aggregate(rows: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sum grams per account and return positive allocations sorted by address.

    Args:
        rows: ``(account, grams)`` per accepted record; accounts as checksummed addresses.

    Returns:
        One ``(account, grams)`` per account with grams > 0, in ascending numeric address order
        (lowercase hex order), which is the order the dataset publishes and the tree is built in.
    """
    totals: dict[str, int] = {}
    get = totals.get
    for account, grams in rows:
        totals[account] = get(account, 0) + grams
    return sorted(
        ((account, grams) for account, grams in totals.items() if grams > 0),
        key=lambda item: item[0].lower(),
    )


def build_tree(allocations: list[tuple[str, int]]) -> AllocationTree:
    """Build the allocation tree exactly as ``MerkleProof.verify`` checks it on chain."""
    return AllocationTree(allocations)


def proof_of(tree: AllocationTree, account: str) -> dict[str, object]:
    """Return an account's claim: amount, proof and root, as hex strings for partner apps.

    Raises:
        KeyError: the account has no allocation in the tree.
    """
    proof = tree.proof(account)
    index = [a.lower() for a, _ in tree.leaves].index(account.lower())
    return {
        "account": tree.leaves[index][0],
        "grams": tree.leaves[index][1],
        "root": "0x" + tree.root.hex(),
        "proof": ["0x" + node.hex() for node in proof],
    }
