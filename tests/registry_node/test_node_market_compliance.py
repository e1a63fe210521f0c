"""Hubei compliance use end-to-end through the node: signing ops, index, API, export file."""

from __future__ import annotations

import csv
import io

from test_node_market_support import (  # noqa: F401  (fixtures)
    DAY,
    TONNE,
    MarketNode,
    h32,
    issued_batch,
    market_keyfiles_fixture,
    market_node_fixture,
)


def _setup_year(node: MarketNode, methodology: int, emissions: int) -> None:
    dev = node.dev
    proponent = dev.actors.proponent.address
    terms = {
        "year": 2026,
        "min_vintage": 2024,
        "max_vintage": 2026,
        "cap_bps": 1000,
        "closes_at": dev.now() + 30 * DAY,
    }
    assert node.sign("agency", "set_compliance_year", terms).status_code == 200
    body = {"year": 2026, "methodology_id": methodology, "eligible": True}
    assert node.sign("agency", "set_methodology_eligibility", body).status_code == 200
    body = {"year": 2026, "entity": proponent, "verified_emissions": emissions}
    assert node.sign("agency", "set_covered_entity", body).status_code == 200


def _use(node: MarketNode, batch: int, amount: int) -> int:
    body = {"year": 2026, "batch_id": batch, "amount": amount}
    response = node.sign("proponent", "use_for_compliance", body)
    assert response.status_code == 200, response.text
    (event,) = [e for e in response.json()["events"] if e["name"] == "ComplianceUseRequested"]
    return int(event["args"]["useId"])


