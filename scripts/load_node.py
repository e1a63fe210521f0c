"""Load test of the registry node: many concurrent clients mixing queries and signing requests.

Starts a fresh anvil, deploys the registry, writes the agency's dev key into an encrypted
keystore, serves the node with uvicorn (`registry-node serve`, indexer in process) on a free
port, and runs `--clients` concurrent clients for `--seconds`. Each client loops: with
probability `--sign-share` a signing request (`register_account` for a fresh address), otherwise
a query (lists, one account, totals, health). Then it checks:

- no 5xx answer at all;
- every accepted signing request (200 mined / 202 pending) ends mined, its transaction exists
  once on chain with status 1; the agency's nonces are unique and contiguous (no collision, no
  gap); the number of `AccountRegistered` events equals the number of accepted requests.

    .venv/bin/python scripts/load_node.py [--clients 200] [--seconds 20] [--sign-share 0.2]

Figures (requests/s, status codes, latency) are printed and written to bench/results/load.json.
`tests/reliability/test_reliability_load.py` runs a shorter variant through `run()`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_chain.anvil import Anvil, free_port  # noqa: E402
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry  # noqa: E402
from carbon_chain.signer import DEV_MNEMONIC, write_keystore  # noqa: E402
from registry_node import migrate  # noqa: E402
from registry_node.config import Settings  # noqa: E402
from registry_node.db import make_engine, make_session_factory  # noqa: E402
from registry_node.tx.auth import create_token  # noqa: E402

PASSWORD = "load-test-only-password"  # noqa: S105  (a throwaway keystore of a dev key)
SERVE = ("--log-level", "warning", "serve", "--host", "127.0.0.1")
QUERIES = (
    "/v1/methodologies?limit=20",
    "/v1/accounts?limit=20",
    "/v1/batches?limit=20",
    "/v1/projects?limit=20",
    "/v1/retirements?limit=20",
    "/v1/totals?by=sector",
    "/health",
)


@dataclass
class Tally:
    """What the clients saw (shared by the client threads, under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)  # request id -> account address
    pending: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    queries: int = 0
    signs: int = 0
    reconnects: int = 0


def start_node(env: dict[str, str], timeout: float = 60) -> tuple[subprocess.Popen[bytes], str]:
    """Start `registry-node serve` (its own process) on a free port; return it and its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_node.cli", *SERVE, "--port", str(port)],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"registry-node serve exited with {proc.returncode}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("registry-node serve did not start")


def node_env(
    dev: DevRegistry, work: Path, keystore_dir: Path, password_file: Path
) -> dict[str, str]:
    """Settings (environment) of a node on `dev`'s chain signing with the agency's keystore."""
    manifest = work / "deployment.json"
    dev.deployment.save(manifest)
    return {
        "REGISTRY_NODE_DATABASE_URL": f"sqlite:///{work / 'node.db'}",
        "REGISTRY_NODE_RPC_URL": dev.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        "REGISTRY_NODE_MANIFEST_PATH": str(manifest),
        "REGISTRY_NODE_DATASETS_DIR": str(work / "datasets"),
        "REGISTRY_NODE_KEYSTORE_DIR": str(keystore_dir),
        "REGISTRY_NODE_KEYSTORE_PASSWORD_FILE": str(password_file),
        "REGISTRY_NODE_SIGNING_KEYS": json.dumps({"agency": {"role": "agency"}}),
        "REGISTRY_NODE_RUN_INDEXER": "true",
        "REGISTRY_NODE_POLL_INTERVAL": "0.2",
        "REGISTRY_NODE_TX_RECEIPT_TIMEOUT": "30",
    }


def make_token(env: dict[str, str]) -> str:
    """Migrate the node's database and create a register_account token for the agency."""
    engine = make_engine(Settings(database_url=env["REGISTRY_NODE_DATABASE_URL"]))
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        token, _ = create_token(session, "load", "agency", frozenset({"register_account"}))
    engine.dispose()
    return token


def _send(
    http: httpx.Client,
    tally: Tally,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str] | None,
) -> httpx.Response:
    """One request; a keep-alive connection the server closed just as it was reused (reset
    before any answer) is retried once on a new connection, as HTTP clients do. Signing
    requests carry their Idempotency-Key, so the retry can never sign twice."""
    try:
        return http.request(method, path, json=body, headers=headers)
    except (httpx.ReadError, httpx.RemoteProtocolError):
        with tally.lock:
            tally.reconnects += 1
        return http.request(method, path, json=body, headers=headers)


def _client(
    http: httpx.Client,
    token: str,
    addresses: list[str],
    sign_share: float,
    until: float,
    tally: Tally,
    seed: int,
) -> None:
    rnd = random.Random(seed)  # noqa: S311  (load mix, not crypto)
    while time.monotonic() < until:
        began = time.perf_counter()
        try:
            if rnd.random() < sign_share:
                account = Account.from_key(rnd.randbytes(32)).address
                body = {
                    "account": account,
                    "kind": "INDIVIDUAL",
                    "region": 420106,
                    "record_hash": "0x" + rnd.randbytes(32).hex(),
                }
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
                r = _send(http, tally, "POST", "/v1/tx/register_account", body, headers)
                with tally.lock:
                    tally.signs += 1
                    if r.status_code in (200, 202):
                        answer = r.json()
                        tally.accepted[answer["id"]] = account
                        if r.status_code == 202:
                            tally.pending.append(answer["id"])
            else:
                path = rnd.choice(QUERIES)
                if rnd.random() < 0.3:
                    path = f"/v1/accounts/{rnd.choice(addresses)}"
                r = _send(http, tally, "GET", path, None, None)
                with tally.lock:
                    tally.queries += 1
        except httpx.HTTPError as exc:
            with tally.lock:
                tally.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        took = time.perf_counter() - began
        with tally.lock:
            tally.codes[r.status_code] += 1
            tally.latencies.append(took)
            if r.status_code >= 500:
                tally.errors.append(f"{r.status_code} {r.request.url.path}: {r.text[:200]}")


