"""The node indexes the credit lifecycle and answers consistently with the chain's views."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from test_node_support import (  # noqa: F401  (fixtures)
    TONNE,
    client_fixture,
    engine_fixture,
    holders,
    lifecycle,
    node_settings_fixture,
    scanner,
    snapshot,
)

from carbon_chain.devchain import DevRegistry
from carbon_chain.merkle import AllocationTree
from registry_node.config import Settings
from registry_node.indexer import cursor as cur


def _grams(amount: dict[str, str]) -> int:
    return int(amount["grams"])


def test_api_matches_chain_views(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = lifecycle(dev, node_settings.datasets_dir)
    applied = scanner(dev, engine, node_settings).sync()
    assert applied > 50
    led = dev.reg.ledger.functions

    # Balances of every holder and batch equal balanceOf; supplies equal getBatchSupply.
    for batch_id in (ids["batch"], ids["points"]):
        body = client.get(f"/v1/batches/{batch_id}").json()
        issued = led.getBatch(batch_id).call()[6]
        retired, cancelled, claimed, locked = led.getBatchSupply(batch_id).call()
        supply = body["supply"]
        assert _grams(supply["issued"]) == issued
        assert _grams(supply["retired"]) == retired
        assert _grams(supply["cancelled"]) == cancelled
        assert _grams(supply["claimed"]) == claimed
        assert _grams(supply["locked"]) == locked
        assert _grams(supply["unclaimed"]) == led.unclaimedOf(batch_id).call()
        on_chain = {h: led.balanceOf(h, batch_id).call() for h in holders(dev)}
        assert _grams(supply["held"]) == sum(on_chain.values())
        assert (
            issued
            == sum(on_chain.values()) + retired + cancelled + led.unclaimedOf(batch_id).call()
        )
        for holder, balance in on_chain.items():
            page = client.get(f"/v1/accounts/{holder}/balances").json()
            mine = {b["batch_id"]: _grams(b["balance"]) for b in page["items"]}
            assert mine.get(batch_id, 0) == balance, (holder, batch_id)
    assert (
        supply["held"]["tonnes"]
        == f"{_grams(supply['held']) // TONNE}.{_grams(supply['held']) % TONNE:06d}"
    )

    # Event neutrality and its certificate.
    event = client.get(f"/v1/events/{ids['event']}").json()
    assert event["neutralised"] is True and _grams(event["retired"]) == 25 * TONNE
    assert _grams(event["outstanding"]) == 0
    cert = client.get(f"/v1/events/{ids['event']}/certificate").json()
    certs = [int(r["certificate_id"]) for r in cert["retirements"]]
    assert certs == dev.reg.registry.functions.eventRetirements(ids["event"]).call()
    one = client.get(f"/v1/certificates/{certs[1]}").json()
    assert one["methodology_code"] == "WHCI-PV-001" and one["project_region"] == 422800
    record = led.getRetirement(certs[1]).call()
    assert (
        one["retirement"]["holder"] == record[0]
        and _grams(one["retirement"]["amount"]) == record[1]
    )

    # Filters.
    enterprise = dev.actors.enterprise.address
    by_beneficiary = client.get("/v1/retirements", params={"beneficiary": enterprise}).json()
    assert [r["purpose"] for r in by_beneficiary["items"]] == ["VOLUNTARY"]
    by_purpose = client.get("/v1/retirements", params={"purpose": "EVENT_NEUTRALITY"}).json()
    assert len(by_purpose["items"]) == 2
    cancels = client.get("/v1/cancellations", params={"batch_id": ids["batch"]}).json()["items"]
    assert sorted(c["kind"] for c in cancels) == ["EXPORT", "INVALIDATION"]
    account = client.get(f"/v1/accounts/{enterprise}").json()
    assert account["status"] == "FROZEN" and account["history"][0]["reason"] == "investigation"
    projects = client.get("/v1/projects", params={"region": 422800, "status": "REGISTERED"}).json()
    assert [p["project_id"] for p in projects["items"]] == [ids["project"]]
    assert (
        client.get("/v1/methodologies", params={"kind": "PERSONAL_SCENARIO"}).json()["items"][0][
            "code"
        ]
        == "WHCI-GT-001"
    )
    assert client.get(f"/v1/reports/{ids['report']}").json()["status"] == "VERIFIED"

    # Totals by sector agree with the batches.
    totals = client.get("/v1/totals", params={"by": "sector"}).json()["groups"]
    energy = next(g for g in totals if g["key"] == "energy")
    assert _grams(energy["issued"]) == 60 * TONNE and _grams(energy["retired"]) == 27 * TONNE
    assert {
        g["key"] for g in client.get("/v1/totals", params={"by": "region"}).json()["groups"]
    } == {"420100", "422800"}

    # Claim proofs from the published dataset verify against the on-chain root.
    tree: AllocationTree = ids["tree"]
    for index, (citizen, amount) in enumerate(ids["allocations"]):
        proofs = client.get(f"/v1/claims/{citizen}").json()
        assert len(proofs) == 1
        p = proofs[0]
        assert _grams(p["amount"]) == amount and p["claimed"] is (index < 2)
        proof = [bytes.fromhex(x[2:]) for x in p["proof"]]
        assert AllocationTree.verify(tree.root, citizen, amount, proof)
    unclaimed = ids["allocations"][3]
    tree_proof = [
        bytes.fromhex(x[2:]) for x in client.get(f"/v1/claims/{unclaimed[0]}").json()[0]["proof"]
    ]
    dev.send(dev.actors.agency, led.claim(ids["points"], unclaimed[0], unclaimed[1], tree_proof))

    health = client.get("/health").json()
    assert (
        health["indexed_block"] < dev.w3.eth.block_number
        and health["head"] == dev.w3.eth.block_number
    )
    assert "registry_http_requests" in client.get("/metrics").text


def test_replay_is_harmless_and_rebuild_is_deterministic(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    lifecycle(dev, node_settings.datasets_dir)
    scan = scanner(dev, engine, node_settings)
    scan.sync()
    first = snapshot(engine)
    # Rewind the cursor by hand (as an overlapping poll would) and sync again: nothing doubles.
    with engine.begin() as conn:
        position = cur.load_cursor(conn)
        assert position is not None
        cur.move_cursor(conn, position.block_number - 20, "")
    scan.sync()
    assert _without_blocks(snapshot(engine)) == _without_blocks(first)
    # A from-scratch rebuild with a different chunking gives the same index.
    with engine.begin() as conn:
        cur.reset_index(conn)
    other: dict[str, Any] = {"chunk_size": 1000, "max_chunk_size": 1000}
    scanner(dev, engine, node_settings.model_copy(update=other)).sync()
    assert _without_blocks(snapshot(engine)) == _without_blocks(first)


def _without_blocks(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k not in ("index_blocks", "index_cursor")}
