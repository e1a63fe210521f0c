"""Merkle claim proofs, rebuilt from the published datasets."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from eth_utils.address import to_checksum_address
from sqlalchemy.orm import Session

from carbon_chain.dataset import load_published
from carbon_chain.merkle import AllocationTree
from registry_node.claim import repository
from registry_node.claim.schemas import ClaimOut, ClaimProofOut
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount


class Distribution:
    """A published allocation tree and where each account sits in it."""

    def __init__(self, tree: AllocationTree) -> None:
        self.tree = tree
        self.root = "0x" + tree.root.hex()
        self.positions: dict[str, tuple[int, int]] = {
            to_checksum_address(account): (position, grams)
            for position, (account, grams) in enumerate(tree.leaves)
        }


class TreeCache:
    """Allocation trees by evidence hash (building a big tree takes seconds; keep a few)."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._trees: OrderedDict[tuple[str, str], Distribution | None] = OrderedDict()
        self._lock = threading.Lock()

    def tree(self, root_dir: Path, evidence_hash: str) -> Distribution | None:
        """Return the tree of a published dataset, or None when it is missing or invalid."""
        key = (str(root_dir), evidence_hash)
        with self._lock:
            if key in self._trees:
                self._trees.move_to_end(key)
                return self._trees[key]
        tree: Distribution | None
        try:
            dataset, _raw = load_published(root_dir, bytes.fromhex(evidence_hash[2:]))
            tree = Distribution(AllocationTree([(a.account, a.grams) for a in dataset.allocations]))
        except (OSError, ValueError):
            tree = None
        with self._lock:
            self._trees[key] = tree
            while len(self._trees) > self._size:
                self._trees.popitem(last=False)
        return tree


def proofs(session: Session, trees: TreeCache, root_dir: Path, account: str) -> list[ClaimProofOut]:
    """Return the account's allocations in every distribution whose dataset is published.

    A dataset whose tree root differs from the batch's on-chain root is ignored: a proof
    from it could never verify.
    """
    claimed = repository.claimed_batches(session, account)
    out: list[ClaimProofOut] = []
    for batch, evidence_hash in repository.distributions(session):
        dist = trees.tree(root_dir, evidence_hash)
        if dist is None or dist.root != batch.merkle_root or account not in dist.positions:
            continue
        position, amount = dist.positions[account]
        proof = dist.tree.proof_for_index(position)
        out.append(
            ClaimProofOut(
                batch_id=batch.batch_id,
                account=account,
                amount=Amount.of(amount),
                proof=["0x" + p.hex() for p in proof],
                merkle_root=batch.merkle_root,
                claimed=batch.batch_id in claimed,
                claim_deadline=batch.claim_deadline,
                distribution_closed=batch.distribution_closed,
                evidence_hash=evidence_hash,
            )
        )
    return out


def for_batch(session: Session, batch_id: int, page: PageParams) -> Page[ClaimOut]:
    """Return a page of the claims made from one distribution batch."""
    rows = repository.for_batch(session, batch_id, page)
    items = [
        ClaimOut(
            batch_id=c.batch_id,
            account=c.account,
            amount=Amount.of(c.amount),
            block_number=c.block_number,
            tx_hash=c.tx_hash,
        )
        for c in rows
    ]
    return Page[ClaimOut].build(items, page)
