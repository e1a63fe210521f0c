"""Shared fixtures and helpers of the registry-node tests (imported by the test_node_* modules).

Each test gets a fresh index on SQLite (a temp file) and on PostgreSQL (a schema of its own
in database `test`, dropped afterwards), so parallel runs never collide.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from carbon_chain.dataset import Allocation, Dataset, InputDigest, MethodologyRef
from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import CancellationKind, MethodologyKind, RetirementPurpose
from carbon_chain.eip712 import ReportPayload
from carbon_chain.merkle import AllocationTree
from registry_node import migrate
from registry_node.app import create_app
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner
from registry_node.models.index import INDEX_TABLES

PG_URL = "postgresql+psycopg://{user}@127.0.0.1:5432/test"
DAY = 24 * 3600
TONNE = 1_000_000


def _pg_user() -> str | None:
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(
                f"host=127.0.0.1 port=5432 dbname=test user={user}", connect_timeout=2
            ):
                return user
        except psycopg.Error:
            continue
    return None


@pytest.fixture(name="node_settings", params=["sqlite", "postgresql"])
def node_settings_fixture(
    request: pytest.FixtureRequest, tmp_path: Path, dev: DevRegistry
) -> Iterator[Settings]:
    """Settings for a fresh index of the dev chain, on SQLite and on PostgreSQL."""
    manifest = tmp_path / "deployment.json"
    dev.deployment.save(manifest)
    rpc = dev.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    common: dict[str, Any] = {
        "rpc_url": rpc,
        "manifest_path": manifest,
        "datasets_dir": tmp_path / "datasets",
        "run_indexer": False,
        "chunk_size": 7,
        "max_chunk_size": 50,
        "reorg_window": 64,
        "page_max_limit": 100,
    }
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'index.db'}", **common)
        return
    user = _pg_user()
    if user is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    schema = f"node_test_{uuid.uuid4().hex[:12]}"
    yield Settings(database_url=PG_URL.format(user=user), database_schema=schema, **common)
    with psycopg.connect(f"host=127.0.0.1 port=5432 dbname=test user={user}", autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # type: ignore[arg-type]


@pytest.fixture(name="engine")
def engine_fixture(node_settings: Settings) -> Iterator[Engine]:
    """A migrated engine for the test's index."""
    eng = make_engine(node_settings)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


def scanner(dev: DevRegistry, engine: Engine, settings: Settings, **kw: Any) -> Scanner:
    """A scanner over the dev chain."""
    return Scanner(dev.w3, engine, dev.deployment, settings, **kw)


