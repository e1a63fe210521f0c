"""The authenticated HTTP push, end to end: partner app → API → report on chain."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from oracle_pipeline_support import (
    PASSWORD_ENV,
    VERIFIER_PASSWORD,
    green_travel_scenario,
    make_oracle,
    write_verifier_keystores,
)

from carbon_chain.dataset import load_published
from carbon_chain.devchain import DevRegistry
from oracle.cli import main as oracle_cli
from oracle.sources.push import create_app, sign_push

KEY = b"metro-hmac-key"
NOW = 1_800_000_000


def _post(
    client: TestClient,
    project_id: int,
    body: bytes,
    nonce: str,
    *,
    timestamp: int = NOW,
    key: bytes = KEY,
    partner: str = "metro-co",
    content_type: str = "application/json",
) -> tuple[int, dict[str, object]]:
    headers = {
        "X-Partner": partner,
        "X-Timestamp": str(timestamp),
        "X-Nonce": nonce,
        "X-Signature": sign_push(key, timestamp, nonce, body),
        "Content-Type": content_type,
    }
    response = client.post(f"/v1/projects/{project_id}/records", content=body, headers=headers)
    return response.status_code, response.json()


def test_push_batches_end_as_a_verified_report(
    dev: DevRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, VERIFIER_PASSWORD)
    scenario = green_travel_scenario(dev, participants=25, register=False)
    oracle = make_oracle(dev, tmp_path)
    oracle.add_project(scenario.project_id)
    oracle.enroll("metro-co", scenario.users)
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    client = TestClient(create_app(oracle, clock=lambda: NOW + 30))
    rng = random.Random(11)

    def batch(first: int, count: int) -> list[dict[str, object]]:
        return [
            {
                "record_id": f"p{first + i}",
                "user_id": rng.choice(scenario.users)[0],
                "project_id": scenario.project_id,
                "methodology": "WHCI-GT-001",
                "methodology_version": 1,
                "occurred_at": rng.randrange(scenario.start, scenario.end),
                "mode": "METRO",
                "passenger_km": round(rng.uniform(1, 30), 3),
                "unit": "pkm",
            }
            for i in range(count)
        ]

    first = batch(0, 100)
    first.append({**first[0], "record_id": "bad1", "passenger_km": -2})
    body = json.dumps({"records": first}).encode()
    status, summary = _post(client, scenario.project_id, body, "nonce-0001")
    assert status == 200, summary
    assert (summary["accepted"], summary["quarantined"]) == (100, 1)
    assert summary["problems"] == {"range": 1}

    # Replays and forgeries are refused before anything is stored.
    assert _post(client, scenario.project_id, body, "nonce-0001")[0] == 409
    status, error = _post(client, scenario.project_id, body, "nonce-0002")
    assert (status, error["error"]) == (409, "replayed_records")
    status, error = _post(client, scenario.project_id, body, "nonce-0003", timestamp=NOW - 400)
    assert (status, error["error"]) == (401, "stale_timestamp")
    status, error = _post(client, scenario.project_id, body, "nonce-0004", key=b"wrong")
    assert (status, error["error"]) == (401, "bad_signature")
    status, error = _post(client, scenario.project_id, body, "nonce-0005", partner="nobody")
    assert (status, error["error"]) == (401, "unknown_partner")
    status, error = _post(client, scenario.project_id, b"{not json", "nonce-0006")
    assert (status, error["error"]) == (400, "malformed_json")
    status, error = _post(client, scenario.project_id, body, "nonce-0007", content_type="text/csv")
    assert (status, error["error"]) == (415, "unsupported_media_type")
    status, error = _post(client, 999, body, "nonce-0008")
    assert (status, error["error"]) == (409, "no_open_period")

    second = json.dumps({"records": batch(100, 50)}).encode()
    status, summary = _post(client, scenario.project_id, second, "nonce-0009")
    assert status == 200 and summary["accepted"] == 50
    assert oracle.status(run_id)["accepted"] == 150

    # Stored batches carry pseudonyms only.
    for stored in (tmp_path / "inputs").iterdir():
        assert b"metro-user-" not in stored.read_bytes()

    oracle.compute(run_id)
    folder = oracle.publish(run_id)
    request = oracle.request_path(run_id)
    for keystore in write_verifier_keystores(dev, tmp_path / "keys")[:2]:
        code = oracle_cli(
            [
                "verify",
                "--request", str(request),
                "--inputs", str(tmp_path / "inputs"),
                "--published-dir", str(tmp_path / "published"),
                "--keystore", str(keystore),
                "--password-env", PASSWORD_ENV,
            ]
        )  # fmt: skip
        assert code == 0
    report_id = oracle.submit(run_id)
    dataset, _ = load_published(tmp_path / "published", bytes.fromhex(folder.name))
    report = dev.reg.registry.functions.getReport(report_id).call()
    assert report[5] == dataset.quantity and report[8].hex() == folder.name
