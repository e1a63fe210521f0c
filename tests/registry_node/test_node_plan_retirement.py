"""Retirement plans: paired-assistance batches first, the share computed, the ops exact.

Against a real anvil: the plan's signing requests are sent as they are, and the indexed event
certificate and totals show the same paired-assistance share.
"""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from test_node_support import (  # noqa: F401  (fixtures)
    TONNE,
    client_fixture,
    engine_fixture,
    node_settings_fixture,
    scanner,
)

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings

DAY = 24 * 3600


def holdings(dev: DevRegistry) -> dict[str, int]:
    """Issue four batches to the proponent: Wuchang 2024, Enshi City 2026, Wufeng 2025, and
    a suspended Enshi project's 2023 batch; return their batch ids by name."""
    a, led = dev.actors, dev.reg.ledger.functions
    pv = dev.register_methodology("WHCI-PV-001", sector="energy")
    forest = dev.register_methodology("WHCI-FR-001", sector="forestry")
    plan = {
        "wuchang": (pv, 420106, 20 * TONNE, 2024),
        "enshi": (forest, 422801, 10 * TONNE, 2026),
        "wufeng": (forest, 420528, 5 * TONNE, 2025),
        "suspended": (pv, 422800, 7 * TONNE, 2023),
    }
    ids: dict[str, int] = {}
    for name, (methodology, region, quantity, vintage) in plan.items():
        code = "WHCI-PV-001" if methodology == pv else "WHCI-FR-001"
        project = dev.register_project(methodology, a.proponent.address, region=region)
        report = dev.report_last_month(project, code, quantity, keccak(text=name))
        receipt = dev.send(a.agency, led.issueToProponent(report, quantity, vintage, 0))
        ids[name] = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
        ids[f"{name}_project"] = project
    reg = dev.reg.registry.functions
    dev.send(a.agency, reg.suspendProject(ids["suspended_project"], "leakage review"))
    return ids


def _event(dev: DevRegistry, footprint: int) -> int:
    a = dev.actors
    now = dev.now()
    fn = dev.reg.registry.functions.registerEvent(
        "Wuhan Marathon", 420106, now, now + DAY, footprint, keccak(text="marathon")
    )
    receipt = dev.send(a.organiser, fn)
    return int(
        dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"]["eventId"]
    )


def _grams(amount: dict[str, str]) -> int:
    return int(amount["grams"])


