"""The node cross-check of the market endpoints against the REAL registry node.

The auditor's market ledger (a confirmed and a released compliance use, two partner imports, a
redemption, an expiry sweep) gets a pending use and a points distribution that has not expired;
the node indexes it into SQLite and is served with uvicorn on a free local port. A clean node
agrees with the chain on every market endpoint; after a compliance use, an import, a redemption
and a points balance are changed with SQL in the node's SQLite file, `node_agrees` names them.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from auditor_ledger_support import DAY, TONNE, AuditedLedger, publish_report
from web3 import Web3

# The node's helpers live beside its tests (rootdir-less test folders): make them importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry_node"))

from test_node_explorer_support import served

from auditor import node
from auditor.audit import run_audit
from auditor.findings import AuditContext, CheckResult
from auditor.node import check_node_agrees, fetch_node
from auditor.node_market import MARKET_PATHS
from auditor.replay import LedgerState
from auditor.sources import DatasetSource
from auditor.views import ChainSnapshot
from carbon_chain.domain import MethodologyKind
from carbon_chain.merkle import AllocationTree
from registry_node import migrate
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner


@dataclass
class ServedMarket:
    """The audited market ledger, the node serving its index, and the ids it holds."""

    ledger: AuditedLedger
    url: str
    database: str
    ids: dict[str, int]
    state: LedgerState
    ctx: AuditContext


def _pending_use_and_points(ledger: AuditedLedger) -> dict[str, int]:
    """A use left PENDING and a points distribution two citizens claimed, valid for a year."""
    dev = ledger.dev
    a, mkt, led = dev.actors, dev.reg.market.functions, dev.reg.ledger.functions
    receipt = dev.send(a.proponent, mkt.useForCompliance(2026, ledger.batches["pv"], 2 * TONNE))
    pending = dev.reg.events(receipt, dev.reg.market, "ComplianceUseRequested")[0]["args"]
    mid = dev.register_methodology(
        "WHCI-GT-002", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=365 * DAY
    )
    pid = dev.register_project(mid, a.aggregator.address)
    allocations = [(a.citizens[2].address, 3_000), (a.citizens[3].address, 4_000)]
    report, _ = publish_report(dev, ledger.datasets, pid, "WHCI-GT-002", allocations)
    tree = AllocationTree(allocations)
    receipt = dev.send(a.agency, led.issueDistribution(report, 7_000, 2026, 0, tree.root, DAY))
    batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    for citizen, grams in allocations:
        dev.send(a.agency, led.claim(batch, citizen, grams, tree.proof(citizen)))
    return {"pending_use": int(pending["useId"]), "points": int(batch)}


@pytest.fixture(name="served_market")
def served_market_fixture(ledger: AuditedLedger, tmp_path: Path) -> Iterator[ServedMarket]:
    """Index the market ledger with the real node and serve it; audit the chain clean."""
    dev = ledger.dev
    ids = {**ledger.market, **_pending_use_and_points(ledger)}
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'index.db'}",
        rpc_url=dev.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        manifest_path=ledger.manifest,
        datasets_dir=ledger.datasets,
        run_indexer=False,
        page_max_limit=100,
    )
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        Scanner(dev.w3, engine, dev.deployment, settings).sync()
    finally:
        engine.dispose()
    w3 = Web3(Web3.HTTPProvider(ledger.rpc))
    with served(settings) as url:
        # The whole audit with `--node` (as the CLI runs it): every check passes, the node's
        # answer included, and it read the market's endpoints too.
        outcome = run_audit(w3, dev.deployment, DatasetSource(str(ledger.datasets)), node=url)
        failed = {r.name: r.findings for r in outcome.results if not r.passed}
        assert failed == {}, failed
        (agrees,) = [r for r in outcome.results if r.name == "node_agrees"]
        st = outcome.state
        plain = 2 * len(st.batches) + len(st.retirements) + len(st.events)
        assert agrees.checked > plain + 2 * len(st.compliance_uses) + 2 * len(st.imports)
        ctx = AuditContext(dev.deployment, outcome.block, st, ChainSnapshot(0), {}, {})
        database = settings.database_url.removeprefix("sqlite:///")
        yield ServedMarket(ledger, url, database, ids, st, ctx)


def _cross_check(served_market: ServedMarket) -> CheckResult:
    st = served_market.state
    view = fetch_node(
        served_market.url,
        sorted(st.batches),
        sorted(st.retirements),
        sorted(st.events),
        state=st,
    )
    # The real API has every market path the check reads, so nothing is silently skipped.
    assert MARKET_PATHS <= view.paths
    assert view.errors == []
    market = view.market
    assert market is not None
    assert set(market.year) == set(market.exports) == set(market.entities) == {2026}
    assert set(market.use) == set(st.compliance_uses) and len(st.compliance_uses) == 3
    assert set(market.import_) == set(st.imports) and len(st.imports) == 2
    assert market.redemptions is not None and set(market.redemptions) == set(st.redemptions)
    citizens = [c.address.lower() for c in served_market.ledger.dev.actors.citizens]
    assert set(citizens) <= set(market.points)
    return check_node_agrees(served_market.ctx, view)


def _lie(served_market: ServedMarket, *statements: tuple[str, tuple[Any, ...]]) -> None:
    with closing(sqlite3.connect(served_market.database)) as conn, conn:
        for sql, params in statements:
            assert conn.execute(sql, params).rowcount == 1, sql


def _findings(result: CheckResult) -> set[str]:
    assert not result.passed
    return {f"{f.subject}: {f.message}" for f in result.findings}


def test_the_node_agrees_on_the_market_at_any_page_size(
    served_market: ServedMarket, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _cross_check(served_market).findings == []
    # Above the node's page cap it answers 422: the auditor pages at the node's default size.
    monkeypatch.setattr(node, "PAGE_LIMIT", 101)
    assert _cross_check(served_market).findings == []
    # One item per page: every list (and each points history) is read over several pages.
    monkeypatch.setattr(node, "PAGE_LIMIT", 1)
    assert _cross_check(served_market).findings == []


def test_a_node_lying_about_compliance_uses_is_caught(served_market: ServedMarket) -> None:
    confirmed, pending = served_market.ids["confirmed_use"], served_market.ids["pending_use"]
    entity = served_market.ledger.dev.actors.proponent.address.lower()
    # The confirmed use claims 1 g more; the pending one claims it was exported already.
    _lie(
        served_market,
        ("UPDATE compliance_uses SET amount = amount + 1 WHERE use_id = ?", (confirmed,)),
        ("UPDATE compliance_uses SET status = 2 WHERE use_id = ?", (pending,)),
    )
    found = _findings(_cross_check(served_market))
    exported, held = 4 * TONNE, 2 * TONNE
    last = served_market.state.compliance_uses[confirmed].cancellation_id + exported - 1
    row = f"compliance export 2026 use {confirmed}"
    assert found == {
        f"{row}: node serial_last {last + 1}, chain {last}",
        f"compliance use {confirmed}: node amount {exported + 1}, chain {exported}",
        f"compliance use {pending}: node status EXPORTED, chain PENDING",
        f"{row}: node amount_grams {exported + 1}, chain {exported}",
        f"compliance export 2026 use {pending}: node status EXPORTED, chain PENDING",
        f"compliance export 2026 use {pending}: node pending False, chain True",
        f"compliance export 2026: node totals.exported {exported + 1 + held}, chain {exported}",
        f"compliance export 2026: node totals.pending 0, chain {held}",
        f"covered entity {entity} 2026: node used {exported + 1 + held}, chain {exported + held}",
        f"covered entity {entity} 2026: node pending 0, chain {held}",
        f"covered entity {entity} 2026: node exported {exported + 1 + held}, chain {exported}",
        f"covered entity {entity} 2026: node available {10 * TONNE - exported - 1 - held}, "
        f"chain {10 * TONNE - exported - held}",
    }


def test_a_node_lying_about_an_import_is_caught(served_market: ServedMarket) -> None:
    # The second import's origin moved into the first's range; the first import vanishes.
    _lie(
        served_market,
        ("UPDATE credit_imports SET origin_serial_start = 4000001 WHERE import_id = 2", ()),
        ("DELETE FROM credit_imports WHERE import_id = 1", ()),
    )
    found = _findings(_cross_check(served_market))
    assert found == {
        "import 1: the node does not list it",
        "import 1: the node does not know it",
        "import 2: node origin.serial_start 4000001, chain 5000001",
        "import 2: node origin.quantity 4000000, chain 3000000",
    }


def test_a_node_lying_about_redemptions_and_points_is_caught(served_market: ServedMarket) -> None:
    citizen = served_market.ledger.dev.actors.citizens[2].address
    points = served_market.ids["points"]
    _lie(
        served_market,
        ("UPDATE redemptions SET amount = 5000, batch_id = 99 WHERE redemption_id = 1", ()),
        (
            "UPDATE balances SET amount = amount + 1 WHERE batch_id = ? AND holder = ?",
            (points, citizen),
        ),
        ("UPDATE batches SET expires_at = expires_at + 1 WHERE batch_id = ?", (points,)),
    )
    found = _findings(_cross_check(served_market))
    # The redeeming citizen's points history shows the altered redemption too.
    redeemer = f"points of {served_market.ledger.dev.actors.citizens[1].address.lower()}: "
    (history,) = [f for f in found if f.startswith(redeemer)]
    said, chain = history.removeprefix(redeemer + "node history ").split("], chain [")
    assert "('REDEMPTION', 99, 5000, '0x" in said and "('REDEMPTION', 2, 500, '0x" in chain
    assert said.replace("99, 5000", "2, 500") + "]" == "[" + chain
    found.remove(history)
    subject = f"points of {citizen.lower()}"
    expires = served_market.state.batches[points].expires_at
    others = served_market.ledger.dev.actors.citizens[3].address.lower()
    assert found == {
        "redemption 1: node batch_id 99, chain 2",
        "redemption 1: node amount 5000, chain 500",
        f"balance {citizen.lower()} batch {points}: node 3001, chain 3000",
        f"{subject}: node balances {{{points}: 3001}}, chain {{{points}: 3000}}",
        f"{subject}: node total 3001, chain 3000",
        f"{subject} batch {points}: node expires_at {expires + 1}, chain {expires}",
        f"points of {others} batch {points}: node expires_at {expires + 1}, chain {expires}",
    }
