"""Indexing the CarbonMarket: every market event against the contract's views, imported
batches (report 0), expiry cancellations, a reorg of the market's settings events, and a
rebuild from scratch equal to the live index (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from test_node_market_support import DAY, TONNE, import_payload, issued_batch, points_batch
from test_node_support import (  # noqa: F401  (fixtures)
    client_fixture,
    engine_fixture,
    node_settings_fixture,
    scanner,
    snapshot,
)

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings
from registry_node.indexer import cursor as cur
from registry_node.models.index import (
    ChainSetting,
    ComplianceEligibility,
    ComplianceYear,
    CoveredEntity,
)


def _state(engine: Engine) -> dict[str, Any]:
    return {k: v for k, v in snapshot(engine).items() if k not in ("index_blocks", "index_cursor")}


def _rebuilt(dev: DevRegistry, engine: Engine, settings: Settings) -> dict[str, Any]:
    with engine.begin() as conn:
        cur.reset_index(conn)
    scanner(dev, engine, settings).sync()
    return _state(engine)


def market_scenario(dev: DevRegistry) -> dict[str, Any]:
    """Every market event on chain: compliance, an import, a redemption, an expiry sweep."""
    a, mkt, led = dev.actors, dev.reg.market.functions, dev.reg.ledger.functions
    proponent = a.proponent.address
    # The import comes first: its period precedes the local report of the forest project.
    fid = dev.register_methodology("WHCI-FOR-201", sector="forestry")
    fpid = dev.register_project(fid, proponent)
    imported = dev.import_credits(import_payload(dev, fpid, 100, 2100, ago=120))
    ids = issued_batch(dev, "WHCI-PV-201", 40 * TONNE)
    dev.send(a.agency, mkt.setComplianceYear(2026, (2024, 2026, 1000, dev.now() + 90 * DAY)))
    dev.send(a.agency, mkt.setMethodologyEligibility(2026, ids["methodology"], True))
    dev.send(a.agency, mkt.setCoveredEntity(2026, proponent, 100 * TONNE))
    dev.send(a.agency, mkt.setCoveredEntity(2026, proponent, 80 * TONNE))  # a corrected figure
    for amount in (TONNE, 2 * TONNE, 3 * TONNE):
        dev.send(a.proponent, mkt.useForCompliance(2026, ids["batch"], amount))
    dev.send(a.agency, mkt.confirmComplianceUse(2, keccak(text="HBEA-1")))
    dev.send(a.agency, mkt.releaseComplianceUse(1, "withdrawn"))
    points = points_batch(dev, validity=20 * DAY, grams=[5000, 7000], code="WHCI-GT-201")
    dev.send(a.citizens[0], mkt.redeemPoints(points["batch"], 1500, keccak(text="coupon")))
    dev.advance_time(21 * DAY)
    holders = [a.citizens[0].address, a.citizens[1].address, a.aggregator.address]
    dev.send(a.agency, led.cancelExpired(points["batch"], holders))
    return {**ids, "imported": imported, "points": points["batch"], "forest": fpid}


def test_market_events_match_the_contract_views_and_rebuild(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = market_scenario(dev)
    mkt, led = dev.reg.market.functions, dev.reg.ledger.functions
    proponent = dev.actors.proponent.address
    scanner(dev, engine, node_settings).sync()

    year = client.get("/v1/compliance/years/2026").json()
    terms = mkt.complianceYear(2026).call()
    assert [year["min_vintage"], year["max_vintage"], year["cap_bps"], year["closes_at"]] == list(
        terms
    )
    assert mkt.isEligible(2026, ids["methodology"]).call()
    assert [m["methodology_id"] for m in year["eligible_methodologies"]] == [ids["methodology"]]
    (entity,) = client.get("/v1/compliance/years/2026/entities").json()["items"]
    verified, used = mkt.coveredEntity(2026, proponent).call()
    assert entity["verified_emissions"]["grams"] == str(verified) == str(80 * TONNE)
    assert entity["used"]["grams"] == str(used) == str(5 * TONNE)
    assert entity["available"]["grams"] == str(mkt.availableCap(2026, proponent).call())
    uses = client.get("/v1/compliance/uses").json()["items"]
    assert len(uses) == mkt.complianceUseCount().call() == 3
    for out in uses:
        view = mkt.getComplianceUse(out["use_id"]).call()
        assert out["status"] == ["NONE", "PENDING", "EXPORTED", "RELEASED"][view[2]]
        assert out["lock_id"] == view[5] and out["amount"]["grams"] == str(view[4])
        reference = "0x" + bytes(view[7]).hex()
        assert out["market_reference"] == (None if view[2] != 2 else reference)
    lock = led.getLock(uses[1]["lock_id"]).call()
    assert lock[0] == proponent

    (imp,) = client.get("/v1/imports").json()["items"]
    view = mkt.getImport(1).call()
    assert (imp["origin"]["partner"], imp["batch_id"], imp["imported_at"]) == tuple(view[:3])
    assert imp["batch_id"] == ids["imported"]
    batch = client.get(f"/v1/batches/{ids['imported']}").json()
    assert batch["report_id"] == 0 and batch["project_id"] == ids["forest"]
    assert batch["supply"]["issued"]["grams"] == "2000"

    (red,) = client.get("/v1/redemptions").json()["items"]
    view = mkt.getRedemption(1).call()
    assert (red["citizen"], red["batch_id"], red["amount"]["grams"]) == (
        view[0],
        view[1],
        str(view[3]),
    )
    points = client.get(f"/v1/batches/{ids['points']}").json()["supply"]
    assert points["cancelled"]["grams"] == "12000"  # the aggregator's redeemed 1500 too
    assert points["held"]["grams"] == "0"
    with engine.connect() as conn:
        market = conn.execute(select(ChainSetting.value).where(ChainSetting.key == "market"))
        assert market.scalar_one() == dev.deployment.market
        position = cur.load_cursor(conn)
    assert position is not None and position.market == dev.deployment.market

    # Terms re-set with a lower cap share: the entity's cap follows, nothing is left.
    closes = mkt.complianceYear(2026).call()[3]
    dev.send(dev.actors.agency, mkt.setComplianceYear(2026, (2024, 2026, 500, closes)))
    scanner(dev, engine, node_settings).sync()
    (entity,) = client.get("/v1/compliance/years/2026/entities").json()["items"]
    assert entity["cap"]["grams"] == str(4 * TONNE)
    assert entity["available"]["grams"] == str(mkt.availableCap(2026, proponent).call()) == "0"

    live = _state(engine)
    assert live["transfers"], "points moved to the aggregator are recorded as transfers"
    assert _rebuilt(dev, engine, node_settings) == live


def test_reorg_restores_the_market_settings_rows(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    a, mkt = dev.actors, dev.reg.market.functions
    proponent = a.proponent.address
    ids = issued_batch(dev, "WHCI-PV-202", TONNE)
    closes = dev.now() + 90 * DAY
    dev.send(a.agency, mkt.setComplianceYear(2026, (2024, 2026, 1000, closes)))
    dev.send(a.agency, mkt.setMethodologyEligibility(2026, ids["methodology"], True))
    dev.send(a.agency, mkt.setCoveredEntity(2026, proponent, 100 * TONNE))
    scan = scanner(dev, engine, node_settings)
    scan.sync()
    before = _state(engine)
    # Three blocks the reorg drops: new terms, a withdrawn eligibility, a new figure, and a
    # year and entity that did not exist before.
    dev.send(a.agency, mkt.setComplianceYear(2026, (2025, 2026, 2000, closes + DAY)))
    dev.send(a.agency, mkt.setMethodologyEligibility(2026, ids["methodology"], False))
    dev.send(a.agency, mkt.setCoveredEntity(2026, proponent, 50 * TONNE))
    dev.send(a.agency, mkt.setComplianceYear(2025, (2024, 2025, 500, closes)))
    scan.sync()
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(ComplianceYear.cap_bps).where(ComplianceYear.year == 2026)
            ).scalar_one()
            == 2000
        )
        assert conn.execute(select(ComplianceEligibility.eligible)).scalar_one() is False
    response = dev.w3.provider.make_request("anvil_reorg", [4, []])  # type: ignore[arg-type]
    assert "error" not in response, response
    scan.sync()
    rolled = _state(engine)
    assert rolled["compliance_years"] == before["compliance_years"]
    assert rolled["compliance_eligibility"] == before["compliance_eligibility"]
    assert rolled["covered_entities"] == before["covered_entities"]
    with engine.connect() as conn:
        assert conn.execute(select(CoveredEntity.verified_emissions)).scalar_one() == 100 * TONNE
    assert mkt.complianceYear(2026).call()[2] == 1000
    assert _rebuilt(dev, engine, node_settings) == rolled
