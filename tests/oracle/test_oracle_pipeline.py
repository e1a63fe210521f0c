"""A month of synthetic green travel, from CSV files to a verified report on a real anvil."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from oracle_pipeline_support import (
    PASSWORD_ENV,
    VERIFIER_PASSWORD,
    green_travel_scenario,
    setup_oracle,
    trips_csv,
    write_verifier_keystores,
)

from carbon_chain.dataset import load_published
from carbon_chain.devchain import DevRegistry
from carbon_chain.merkle import AllocationTree
from oracle.cli import main as oracle_cli
from oracle.models import RunStatus

DAY = 86_400


@pytest.fixture(scope="module")
def keystores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keystores")


def _verify_cli(request: Path, inputs: Path, published: Path, keystore: Path) -> int:
    return oracle_cli(
        [
            "verify",
            "--request", str(request),
            "--inputs", str(inputs),
            "--published-dir", str(published),
            "--keystore", str(keystore),
            "--password-env", PASSWORD_ENV,
        ]
    )  # fmt: skip


def test_month_of_green_travel_ends_as_a_verified_report(
    dev: DevRegistry, tmp_path: Path, keystores: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, VERIFIER_PASSWORD)
    scenario = green_travel_scenario(dev, participants=200, register=True)
    oracle = setup_oracle(dev, tmp_path, scenario)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "week1-2.csv").write_bytes(trips_csv(scenario, 1_000, seed=1, prefix="a"))
    (landing / "week3-4.csv").write_bytes(trips_csv(scenario, 1_000, seed=2, prefix="b"))

    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    summaries = [oracle.ingest_file(run_id, "metro", f) for f in sorted(landing.iterdir())]
    assert [(s.accepted, s.quarantined) for s in summaries] == [(1_000, 0), (1_000, 0)]
    again = oracle.ingest_file(run_id, "metro", landing / "week1-2.csv")
    assert again.already_ingested and again.accepted == 1_000
    assert oracle.status(run_id)["accepted"] == 2_000

    oracle.compute(run_id)
    folder = oracle.publish(run_id)
    request = oracle.request_path(run_id)
    paths = write_verifier_keystores(dev, keystores)
    for keystore in paths[:2]:
        assert _verify_cli(request, landing, tmp_path / "published", keystore) == 0
    report_id = oracle.submit(run_id)

    status = oracle.status(run_id)
    assert status["status"] == RunStatus.SUBMITTED and status["report_id"] == report_id
    evidence = bytes.fromhex(folder.name)
    dataset, raw = load_published(tmp_path / "published", evidence)
    assert hashlib.sha256(raw).digest() == evidence
    report = dev.reg.registry.functions.getReport(report_id).call()
    # (projectId, periodStart, periodEnd, submittedAt, status, quantity, methodologyId, root, hash)
    assert report[0] == scenario.project_id
    assert (report[1], report[2]) == (scenario.start, scenario.end)
    assert report[5] == dataset.quantity == sum(a.grams for a in dataset.allocations)
    assert "0x" + report[7].hex() == dataset.merkle_root
    assert report[8] == evidence
    assert len(dataset.allocations) <= 200 and dataset.quantity > 0
    # Nothing personal is published: no partner user id anywhere in the folder.
    for path in folder.iterdir():
        assert b"metro-user-" not in path.read_bytes()
    # Each citizen can claim its allocation with the oracle's proof once points are issued.
    led = dev.reg.ledger.functions
    receipt = dev.send(
        dev.actors.agency,
        led.issueDistribution(
            report_id, dataset.quantity, 2026, 0, bytes.fromhex(dataset.merkle_root[2:]), 30 * DAY
        ),
    )
    (issued,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    batch_id = issued["args"]["batchId"]
    for allocation in dataset.allocations[:3]:
        claim = oracle.proof(run_id, allocation.account)
        proof = [bytes.fromhex(str(node)[2:]) for node in claim["proof"]]  # type: ignore[attr-defined]
        assert AllocationTree.verify(
            evidence_root(dataset.merkle_root), allocation.account, allocation.grams, proof
        )
        dev.send(
            dev.actors.agency, led.claim(batch_id, allocation.account, allocation.grams, proof)
        )
        assert led.balanceOf(allocation.account, batch_id).call() == allocation.grams
    # Re-running every step changes nothing and sends nothing.
    assert oracle.submit(run_id) == report_id
    assert dev.reg.registry.functions.reportCount().call() == 1


def evidence_root(root: str) -> bytes:
    return bytes.fromhex(root[2:])


def test_tampered_dataset_is_refused_by_the_verifier_cli(
    dev: DevRegistry,
    tmp_path: Path,
    keystores: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, VERIFIER_PASSWORD)
    scenario = green_travel_scenario(dev, participants=20, register=False)
    oracle = setup_oracle(dev, tmp_path, scenario)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "trips.csv").write_bytes(trips_csv(scenario, 200, seed=3))
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    oracle.ingest_file(run_id, "metro", landing / "trips.csv")
    oracle.compute(run_id)
    folder = oracle.publish(run_id)
    request = oracle.request_path(run_id)
    keystore = write_verifier_keystores(dev, keystores)[0]
    published = tmp_path / "published"
    dataset_path = folder / "dataset.json"
    original = dataset_path.read_bytes()

    # 1. An allocation edited in place: the file no longer hashes to its folder name.
    document = json.loads(original)
    document["allocations"][0]["grams"] += 1_000
    dataset_path.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")))
    assert _verify_cli(request, landing, published, keystore) == 6
    assert "tampered" in capsys.readouterr().err
    dataset_path.write_bytes(original)

    # 2. An input line changed after publication: recomputation differs.
    lines = (landing / "trips.csv").read_bytes().splitlines(keepends=True)
    forged = landing.parent / "forged"
    forged.mkdir()
    forged_lines = [*lines]
    forged_lines[1] = forged_lines[1].replace(b",pkm", b"0,pkm")
    (forged / "trips.csv").write_bytes(b"".join(forged_lines))
    assert _verify_cli(request, forged, published, keystore) == 6
    assert "was not provided" in capsys.readouterr().err

    # 3. The line -> account map altered (an allocation moved to another account).
    records = folder / "records.jsonl"
    kept = records.read_bytes()
    records.write_bytes(kept.replace(scenario.users[0][1].encode(), scenario.users[1][1].encode()))
    assert _verify_cli(request, landing, published, keystore) == 6
    assert "REFUSED" in capsys.readouterr().err
    records.write_bytes(kept)

    # 4. The untouched evidence verifies and is signed.
    assert _verify_cli(request, landing, published, keystore) == 0
    assert list(request.parent.glob("0x*.json"))
