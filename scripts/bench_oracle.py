"""Benchmark the oracle: 1,000,000 activity records from 100,000 participants → evidence.

Runs the real pipeline (CSV ingest with validation, pseudonymization and quarantine into
SQLite, methodology calculation, per-account allocation, Merkle tree, canonical dataset, evidence
hash and published folder), measures wall time per step and peak RSS, and writes
``bench/results/oracle.json``. Targets: < 60 s and < 2 GiB on a 2-core machine. No chain needed.

    .venv/bin/python scripts/bench_oracle.py [--records N] [--participants M]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from carbon_chain.manifest import Deployment
from carbon_chain.merkle import AllocationTree
from oracle.config import OracleSettings
from oracle.service import Oracle
from oracle.store import Store

START = 1_714_521_600  # 2024-05-01T00:00:00Z
END = START + 31 * 86_400
PROJECT = 1
TARGET_SECONDS = 60
TARGET_BYTES = 2 * 1024**3
HEADER = (
    "record_id,user_id,project_id,methodology,methodology_version,occurred_at,mode,"
    "passenger_km,unit\n"
)


def account_of(index: int) -> str:
    """A distinct synthetic carbon-account address per participant."""
    return f"0x{0xC0FFEE0000000000000000000000000000000000 + index:040x}"


def generate(path: Path, records: int, participants: int, seed: int) -> None:
    """Write a seeded month of metro/bus trips as the metro feed's CSV."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        lines = []
        for i in range(records):
            user = rng.randrange(participants)
            mode = "BUS" if rng.random() < 0.3 else "METRO"
            km = rng.randrange(500, 40_000)
            when = START + rng.randrange(END - START)
            lines.append(
                f"r{i:07d},user-{user:06d},{PROJECT},WHCI-GT-001,1,{when},{mode},"
                f"{km // 1000}.{km % 1000:03d},pkm\n"
            )
            if len(lines) == 100_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)


def main() -> int:
    """Run the benchmark and write its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results/oracle.json"))
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-oracle-") as tmp:
        work = Path(tmp)
        feed = work / "metro.csv"
        t0 = time.perf_counter()
        generate(feed, args.records, args.participants, args.seed)
        generated = time.perf_counter() - t0

        settings = OracleSettings(
            database_url=f"sqlite:///{work / 'oracle.db'}",
            publish_dir=work / "published",
            signatures_dir=work / "signatures",
            inputs_dir=work / "inputs",
            pseudonym_salt=SecretStr("bench-salt-not-a-secret-0123456789"),
        )
        deployment = Deployment(
            chain_id=31337,
            registry="0x5FbDB2315678afecb367f032d93F642f64180aa3",
            ledger="0xe7f1725E7734CE288F8367e1Bb143E5a53cb2F05",
            market="0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
            deploy_block=1,
            deploy_block_hash="0x" + "00" * 32,
            compiler="bench",
            abi_hashes={},
        )
        oracle = Oracle(settings, Store(settings.database_url), deployment)
        oracle.add_project(PROJECT, "WHCI-GT-001", 1)
        t0 = time.perf_counter()
        oracle.enroll("metro", [(f"user-{i:06d}", account_of(i)) for i in range(args.participants)])
        enrolled = time.perf_counter() - t0

        steps: dict[str, float] = {}
        begin = time.perf_counter()
        run_id = oracle.open_run(PROJECT, START, END)
        t0 = time.perf_counter()
        summary = oracle.ingest_file(run_id, "metro", feed)
        steps["ingest_validate_calculate_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        oracle.compute(run_id)
        steps["allocate_merkle_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        folder = oracle.publish(run_id)
        steps["dataset_evidence_publish_s"] = time.perf_counter() - t0
        total = time.perf_counter() - begin
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

        status = oracle.status(run_id)
        tree = oracle.tree(run_id)
        rng = random.Random(1)  # noqa: S311 - sampling, not secrets
        sample = [tree.leaves[rng.randrange(len(tree))] for _ in range(100)]
        proofs_ok = all(AllocationTree.verify(tree.root, a, g, tree.proof(a)) for a, g in sample)
        dataset_bytes = (folder / "dataset.json").stat().st_size

    result = {
        "benchmark": "oracle: activity records → allocations, Merkle tree, dataset, evidence hash",
        "records": args.records,
        "participants": args.participants,
        "accepted": summary.accepted,
        "quarantined": summary.quarantined,
        "allocations": len(tree),
        "quantity_grams": status["quantity_grams"],
        "merkle_root": status["data_root"],
        "evidence_hash": status["evidence_hash"],
        "dataset_bytes": dataset_bytes,
        "sample_proofs_verified": proofs_ok,
        "wall_seconds": round(total, 2),
        "steps": {name: round(value, 2) for name, value in steps.items()},
        "setup": {"generate_csv_s": round(generated, 2), "enroll_s": round(enrolled, 2)},
        "peak_rss_bytes": peak,
        "peak_rss_mib": round(peak / 1024**2, 1),
        "targets": {"wall_seconds": TARGET_SECONDS, "peak_rss_bytes": TARGET_BYTES},
        "within_targets": total < TARGET_SECONDS and peak < TARGET_BYTES,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["within_targets"] and proofs_ok else 1


if __name__ == "__main__":
    sys.exit(main())
