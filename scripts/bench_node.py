"""Benchmark the registry node: indexer ingest rate and query latency → bench/results/node.json.

1. Ingest: a fresh anvil with the registry deployed; one batch issued, then N credit transfers
   (each one TransferSingle log) sent as JSON-RPC batch requests of `eth_sendTransaction`
   (anvil's unlocked dev accounts, so no Python signing) and mined many per block. The
   scanner then indexes the whole chain into a new SQLite file; events/s = logs / sync time.
2. Queries: an index of >= 1,000,000 events is SYNTHESIZED directly in SQLite (event_logs
   rows plus consistent-looking projections: accounts, batches, balances, retirements), the
   API is served by uvicorn, and 100 concurrent clients issue a mix of point and list queries;
   latency percentiles are measured client-side.

Usage: .venv/bin/python scripts/bench_node.py [--transfers 20000] [--events 1000000]
Not run by the test-suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import requests
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_chain.anvil import Anvil, free_port  # noqa: E402
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry  # noqa: E402
from carbon_chain.eip712 import ReportPayload  # noqa: E402
from registry_node import migrate  # noqa: E402
from registry_node.config import Settings  # noqa: E402
from registry_node.db import make_engine  # noqa: E402
from registry_node.indexer.scanner import Scanner  # noqa: E402

DAY = 24 * 3600
TONNE = 1_000_000
RESULTS = ROOT / "bench" / "results" / "node.json"


def _rpc_batch(url: str, calls: list[tuple[str, list[Any]]]) -> list[Any]:
    body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
    response = requests.post(url, json=body, timeout=120)
    response.raise_for_status()
    out = response.json()
    errors = [r["error"] for r in out if "error" in r]
    if errors:
        raise RuntimeError(f"RPC batch errors: {errors[:3]}")
    return out


def bench_ingest(transfers: int, per_block: int, tmp: Path) -> dict[str, Any]:
    """Generate `transfers` TransferSingle logs on anvil and time a full index into SQLite."""
    with Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS), "--gas-limit", "1000000000"]) as node:
        w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 120}))
        dev = DevRegistry.create(w3)
        a, led = dev.actors, dev.reg.ledger.functions
        mid = dev.register_methodology("WHCI-PV-001", sector="energy")
        pid = dev.register_project(mid, a.proponent.address)
        now = dev.now()
        rid = dev.submit_report(
            ReportPayload(
                pid,
                now - 9 * DAY,
                now - DAY,
                10**9 * TONNE // 1000,
                b"\x01" * 32,
                b"\x02" * 32,
                "WHCI-PV-001",
                1,
                now + DAY,
            )
        )
        receipt = dev.send(a.agency, led.issueToProponent(rid, 10**6 * TONNE, 2026, 0))
        batch_id = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
        recipients = [a.organiser.address, a.enterprise.address, a.aggregator.address]
        calldata = [
            dev.reg.ledger.encode_abi(
                "safeTransferFrom", args=[a.proponent.address, r, batch_id, 1, b""]
            )
            for r in recipients
        ]
        w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
        nonce = w3.eth.get_transaction_count(a.proponent.address)
        started = time.perf_counter()
        sent = 0
        while sent < transfers:
            n = min(per_block, transfers - sent)
            calls: list[tuple[str, list[Any]]] = [
                (
                    "eth_sendTransaction",
                    [
                        {
                            "from": a.proponent.address,
                            "to": dev.deployment.ledger,
                            "data": calldata[(sent + i) % len(calldata)],
                            "gas": hex(120_000),
                            "nonce": hex(nonce + sent + i),
                        }
                    ],
                )
                for i in range(n)
            ]
            _rpc_batch(node.url, calls)
            _rpc_batch(node.url, [("evm_mine", [])])
            sent += n
        generate_s = time.perf_counter() - started
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        db = tmp / "ingest.db"
        settings = Settings(
            database_url=f"sqlite:///{db}",
            rpc_url=node.url,
            chunk_size=2000,
            max_chunk_size=100_000,
            run_indexer=False,
        )
        engine = make_engine(settings)
        migrate.upgrade(engine)
        scanner = Scanner(w3, engine, dev.deployment, settings)
        started = time.perf_counter()
        events = scanner.sync()
        elapsed = time.perf_counter() - started
        engine.dispose()
        chain_balance = led.balanceOf(a.organiser.address, batch_id).call()
    return {
        "transfers_sent": transfers,
        "transfers_per_block": per_block,
        "generate_seconds": round(generate_s, 2),
        "events_indexed": events,
        "index_seconds": round(elapsed, 3),
        "events_per_second": round(events / elapsed),
        "organiser_balance_on_chain": chain_balance,
    }


def synthesize(db: Path, events: int) -> dict[str, Any]:
    """Fill a migrated SQLite index with `events` logs and matching projections."""
    import sqlite3

    settings = Settings(database_url=f"sqlite:///{db}", run_indexer=False)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(7)  # noqa: S311 - synthetic data
    accounts = [f"0x{rng.getrandbits(160):040x}" for _ in range(20_000)]
    from eth_utils.address import to_checksum_address

    accounts = [to_checksum_address(x) for x in accounts]
    batches = 2_000
    retirements = events // 10
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    h = "0x" + "ab" * 32
    con.executemany(
        "INSERT INTO accounts VALUES (?,?,?,?,?,?,?)",
        [(acc, 4, 1, 420100, h, 1, h) for acc in accounts],
    )
    con.execute("INSERT INTO methodologies VALUES (1,'WHCI-PV-001',1,'energy',0,?,0,1,1,?)", (h, h))
    con.execute(
        "INSERT INTO projects VALUES (1,1,?,422800,0,?,'ipfs://p',2,1,?)", (accounts[0], h, h)
    )
    con.execute(
        "INSERT INTO reports VALUES (1,?,1,1,0,1,1,1,1,?,?,?,'[]',1,?)",
        (h, 10**15, h, h, h),
    )
    con.executemany(
        "INSERT INTO batches VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (b, 1, 1, accounts[0], 1 + b * 10**9, 2026, 0, 10**9, 0, 0, 0, h, 0, 0, 10**8, 0, 1, h)
            for b in range(1, batches + 1)
        ],
    )
    seen: set[tuple[int, str]] = set()
    rows = []
    for acc in accounts:
        for _ in range(5):
            key = (rng.randint(1, batches), acc)
            if key not in seen:
                seen.add(key)
                rows.append((key[0], acc, rng.randint(1, 10**7)))
    con.executemany("INSERT INTO balances VALUES (?,?,?)", rows)
    con.executemany(
        "INSERT INTO retirements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                1 + i * 1000,
                rng.randint(1, batches),
                accounts[i % len(accounts)],
                accounts[(i * 7) % len(accounts)],
                1000,
                1 + i % 3,
                h,
                420100,
                None,
                i // 100,
                0,
                h,
                0,
            )
            for i in range(retirements)
        ],
    )
    args = '{"operator":"0x0","from":"0x0","to":"0x0","id":"1","value":"1"}'
    chunk = 100_000
    for start in range(0, events, chunk):
        con.executemany(
            "INSERT INTO event_logs (chain_id,block_number,block_hash,tx_hash,tx_index,log_index,"
            "contract,name,address,topics,data,args) VALUES (31337,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    i // 100,
                    h,
                    f"0x{i:064x}",
                    0,
                    i % 100,
                    "CarbonLedger",
                    "TransferSingle",
                    accounts[0],
                    b"\x00" * 128,
                    b"\x00" * 64,
                    args,
                )
                for i in range(start, min(events, start + chunk))
            ],
        )
    con.execute(
        "INSERT INTO index_cursor (id,chain_id,registry_address,ledger_address,market_address,"
        "deploy_block,deploy_block_hash,block_number,block_hash,updated_at) "
        "VALUES (1,31337,?,?,?,1,?,?,?,0)",
        (accounts[0], accounts[1], accounts[2], h, events // 100, h),
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return {
        "accounts": len(accounts),
        "batches": batches,
        "balances": len(rows),
        "retirements": retirements,
        "event_logs": events,
    }


async def _load(
    base: str, clients: int, duration: float, accounts: list[str], batches: int, retirements: int
) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(seed: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(seed)  # noqa: S311 - load mix
        while time.perf_counter() < deadline:
            pick = rng.random()
            if pick < 0.3:
                path = f"/v1/batches/{rng.randint(1, batches)}"
            elif pick < 0.6:
                path = f"/v1/accounts/{rng.choice(accounts)}/balances"
            elif pick < 0.8:
                path = f"/v1/retirements/{1 + rng.randrange(retirements) * 1000}"
            else:
                path = f"/v1/retirements?beneficiary={rng.choice(accounts)}&limit=20"
            t0 = time.perf_counter()
            response = await client.get(path)
            latencies.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await asyncio.gather(*(worker(i, client) for i in range(clients)))
    return latencies


def bench_queries(
    events: int, clients: int, duration: float, workers: int, tmp: Path
) -> dict[str, Any]:
    """Serve a synthesized index and measure latency under `clients` concurrent clients."""
    db = tmp / "query.db"
    started = time.perf_counter()
    shape = synthesize(db, events)
    synth_s = time.perf_counter() - started
    import sqlite3

    con = sqlite3.connect(db)
    accounts = [r[0] for r in con.execute("SELECT address FROM accounts LIMIT 5000")]
    con.close()
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_NODE_DATABASE_URL": f"sqlite:///{db}",
        "REGISTRY_NODE_RUN_INDEXER": "false",
        "REGISTRY_NODE_RPC_URL": "http://127.0.0.1:9",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "registry_node.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/batches/1", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        asyncio.run(_load(base, clients, 3, accounts, shape["batches"], shape["retirements"]))
        latencies = asyncio.run(
            _load(base, clients, duration, accounts, shape["batches"], shape["retirements"])
        )
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    ms = [x * 1000 for x in latencies]

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 2)

    return {
        "synthesized": True,
        "index": shape,
        "synthesize_seconds": round(synth_s, 1),
        "clients": clients,
        "uvicorn_workers": workers,
        "cpus": os.cpu_count(),
        "requests": len(ms),
        "requests_per_second": round(len(ms) / duration),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(ms), 2),
        "mix": "30% batch+supply, 30% account balances, 20% retirement by id, "
        "20% retirements by beneficiary",
    }


def main() -> int:
    """Run both benchmarks and write bench/results/node.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=20_000)
    parser.add_argument("--per-block", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    if RESULTS.exists():
        result = json.loads(RESULTS.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_ingest:
            result["ingest"] = bench_ingest(args.transfers, args.per_block, Path(tmp))
            print(json.dumps(result["ingest"], indent=2), flush=True)
        if not args.skip_queries:
            result["queries"] = bench_queries(
                args.events, args.clients, args.duration, args.workers, Path(tmp)
            )
            print(json.dumps(result["queries"], indent=2), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
