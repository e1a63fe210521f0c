"""Stop and restart the chain (anvil with its state file) under load (FAULTS.md rows 22 and 24).

A node (in-process indexer + signing service) serves 8 clients mixing queries and signing
requests; anvil is stopped (SIGTERM: it writes its state file) for a second and started again
from that file on the same port. While the chain is away: no 500, signing answers 503 with
Retry-After, reads keep being served. Afterwards every client's request (retried with its
Idempotency-Key) lands exactly once, the indexer catches up, the invariants hold and the index
equals a fresh one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from reliability_support import assert_invariants_and_index
from test_node_support import lifecycle
from test_node_tx_support import (  # noqa: F401  (fixture)
    KeyFiles,
    auth,
    methodology_body,
    open_client,
    token,
    tx_keyfiles_fixture,
)
from web3 import Web3

from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer import cursor as cur

pytestmark = pytest.mark.chain
CLIENTS = 8


def test_anvil_restart_under_load(
    tmp_path: Path, tx_keyfiles: KeyFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "anvil-state.json"
    chain = Anvil(state_path=state, extra_args=["--accounts", str(DEV_ACCOUNTS)]).start()
    try:
        w3 = Web3(Web3.HTTPProvider(chain.url, request_kwargs={"timeout": 5}))
        dev = DevRegistry.create(w3)
        datasets = tmp_path / "datasets"
        lifecycle(dev, datasets)
        manifest = tmp_path / "deployment.json"
        dev.deployment.save(manifest)
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'node.db'}",
            rpc_url=chain.url,
            rpc_timeout=2.0,
            manifest_path=manifest,
            datasets_dir=datasets,
            run_indexer=True,
            poll_interval=0.1,
            retry_max_delay=0.3,
            keystore_dir=tx_keyfiles.directory,
            keystore_password_file=tx_keyfiles.password_file,
            signing_keys={"agency": tx_keyfiles.specs["agency"]},
            tx_receipt_timeout=5.0,
            tx_rpc_attempts=2,
            tx_rpc_backoff=0.05,
        )
        tok = token(settings, "agency", "register_methodology")
        statuses: Counter[int] = Counter()
        landed: dict[str, str] = {}
        stop = threading.Event()
        with open_client(settings, None) as client:

            def worker(n: int) -> None:
                i = 0
                while not stop.is_set():
                    code = f"WHCI-RS-{n}-{i}"
                    for _ in range(100):  # a client retries with its key until mined
                        r = client.post(
                            "/v1/tx/register_methodology",
                            json=methodology_body(code),
                            headers=auth(tok, code),
                        )
                        statuses[r.status_code] += 1
                        if r.status_code == 200 and r.json()["status"] == "mined":
                            landed[code] = r.json()["tx_hash"]
                            break
                        assert r.status_code in (202, 409, 503), r.text
                        if r.status_code == 503:
                            assert int(r.headers["Retry-After"]) >= 1
                        time.sleep(0.1)
                    for path in ("/v1/methodologies?limit=5", "/health", "/v1/totals?by=sector"):
                        q = client.get(path)
                        statuses[q.status_code] += 1
                        assert q.status_code == 200, (path, q.status_code, q.text)
                    i += 1

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(1.5)
            chain.stop()  # SIGTERM: anvil dumps its state file
            time.sleep(1.0)
            chain = Anvil(
                port=chain.port, state_path=state, extra_args=["--accounts", str(DEV_ACCOUNTS)]
            ).start()
            time.sleep(2.0)
            stop.set()
            for t in threads:
                t.join(timeout=120)
            assert not any(t.is_alive() for t in threads)
            assert 500 not in statuses, statuses
            assert statuses[503] > 0, statuses  # the outage was seen by the clients
            assert landed, statuses
            # every accepted request landed exactly once
            logs = dev.reg.registry.events.MethodologyRegistered().get_logs(from_block=0)
            on_chain = Counter(log["args"]["code"] for log in logs)
            assert all(on_chain[code] == 1 for code in landed), on_chain
            assert all(w3.eth.get_transaction_receipt(h)["status"] == 1 for h in landed.values())
            engine = make_engine(settings)
            head = w3.eth.block_number
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    position = cur.load_cursor(conn)
                if position is not None and position.block_number >= head:
                    break
                time.sleep(0.1)
            health = client.get("/health").json()
            assert health["status"] == "ok", health
            assert_invariants_and_index(dev, settings, engine, tmp_path, client, monkeypatch)
            engine.dispose()
    finally:
        chain.stop()
