"""The node's own guards around the market: a plain confirm_export of a lock held for a Hubei
compliance destination is refused before signing, and an expiry sweep re-run while the first
sweep's transactions wait for a block sends nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_node_market_support import (  # noqa: F401  (fixtures)
    DAY,
    MARKET_KEYS,
    TONNE,
    MarketNode,
    h32,
    issued_batch,
    market_keyfiles_fixture,
    market_node_fixture,
    points_batch,
    serving_market_node,
)
from test_node_tx_support import KeyFiles

from carbon_chain.devchain import DevRegistry
from registry_node.compliance.service import destination_hash
from registry_node.points.sweep import ExpirySweep
from registry_node.tx.models import SigningRequest

LOCKED = 1  # LockStatus.LOCKED


def _lock(node: MarketNode, batch: int, destination: str) -> int:
    body = {"batch_id": batch, "amount": TONNE, "destination_hash": destination}
    locked = node.sign("proponent", "lock_for_export", body)
    assert locked.status_code == 200, locked.text
    (event,) = [e for e in locked.json()["events"] if e["name"] == "CreditsLocked"]
    return int(event["args"]["lockId"])


def _signed(node: MarketNode, op: str) -> int:
    with node.engine.connect() as conn:
        stmt = select(func.count()).select_from(SigningRequest).where(SigningRequest.op == op)
        return int(conn.execute(stmt).scalar_one())


def test_confirm_export_refuses_a_plain_lock_to_a_compliance_destination(
    market_node: MarketNode,
) -> None:
    node, dev = market_node, market_node.dev
    led = dev.reg.ledger.functions
    ids = issued_batch(dev, "WHCI-PV-104", 10 * TONNE)
    # A holder's own lock under the Hubei destination of 2026 (no compliance year needed).
    lock_id = _lock(node, ids["batch"], destination_hash(2026))
    refused = node.sign(
        "agency", "confirm_export", {"lock_id": lock_id, "reference_hash": h32("HB-1")}
    )
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "compliance_lock" and body["year"] == 2026
    assert "compliance locks are settled with confirm_compliance_use" in body["detail"]
    assert led.getLock(lock_id).call()[2] == LOCKED
    assert _signed(node, "confirm_export") == 0  # refused before a request was recorded
    # Any uint16 year's destination counts, and the lock can still be released.
    far = _lock(node, ids["batch"], destination_hash(65535))
    again = node.sign("agency", "confirm_export", {"lock_id": far, "reference_hash": h32("x")})
    assert again.status_code == 409 and again.json()["year"] == 65535
    released = node.sign("agency", "release_lock", {"lock_id": lock_id, "reason": "no export"})
    assert released.status_code == 200, released.text
    # An ordinary destination is confirmed as before.
    plain = _lock(node, ids["batch"], h32("partner:xiangyang"))
    done = node.sign("agency", "confirm_export", {"lock_id": plain, "reference_hash": h32("XY")})
    assert done.status_code == 200, done.text
    assert led.balanceOf(dev.actors.proponent.address, ids["batch"]).call() == 8 * TONNE


@pytest.fixture(name="quick_node")
def quick_node_fixture(
    tmp_path: Path, dev: DevRegistry, market_keyfiles: KeyFiles
) -> Iterator[MarketNode]:
    """A market node that answers 202 after one second without a receipt (mining paused)."""
    with serving_market_node(tmp_path, dev, market_keyfiles, tx_receipt_timeout=1.0) as node:
        yield node


def _sweep(node: MarketNode, **body: object) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {node.tokens['agency']}"}
    response = node.client.post("/v1/points/expiry-sweep", json=body or None, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_sweep_rerun_while_the_first_is_pending_sends_nothing_new(
    quick_node: MarketNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    node, dev = quick_node, quick_node.dev
    led = dev.reg.ledger.functions
    ids = points_batch(dev, validity=10 * DAY, grams=[1000, 2000], code="WHCI-GT-012")
    holders = [address for address, _ in ids["allocations"]]
    dev.advance_time(11 * DAY)
    node.sync()
    provider: Any = dev.w3.provider
    provider.make_request("evm_setAutomine", [False])
    try:
        first = _sweep(node)
        (chunk,) = first["chunks"]
        assert chunk["status"] == "pending" and chunk["http_status"] == 202
        assert all(led.balanceOf(h, ids["batch"]).call() > 0 for h in holders)  # not mined
        # A re-run at a later block would use a new idempotency key: it must still send nothing.
        chain_time = ExpirySweep.chain_time

        def later(self: ExpirySweep) -> tuple[int, int]:
            block, now = chain_time(self)
            return block + 1, now

        monkeypatch.setattr(ExpirySweep, "chain_time", later)
        second = _sweep(node)
        assert second["chunks"] == [] and second["batches"] == []
        assert second["in_flight"] == len(holders)
        assert _sweep(node, dry_run=True)["chunks"] == []
        assert _signed(node, "cancel_expired") == 1
    finally:
        provider.make_request("evm_setAutomine", [True])
        provider.make_request("evm_mine", [])
    assert all(led.balanceOf(h, ids["batch"]).call() == 0 for h in holders)
    assert int(led.getBatchSupply(ids["batch"]).call()[1]) == 3000  # cancelled once, not twice
    status = node.client.get(
        f"/v1/tx/{chunk['request_id']}",
        headers={"Authorization": f"Bearer {node.tokens['agency']}"},
    )
    assert status.json()["status"] == "mined"
    node.sync()
    after = _sweep(node)
    assert after["chunks"] == [] and after["in_flight"] == 0
