"""FAULTS.md row 16, off chain: the push API's X-Timestamp window (`push_max_skew_seconds`).

A partner's request whose X-Timestamp is within the window (either side, the boundary
included) is accepted; one second past it is refused with 401 `stale_timestamp` naming the
skew and the window, before any nonce or record is stored. Every authenticated request's skew
is exported at the push server's `/metrics` (last and largest |skew| per partner, refusals),
which the `OracleClockSkew*` alerts of ops/prometheus/alerts.yml watch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from oracle_pipeline_support import green_travel_scenario, make_oracle
from prometheus_client.parser import text_string_to_metric_families

from carbon_chain.devchain import DevRegistry
from oracle.sources.push import create_app, sign_push

pytestmark = pytest.mark.chain
KEY = b"metro-hmac-key"
PARTNER = "metro-co"
NOW = 1_800_000_000
WINDOW = 90  # not the default 300, so the window is read from the settings


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The push server's /metrics as {(sample name, sorted labels): value}."""
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def test_push_clock_skew_window_and_metrics(dev: DevRegistry, tmp_path: Path) -> None:
    scenario = green_travel_scenario(dev, participants=5, register=False)
    oracle = make_oracle(dev, tmp_path)
    oracle.settings = oracle.settings.model_copy(update={"push_max_skew_seconds": WINDOW})
    oracle.add_project(scenario.project_id)
    oracle.enroll(PARTNER, scenario.users)
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    client = TestClient(create_app(oracle, clock=lambda: NOW))
    sent = 0

    def push(offset: int, nonce: str, *, key: bytes = KEY) -> tuple[int, dict[str, object]]:
        """Push one fresh record stamped `offset` seconds off the oracle's clock."""
        nonlocal sent
        sent += 1
        record = {
            "record_id": f"skew-{sent}",
            "user_id": scenario.users[sent % len(scenario.users)][0],
            "project_id": scenario.project_id,
            "methodology": "WHCI-GT-001",
            "methodology_version": 1,
            "occurred_at": scenario.start + sent,
            "mode": "METRO",
            "passenger_km": 3.5,
            "unit": "pkm",
        }
        body = json.dumps({"records": [record]}).encode()
        stamp = NOW + offset
        headers = {
            "X-Partner": PARTNER,
            "X-Timestamp": str(stamp),
            "X-Nonce": nonce,
            "X-Signature": sign_push(key, stamp, nonce, body),
            "Content-Type": "application/json",
        }
        r = client.post(
            f"/v1/projects/{scenario.project_id}/records", content=body, headers=headers
        )
        return r.status_code, r.json()

    # inside the window, either side, and exactly at its edges: accepted
    for i, offset in enumerate((0, 30, -30, WINDOW, -WINDOW)):
        status, body = push(offset, f"inside-{i:04d}")
        assert status == 200 and body["accepted"] == 1, (offset, body)

    # one second past the edge, either side, and a day off: refused, naming the skew
    refused = {WINDOW + 1: "behind", -(WINDOW + 1): "ahead of", 86_400: "behind"}
    for i, (offset, direction) in enumerate(refused.items()):
        nonce = f"outside-{i:04d}"
        status, body = push(-offset, nonce)  # a partner `offset` s behind the oracle
        assert status == 401 and body["error"] == "stale_timestamp", body
        detail = str(body["detail"])
        assert f"{abs(offset)} s {direction} the oracle's clock" in detail, detail
        assert f"at most {WINDOW} s of clock skew" in detail, detail
        # refused before anything was kept: the same nonce is still free
        status, body = push(0, nonce)
        assert status == 200 and body["accepted"] == 1, body
    assert oracle.status(run_id)["accepted"] == 5 + len(refused)

    # a forged request with a wild timestamp is refused as such and never reaches the metrics
    status, body = push(10**6, "forged-0001", key=b"not-the-key")
    assert (status, body["error"]) == (401, "bad_signature")

    metrics = scrape(client)
    labels = (("partner", PARTNER),)
    assert metrics[("oracle_push_max_skew_seconds", ())] == WINDOW
    assert metrics[("oracle_push_clock_skew_seconds", labels)] == 0  # the last push
    assert metrics[("oracle_push_clock_skew_max_seconds", labels)] == 86_400
    assert metrics[("oracle_push_skew_refusals_total", labels)] == len(refused)
    assert metrics[("oracle_push_requests_total", (("outcome", "stale_timestamp"),))] == 3
    assert metrics[("oracle_push_requests_total", (("outcome", "bad_signature"),))] == 1
    assert metrics[("oracle_push_requests_total", (("outcome", "accepted"),))] == 8
    records = dict((*labels, ("result", "accepted")))
    assert metrics[("oracle_push_records_total", tuple(sorted(records.items())))] == 8
