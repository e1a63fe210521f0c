"""Benchmark the auditor: replay and check ≥ 100,000 events on a local anvil in < 30 s.

Generates the ledger cheaply: anvil's dev accounts are unlocked, so transfers and retirements
are sent as `eth_sendTransaction` in JSON-RPC batches of bounded size with automine off, each
batch mined as one block and confirmed from its receipts. Then the `auditor` CLI runs in a child
process on the whole chain; its wall time and peak RSS are written to bench/results/auditor.json.

Usage: .venv/bin/python scripts/bench_auditor.py [--events 100000] [--batch 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_abi.abi import encode
from eth_utils.abi import function_signature_to_4byte_selector
from web3 import Web3

from auditor import rpc
from carbon_chain.anvil import Anvil
from carbon_chain.dataset import Allocation, Dataset, InputDigest, MethodologyRef
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry
from carbon_chain.domain import RetirementPurpose
from carbon_chain.eip712 import ReportPayload
from carbon_chain.merkle import AllocationTree

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "auditor.json"
DAY = 24 * 3600
TONNE = 1_000_000
TRANSFER = function_signature_to_4byte_selector(
    "safeTransferFrom(address,address,uint256,uint256,bytes)"
)
RETIRE = function_signature_to_4byte_selector(
    "retire(uint256,uint256,address,uint8,bytes32,uint32)"
)


def seed(dev: DevRegistry, datasets: Path) -> tuple[int, list[str]]:
    """Issue one 1,000 t batch and spread it over the holders; return (batch id, holders)."""
    a, led = dev.actors, dev.reg.ledger.functions
    mid = dev.register_methodology("WHCI-PV-001", sector="energy")
    pid = dev.register_project(mid, a.proponent.address)
    quantity = 1_000 * TONNE
    now = dev.now()
    tree = AllocationTree([(a.proponent.address, quantity)])
    dataset = Dataset(
        chain_id=dev.deployment.chain_id,
        registry=dev.deployment.registry,
        project_id=pid,
        period_start=now - 31 * DAY,
        period_end=now - DAY,
        methodology=MethodologyRef(code="WHCI-PV-001", version=1, parameters={}),
        quantity=quantity,
        merkle_root="0x" + tree.root.hex(),
        allocations=[Allocation(account=a.proponent.address, grams=quantity)],
        inputs=[InputDigest(source="bench", sha256="00" * 32, records=1)],
    )
    dataset.publish(datasets)
    payload = ReportPayload(
        project_id=pid,
        period_start=now - 31 * DAY,
        period_end=now - DAY,
        quantity=quantity,
        data_root=tree.root,
        evidence_hash=dataset.evidence_hash(),
        methodology_code="WHCI-PV-001",
        methodology_version=1,
        deadline=now + DAY,
    )
    rid = dev.submit_report(payload)
    receipt = dev.send(a.agency, led.issueToProponent(rid, quantity, 2026, 0))
    batch = int(dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"])
    holders: list[str] = [a.proponent.address, a.enterprise.address, a.organiser.address]
    holders += [c.address for c in a.citizens]
    for h in holders[1:]:
        dev.send(a.proponent, led.safeTransferFrom(a.proponent.address, h, batch, 100 * TONNE, b""))
    return batch, holders


def _tx(sender: str, to: str, data: bytes, nonces: dict[str, int]) -> dict[str, Any]:
    nonce = nonces[sender]
    nonces[sender] += 1  # explicit: anvil handles a batch's requests concurrently
    return {
        "from": sender,
        "to": to,
        "data": "0x" + data.hex(),
        "gas": hex(150_000),
        "nonce": hex(nonce),
    }


def generate(w3: Web3, ledger: str, batch: int, holders: list[str], events: int, size: int) -> int:
    """Send transfers (1 event) and retirements (2 events) until `events` logs exist."""
    retire = [
        RETIRE
        + encode(
            ["uint256", "uint256", "address", "uint8", "bytes32", "uint32"],
            [batch, 1, h, int(RetirementPurpose.VOLUNTARY), b"\x01" * 32, 420100],
        )
        for h in holders
    ]
    rpc.batch(w3, [("evm_setAutomine", [False])])
    nonces = {h: int(w3.eth.get_transaction_count(h, "pending")) for h in holders}  # type: ignore[arg-type]
    made, sent, i = 0, 0, 0
    started = time.perf_counter()
    while made < events:
        requests: list[tuple[str, list[Any]]] = []
        for _ in range(size):
            n = len(holders)
            sender = holders[i % n]
            if i % 5 == 4:  # one in five is a retirement
                requests.append(
                    ("eth_sendTransaction", [_tx(sender, ledger, retire[i % n], nonces)])
                )
                made += 2
            else:
                to = holders[(i + 1 + (i // n) % (n - 1)) % n]
                data = TRANSFER + encode(
                    ["address", "address", "uint256", "uint256", "bytes"],
                    [sender, to, batch, 1, b""],
                )
                requests.append(("eth_sendTransaction", [_tx(sender, ledger, data, nonces)]))
                made += 1
            i += 1
            if made >= events:
                break
        for resp in rpc.batch(w3, requests):
            if "error" in resp:
                raise RuntimeError(f"transaction refused: {resp['error']}")
        rpc.batch(w3, [("evm_mine", [])])
        (receipts,) = rpc.batch(w3, [("eth_getBlockReceipts", ["latest"])])
        mined = receipts["result"]
        failed = [r for r in mined if int(r["status"], 16) != 1]
        if len(mined) != len(requests) or failed:
            raise RuntimeError(f"block holds {len(mined)} of {len(requests)}; {len(failed)} failed")
        sent += len(requests)
        rate = sent / (time.perf_counter() - started)
        print(f"bench: {sent:,} transactions, ~{made:,} events ({rate:,.0f} tx/s)", file=sys.stderr)
    rpc.batch(w3, [("evm_setAutomine", [True])])
    return sent


def main() -> int:
    """Generate the ledger, audit it in a child process and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000, help="transactions per block")
    parser.add_argument(
        "--keep", type=Path, help="keep the chain here and reuse it on the next run (no regen)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        reuse = (work / "manifest.json").exists()
        extra = ["--accounts", str(DEV_ACCOUNTS), "--gas-limit", "3000000000"]
        with Anvil(state_path=work / "anvil.json" if args.keep else None, extra_args=extra) as node:
            txs, generation = 0, 0.0
            if not reuse:
                w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 120}))
                dev = DevRegistry.create(w3)
                batch, holders = seed(dev, work / "datasets")
                t0 = time.perf_counter()
                txs = generate(w3, dev.deployment.ledger, batch, holders, args.events, args.batch)
                generation = time.perf_counter() - t0
                dev.deployment.save(work / "manifest.json")
                (work / "generation.json").write_text(json.dumps([txs, generation]))
            else:
                txs, generation = json.loads((work / "generation.json").read_text())
            return _audit(node.url, work, txs, generation)


def _audit(url: str, work: Path, txs: int, generation: float) -> int:
    """Run the auditor CLI in a child process on the generated chain and record the figures."""
    command = [sys.executable, "-m", "auditor.cli", "--rpc", url]
    command += ["--manifest", str(work / "manifest.json"), "--datasets", str(work / "datasets")]
    command += ["--out", str(work / "audit")]
    t1 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - t1
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(done.stdout)
    print(done.stderr, file=sys.stderr)
    report = json.loads((work / "audit" / "audit.json").read_text())
    replayed = int(report["audit"]["summary"]["events"])
    result = {
        "benchmark": "auditor: replay and check every event from the deploy block",
        "events": replayed,
        "transactions_generated": txs,
        "generation_seconds": round(generation, 1),
        "audit_seconds": round(seconds, 2),
        "events_per_second": round(replayed / seconds),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "exit_code": done.returncode,
        "verdict": report["audit"]["verdict"],
        "view_calls": report["audit"]["summary"]["view_calls"],
        "target": {"events": 100_000, "max_seconds": 30},
        "met": replayed >= 100_000 and seconds < 30 and done.returncode == 0,
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
