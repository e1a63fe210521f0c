"""The node cross-check against the REAL registry node: the node's own test fixtures run the
credit lifecycle on the dev chain, index it into SQLite and serve `create_app(settings)` with
uvicorn on a free local port; the auditor then reads that node over HTTP. A clean node agrees
with the chain; after one balance row and one retirement amount are changed with SQL in the
node's SQLite file, `node_agrees` names both.

Only this test imports the node (its test helpers); the auditor package never does.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from web3 import Web3

# The node's fixtures live beside its tests (rootdir-less test folders): make them importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry_node"))

from test_node_explorer_browser import base_url_fixture  # noqa: F401
from test_node_explorer_support import ExplorerIndex, explorer_index_fixture  # noqa: F401

from auditor import node
from auditor.audit import run_audit
from auditor.findings import AuditContext, CheckResult
from auditor.node import EVENT, HOLDERS, RETIREMENT, SUPPLY, check_node_agrees, fetch_node
from auditor.node_market import points_sample
from auditor.sources import DatasetSource
from auditor.views import ChainSnapshot


def _cross_check(ctx: AuditContext, base_url: str) -> CheckResult:
    st = ctx.state
    view = fetch_node(base_url, sorted(st.batches), sorted(st.retirements), sorted(st.events))
    # The real API has every path the check reads, so nothing is silently skipped.
    assert {SUPPLY, HOLDERS, RETIREMENT, EVENT} <= view.paths
    assert set(view.supplies) == set(view.holders) == set(st.batches)
    assert set(view.retirements) == set(st.retirements)
    assert set(view.events) == set(st.events)
    assert view.errors == []
    answers = [*view.supplies.values(), *view.holders.values(), *view.retirements.values()]
    assert None not in [*answers, *view.events.values()]
    return check_node_agrees(ctx, view)


def test_the_real_node_agrees_until_its_database_is_tampered(
    explorer_index: ExplorerIndex, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, settings, ids = explorer_index.dev, explorer_index.settings, explorer_index.ids
    w3 = Web3(Web3.HTTPProvider(dev.w3.provider.endpoint_uri))  # type: ignore[attr-defined]
    # The whole audit with `--node` (as the CLI runs it): the node's answer is one more check.
    outcome = run_audit(
        w3, dev.deployment, DatasetSource(str(settings.datasets_dir)), node=base_url
    )
    (clean,) = [r for r in outcome.results if r.name == "node_agrees"]
    assert clean.findings == [], [f"{f.subject}: {f.message}" for f in clean.findings]
    st = outcome.state
    plain = 2 * len(st.batches) + len(st.retirements) + len(st.events)
    # No market activity here: only the points holders' lookups come on top.
    assert clean.checked == plain + len(points_sample(st)) >= 6 + 2
    ctx = AuditContext(dev.deployment, outcome.block, st, ChainSnapshot(0), {}, {})
    # The node's page cap is its own setting: above it the node answers 422, and the auditor
    # falls back to the node's default page size rather than reporting an error.
    with monkeypatch.context() as patched:
        patched.setattr(node, "PAGE_LIMIT", settings.page_max_limit + 1)
        assert _cross_check(ctx, base_url).findings == []

    # Tamper the node's index behind its back: one balance row, one retirement amount.
    batch = ids["batch"]
    organiser = dev.actors.organiser.address
    certificate = min(st.retirements)
    real_amount = st.retirements[certificate].amount
    database = settings.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as conn, conn:
        changed = conn.execute(
            "UPDATE balances SET amount = amount + 1 WHERE batch_id = ? AND holder = ?",
            (batch, organiser),
        ).rowcount
        changed += conn.execute(
            "UPDATE retirements SET amount = 7 WHERE certificate_id = ?", (certificate,)
        ).rowcount
    assert changed == 2

    lying = _cross_check(ctx, base_url)
    assert not lying.passed
    messages = {f.subject: f.message for f in lying.findings}
    balance = st.balances[batch][organiser]
    assert messages == {
        f"balance {organiser.lower()} batch {batch}": f"node {balance + 1}, chain {balance}",
        f"retirement {certificate}": f"node amount 7, chain {real_amount}",
    }
