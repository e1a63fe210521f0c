"""The enterprise carbon-account statement equals the chain: holdings, retirements, compliance
uses, imports and a yearly summary whose flows add up to the balances (API and CSV)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Engine
from test_node_support import (  # noqa: F401  (fixtures)
    TONNE,
    client_fixture,
    engine_fixture,
    node_settings_fixture,
    scanner,
)

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import CancellationKind, MethodologyKind, RetirementPurpose
from carbon_chain.eip712 import ImportPayload
from carbon_chain.merkle import AllocationTree
from registry_node import migrate
from registry_node.account import repository
from registry_node.config import Settings
from registry_node.models.index import EventLog, Transfer
from registry_node.stats.repository import year_of

DAY = 24 * 3600
YEAR = 2026
ZERO = "0x" + "0" * 40


def _arg(dev: DevRegistry, receipt: Any, contract: Any, event: str, name: str) -> int:
    return int(dev.reg.events(receipt, contract, event)[0]["args"][name])


def enterprise_scenario(dev: DevRegistry) -> dict[str, Any]:
    """Give the proponent (an ENTERPRISE) every kind of movement, and a citizen points.

    Proponent: issued 50 t (Enshi City, paired) → out 10, in 2, retired 5, cancelled 1,
    export lock 3 (exported), lock 2 (released), compliance use 4 (exported) and 1 (released),
    imported 6 t (Wufeng) → holds 35 t. Citizen 0: claims 0.8 t of points, redeems 0.3 t.
    """
    a = dev.actors
    led, mkt = dev.reg.ledger.functions, dev.reg.market.functions
    e, other = a.proponent, a.enterprise
    pv = dev.register_methodology("WHCI-PV-001", sector="energy")
    project = dev.register_project(pv, e.address, region=422801)
    report = dev.report_last_month(project, "WHCI-PV-001", 50 * TONNE, keccak(text="pv"))
    receipt = dev.send(a.agency, led.issueToProponent(report, 50 * TONNE, 2025, 0))
    batch = _arg(dev, receipt, dev.reg.ledger, "BatchIssued", "batchId")
    dev.send(e, led.safeTransferFrom(e.address, other.address, batch, 10 * TONNE, b""))
    dev.send(other, led.safeTransferFrom(other.address, e.address, batch, 2 * TONNE, b""))
    receipt = dev.send(
        e,
        led.retire(
            batch, 5 * TONNE, e.address, int(RetirementPurpose.VOLUNTARY), b"\x01" * 32, 420100
        ),
    )
    certificate = _arg(dev, receipt, dev.reg.ledger, "CreditsRetired", "certificateId")
    kind = int(CancellationKind.INVALIDATION)
    dev.send(a.agency, led.cancelCredits(batch, e.address, TONNE, kind, b"\x02" * 32, "meter"))
    receipt = dev.send(e, led.lockForExport(batch, 3 * TONNE, keccak(text="hubei")))
    dev.send(
        a.agency,
        led.confirmExport(
            _arg(dev, receipt, dev.reg.ledger, "CreditsLocked", "lockId"), keccak(text="HB-1")
        ),
    )
    receipt = dev.send(e, led.lockForExport(batch, 2 * TONNE, keccak(text="hubei")))
    dev.send(
        a.agency,
        led.releaseLock(_arg(dev, receipt, dev.reg.ledger, "CreditsLocked", "lockId"), "wrong"),
    )

    # Hubei compliance year: 10% of 100 t verified emissions; one use exported, one released.
    dev.send(a.agency, mkt.setComplianceYear(YEAR, (2024, YEAR, 1000, dev.now() + 365 * DAY)))
    dev.send(a.agency, mkt.setMethodologyEligibility(YEAR, pv, True))
    dev.send(a.agency, mkt.setCoveredEntity(YEAR, e.address, 100 * TONNE))
    receipt = dev.send(e, mkt.useForCompliance(YEAR, batch, 4 * TONNE))
    use = _arg(dev, receipt, dev.reg.market, "ComplianceUseRequested", "useId")
    dev.send(a.agency, mkt.confirmComplianceUse(use, keccak(text="HBEA-2026-001")))
    receipt = dev.send(e, mkt.useForCompliance(YEAR, batch, TONNE))
    second = _arg(dev, receipt, dev.reg.market, "ComplianceUseRequested", "useId")
    dev.send(a.agency, mkt.releaseComplianceUse(second, "not needed"))

    # An import from a partner platform into the proponent's account (a Wufeng project).
    forest = dev.register_methodology("WHCI-FR-001", sector="forestry")
    imported_project = dev.register_project(forest, e.address, region=420528)
    now = dev.now()
    payload = ImportPayload(
        partner=a.partner.address,
        origin_serial_start=1_000_000,
        origin_serial_end=7_000_000,
        project_id=imported_project,
        period_start=now - 110 * DAY,
        period_end=now - 100 * DAY,
        vintage=2025,
        recipient=e.address,
        evidence_hash=keccak(text="partner-record"),
        deadline=now + DAY,
    )
    imported = dev.import_credits(payload)

    # A citizen's points: a distribution, a claim, a redemption for an incentive.
    travel = dev.register_methodology(
        "WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=365 * DAY
    )
    tp = dev.register_project(travel, a.aggregator.address)
    citizen = a.citizens[0]
    tree = AllocationTree([(citizen.address, 800_000), (a.citizens[1].address, 200_000)])
    rid = dev.report_last_month(tp, "WHCI-GT-001", 1_000_000, tree.root)
    receipt = dev.send(
        a.agency, led.issueDistribution(rid, 1_000_000, 2026, 0, tree.root, 30 * DAY)
    )
    points = _arg(dev, receipt, dev.reg.ledger, "BatchIssued", "batchId")
    dev.send(a.agency, led.claim(points, citizen.address, 800_000, tree.proof(citizen.address)))
    dev.send(citizen, mkt.redeemPoints(points, 300_000, keccak(text="metro-coupon-42")))
    return {
        "batch": batch,
        "imported": imported,
        "points": points,
        "certificate": certificate,
        "project": project,
        "methodology": pv,
        "uses": (use, second),
    }


def _flows(years: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for y in years:
        for key, value in y.items():
            if isinstance(value, dict) and "grams" in value and key != "balance_end":
                total[key] += int(value["grams"])
    return dict(total)


def test_enterprise_summary_equals_the_chain(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = enterprise_scenario(dev)
    scanner(dev, engine, node_settings).sync()
    e = dev.actors.proponent.address
    led = dev.reg.ledger.functions
    body = client.get(f"/v1/accounts/{e}/summary").json()

    # Holdings equal balanceOf, with provenance.
    held = {h["batch_id"]: int(h["balance"]["grams"]) for h in body["holdings"]}
    assert held == {
        ids["batch"]: led.balanceOf(e, ids["batch"]).call(),
        ids["imported"]: led.balanceOf(e, ids["imported"]).call(),
    }
    assert held == {ids["batch"]: 29 * TONNE, ids["imported"]: 6 * TONNE}
    by_batch = {h["batch_id"]: h for h in body["holdings"]}
    assert by_batch[ids["batch"]]["methodology_code"] == "WHCI-PV-001"
    assert by_batch[ids["batch"]]["region"] == 422801
    assert by_batch[ids["batch"]]["paired_assistance"] is True
    assert by_batch[ids["imported"]]["imported"] is True
    assert by_batch[ids["imported"]]["region_name"] == "五峰土家族自治县"
    assert body["held"]["tonnes"] == "35.000000"

    # Lists: the retirement, both compliance uses, the import, the cancellations.
    assert [r["certificate_id"] for r in body["retirements"]] == [str(ids["certificate"])]
    uses = [(u["use_id"], u["status"], int(u["amount"]["grams"])) for u in body["compliance_uses"]]
    assert uses == [(ids["uses"][0], "EXPORTED", 4 * TONNE), (ids["uses"][1], "RELEASED", TONNE)]
    assert (
        body["compliance_uses"][0]["market_reference"] == "0x" + keccak(text="HBEA-2026-001").hex()
    )
    (imp,) = body["imports"]
    assert imp["batch_id"] == ids["imported"] and imp["amount"]["grams"] == str(6 * TONNE)
    kinds = sorted((c["kind"], int(c["amount"]["grams"])) for c in body["cancellations"])
    assert kinds == [("EXPORT", 3 * TONNE), ("EXPORT", 4 * TONNE), ("INVALIDATION", TONNE)]

    # The yearly flows (summed over the years the dev chain's clock crossed) match the events.
    flows = _flows(body["years"])
    assert flows == {
        "received_issued": 50 * TONNE,
        "received_imported": 6 * TONNE,
        "transferred_in": 2 * TONNE,
        "released": 3 * TONNE,
        "transferred_out": 10 * TONNE,
        "redeemed": 0,
        "locked": 10 * TONNE,
        "retired": 5 * TONNE,
        "cancelled": TONNE,
        "exported": 7 * TONNE,
        "used_for_compliance": 4 * TONNE,
        "net_change": 35 * TONNE,
    }
    assert body["years"][-1]["balance_end"]["grams"] == str(35 * TONNE)

    # One year only: the lists and the summary are limited to it.
    year = body["years"][-1]["year"]
    one = client.get(f"/v1/accounts/{e}/summary", params={"year": year}).json()
    assert [y["year"] for y in one["years"]] == [year]
    assert client.get(f"/v1/accounts/{e}/summary", params={"year": 1999}).status_code == 422
    dead = "0x000000000000000000000000000000000000dEaD"
    assert client.get(f"/v1/accounts/{dead}/summary").status_code == 404
    assert client.get(f"/v1/accounts/{dead}/summary.csv").status_code == 404

    # The CSV carries the same numbers.
    response = client.get(f"/v1/accounts/{e}/summary.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "section",
        "year",
        "item",
        "batch_id",
        "project_id",
        "methodology",
        "vintage",
        "region",
        "paired_assistance",
        "grams",
        "tonnes",
        "time",
        "reference",
        "tx_hash",
    ]
    holdings = {int(r["batch_id"]): int(r["grams"]) for r in rows if r["section"] == "holding"}
    assert holdings == held
    summary: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["section"] == "summary" and r["item"] != "balance_end":
            summary[r["item"]] += int(r["grams"])
    assert dict(summary) == flows
    assert [r["item"] for r in rows if r["section"] == "compliance_use"] == ["EXPORTED", "RELEASED"]


def test_citizen_points_history_has_the_redemption(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = enterprise_scenario(dev)
    scanner(dev, engine, node_settings).sync()
    citizen = dev.actors.citizens[0].address
    body = client.get(f"/v1/accounts/{citizen}/summary").json()
    (holding,) = body["holdings"]
    assert holding["kind"] == "PERSONAL_SCENARIO" and holding["expires_at"]
    assert holding["balance"]["grams"] == "500000"
    flows = _flows(body["years"])
    assert flows["received_issued"] == 800_000 and flows["redeemed"] == 300_000
    assert flows["transferred_out"] == 0 and flows["net_change"] == 500_000
    page = client.get(f"/accounts/{citizen}/points", params={"lang": "en"})
    assert page.status_code == 200
    assert "Redeemed" in page.text and "0.300000" in page.text and "0.500000" in page.text
    assert f"/batches/{ids['points']}" in page.text


def _csv(client: TestClient, path: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_statement_reads_the_transfers_table_not_the_logs(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = enterprise_scenario(dev)
    scanner(dev, engine, node_settings).sync()
    e = dev.actors.proponent.address
    before = client.get(f"/v1/accounts/{e}/summary").json()
    assert before["truncated"] is False
    with engine.begin() as conn:
        rows = conn.execute(
            select(Transfer.sender, Transfer.recipient, Transfer.amount).where(
                or_(Transfer.sender == e, Transfer.recipient == e),
                Transfer.batch_id == ids["batch"],
            )
        ).all()
        # Mints and burns are recorded: issuance, retirement, cancellation, export.
        assert (ZERO, e, 50 * TONNE) in rows
        assert (e, ZERO, 5 * TONNE) in rows and (e, ZERO, TONNE) in rows
        conn.execute(delete(EventLog).where(EventLog.name.in_(("TransferSingle", "TransferBatch"))))
    after = client.get(f"/v1/accounts/{e}/summary").json()
    assert after == before


def test_migration_backfills_mints_and_burns(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    enterprise_scenario(dev)
    scanner(dev, engine, node_settings).sync()

    def transfers() -> list[tuple[Any, ...]]:
        with engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(Transfer)).all())

    live = transfers()
    minted_or_burnt = [r for r in live if ZERO in (r[4], r[5])]
    assert minted_or_burnt
    # Down to 0004: the table holds account-to-account moves only, as before this revision.
    migrate.downgrade(engine, "0004_references")
    assert transfers() == [r for r in live if r not in minted_or_burnt]
    migrate.upgrade(engine)  # 0005 rebuilds the mint and burn rows from the stored logs
    assert transfers() == live


def test_statement_year_takes_compliance_uses_by_compliance_year(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    ids = enterprise_scenario(dev)
    a, mkt = dev.actors, dev.reg.market.functions
    e = a.proponent
    calendar = year_of(dev.now())
    other = max(2025, calendar + 1)  # a compliance year that is not the request's calendar year
    dev.send(a.agency, mkt.setComplianceYear(other, (2024, other, 1000, dev.now() + 365 * DAY)))
    dev.send(a.agency, mkt.setMethodologyEligibility(other, ids["methodology"], True))
    dev.send(a.agency, mkt.setCoveredEntity(other, e.address, 100 * TONNE))
    receipt = dev.send(e, mkt.useForCompliance(other, ids["batch"], 2 * TONNE))
    use = _arg(dev, receipt, dev.reg.market, "ComplianceUseRequested", "useId")
    scanner(dev, engine, node_settings).sync()
    path = f"/v1/accounts/{e.address}/summary"

    uses = client.get(path, params={"year": other}).json()["compliance_uses"]
    assert [(u["use_id"], u["year"]) for u in uses] == [(use, other)]
    assert year_of(uses[0]["requested_at"]) == calendar != other
    same = client.get(path, params={"year": calendar}).json()["compliance_uses"]
    assert use not in [u["use_id"] for u in same]
    assert all(u["year"] == calendar for u in same)
    rows = _csv(client, f"{path}.csv", year=other)
    assert [(r["section"], r["year"]) for r in rows if r["section"] == "compliance_use"] == [
        ("compliance_use", str(other))
    ]


def test_a_truncated_statement_says_so(
    dev: DevRegistry,
    node_settings: Settings,
    engine: Engine,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enterprise_scenario(dev)
    scanner(dev, engine, node_settings).sync()
    e = dev.actors.proponent.address
    path = f"/v1/accounts/{e}/summary"
    assert client.get(path).json()["truncated"] is False
    assert all(r["section"] != "truncated" for r in _csv(client, f"{path}.csv"))

    monkeypatch.setattr(repository, "MAX_RECORDS", 3)  # the proponent moved credits more often
    body = client.get(path).json()
    assert body["truncated"] is True
    rows = _csv(client, f"{path}.csv")
    assert rows[0]["section"] == "truncated" and rows[0]["item"] == "true"
    assert "3 records" in rows[0]["reference"]
    assert sum(r["section"] != "truncated" for r in rows) > 0

    monkeypatch.setattr(repository, "MAX_RECORDS", 50_000)
    monkeypatch.setattr(repository, "MAX_HOLDINGS", 1)  # it holds two batches
    capped = client.get(path).json()
    assert capped["truncated"] is True and len(capped["holdings"]) == 1
