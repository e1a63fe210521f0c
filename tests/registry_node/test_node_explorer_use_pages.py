"""Explorer pages of the use side over one indexed scenario: the enterprise statement, citizen
points, Hubei compliance year, imports, the retirement-plan form, compensation certificates and
the paired-assistance share on event and retirement certificates (zh and en)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from test_node_enterprise_summary import YEAR, enterprise_scenario
from test_node_explorer_support import indexed_scenario
from test_node_tx_support import token

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import RetirementPurpose
from registry_node.app import create_app
from registry_node.config import Settings

TONNE = 1_000_000
DAY = 24 * 3600
CASE = "(2026)鄂01民初88号 生态环境损害赔偿"


@dataclass(frozen=True)
class UseIndex:
    """Settings of the indexed scenario and the ids it created."""

    settings: Settings
    ids: dict[str, Any]
    dev: DevRegistry


def _arg(dev: DevRegistry, receipt: Any, contract: Any, event: str, name: str) -> int:
    return int(dev.reg.events(receipt, contract, event)[0]["args"][name])


def _more(dev: DevRegistry, ids: dict[str, Any]) -> None:
    """An event retired 4 t from Wuchang (organiser) and 2 t from Enshi City (enterprise), and
    a compensation retirement naming a court case."""
    a, led, reg = dev.actors, dev.reg.ledger.functions, dev.reg.registry.functions
    pv = dev.register_methodology("WHCI-PV-002", sector="energy")
    project = dev.register_project(pv, a.organiser.address, region=420106)
    report = dev.report_last_month(project, "WHCI-PV-002", 10 * TONNE, keccak(text="wuchang"))
    receipt = dev.send(a.agency, led.issueToProponent(report, 10 * TONNE, 2024, 0))
    wuchang = _arg(dev, receipt, dev.reg.ledger, "BatchIssued", "batchId")
    now = dev.now()
    receipt = dev.send(
        a.organiser,
        reg.registerEvent("Wuhan Forum", 420106, now, now + DAY, 6 * TONNE, b"\x03" * 32),
    )
    event = _arg(dev, receipt, dev.reg.registry, "CarbonEventRegistered", "eventId")
    dev.send(a.organiser, led.retireForEvent(event, wuchang, 4 * TONNE))
    receipt = dev.send(a.enterprise, led.retireForEvent(event, ids["batch"], 2 * TONNE))
    ids["paired_certificate"] = _arg(
        dev, receipt, dev.reg.ledger, "CreditsRetired", "certificateId"
    )
    receipt = dev.send(
        a.enterprise,
        led.retire(
            ids["batch"],
            TONNE,
            a.enterprise.address,
            int(RetirementPurpose.ECOLOGICAL_COMPENSATION),
            keccak(CASE.encode("utf-8")),
            420100,
        ),
    )
    ids["compensation"] = _arg(dev, receipt, dev.reg.ledger, "CreditsRetired", "certificateId")
    # The agency re-sets the year's terms with a 15 % cap share: the covered entity's cap is now
    # 15 t (its CoveredEntitySet event still says 10 t).
    terms = (2024, YEAR, 1500, dev.now() + 365 * DAY)
    dev.send(a.agency, dev.reg.market.functions.setComplianceYear(YEAR, terms))
    ids["event"] = event
    ids["wuchang"] = wuchang


def _use_scenario(dev: DevRegistry, datasets: Path) -> dict[str, Any]:
    ids = enterprise_scenario(dev)
    _more(dev, ids)
    return ids


@pytest.fixture(name="use_index", scope="module")
def use_index_fixture(
    deployed: DevRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UseIndex]:
    """The enterprise scenario plus an event and a compensation, indexed once per module."""
    with indexed_scenario(deployed, tmp_path_factory, "use-pages", _use_scenario) as (
        settings,
        ids,
    ):
        yield UseIndex(settings=settings, ids=ids, dev=deployed)


@pytest.fixture(name="client", scope="module")
def client_fixture(use_index: UseIndex) -> Iterator[TestClient]:
    """The node over the scenario's index."""
    with TestClient(create_app(use_index.settings), raise_server_exceptions=False) as c:
        yield c


