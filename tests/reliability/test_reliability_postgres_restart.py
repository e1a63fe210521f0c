"""Restart PostgreSQL under load, then take it away for seconds (issue 8, FAULTS.md rows 22/28).

The node (in-process indexer + API + signing service) runs on a private PostgreSQL cluster
(tests/reliability/pg_cluster.py: the machine's shared cluster cannot be restarted by one test
run) while 6 clients mix signing requests and reads. The cluster is restarted (`pg_ctl restart
-m fast`: every pooled connection is killed), then stopped for 3 s and started again.

- While the database is away: the API answers 503 with Retry-After, never 500; the indexer
  thread backs off (bounded warnings, no halt) and a transaction sent to the chain meanwhile is
  indexed once the database is back.
- Afterwards everything recovers without restarting the node (`pool_pre_ping` replaces the dead
  connections): every client's signing request (retried with its Idempotency-Key) is mined
  exactly once, within seconds, and nothing else lands. A request the outage cut off before it
  was signed is run again by the retry at once, not answered 409 `in_progress` until
  `tx_stale_seconds` (120 s) pass. The indexer catches up; invariants hold, the node agrees with
  the chain and its index equals a fresh rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import PrivateCluster, unavailable_reason
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
from registry_node.db import make_engine
from registry_node.indexer import cursor as cur

pytestmark = pytest.mark.chain
CLIENTS = 6
PREFIX = "WHCI-PG-"
RETRY_SECONDS = 45  # a signing request is mined within this long of its first attempt
READS = ("/v1/methodologies?limit=5", "/health", "/v1/totals?by=sector", "/v1/accounts?limit=3")


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    """A private, started PostgreSQL cluster, destroyed after the test."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"no private PostgreSQL cluster: {reason}")
    pg = PrivateCluster()
    try:
        pg.start()
        yield pg
    finally:
        pg.destroy()


def test_postgres_restart_and_outage_under_load(
    tmp_path: Path,
    dev: DevRegistry,
    tx_keyfiles: KeyFiles,
    cluster: PrivateCluster,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="registry_node")
    datasets = tmp_path / "datasets"
    lifecycle(dev, datasets)
    settings = base_settings(
        tmp_path,
        dev,
        tx_keyfiles,
        database_url=cluster.url,
        datasets_dir=datasets,
        run_indexer=True,
        poll_interval=0.1,
        retry_max_delay=0.3,
        tx_receipt_timeout=5.0,
        # default tx_stale_seconds (120 s): a request cut off by the outage before it was signed
        # must be retried at once, not answered 409 in_progress until it is stale
    )
    tok = token(settings, "agency", "register_methodology")
    statuses: Counter[int] = Counter()
    in_progress: Counter[str] = Counter()
    read_503: Counter[str] = Counter()
    landed: dict[str, str] = {}
    attempted: set[str] = set()
    problems: list[str] = []
    stop = threading.Event()

    with open_client(settings, tx_keyfiles) as client:

        def check_503(r: object, what: str) -> None:
            retry_after = getattr(r, "headers", {}).get("Retry-After")
            if retry_after is None or int(retry_after) < 1:
                problems.append(f"{what}: 503 without Retry-After")

        def worker(n: int) -> None:
            i = 0
            while not stop.is_set():
                code = f"{PREFIX}{n}-{i}"
                attempted.add(code)
                give_up = time.monotonic() + RETRY_SECONDS
                while time.monotonic() < give_up:  # a client retries with its key until mined
                    r = client.post(
                        "/v1/tx/register_methodology",
                        json=methodology_body(code),
                        headers=auth(tok, code),
                    )
                    statuses[r.status_code] += 1
                    if r.status_code == 200 and r.json()["status"] == "mined":
                        landed[code] = r.json()["tx_hash"]
                        break
                    if r.status_code not in (202, 409, 503):
                        problems.append(f"sign {code}: {r.status_code} {r.text[:300]}")
                        return
                    if r.status_code == 503:
                        check_503(r, f"sign {code}")
                    elif r.status_code == 409:
                        in_progress[r.json()["error"]] += 1
                    time.sleep(0.1)
                else:
                    problems.append(f"sign {code}: never mined: {r.status_code} {r.text[:300]}")
                    return
                for path in READS:
                    q = client.get(path)
                    statuses[q.status_code] += 1
                    if q.status_code == 503:
                        read_503[path] += 1
                        check_503(q, path)
                    elif q.status_code != 200:
                        problems.append(f"GET {path}: {q.status_code} {q.text[:300]}")
                        return
                i += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        cluster.restart()  # fast: every open connection is terminated
        time.sleep(1.5)
        cluster.stop()
        # the database is away: the API says so, the indexer waits, the chain moves on
        outage_started = time.monotonic()
        r = client.get("/v1/methodologies")
        assert r.status_code == 503 and int(r.headers["Retry-After"]) >= 1, r.text
        assert r.json()["error"] == "unavailable"
        r = client.post(
            "/v1/tx/register_methodology",
            json=methodology_body(f"{PREFIX}probe"),
            headers=auth(tok, f"{PREFIX}probe"),
        )
        assert r.status_code == 503 and int(r.headers["Retry-After"]) >= 1, r.text
        dev.register_methodology("WHCI-DIRECT-PG", sector="energy")  # to index after the outage
        time.sleep(max(0.0, 3.0 - (time.monotonic() - outage_started)))
        indexer = client.app.state.indexer  # type: ignore[attr-defined]
        assert indexer.alive and indexer.halted is None
        cluster.start()
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join(timeout=180)
        assert not any(t.is_alive() for t in threads)
        assert not problems, problems[:5]
        assert 500 not in statuses, statuses
        assert statuses[503] > 0, statuses  # the outage was seen by the clients
        assert landed, (statuses, in_progress)

        # every accepted request landed exactly once, and nothing else did
        logs = dev.reg.registry.events.MethodologyRegistered().get_logs(from_block=0)
        on_chain = Counter(str(log["args"]["code"]) for log in logs)
        ours = {code: n for code, n in on_chain.items() if code.startswith(PREFIX)}
        assert set(ours) == set(landed) == attempted, (ours, landed, attempted)
        assert all(n == 1 for n in ours.values()), ours
        assert all(dev.w3.eth.get_transaction_receipt(h)["status"] == 1 for h in landed.values())

        # the indexer backed off (no hot loop), never halted, and caught up
        backoffs = [
            r
            for r in caplog.records
            if r.name == "registry_node.indexer.scanner"
            and "database unavailable" in r.getMessage()
        ]
        assert backoffs, "the indexer never saw the database go away"
        assert len(backoffs) < 60, len(backoffs)
        engine = make_engine(settings)
        head = dev.w3.eth.block_number
        deadline = time.monotonic() + 30
        position = None
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                position = cur.load_cursor(conn)
            if position is not None and position.block_number >= head:
                break
            time.sleep(0.1)
        assert position is not None and position.block_number >= head, (position, head)
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["indexer"] == "in-process", health
        assert_invariants_and_index(dev, settings, engine, tmp_path, client, monkeypatch)
        engine.dispose()
