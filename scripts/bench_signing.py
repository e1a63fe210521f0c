"""Benchmark the signing service: transactions per second landed on anvil.

Starts a fresh anvil, deploys the registry, writes the agency's dev key into an encrypted
keystore, serves the node with uvicorn on a free port, and fires `--requests` signing requests
(`register_account` for fresh addresses: independent, so they can all land) from `--clients`
concurrent HTTP clients. Every request must end mined (HTTP 200); the figure is requests
landed / wall-clock seconds. Results go to bench/results/signing.json.

    .venv/bin/python scripts/bench_signing.py [--requests 1000] [--clients 32] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_chain.anvil import Anvil, free_port  # noqa: E402
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry  # noqa: E402
from carbon_chain.signer import DEV_MNEMONIC, write_keystore  # noqa: E402
from registry_node import migrate  # noqa: E402
from registry_node.config import Settings  # noqa: E402
from registry_node.db import make_engine, make_session_factory  # noqa: E402
from registry_node.tx.auth import create_token  # noqa: E402

PASSWORD = "bench-only-password"  # noqa: S105  (a throwaway keystore of a dev key)


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """Start `registry-node serve` in its own process (its own GIL, as in production)."""
    port = free_port()
    workers = int(env.get("BENCH_WORKERS", "1"))
    if workers == 1:
        argv = ["-m", "registry_node.cli", "--log-level", "warning", "serve", "--no-indexer"]
    else:  # several processes share the key: the database row lock orders their nonces
        argv = ["-m", "uvicorn", "registry_node.asgi:app", "--workers", str(workers)]
        argv += ["--log-level", "warning"]
    proc = subprocess.Popen(
        [sys.executable, *argv, "--port", str(port)],
        env={**os.environ, **env},
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"registry-node serve exited with {proc.returncode}")
        try:
            httpx.get(url + "/v1/tx/ops", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("registry-node serve did not start")


def _body() -> dict[str, Any]:
    address = Account.from_key(os.urandom(32)).address
    return {
        "account": address,
        "kind": "INDIVIDUAL",
        "region": 420106,
        "record_hash": "0x" + os.urandom(32).hex(),
    }


def run(
    requests: int,
    clients: int,
    database_url: str | None,
    schema: str | None,
    workers: int = 1,
    block_time: int = 0,
) -> dict[str, Any]:
    """Run one benchmark and return its figures."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS)]) as anvil,
    ):
        from web3 import Web3

        w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 30}))
        dev = DevRegistry.create(w3)
        if block_time:  # blocks on a timer (like QBFT) instead of one block per transaction
            w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
            w3.provider.make_request("evm_setIntervalMining", [block_time])  # type: ignore[arg-type]
        work = Path(tmp)
        manifest = work / "deployment.json"
        dev.deployment.save(manifest)
        agency_key = Account.from_mnemonic(DEV_MNEMONIC, account_path="m/44'/60'/0'/0/0").key
        write_keystore(bytes(agency_key), work / "keys" / "agency.json", PASSWORD)
        (work / "password").write_text(PASSWORD)
        env = {
            "REGISTRY_NODE_DATABASE_URL": database_url or f"sqlite:///{work / 'node.db'}",
            "REGISTRY_NODE_RPC_URL": anvil.url,
            "REGISTRY_NODE_MANIFEST_PATH": str(manifest),
            "REGISTRY_NODE_KEYSTORE_DIR": str(work / "keys"),
            "REGISTRY_NODE_KEYSTORE_PASSWORD_FILE": str(work / "password"),
            "REGISTRY_NODE_SIGNING_KEYS": json.dumps({"agency": {"role": "agency"}}),
            "REGISTRY_NODE_RUN_INDEXER": "false",
            "REGISTRY_NODE_MIGRATE_ON_STARTUP": "false",  # migrated once below
            "BENCH_WORKERS": str(workers),
        }
        if schema:
            env["REGISTRY_NODE_DATABASE_SCHEMA"] = schema
        settings = Settings(database_url=env["REGISTRY_NODE_DATABASE_URL"], database_schema=schema)
        engine = make_engine(settings)
        migrate.upgrade(engine)
        with make_session_factory(engine)() as session, session.begin():
            token, _ = create_token(session, "bench", "agency", frozenset({"register_account"}))
        engine.dispose()
        proc, url = _serve(env)
        headers = {"Authorization": f"Bearer {token}"}
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        start_nonce = w3.eth.get_transaction_count(dev.actors.agency.address)
        latencies: list[float] = []
        codes: dict[int, int] = {}
        lock = threading.Lock()
        try:
            with httpx.Client(base_url=url, timeout=120, limits=limits) as http:
                # Warm-up: connections, caches (not counted).
                for _ in range(5):
                    h = {**headers, "Idempotency-Key": uuid.uuid4().hex}
                    http.post("/v1/tx/register_account", json=_body(), headers=h).raise_for_status()
                start_nonce = w3.eth.get_transaction_count(dev.actors.agency.address)
                bodies = [_body() for _ in range(requests)]

                def one(body: dict[str, Any]) -> None:
                    h = {**headers, "Idempotency-Key": uuid.uuid4().hex}
                    began = time.perf_counter()
                    r = http.post("/v1/tx/register_account", json=body, headers=h)
                    took = time.perf_counter() - began
                    with lock:
                        latencies.append(took)
                        codes[r.status_code] = codes.get(r.status_code, 0) + 1

                began = time.perf_counter()
                with ThreadPoolExecutor(max_workers=clients) as pool:
                    list(pool.map(one, bodies))
                elapsed = time.perf_counter() - began
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        landed = w3.eth.get_transaction_count(dev.actors.agency.address) - start_nonce
        latencies.sort()
        return {
            "database": "postgresql" if database_url else "sqlite",
            "server_processes": workers,
            "mining": f"interval {block_time}s" if block_time else "automine",
            "requests": requests,
            "clients": clients,
            "status_codes": {str(k): v for k, v in sorted(codes.items())},
            "landed": landed,
            "seconds": round(elapsed, 3),
            "tx_per_s": round(landed / elapsed, 1),
            "latency_ms": {
                "p50": round(1000 * statistics.median(latencies), 1),
                "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
                "max": round(1000 * latencies[-1], 1),
            },
        }


