"""The explorer over an index of the credit lifecycle: pages, language, search, CSV, errors."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_node_explorer_support import ExplorerIndex, explorer_index_fixture  # noqa: F401

from registry_node.app import create_app
from registry_node.explorer import i18n

TONNE = 1_000_000


@pytest.fixture(name="client", scope="module")
def client_fixture(explorer_index: ExplorerIndex) -> Iterator[TestClient]:
    """The node (API + explorer) over the lifecycle index; server errors become 500s."""
    with TestClient(create_app(explorer_index.settings), raise_server_exceptions=False) as c:
        yield c


def _certificates(client: TestClient, event_id: int) -> list[str]:
    body = client.get(f"/v1/events/{event_id}/certificate").json()
    return [r["certificate_id"] for r in body["retirements"]]


def test_every_page_renders(client: TestClient, explorer_index: ExplorerIndex) -> None:
    ids = explorer_index.ids
    a = explorer_index.dev.actors
    cert = _certificates(client, ids["event"])[0]
    methodology = client.get("/v1/methodologies").json()["items"][0]["methodology_id"]
    pages = [
        "/",
        "/methodologies",
        f"/methodologies/{methodology}",
        "/projects",
        f"/projects/{ids['project']}",
        "/batches",
        f"/batches/{ids['batch']}",
        f"/batches/{ids['points']}",
        "/accounts",
        f"/accounts/{a.organiser.address}",
        f"/accounts/{a.enterprise.address}",
        f"/accounts/{explorer_index.dev.deployment.ledger}",  # custody: not an account
        "/retirements",
        "/cancellations",
        "/events",
        f"/events/{ids['event']}",
        f"/events/{ids['event']}/print",
        f"/certificates/{cert}",
        f"/certificates/{cert}/print",
        "/search",
        "/static/explorer.css",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    tx = client.get(f"/v1/events/{ids['event']}").json()["tx_hash"]
    assert client.get(f"/tx/{tx}").status_code == 200
    # The API keeps answering JSON next to the explorer.
    assert client.get("/v1/batches").headers["content-type"].startswith("application/json")


def test_home_shows_totals_and_charts(client: TestClient, explorer_index: ExplorerIndex) -> None:
    html = client.get("/", params={"lang": "zh"}).text
    # Lifecycle: 60 t issued to the PV proponent + 1.5 t of points; 27 t retired; 1 + 3 t cancelled.
    assert "61.500000" in html and "27.000000" in html and "4.000000" in html
    assert html.count("<svg") == 3 and "恩施土家族苗族自治州 (422800)" in html
    assert "已签发" in html and "Issued" not in html


def test_language_toggle_changes_text_and_sticks(
    client: TestClient, explorer_index: ExplorerIndex
) -> None:
    zh = client.get("/projects", params={"lang": "zh"})
    assert "项目编号" in zh.text and 'lang="zh-CN"' in zh.text
    en = client.get("/projects", params={"lang": "en"})
    assert "Project id" in en.text and "项目编号" not in en.text
    assert en.cookies.get("lang") == "en"
    # The cookie carries the choice to the next page; the toggle links back to Chinese.
    again = client.get("/batches")
    assert "Batch id" in again.text
    assert re.search(r'id="lang-toggle" href="[^"]*lang=zh"', again.text)
    client.cookies.clear()
    assert "批次编号" in client.get("/batches").text


def test_every_ui_string_has_both_languages() -> None:
    for key, (zh, en) in i18n.TEXT.items():
        assert zh and en, key
    templates = Path(i18n.__file__).parent / "templates"
    for path in templates.glob("*.html"):
        for key in re.findall(r"t\(\"([a-z_.0-9]+)\"\)", path.read_text(encoding="utf-8")):
            assert key in i18n.TEXT, (path.name, key)


def test_search_reaches_records(client: TestClient, explorer_index: ExplorerIndex) -> None:
    ids = explorer_index.ids
    cert = _certificates(client, ids["event"])[1]
    found = client.get("/search", params={"q": cert})
    assert found.status_code == 200 and f"/certificates/{cert}" in str(found.url)
    assert f"No. {cert}" in found.text
    # A serial inside that retirement's range finds the retirement; a live serial its batch.
    inside = client.get("/search", params={"q": str(int(cert) + 5)})
    assert inside.url.path == f"/certificates/{cert}"
    batch = client.get(f"/v1/batches/{ids['batch']}").json()
    last = int(batch["serial_start"]) + int(batch["quantity"]["grams"]) - 1
    assert client.get("/search", params={"q": str(last)}).url.path == f"/batches/{ids['batch']}"
    # A small number can name several records: a results page lists them all.
    several = client.get("/search", params={"q": "1"})
    assert several.status_code == 200 and several.text.count("<li>") >= 2
    # An address, a tx hash and a project id.
    organiser = explorer_index.dev.actors.organiser.address
    assert client.get("/search", params={"q": organiser.lower()}).url.path == (
        f"/accounts/{organiser}"
    )
    tx = client.get(f"/v1/events/{ids['event']}").json()["tx_hash"]
    assert client.get("/search", params={"q": tx.upper().replace("0X", "0x")}).url.path == (
        f"/tx/{tx}"
    )
    project = client.get("/search", params={"q": str(ids["project"])})
    assert f'href="/projects/{ids["project"]}"' in project.text or project.url.path == (
        f"/projects/{ids['project']}"
    )
    nothing = client.get("/search", params={"q": "999999999999999999"})
    assert nothing.status_code == 200 and 'id="no-results"' in nothing.text


def test_certificate_pages_show_provenance_and_how_to_verify(
    client: TestClient, explorer_index: ExplorerIndex
) -> None:
    ids = explorer_index.ids
    event = client.get(f"/events/{ids['event']}", params={"lang": "en"}).text
    body = client.get(f"/v1/events/{ids['event']}/certificate").json()
    for r in body["retirements"]:
        assert r["tx_hash"] in event and str(r["block_number"]) in event
    assert "auditor audit --rpc" in event and "--manifest" in event and "--datasets" in event
    assert "Wuhan Expo" in event and "25.000000" in event
    cert = body["retirements"][0]["certificate_id"]
    page = client.get(f"/certificates/{cert}", params={"lang": "en"}).text
    assert "WHCI-PV-001" in page and "20.000000" in page and "Enshi (422800)" in page
    printable = client.get(f"/certificates/{cert}/print").text
    assert "<svg" in printable and f"http://testserver/certificates/{cert}" in printable


def test_csv_export_of_every_list(client: TestClient, explorer_index: ExplorerIndex) -> None:
    for name in (
        "methodologies",
        "projects",
        "batches",
        "accounts",
        "retirements",
        "cancellations",
        "events",
    ):
        response = client.get(f"/{name}", params={"format": "csv"})
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows, name
    retirements = client.get("/retirements", params={"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(retirements)))
    assert sorted(r["amount"] for r in rows) == ["2.000000", "20.000000", "5.000000"]
    assert {r["purpose"] for r in rows} == {"EVENT_NEUTRALITY", "VOLUNTARY"}
    cancels = client.get("/cancellations", params={"format": "csv"}).content.decode("utf-8-sig")
    assert "meter fault" in cancels


def test_unknown_ids_are_404_pages(client: TestClient) -> None:
    for path in (
        "/projects/424242",
        "/batches/424242",
        "/methodologies/424242",
        "/events/424242",
        "/certificates/424242424242",
        "/accounts/0x000000000000000000000000000000000000dEaD",
        "/tx/0x" + "ab" * 32,
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert 'id="error-message"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/projects/abc",
        "/projects/-1",
        "/projects/" + "9" * 40,
        "/batches/1e3",
        "/certificates/" + "9" * 90,
        "/events/%00",
        "/accounts/0x123",
        "/accounts/0xZZ00000000000000000000000000000000000000",
        "/accounts/0xdEAD000000000000000000000000000000000000",
        "/tx/0x1234",
        "/projects?offset=-5",
        "/projects?offset=abc",
        "/projects?offset=" + "9" * 50,
        "/projects?format=xml",
        "/projects?lang=fr",
        "/search?q=" + "1" * 500,
        "/search?q=" + "9" * 100,
        "/search?q=0x" + "z" * 64,
        "/search?q=0x" + "z" * 40,
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/search?q=%E2%80%AE%00",
    ],
)
def test_bad_input_is_never_a_server_error(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, (path, response.text[:300])
    assert "<script>alert(1)</script>" not in response.text
