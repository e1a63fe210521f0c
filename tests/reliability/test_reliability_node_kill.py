"""FAULTS.md row 25 as a real process fault: `registry-node index` is SIGKILLed mid-index (twice,
at whatever point it has reached) and restarted; the index ends equal to a fresh index, and the
DESIGN.md invariants hold. The RPC goes through the TCP proxy with a per-request delay so the
indexer is reliably caught mid-way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proxy import TcpProxy
from reliability_support import assert_invariants_and_index
from test_node_support import lifecycle

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings
from registry_node.db import make_engine

NODE = str(Path(sys.executable).with_name("registry-node"))


def _cursor(db: Path) -> int | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            row = conn.execute("select block_number from index_cursor").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else int(row[0])


def _start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [NODE, "index", *args],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.chain
def test_sigkill_mid_index_then_restart_equals_a_fresh_index(
    dev: DevRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datasets = tmp_path / "datasets"
    lifecycle(dev, datasets)
    manifest = tmp_path / "deployment.json"
    dev.deployment.save(manifest)
    db = tmp_path / "index.db"
    head = dev.w3.eth.block_number
    rpc = dev.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    with TcpProxy.to_url(rpc) as proxy:
        proxy.delay = 0.02
        env = dict(os.environ)
        env.update(
            REGISTRY_NODE_DATABASE_URL=f"sqlite:///{db}",
            REGISTRY_NODE_RPC_URL=proxy.url,
            REGISTRY_NODE_MANIFEST_PATH=str(manifest),
            REGISTRY_NODE_DATASETS_DIR=str(datasets),
            REGISTRY_NODE_CHUNK_SIZE="1",
            REGISTRY_NODE_MAX_CHUNK_SIZE="1",
            REGISTRY_NODE_POLL_INTERVAL="0.2",
        )
        log = tmp_path / "indexer.log"
        kills: list[int] = []
        for _ in range(2):
            proc = _start(env, log)
            first = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                position = _cursor(db)
                if position is not None:
                    first = first if first is not None else position
                    if position > first:  # committed at least one chunk since starting
                        break
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            assert proc.returncode == -signal.SIGKILL
            position = _cursor(db)
            assert position is not None and position < head, "killed too late to be mid-index"
            kills.append(position)
        assert kills[1] > kills[0], "the restart resumed from the committed cursor"
        proxy.heal()
        done = _start(env, log, "--once")
        assert done.wait(timeout=60) == 0, log.read_text()[-2000:]
    assert _cursor(db) == head
    settings = Settings(
        database_url=f"sqlite:///{db}",
        rpc_url=rpc,
        manifest_path=manifest,
        datasets_dir=datasets,
        run_indexer=False,
    )
    engine = make_engine(settings)
    from fastapi.testclient import TestClient

    from registry_node.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert_invariants_and_index(dev, settings, engine, tmp_path, client, monkeypatch)
    engine.dispose()
