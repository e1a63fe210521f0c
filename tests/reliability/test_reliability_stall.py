"""FAULTS.md row 24: the head stops advancing (a QBFT network without quorum). Simulated by
switching anvil's automine off (test tooling only): a signing request answers 202 `pending`
within its receipt timeout instead of hanging, reads keep being served, `/health` shows the
growing `head_age`; once blocks come again the request is `mined`, exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
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

pytestmark = pytest.mark.chain


@pytest.fixture
def stalled(dev: DevRegistry) -> Iterator[DevRegistry]:
    w3 = dev.w3
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        yield dev
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]


def test_stalled_head_gives_pending_and_reads_keep_serving(
    tmp_path: Path, stalled: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    dev = stalled
    settings = base_settings(tmp_path, dev, tx_keyfiles, tx_receipt_timeout=1.0)
    tok = token(settings, "agency", "register_methodology,issue")
    with open_client(settings, tx_keyfiles) as client:
        t0 = time.monotonic()
        body = methodology_body("WHCI-STALL-1")
        r = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "s1"))
        assert r.status_code == 202 and r.json()["status"] == "pending", r.text
        assert time.monotonic() - t0 < 10
        request_id = r.json()["id"]
        time.sleep(1.1)
        health = client.get("/health")
        assert health.status_code == 200 and health.json()["head_age"] >= 1
        assert client.get("/v1/methodologies").status_code == 200
        again = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "s1"))
        assert (
            again.status_code in (202, 409)
            and again.json().get("status", "pending") in ("pending",)
        ) or again.json()["error"] == "in_progress", again.text
        dev.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = client.get(f"/v1/tx/{request_id}", headers=auth(tok)).json()
            if status["status"] == "mined":
                break
            time.sleep(0.1)
        assert status["status"] == "mined", status
    logs = dev.reg.registry.events.MethodologyRegistered().get_logs(from_block=0)
    assert sum(1 for log in logs if log["args"]["code"] == "WHCI-STALL-1") == 1