def test_plan_takes_paired_regions_first_and_ops_retire_it(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = holdings(dev)
    event_id = _event(dev, 18 * TONNE)
    scanner(dev, engine, node_settings).sync()
    proponent = dev.actors.proponent.address

    body = {"holder": proponent, "amount": 18 * TONNE, "event_id": event_id}
    response = client.post("/v1/retirement-plans", json=body)
    assert response.status_code == 200, response.text
    plan = response.json()
    lines = [(x["batch_id"], _grams(x["amount"]), x["paired_assistance"]) for x in plan["lines"]]
    # Paired first (Wufeng 2025 before Enshi 2026: oldest vintage), then Wuchang; the suspended
    # project's batch is skipped even though it is the oldest and in Enshi.
    assert lines == [
        (ids["wufeng"], 5 * TONNE, True),
        (ids["enshi"], 10 * TONNE, True),
        (ids["wuchang"], 3 * TONNE, False),
    ]
    assert plan["lines"][1]["region"] == 422801 and plan["lines"][1]["region_name"] == "恩施市"
    assert plan["lines"][0]["region_name"] == "五峰土家族自治县"
    share = plan["paired_assistance"]
    assert _grams(share["paired_assistance"]) == 15 * TONNE and share["percent"] == "83.33"
    assert _grams(plan["total"]) == 18 * TONNE
    assert plan["skipped"] == [
        {
            "batch_id": ids["suspended"],
            "amount": {"grams": str(7 * TONNE), "tonnes": "7.000000"},
            "reason": "project_suspended",
        }
    ]
    assert [op["op"] for op in plan["ops"]] == ["retire_for_event"] * 3
    assert plan["ops"][0] == {
        "op": "retire_for_event",
        "path": "/v1/tx/retire_for_event",
        "body": {"event_id": event_id, "batch_id": ids["wufeng"], "amount": 5 * TONNE},
    }

    # Oldest vintage only, when priority is off.
    flat = client.post("/v1/retirement-plans", json={**body, "priority_first": False}).json()
    assert [x["batch_id"] for x in flat["lines"]] == [ids["wuchang"]]
    assert flat["paired_assistance"]["percent"] == "0.00"

    # Send the ops as they are; the indexed certificate shows the same share.
    led = dev.reg.ledger.functions
    for op in plan["ops"]:
        b: dict[str, Any] = op["body"]
        dev.send(
            dev.actors.proponent, led.retireForEvent(b["event_id"], b["batch_id"], b["amount"])
        )
    scanner(dev, engine, node_settings).sync()
    cert = client.get(f"/v1/events/{event_id}/certificate").json()
    assert cert["event"]["neutralised"] is True
    assert cert["paired_assistance"]["percent"] == "83.33"
    assert sorted(r["paired_assistance"] for r in cert["retirements"]) == [False, True, True]
    one = cert["retirements"][0]["certificate_id"]
    single = client.get(f"/v1/certificates/{one}").json()
    assert (
        single["paired_assistance"] is True and single["project_region_name"] == "五峰土家族自治县"
    )
    totals = client.get("/v1/totals", params={"by": "region"}).json()["paired_assistance"]
    assert _grams(totals["retired"]["paired_assistance"]) == 15 * TONNE
    assert totals["retired"]["percent"] == "83.33"
    assert _grams(totals["issued"]["paired_assistance"]) == 22 * TONNE  # Enshi 10+7, Wufeng 5
    (year,) = totals["by_year"]
    assert year["year"] >= 2026 and year["retired"]["percent"] == "83.33"


def test_plan_refuses_what_holdings_cannot_cover(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    holdings(dev)
    scanner(dev, engine, node_settings).sync()
    proponent = dev.actors.proponent.address
    # 35 t usable (the suspended project's 7 t is not): 40 t leaves 5 t missing.
    response = client.post("/v1/retirement-plans", json={"holder": proponent, "amount": 40 * TONNE})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "insufficient_holdings"
    assert body["missing"] == str(5 * TONNE) and body["available"] == str(35 * TONNE)
    assert "5000000 grams are missing" in body["detail"]
    # A plain retire plan: holder's region, VOLUNTARY, the exact op body.
    ok = client.post("/v1/retirement-plans", json={"holder": proponent, "amount": TONNE}).json()
    assert ok["ops"][0]["op"] == "retire"
    assert ok["ops"][0]["body"]["purpose"] == "VOLUNTARY"
    assert ok["ops"][0]["body"]["region"] == 420100
    assert ok["ops"][0]["body"]["beneficiary"] == proponent
    # Bad requests are 4xx JSON, never 500.
    bad = [
        {"holder": proponent, "amount": 0},
        {"holder": proponent, "amount": "1"},
        {"holder": proponent, "amount": TONNE, "event_id": 424242},
        {"holder": proponent, "amount": TONNE, "event_id": 1, "purpose": "VOLUNTARY"},
        {"holder": proponent, "amount": TONNE, "purpose": "ECOLOGICAL_COMPENSATION"},
        {"holder": "0x000000000000000000000000000000000000dEaD", "amount": TONNE},
        {"holder": proponent, "amount": TONNE, "extra": 1},
    ]
    # A frozen account cannot retire: 409.
    dev.send(dev.actors.agency, dev.reg.ledger.functions.setAccountStatus(proponent, 2, "probe"))
    scanner(dev, engine, node_settings).sync()
    frozen = client.post("/v1/retirement-plans", json={"holder": proponent, "amount": TONNE})
    assert frozen.status_code == 409 and "FROZEN" in frozen.json()["detail"]
    for payload in bad:
        answer = client.post("/v1/retirement-plans", json=payload)
        assert 400 <= answer.status_code < 500, (payload, answer.text)
        assert "error" in answer.json()
    # Compliance use is not a retirement: the ledger refuses COMPLIANCE_OFFSET, so does the plan.
    offset = {"holder": proponent, "amount": TONNE, "purpose": "COMPLIANCE_OFFSET"}
    refused = client.post("/v1/retirement-plans", json=offset)
    assert refused.status_code == 422 and refused.json()["field"] == "purpose"
    assert "use_for_compliance" in refused.json()["detail"]
