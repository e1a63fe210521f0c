"""FAULTS.md rows 22 and 24 at the TCP level: the JSON-RPC endpoint refuses connections, hangs
(timeouts), or has its connections cut mid-request, through `proxy.TcpProxy`.

- The signing API answers 503 with Retry-After (never 500) while the chain is unreachable, reads
  keep being served, and a retry with the same Idempotency-Key lands the transaction exactly once.
- The indexer, running while connections are refused and cut, catches up once the RPC heals; the
  invariants hold and the index equals a fresh one.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from proxy import TcpProxy
from reliability_support import assert_invariants_and_index
from sqlalchemy.engine import Engine
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
from registry_node import migrate
from registry_node.db import make_engine
from registry_node.indexer import cursor as cur
from registry_node.indexer.scanner import Scanner
from registry_node.metrics import NodeMetrics

pytestmark = pytest.mark.chain
REGISTER = "/v1/tx/register_methodology"


def _indexed(engine: Engine) -> int:
    with engine.connect() as conn:
        position = cur.load_cursor(conn)
    return -1 if position is None else position.block_number


def _landed(dev: DevRegistry, code: str) -> int:
    logs = dev.reg.registry.events.MethodologyRegistered().get_logs(from_block=0)
    return sum(1 for log in logs if log["args"]["code"] == code)


def _unavailable(r: Any) -> None:
    assert r.status_code == 503, (r.status_code, r.text)
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"] == "unavailable"


def test_refused_hung_and_cut_rpc_is_503_then_lands_once(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    rpc = dev.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    with TcpProxy.to_url(rpc) as proxy:
        settings = base_settings(
            tmp_path,
            dev,
            tx_keyfiles,
            rpc_url=proxy.url,
            rpc_timeout=1.0,
            tx_rpc_attempts=2,
            tx_rpc_backoff=0.01,
            tx_rpc_backoff_cap=0.05,
            tx_receipt_timeout=10.0,
        )
        tok = token(settings, "agency", "register_methodology")
        with open_client(settings, tx_keyfiles) as client:
            # Connection refused / reset.
            proxy.refuse = True
            proxy.cut()
            body = methodology_body("WHCI-TCP-1")
            _unavailable(
                client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "a"))
            )
            assert client.get("/v1/methodologies").status_code == 200  # reads keep serving
            health = client.get("/health")
            assert health.status_code == 200 and health.json()["status"] == "degraded"
            # A hung endpoint: the client's timeout fires, still a 503.
            proxy.heal()
            proxy.blackhole = True
            proxy.cut()
            t0 = time.monotonic()
            _unavailable(
                client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "a"))
            )
            assert time.monotonic() - t0 < 15  # bounded: attempts x timeout + backoff
            proxy.heal()
            proxy.cut()
            r = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "a"))
            assert r.status_code == 200 and r.json()["status"] == "mined", r.text
            again = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "a"))
            assert again.status_code == 200 and again.json() == r.json()
            assert _landed(dev, "WHCI-TCP-1") == 1

            # Connections cut while requests are in flight (slow RPC + cut).
            codes = [f"WHCI-TCP-CUT-{i}" for i in range(6)]
            answers: dict[str, int] = {}

            def send(code: str) -> None:
                r = client.post(
                    "/v1/tx/register_methodology",
                    json=methodology_body(code),
                    headers=auth(tok, code),
                )
                answers[code] = r.status_code

            proxy.delay = 0.05
            threads = [threading.Thread(target=send, args=(c,)) for c in codes]
            for t in threads:
                t.start()
            for _ in range(5):
                time.sleep(0.07)
                proxy.cut()
            for t in threads:
                t.join(timeout=60)
            assert set(answers.values()) <= {200, 202, 503}, answers  # never a 500
            proxy.heal()
            for code in codes:  # clients retry with their Idempotency-Key until it lands
                for _ in range(20):
                    r = client.post(
                        "/v1/tx/register_methodology",
                        json=methodology_body(code),
                        headers=auth(tok, code),
                    )
                    if r.status_code == 200 and r.json()["status"] == "mined":
                        break
                    assert r.status_code in (202, 409, 503), r.text
                    time.sleep(0.2)
                else:
                    pytest.fail(f"{code} never landed")
            assert {c: _landed(dev, c) for c in codes} == dict.fromkeys(codes, 1)
    assert proxy.faulted > 0


def test_indexer_survives_refused_and_cut_connections(
    tmp_path: Path, dev: DevRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from registry_node.app import create_app
    from registry_node.config import Settings

    rpc = dev.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    manifest = tmp_path / "deployment.json"
    dev.deployment.save(manifest)
    with TcpProxy.to_url(rpc) as proxy:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'index.db'}",
            rpc_url=proxy.url,
            rpc_timeout=1.0,
            manifest_path=manifest,
            datasets_dir=tmp_path / "datasets",
            run_indexer=False,
            chunk_size=2,
            max_chunk_size=4,
            poll_interval=0.05,
            retry_max_delay=0.2,
        )
        engine = make_engine(settings)
        migrate.upgrade(engine)
        metrics = NodeMetrics()
        scanner = Scanner.from_settings(settings, engine, metrics)
        stop = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                scanner.run(stop)
            except BaseException as exc:  # a halt would be a failure here
                errors.append(exc)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        faults = threading.Event()

        def chaos() -> None:
            while not faults.is_set():
                proxy.refuse = True
                proxy.cut()
                time.sleep(0.15)
                proxy.refuse = False
                time.sleep(0.1)
                proxy.cut()
                time.sleep(0.1)

        chaos_thread = threading.Thread(target=chaos, daemon=True)
        chaos_thread.start()
        lifecycle(dev, settings.datasets_dir)  # the chain moves on while the RPC is flaky
        time.sleep(0.5)
        faults.set()
        chaos_thread.join()
        proxy.heal()
        head = dev.w3.eth.block_number
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _indexed(engine) < head:
            time.sleep(0.05)
        stop.set()
        worker.join(timeout=10)
        assert not errors, errors
        assert proxy.faulted > 0
        assert _indexed(engine) == head
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            assert_invariants_and_index(dev, settings, engine, tmp_path, client, monkeypatch)
        engine.dispose()
