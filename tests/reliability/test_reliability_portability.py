"""Portability (issue 8): the end-to-end flow — oracle → verifiers → report → issue → claim →
transfer → retire → cancel → index → audit — on anvil AND on a second, independent EVM
node: Hardhat 2's node (npm `hardhat`, pinned in package.json), started here on a free port with
tests/reliability/hardhat.config.js. The product code (oracle, node, auditor, carbon_chain) uses
standard JSON-RPC only; the dev helpers' evm_increaseTime/evm_mine are answered by both nodes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from oracle_pipeline_support import (
    PASSWORD_ENV,
    VERIFIER_PASSWORD,
    green_travel_scenario,
    setup_oracle,
    trips_csv,
    write_verifier_keystores,
)
from reliability_support import assert_invariants_and_index
from test_node_support import TONNE, report
from web3 import Web3

from carbon_chain.anvil import Anvil, free_port
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry
from carbon_chain.domain import CancellationKind, RetirementPurpose
from oracle.cli import main as oracle_cli
from registry_node import migrate
from registry_node.app import create_app
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner

pytestmark = pytest.mark.chain
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HARDHAT = ROOT / "node_modules" / ".bin" / "hardhat"
DAY = 24 * 3600
NODE_ARGS = ("--config", "hardhat.config.js", "node", "--hostname", "127.0.0.1")


@contextlib.contextmanager
def hardhat_node(log: Path) -> Iterator[str]:
    """`hardhat node` on a free port (Hardhat 2, from node_modules); yields its URL."""
    if not HARDHAT.exists():
        pytest.skip("hardhat is not installed (npm ci)")
    port = free_port()
    env = {**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"}
    proc = subprocess.Popen(
        [str(HARDHAT), *NODE_ARGS, "--port", str(port)],
        cwd=HERE,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 2}))
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            with contextlib.suppress(Exception):
                if w3.eth.chain_id == 31337:
                    break
            assert time.monotonic() < deadline, "hardhat node did not start"
            time.sleep(0.2)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@contextlib.contextmanager
def chain(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "hardhat":
        with hardhat_node(tmp / "hardhat.log") as url:
            yield url
    else:
        with Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS)]) as node:
            yield node.url


@pytest.mark.parametrize("kind", ["anvil", "hardhat"])
def test_end_to_end_on_two_evm_nodes(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, VERIFIER_PASSWORD)
    with chain(kind, tmp_path) as url:
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
        client_version = w3.client_version
        assert ("anvil" if kind == "anvil" else "HardhatNetwork") in client_version
        dev = DevRegistry.create(w3)
        published = tmp_path / "published"

        # Oracle: ingest a month of trips, compute, publish, two verifiers sign, submit.
        scenario = green_travel_scenario(dev, participants=20, register=True)
        oracle = setup_oracle(dev, tmp_path, scenario)
        landing = tmp_path / "landing"
        landing.mkdir()
        (landing / "trips.csv").write_bytes(trips_csv(scenario, 200, seed=7))
        run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
        oracle.ingest_file(run_id, "metro", landing / "trips.csv")
        oracle.compute(run_id)
        folder = oracle.publish(run_id)
        request = oracle.request_path(run_id)
        for keystore in write_verifier_keystores(dev, tmp_path / "keys")[:2]:
            verify = ["verify", "--request", str(request), "--inputs", str(landing)]
            verify += ["--published-dir", str(published), "--keystore", str(keystore)]
            assert oracle_cli([*verify, "--password-env", PASSWORD_ENV]) == 0
        report_id = oracle.submit(run_id)
        assert oracle.submit(run_id) == report_id  # idempotent re-run

        # Issue the personal points and claim three allocations with the oracle's proofs.
        from carbon_chain.dataset import load_published

        dataset, _ = load_published(published, bytes.fromhex(folder.name))
        led = dev.reg.ledger.functions
        root = bytes.fromhex(dataset.merkle_root[2:])
        receipt = dev.send(
            dev.actors.agency,
            led.issueDistribution(report_id, dataset.quantity, 2026, 0, root, 30 * DAY),
        )
        batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
        for allocation in dataset.allocations[:3]:
            claim = oracle.proof(run_id, allocation.account)
            proof = [bytes.fromhex(str(n)[2:]) for n in claim["proof"]]  # type: ignore[attr-defined]
            dev.send(
                dev.actors.agency, led.claim(batch, allocation.account, allocation.grams, proof)
            )

        # Project credits: issue to the proponent, transfer, retire for an event, retire, cancel.
        a, reg = dev.actors, dev.reg.registry.functions
        pv = dev.register_methodology("WHCI-PV-001", sector="energy")
        pid = dev.register_project(pv, a.proponent.address, region=422800)
        rid = report(dev, pid, "WHCI-PV-001", 100 * TONNE, keccak(text="pv"), keccak(text="ev"))
        receipt = dev.send(a.agency, led.issueToProponent(rid, 60 * TONNE, 2026, 1000))
        credits = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
        move = led.safeTransferFrom(a.proponent.address, a.organiser.address, credits, TONNE, b"")
        dev.send(a.proponent, move)
        now = dev.now()
        event = reg.registerEvent("Expo", 420106, now, now + DAY, TONNE // 2, keccak(text="fp"))
        receipt = dev.send(a.organiser, event)
        eid = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"]
        dev.send(a.organiser, led.retireForEvent(eid["eventId"], credits, TONNE // 2))
        purpose = int(RetirementPurpose.VOLUNTARY)
        dev.send(
            a.proponent,
            led.retire(credits, TONNE, a.enterprise.address, purpose, b"\x01" * 32, 420100),
        )
        invalid = int(CancellationKind.INVALIDATION)
        dev.send(
            a.agency,
            led.cancelCredits(credits, a.proponent.address, TONNE, invalid, b"\x02" * 32, "x"),
        )

        # Index and audit: invariants hold, the node agrees with the chain, index == rebuild.
        manifest = tmp_path / "deployment.json"
        dev.deployment.save(manifest)
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'index.db'}",
            rpc_url=url,
            manifest_path=manifest,
            datasets_dir=published,
            run_indexer=False,
        )
        engine = make_engine(settings)
        migrate.upgrade(engine)
        Scanner(w3, engine, dev.deployment, settings).sync()
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            assert client.get("/health").json()["lag"] == 0
            supply = client.get(f"/v1/batches/{batch}/supply").json()
            assert int(supply["claimed"]["grams"]) == sum(a.grams for a in dataset.allocations[:3])
            assert_invariants_and_index(dev, settings, engine, tmp_path, client, monkeypatch)
        engine.dispose()