@pytest.fixture(name="client")
def client_fixture(node_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The API over the test's index (indexer not running: tests drive the scanner)."""
    with TestClient(create_app(node_settings), raise_server_exceptions=False) as c:
        yield c


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted (event_logs without the surrogate id)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in INDEX_TABLES:
            cols = [c for c in table.c if c.name not in ("id", "updated_at")]
            rows = conn.execute(select(*cols)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def report(
    dev: DevRegistry, project_id: int, code: str, quantity: int, root: bytes, evidence: bytes
) -> int:
    """Submit a 30-day report signed by two verifiers."""
    now = dev.now()
    payload = ReportPayload(
        project_id=project_id,
        period_start=now - 31 * DAY,
        period_end=now - DAY,
        quantity=quantity,
        data_root=root,
        evidence_hash=evidence,
        methodology_code=code,
        methodology_version=1,
        deadline=now + DAY,
    )
    return dev.submit_report(payload)


def lifecycle(dev: DevRegistry, datasets: Path) -> dict[str, Any]:
    """Run the credit lifecycle (as tests/test_lifecycle.py) and return the ids it created."""
    a, led, reg = dev.actors, dev.reg.ledger.functions, dev.reg.registry.functions
    pv = dev.register_methodology("WHCI-PV-001", sector="energy")
    travel = dev.register_methodology(
        "WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=365 * DAY
    )
    pid = dev.register_project(pv, a.proponent.address, region=422800)
    tid = dev.register_project(travel, a.aggregator.address, region=420100)
    rid = report(dev, pid, "WHCI-PV-001", 100 * TONNE, keccak(text="pv-root"), keccak(text="ev"))
    receipt = dev.send(a.agency, led.issueToProponent(rid, 60 * TONNE, 2026, 1000))
    batch_id = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    dev.send(
        a.proponent,
        led.safeTransferFrom(a.proponent.address, a.organiser.address, batch_id, 30 * TONNE, b""),
    )
    now = dev.now()
    receipt = dev.send(
        a.organiser,
        reg.registerEvent("Wuhan Expo", 420106, now, now + 3 * DAY, 25 * TONNE, keccak(text="fp")),
    )
    event_id = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"][
        "eventId"
    ]
    dev.send(a.organiser, led.retireForEvent(event_id, batch_id, 20 * TONNE))
    dev.send(a.organiser, led.retireForEvent(event_id, batch_id, 5 * TONNE))
    dev.send(
        a.proponent,
        led.retire(
            batch_id,
            2 * TONNE,
            a.enterprise.address,
            int(RetirementPurpose.VOLUNTARY),
            b"\x01" * 32,
            420100,
        ),
    )
    dev.send(
        a.agency,
        led.cancelCredits(
            batch_id,
            a.proponent.address,
            TONNE,
            int(CancellationKind.INVALIDATION),
            b"\x02" * 32,
            "meter fault",
        ),
    )
    receipt = dev.send(a.proponent, led.lockForExport(batch_id, 3 * TONNE, keccak(text="hubei")))
    lock_id = dev.reg.events(receipt, dev.reg.ledger, "CreditsLocked")[0]["args"]["lockId"]
    dev.send(a.agency, led.confirmExport(lock_id, keccak(text="HBEA-1")))
    receipt = dev.send(a.proponent, led.lockForExport(batch_id, 2 * TONNE, keccak(text="hubei")))
    open_lock = dev.reg.events(receipt, dev.reg.ledger, "CreditsLocked")[0]["args"]["lockId"]
    dev.send(a.agency, led.setAccountStatus(a.enterprise.address, 2, "investigation"))

    # Green-travel points: a published dataset, a Merkle distribution, two claims of four.
    citizens = a.citizens
    allocations = [(c.address, (i + 1) * 150_000) for i, c in enumerate(citizens)]
    tree = AllocationTree(allocations)
    total = sum(g for _, g in allocations)
    now = dev.now()
    dataset = Dataset(
        chain_id=dev.deployment.chain_id,
        registry=dev.deployment.registry,
        project_id=tid,
        period_start=now - 31 * DAY,
        period_end=now - DAY,
        methodology=MethodologyRef(code="WHCI-GT-001", version=1, parameters={"ef": "test"}),
        quantity=total,
        merkle_root="0x" + tree.root.hex(),
        allocations=[Allocation(account=acc, grams=g) for acc, g in allocations],
        inputs=[InputDigest(source="metro", sha256="00" * 32, records=4)],
    )
    dataset.publish(datasets)
    trid = report(dev, tid, "WHCI-GT-001", total, tree.root, dataset.evidence_hash())
    receipt = dev.send(a.agency, led.issueDistribution(trid, total, 2026, 0, tree.root, 30 * DAY))
    points = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    for citizen, amount in allocations[:2]:
        dev.send(a.agency, led.claim(points, citizen, amount, tree.proof(citizen)))
    dev.send(
        citizens[0],
        led.safeTransferFrom(citizens[0].address, a.aggregator.address, points, 50_000, b""),
    )
    return {
        "batch": batch_id,
        "points": points,
        "event": event_id,
        "report": rid,
        "project": pid,
        "open_lock": open_lock,
        "allocations": allocations,
        "tree": tree,
    }


def holders(dev: DevRegistry) -> list[str]:
    """Every address that can hold credits on the dev chain (plus ledger custody)."""
    a = dev.actors
    people = [a.agency, a.oracle, a.proponent, a.organiser, a.buffer, a.aggregator, a.enterprise]
    return [p.address for p in people + a.verifiers + a.citizens] + [dev.deployment.ledger]


def pg_available() -> bool:
    """Whether the PostgreSQL test database answers."""
    return _pg_user() is not None


def ping(engine: Engine) -> None:
    """Fail fast when the database is unreachable."""
    with engine.connect() as conn:
        conn.execute(text("select 1"))
