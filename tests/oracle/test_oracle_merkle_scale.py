"""A million-leaf allocation tree, as the oracle builds it, is what the ledger's claim accepts.

The tree is built from 1,000,000 allocations through ``oracle.allocate`` (sorted by address,
as the dataset publishes them); a real ``issueDistribution`` on anvil commits to its root and
five sampled leaves, spread over the tree and owned by registered individual accounts, are
claimed on chain with their 20-node proofs. The other 999,995 accounts are synthetic.
"""

from __future__ import annotations

import random
import time

import pytest
from eth_account import Account

from carbon_chain.chain import ChainRevert
from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import AccountKind, MethodologyKind
from oracle.allocate import aggregate, build_tree, proof_of

LEAVES = 1_000_000
SAMPLED = 5
DAY = 86_400


def _allocations(sampled: list[str]) -> list[tuple[str, int]]:
    rng = random.Random(20240501)
    synthetic = [
        (f"0x{0xFACADE << 136 | i:040x}", rng.randrange(1, 2_000_000))
        for i in range(LEAVES - len(sampled))
    ]
    return aggregate([*synthetic, *((account, 1_000 + i) for i, account in enumerate(sampled))])


def test_million_leaf_tree_proofs_are_accepted_on_chain(dev: DevRegistry) -> None:
    sampled = [
        str(Account.from_key((0x5EED + i).to_bytes(32, "big")).address) for i in range(SAMPLED)
    ]
    for account in sampled:
        dev.register_account(account, AccountKind.INDIVIDUAL)
    started = time.perf_counter()
    allocations = _allocations(sampled)
    tree = build_tree(allocations)
    built = time.perf_counter() - started
    assert len(tree) == LEAVES
    total = sum(grams for _, grams in allocations)
    # Proofs have ⌈log2(n)⌉ or one fewer nodes; sampled leaves land all over the layout.
    proofs = {account: proof_of(tree, account) for account in sampled[:1]}
    grams_of = {account: 1_000 + i for i, account in enumerate(sampled)}
    # proof_of (what partner apps get) scans the leaves; the rest straight from the tree.
    proofs.update(
        {
            account: {
                "grams": grams_of[account],
                "proof": ["0x" + node.hex() for node in tree.proof(account)],
            }
            for account in sampled[1:]
        }
    )
    assert {len(p["proof"]) for p in proofs.values()} <= {19, 20}  # type: ignore[arg-type]

    mid = dev.register_methodology("WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO)
    pid = dev.register_project(mid, dev.actors.aggregator.address)
    rid = dev.report_last_month(pid, "WHCI-GT-001", total, tree.root)
    led = dev.reg.ledger.functions
    receipt = dev.send(
        dev.actors.agency, led.issueDistribution(rid, total, 2026, 0, tree.root, 30 * DAY)
    )
    (issued,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    batch_id = issued["args"]["batchId"]

    def claim(account: str, grams: int, proof: list[str]) -> None:
        nodes = [bytes.fromhex(node[2:]) for node in proof]
        dev.send(dev.actors.agency, led.claim(batch_id, account, grams, nodes))

    # A proof is only good for its own leaf: the last sampled account with another's proof fails.
    last = sampled[-1]
    with pytest.raises(ChainRevert) as refused:
        claim(last, proofs[last]["grams"], proofs[sampled[0]]["proof"])  # type: ignore[arg-type]
    assert refused.value.error == "LedgerInvalidProof"
    for account in sampled:
        grams = proofs[account]["grams"]
        claim(account, grams, proofs[account]["proof"])  # type: ignore[arg-type]
        assert led.balanceOf(account, batch_id).call() == grams
        assert led.hasClaimed(batch_id, account).call()
    assert led.unclaimedOf(batch_id).call() == total - sum(1_000 + i for i in range(SAMPLED))
    # Building stays in the benchmark's budget (a few seconds; generous for a loaded machine).
    assert built < 60, f"1,000,000-leaf tree took {built:.1f} s"