def drive(
    url: str, token: str, addresses: list[str], clients: int, seconds: float, sign_share: float
) -> tuple[Tally, float]:
    """Run the clients for `seconds`; return what they saw and the elapsed time."""
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=url, timeout=120, limits=limits) as http:
        began = time.perf_counter()
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=_client, args=(http, token, addresses, sign_share, until, tally, n)
            )
            for n in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    return tally, elapsed


def verify(
    url: str, token: str, w3: Web3, dev: DevRegistry, start_block: int, tally: Tally
) -> dict[str, Any]:
    """Every accepted request mined exactly once, nonces unique and contiguous; figures."""
    headers = {"Authorization": f"Bearer {token}"}
    hashes: dict[str, str] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for request_id in tally.accepted:
            for _ in range(300):
                answer = http.get(f"/v1/tx/{request_id}", headers=headers).json()
                if answer["status"] != "pending":
                    break
                time.sleep(0.1)
            if answer["status"] != "mined":
                raise AssertionError(f"request {request_id} ended {answer['status']}")
            hashes[request_id] = answer["tx_hash"]
    agency = dev.actors.agency.address
    nonces = []
    for tx_hash in hashes.values():
        tx = w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
        receipt = w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        if receipt["status"] != 1 or tx["from"] != agency:
            raise AssertionError(f"{tx_hash} failed or not from the agency")
        nonces.append(int(tx["nonce"]))
    if len(set(hashes.values())) != len(hashes) or len(set(nonces)) != len(nonces):
        raise AssertionError("two accepted requests share a transaction or a nonce")
    # Every agency transaction since the start is an accepted request's, or a nonce-gap filler
    # (a zero-value transfer to itself, signing.md "Reconcile"); nothing else, nothing twice.
    mine = set(hashes.values())
    others: list[dict[str, Any]] = []
    for number in range(start_block + 1, w3.eth.block_number + 1):
        block: Any = w3.eth.get_block(number, full_transactions=True)
        for tx in block["transactions"]:
            if tx["from"] == agency and "0x" + bytes(tx["hash"]).hex() not in mine:
                others.append(dict(tx))
    fillers = [t for t in others if t["to"] == agency and t["value"] == 0]
    if len(fillers) != len(others):
        raise AssertionError(f"unexpected agency transactions: {others[:3]}")
    every = sorted(nonces + [int(t["nonce"]) for t in fillers])
    if every and every != list(range(every[0], every[0] + len(every))):
        raise AssertionError("the agency's nonces have a gap")
    logs = dev.reg.ledger.events.AccountRegistered().get_logs(from_block=start_block)
    registered = Counter(str(log["args"]["account"]) for log in logs)
    wanted = Counter(tally.accepted.values())
    if registered != wanted:
        raise AssertionError("accounts on chain differ from the accepted requests")
    lat = sorted(tally.latencies) or [0.0]
    return {
        "landed": len(hashes),
        "nonce_collisions": 0,
        "nonce_gap_fillers": len(fillers),
        "latency_ms": {
            "p50": round(1000 * statistics.median(lat), 1),
            "p95": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1),
            "max": round(1000 * lat[-1], 1),
        },
    }


def run(
    dev: DevRegistry,
    work: Path,
    keystore_dir: Path,
    password_file: Path,
    clients: int = 200,
    seconds: float = 20.0,
    sign_share: float = 0.2,
) -> dict[str, Any]:
    """Serve a node on `dev`'s chain, load it, verify, and return the figures.

    Raises:
        AssertionError: a 5xx, a transport error, a lost or doubled transaction, a nonce clash.
    """
    env = node_env(dev, work, keystore_dir, password_file)
    token = make_token(env)
    a = dev.actors
    addresses: list[str] = [a.agency.address, a.proponent.address, a.organiser.address]
    addresses.append(a.enterprise.address)
    start_block = dev.w3.eth.block_number
    proc, url = start_node(env)
    try:
        tally, elapsed = drive(url, token, addresses, clients, seconds, sign_share)
        figures = verify(url, token, dev.w3, dev, start_block, tally)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    total = sum(tally.codes.values())
    five = sum(v for k, v in tally.codes.items() if k >= 500)
    result = {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "queries": tally.queries,
        "signing_requests": tally.signs,
        "accepted_signing": len(tally.accepted),
        "status_codes": {str(k): v for k, v in sorted(tally.codes.items())},
        "server_errors_5xx": five,
        "transport_errors": len(tally.errors),
        "keepalive_reconnects": tally.reconnects,
        **figures,
    }
    if five or tally.errors:
        raise AssertionError(f"errors under load: {tally.errors[:5]} {result}")
    return result


def main() -> int:
    """Start anvil, deploy, load the node, print and save the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sign-share", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS)]) as anvil,
    ):
        w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 30}))
        dev = DevRegistry.create(w3)
        work = Path(tmp)
        key = Account.from_mnemonic(DEV_MNEMONIC, account_path="m/44'/60'/0'/0/0").key
        write_keystore(bytes(key), work / "keys" / "agency.json", PASSWORD)
        (work / "password").write_text(PASSWORD)
        result = run(
            dev, work, work / "keys", work / "password", args.clients, args.seconds, args.sign_share
        )
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