def _import_id(client: TestClient, use_index: UseIndex) -> int:
    e = use_index.dev.actors.proponent.address
    return int(client.get(f"/v1/accounts/{e}/summary").json()["imports"][0]["import_id"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_use_page_renders_in_both_languages(client: TestClient, use_index: UseIndex) -> None:
    e = use_index.dev.actors.proponent.address
    citizen = use_index.dev.actors.citizens[0].address
    ids = use_index.ids
    pages = [
        f"/accounts/{e}/summary",
        f"/accounts/{e}/summary?year=2026",
        f"/accounts/{citizen}/points",
        "/compliance",
        f"/compliance/{YEAR}",
        "/imports",
        f"/imports/{_import_id(client, use_index)}",
        "/plan",
        f"/plan?holder={e}&amount=5",
        "/compensation",
        f"/certificates/{ids['compensation']}",
        f"/events/{ids['event']}",
        "/",
    ]
    for path in pages:
        for lang in ("zh", "en"):
            response = client.get(path, params={"lang": lang})
            assert response.status_code == 200, (path, lang, response.text[:300])
    assert client.get("/imports", params={"format": "csv"}).status_code == 200
    assert client.get("/compensation", params={"format": "csv"}).status_code == 200
    account = client.get(f"/accounts/{e}", params={"lang": "en"}).text
    assert f'href="/accounts/{e}/summary"' in account
    person = client.get(f"/accounts/{citizen}", params={"lang": "en"}).text
    assert f'href="/accounts/{citizen}/points"' in person


def test_enterprise_statement_page(client: TestClient, use_index: UseIndex) -> None:
    e = use_index.dev.actors.proponent.address
    html = client.get(f"/accounts/{e}/summary", params={"lang": "zh"}).text
    text = _text(html)
    assert "企业碳账户报表" in text and "年度汇总" in text and "履约使用" in text
    # Holdings 29 t (Enshi City, paired) + 6 t imported; 2 t more went to the enterprise,
    # which retired them: the proponent's statement is unchanged by that.
    assert "35.000000" in text and "29.000000" in text and "6.000000" in text
    assert "恩施市 (422801)" in text and "五峰土家族自治县 (420528)" in text
    assert "100.00%" in text  # all its holdings come from paired-assistance regions
    assert f'href="/v1/accounts/{e}/summary.csv"' in html
    assert "出口注销" in text and "已退回" in text
    en = _text(client.get(f"/accounts/{e}/summary", params={"lang": "en"}).text)
    assert "Yearly summary" in en and "Compliance uses" in en and "Imports received" in en
    assert client.get("/accounts/0x123/summary").status_code == 400
    assert client.get(f"/accounts/{e}/summary?year=abc").status_code == 400
    dead = "0x000000000000000000000000000000000000dEaD"
    assert client.get(f"/accounts/{dead}/summary").status_code == 404


def test_compliance_and_import_pages(client: TestClient, use_index: UseIndex) -> None:
    e = use_index.dev.actors.proponent.address
    index = client.get("/compliance", params={"lang": "en"}).text
    assert f'href="/compliance/{YEAR}"' in index and "15.00%" in index
    year = _text(client.get(f"/compliance/{YEAR}", params={"lang": "en"}).text)
    assert "2024 ~ 2026" in year and "WHCI-PV-001 v1" in year
    # 100 t verified, cap 15 t under the year's current terms (not the 10 t of CoveredEntitySet),
    # used 4 t (the released 1 t gives back), 11 t available: the same as the API.
    assert "100.000000" in year and "15.000000" in year and "4.000000" in year
    assert "11.000000" in year and "Exported (cancelled)" in year and "Released" in year
    assert "10.000000" not in year
    api = client.get(f"/v1/compliance/years/{YEAR}/entities").json()["items"]
    assert [(r["cap"]["tonnes"], r["available"]["tonnes"]) for r in api] == [
        ("15.000000", "11.000000")
    ]
    assert e[:10] in year
    import_id = _import_id(client, use_index)
    imports = client.get("/imports", params={"lang": "en"}).text
    assert f'href="/imports/{import_id}"' in imports
    one = _text(client.get(f"/imports/{import_id}", params={"lang": "en"}).text)
    assert "1000000 ~ 6999999" in one and "6.000000" in one and "6000000" in one
    assert client.get("/imports/424242").status_code == 404
    assert client.get("/compliance/1999").status_code == 404
    assert client.get("/compliance/abc").status_code == 404


def test_plan_form_and_result(client: TestClient, use_index: UseIndex) -> None:
    e = use_index.dev.actors.proponent.address
    form = client.get("/plan", params={"lang": "zh"}).text
    assert 'id="plan-form"' in form and "恩施土家族苗族自治州 (422800)" in form
    result = client.get("/plan", params={"holder": e, "amount": "30", "lang": "en"})
    assert result.status_code == 200
    text = _text(result.text)
    assert "30.000000" in text and "100.00%" in text and "POST /v1/tx/retire" in text
    event = client.get(
        "/plan",
        params={"holder": e, "amount": "1.5", "event_id": str(use_index.ids["event"])},
    ).text
    assert "retire_for_event" in event
    short = client.get("/plan", params={"holder": e, "amount": "100", "lang": "en"})
    assert short.status_code == 409 and "65.000000" in short.text
    for bad in ({"holder": "0x12", "amount": "1"}, {"holder": e, "amount": "-1"}):
        assert client.get("/plan", params=bad).status_code == 400


def test_paired_share_on_certificates_and_compensation_case(
    client: TestClient, use_index: UseIndex
) -> None:
    ids = use_index.ids
    event = _text(client.get(f"/events/{ids['event']}", params={"lang": "zh"}).text)
    # 2 t of the 6 t came from Enshi City: 33.33%.
    assert "对口帮扶地区占比" in event and "2.000000 t (33.33%)" in event
    api = client.get(f"/v1/events/{ids['event']}/certificate").json()
    assert api["paired_assistance"]["percent"] == "33.33"
    cert = _text(
        client.get(f"/certificates/{ids['paired_certificate']}", params={"lang": "en"}).text
    )
    assert "Paired assistance yes" in cert
    # The case text appears once the node holds its preimage.
    before = _text(client.get(f"/certificates/{ids['compensation']}", params={"lang": "en"}).text)
    assert "not verified" in before and CASE not in before
    clerk = token(use_index.settings, None, "", name="court clerk")  # storing needs a token
    stored = client.post(
        "/v1/references",
        json={"kind": "court_case", "text": CASE},
        headers={"Authorization": f"Bearer {clerk}"},
    )
    assert stored.status_code in (200, 201)
    after = _text(client.get(f"/certificates/{ids['compensation']}", params={"lang": "en"}).text)
    assert CASE in after and "verified: the keccak256" in after
    listing = _text(client.get("/compensation", params={"lang": "zh"}).text)
    assert CASE in listing and "已核验" in listing
    home = _text(client.get("/", params={"lang": "en"}).text)
    assert "From paired-assistance regions" in home