def _drop_schema(database_url: str, schema: str) -> None:
    import psycopg

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> int:
    """Run the benchmark scenarios and write bench/results/signing.json."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="server processes, last run")
    parser.add_argument("--database-url", help="also run on PostgreSQL at this URL")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "signing.json")
    args = parser.parse_args()
    n, c = args.requests, args.clients
    scenarios: list[dict[str, Any]] = [
        {"requests": min(n, 200), "clients": 1},
        {"requests": n, "clients": c},
        {"requests": n, "clients": 200, "block_time": 1},
        {"requests": n, "clients": 2 * c, "workers": args.workers},
    ]
    if args.database_url:
        scenarios.append({"requests": n, "clients": c, "database_url": args.database_url})
        scenarios.append(
            {
                "requests": n,
                "clients": 2 * c,
                "workers": args.workers,
                "database_url": args.database_url,
            }
        )
    load = [round(x, 2) for x in os.getloadavg()]
    runs = []
    for sc in scenarios:
        url = sc.get("database_url")
        schema = f"bench_{uuid.uuid4().hex[:8]}" if url else None
        try:
            runs.append(
                run(
                    sc["requests"],
                    sc["clients"],
                    url,
                    schema,
                    sc.get("workers", 1),
                    sc.get("block_time", 0),
                )
            )
        finally:
            if url and schema:
                _drop_schema(url, schema)
        r = runs[-1]
        print(
            f"{r['database']:<10} {r['mining']:<11} procs={r['server_processes']} "
            f"clients={r['clients']:<3} {r['landed']}/{r['requests']} landed in {r['seconds']}s "
            f"= {r['tx_per_s']} tx/s (p50 {r['latency_ms']['p50']} ms, "
            f"p95 {r['latency_ms']['p95']} ms) codes={r['status_codes']}",
            flush=True,
        )
    result = {
        "benchmark": "signing service: independent register_account requests for one key, "
        "each simulated, nonce-allocated, signed, sent and tracked to its receipt on anvil",
        "figure": "tx_per_s = transactions landed on chain / wall-clock seconds",
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": load},
        "note": "anvil, the node and the load generator share the machine's CPUs",
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    ok = all(
        r["landed"] == r["requests"] and r["status_codes"] == {"200": r["requests"]} for r in runs
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