def test_compliance_use_cap_release_confirm_and_export(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    market = dev.reg.market.functions
    ids = issued_batch(dev, "WHCI-PV-101", 50 * TONNE)
    _setup_year(node, ids["methodology"], 100 * TONNE)  # cap: 10 t
    proponent = dev.actors.proponent.address

    first = _use(node, ids["batch"], 4 * TONNE)
    exceeded = node.sign(
        "proponent",
        "use_for_compliance",
        {"year": 2026, "batch_id": ids["batch"], "amount": 7 * TONNE},
    )
    assert 400 <= exceeded.status_code < 500
    revert = exceeded.json()["revert"]
    assert revert["name"] == "MarketCapExceeded"
    assert revert["args"] == [proponent, "2026", str(7 * TONNE), str(6 * TONNE)]

    node.sync()
    (entity,) = node.get("/v1/compliance/years/2026/entities")["items"]
    assert entity["cap"]["grams"] == str(10 * TONNE)
    assert entity["used"]["grams"] == str(4 * TONNE)
    assert entity["available"]["grams"] == str(market.availableCap(2026, proponent).call())

    released = node.sign(
        "agency", "release_compliance_use", {"use_id": first, "reason": "wrong batch"}
    )
    assert released.status_code == 200, released.text
    node.sync()
    (entity,) = node.get("/v1/compliance/years/2026/entities")["items"]
    assert entity["available"]["grams"] == str(10 * TONNE)  # the release gave the cap back

    second = _use(node, ids["batch"], 5 * TONNE)
    third = _use(node, ids["batch"], 3 * TONNE)
    confirmed = node.sign(
        "agency",
        "confirm_compliance_use",
        {"use_id": second, "market_reference": h32("HBEA-2026-1")},
    )
    assert confirmed.status_code == 200, confirmed.text
    again = node.sign(
        "agency",
        "confirm_compliance_use",
        {"use_id": second, "market_reference": h32("HBEA-2026-1")},
    )
    assert 400 <= again.status_code < 500
    assert again.json()["revert"]["name"] == "MarketInvalidComplianceUseStatus"
    node.sync()

    year = node.get("/v1/compliance/years/2026")
    assert [m["methodology_id"] for m in year["eligible_methodologies"]] == [ids["methodology"]]
    assert year["eligible_methodologies"][0]["code"] == "WHCI-PV-101"
    assert year["destination_hash"] == "0x" + bytes(market.complianceDestination(2026).call()).hex()
    statuses = {
        u["use_id"]: u["status"] for u in node.get("/v1/compliance/uses", year=2026)["items"]
    }
    assert statuses == {first: "RELEASED", second: "EXPORTED", third: "PENDING"}
    assert [u["use_id"] for u in node.get("/v1/compliance/uses", status="PENDING")["items"]] == [
        third
    ]
    bad = node.client.get("/v1/compliance/uses", params={"status": "LOST"})
    assert bad.status_code == 422 and bad.json()["field"] == "status"
    for use_id in (first, second, third):
        view = market.getComplianceUse(use_id).call()
        out = node.get(f"/v1/compliance/uses/{use_id}")
        assert (out["entity"], out["year"], out["batch_id"]) == (view[0], view[1], view[3])
        assert (out["amount"]["grams"], out["lock_id"]) == (str(view[4]), view[5])
        assert out["requested_at"] == view[6]

    export = node.get("/v1/compliance/years/2026/export.json")
    assert [r["use_id"] for r in export["rows"]] == [second, third]
    exported, pending = export["rows"]
    ledger_cancel = dev.reg.ledger.functions.getCancellation(int(exported["serial_first"])).call()
    assert (ledger_cancel[0], ledger_cancel[1], ledger_cancel[3]) == (
        proponent,
        5 * TONNE,
        ids["batch"],
    )
    assert "0x" + bytes(ledger_cancel[5]).hex() == h32("HBEA-2026-1")
    assert exported["exported_at"] == ledger_cancel[4]
    assert exported["status"] == "EXPORTED" and exported["pending"] is False
    assert int(exported["serial_last"]) == int(exported["serial_first"]) + 5 * TONNE - 1
    assert exported["market_reference"] == h32("HBEA-2026-1")
    assert exported["amount_tco2e"] == "5.000000"
    assert exported["methodology_code"] == "WHCI-PV-101" and exported["vintage"] == 2026
    assert exported["export_tx_hash"] == confirmed.json()["tx_hash"]
    assert pending["pending"] is True and pending["serial_first"] is None
    assert export["totals"]["exported"]["grams"] == str(5 * TONNE)
    assert export["totals"]["pending"]["grams"] == str(3 * TONNE)
    assert export["market"] == dev.deployment.market

    response = node.client.get("/v1/compliance/years/2026/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["use_id"]) for r in rows] == [second, third]
    assert rows[0]["serial_first"] == exported["serial_first"]
    assert rows[1]["pending"] == "true" and rows[1]["serial_first"] == ""
    assert response.text == node.client.get("/v1/compliance/years/2026/export.csv").text
    assert node.client.get("/v1/compliance/years/2031/export.json").status_code == 404


def test_ineligible_and_unknown_year_are_4xx(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    ids = issued_batch(dev, "WHCI-PV-102", 10 * TONNE)
    unknown = node.sign(
        "proponent", "use_for_compliance", {"year": 2027, "batch_id": ids["batch"], "amount": 1}
    )
    assert unknown.status_code == 422
    assert unknown.json()["revert"]["name"] == "MarketUnknownComplianceYear"
    _setup_year(node, ids["methodology"], 100 * TONNE)
    off = node.sign(
        "agency",
        "set_methodology_eligibility",
        {"year": 2026, "methodology_id": ids["methodology"], "eligible": False},
    )
    assert off.status_code == 200
    refused = node.sign(
        "proponent", "use_for_compliance", {"year": 2026, "batch_id": ids["batch"], "amount": 1}
    )
    assert 400 <= refused.status_code < 500
    assert refused.json()["revert"]["name"] == "MarketMethodologyNotEligible"
    forbidden = node.sign(
        "proponent",
        "set_compliance_year",
        {
            "year": 2026,
            "min_vintage": 2024,
            "max_vintage": 2026,
            "cap_bps": 1,
            "closes_at": dev.now() + DAY,
        },
    )
    assert forbidden.status_code == 403
    node.sync()
    assert node.get("/v1/compliance/years/2026")["eligible_methodologies"] == []


def test_export_to_a_partner_lock_then_confirm(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    ids = issued_batch(dev, "WHCI-PV-103", 10 * TONNE)
    body = {"batch_id": ids["batch"], "amount": TONNE, "destination_hash": h32("partner:xiangyang")}
    locked = node.sign("proponent", "lock_for_export", body)
    assert locked.status_code == 200, locked.text
    (event,) = [e for e in locked.json()["events"] if e["name"] == "CreditsLocked"]
    lock_id = int(event["args"]["lockId"])
    confirmed = node.sign(
        "agency", "confirm_export", {"lock_id": lock_id, "reference_hash": h32("XY-2026-7")}
    )
    assert confirmed.status_code == 200, confirmed.text
    view = dev.reg.ledger.functions.getLock(lock_id).call()
    assert view[2] == 2  # LockStatus.EXPORTED
    # A compliance lock is settled only through the market.
    _setup_year(node, ids["methodology"], 100 * TONNE)
    use_id = _use(node, ids["batch"], TONNE)
    market_lock = int(dev.reg.market.functions.getComplianceUse(use_id).call()[5])
    refused = node.sign(
        "agency", "confirm_export", {"lock_id": market_lock, "reference_hash": h32("x")}
    )
    assert 400 <= refused.status_code < 500
    assert refused.json()["revert"]["name"] == "LedgerOnlyMarket"
