"""FAULTS.md row 28: SQLite "database is locked". Another connection holds the write lock
(`BEGIN IMMEDIATE`) for longer than the node's busy_timeout.

- The signing API answers 503 with Retry-After (never 500), reads keep being served (WAL), and
  after the lock is released a retry with the same Idempotency-Key lands exactly once.
- The standalone indexer process (`registry-node index`) survives the lock (it retries rather
  than exits) and catches up once the lock is gone; invariants hold, index equals a fresh one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_support import assert_invariants_and_index
from test_node_support import lifecycle
from test_node_tx_support import (  # noqa: F401  (fixture)
    KeyFiles,
    auth,
    base_settings,
    methodology_body,
    open_client,
    token,
    tx_keyfiles_fixture,
)

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings
from registry_node.db import make_engine

pytestmark = pytest.mark.chain
NODE = str(Path(sys.executable).with_name("registry-node"))


def _lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    conn.execute("BEGIN IMMEDIATE")  # the write lock; WAL readers still read
    return conn


def test_locked_database_is_503_then_recovers(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    settings = base_settings(tmp_path, dev, tx_keyfiles, sqlite_busy_timeout_ms=150)
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    tok = token(settings, "agency", "register_methodology")
    body = methodology_body("WHCI-LOCK-1")
    with open_client(settings, tx_keyfiles) as client:
        holder = _lock(db)
        try:
            r = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "k"))
            assert r.status_code == 503, r.text
            assert int(r.headers["Retry-After"]) >= 1 and r.json()["error"] == "unavailable"
            assert client.get("/v1/methodologies").status_code == 200
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        r = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "k"))
        assert r.status_code == 200 and r.json()["status"] == "mined", r.text
    logs = dev.reg.registry.events.MethodologyRegistered().get_logs(from_block=0)
    assert sum(1 for log in logs if log["args"]["code"] == "WHCI-LOCK-1") == 1


def _cursor(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
        row = conn.execute("select block_number from index_cursor").fetchone()
    return -1 if row is None else int(row[0])


def _wait_for(db: Path, block: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if _cursor(db) >= block:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    pytest.fail(f"indexer did not reach block {block}")


def test_standalone_indexer_survives_a_held_lock(
    tmp_path: Path, dev: DevRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    datasets = tmp_path / "datasets"
    ids = lifecycle(dev, datasets)
    manifest = tmp_path / "deployment.json"
    dev.deployment.save(manifest)
    db = tmp_path / "index.db"
    rpc = dev.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    env = dict(os.environ)
    env.update(
        REGISTRY_NODE_DATABASE_URL=f"sqlite:///{db}",
        REGISTRY_NODE_RPC_URL=rpc,
        REGISTRY_NODE_MANIFEST_PATH=str(manifest),
        REGISTRY_NODE_POLL_INTERVAL="0.05",
        REGISTRY_NODE_RETRY_MAX_DELAY="0.2",
        REGISTRY_NODE_SQLITE_BUSY_TIMEOUT_MS="100",
    )
    log = tmp_path / "indexer.log"
    proc = subprocess.Popen(
        [NODE, "index"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(db, dev.w3.eth.block_number, proc, log)
        holder = _lock(db)
        try:
            a, led = dev.actors, dev.reg.ledger.functions
            for _ in range(3):  # new events the indexer cannot write while locked
                dev.send(
                    a.proponent,
                    led.safeTransferFrom(
                        a.proponent.address, a.organiser.address, ids["batch"], 11, b""
                    ),
                )
            time.sleep(1.0)  # > 5 busy timeouts
            assert proc.poll() is None, "indexer exited on a locked database:\n" + log.read_text()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        _wait_for(db, dev.w3.eth.block_number, proc, log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    settings = Settings(
        database_url=f"sqlite:///{db}",
        rpc_url=rpc,
        manifest_path=manifest,
        datasets_dir=datasets,
        run_indexer=False,
    )
    engine = make_engine(settings)
    assert_invariants_and_index(dev, settings, engine, tmp_path)
    engine.dispose()


def test_a_database_error_is_audited_as_the_503_it_answered(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock clears between the failed request and its audit line: the line says 503."""
    from sqlalchemy.exc import OperationalError
    from test_node_tx_support import sessions_of

    from registry_node.tx.models import SigningAudit
    from registry_node.tx.service import SigningService

    settings = base_settings(tmp_path, dev, tx_keyfiles)
    tok = token(settings, "agency", "register_methodology")

    def locked(*_args: object, **_kw: object) -> None:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(SigningService, "submit", locked)
    with open_client(settings, tx_keyfiles) as client:
        body = methodology_body("WHCI-LOCK-2")
        r = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "k2"))
        assert r.status_code == 503 and r.headers["Retry-After"], r.text
    with sessions_of(settings)() as session:
        line = session.query(SigningAudit).filter_by(idempotency_key="k2").one()
    assert (line.http_status, line.outcome) == (503, "unavailable")
