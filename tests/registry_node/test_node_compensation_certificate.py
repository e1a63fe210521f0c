"""Ecological-damage compensation (生态环境损害赔偿): a court case's text is stored as the
preimage of the referenceHash retired with (storing it needs an API token; reading is public),
and the certificate shows it as verified."""

from __future__ import annotations

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
from test_node_tx_support import token

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import RetirementPurpose
from registry_node.config import Settings
from registry_node.indexer.cursor import reset_index

CASE = "(2025)鄂01民初1234号 武汉市人民检察院诉某化工公司生态环境损害赔偿案"


def _retire(dev: DevRegistry, batch_id: int, amount: int, reference: bytes) -> int:
    a = dev.actors
    fn = dev.reg.ledger.functions.retire(
        batch_id,
        amount,
        a.enterprise.address,
        int(RetirementPurpose.ECOLOGICAL_COMPENSATION),
        reference,
        420100,
    )
    receipt = dev.send(a.proponent, fn)
    return int(
        dev.reg.events(receipt, dev.reg.ledger, "CreditsRetired")[0]["args"]["certificateId"]
    )


def _bearer(settings: Settings) -> dict[str, str]:
    """Headers with a fresh read-only API token (any valid token may store a reference)."""
    return {"Authorization": f"Bearer {token(settings, None, '', name='court clerk')}"}


def test_compensation_certificate_shows_the_verified_case(
    dev: DevRegistry, node_settings: Settings, engine: Engine, client: TestClient
) -> None:
    body = {"kind": "court_case", "text": CASE}
    headers = _bearer(node_settings)
    stored = client.post("/v1/references", json=body, headers=headers)
    assert stored.status_code == 201, stored.text
    digest = stored.json()["reference_hash"]
    assert digest == "0x" + keccak(CASE.encode("utf-8")).hex()
    again = client.post("/v1/references", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["reference_hash"] == digest
    assert client.get(f"/v1/references/{digest}").json()["text"] == CASE

    a, led = dev.actors, dev.reg.ledger.functions
    forest = dev.register_methodology("WHCI-FR-001", sector="forestry")
    project = dev.register_project(forest, a.proponent.address, region=422826)
    report = dev.report_last_month(project, "WHCI-FR-001", 10 * TONNE, keccak(text="fr"))
    receipt = dev.send(a.agency, led.issueToProponent(report, 10 * TONNE, 2025, 0))
    batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    verified = _retire(dev, batch, 3 * TONNE, bytes.fromhex(digest[2:]))
    unknown_case = keccak(text="a case this node never saw")
    bare = _retire(dev, batch, TONNE, unknown_case)
    scanner(dev, engine, node_settings).sync()

    cert = client.get(f"/v1/certificates/{verified}").json()
    assert cert["retirement"]["purpose"] == "ECOLOGICAL_COMPENSATION"
    assert cert["case"] == {
        "reference_hash": digest,
        "kind": "court_case",
        "text": CASE,
        "verified": True,
    }
    assert cert["paired_assistance"] is True  # Xianfeng county, Enshi prefecture
    other = client.get(f"/v1/certificates/{bare}").json()
    assert other["case"] == {
        "reference_hash": "0x" + unknown_case.hex(),
        "kind": None,
        "text": None,
        "verified": False,
    }
    listed = client.get("/v1/retirements", params={"purpose": "ECOLOGICAL_COMPENSATION"}).json()
    assert [r["certificate_id"] for r in listed["items"]] == [str(verified), str(bare)]

    # The explorer's certificate and compensation list name the case.
    page = client.get(f"/certificates/{verified}", params={"lang": "zh"}).text
    assert CASE in page and "已核验" in page
    page = client.get(f"/certificates/{bare}", params={"lang": "en"}).text
    assert "0x" + unknown_case.hex() in page and "not verified" in page
    listing = client.get("/compensation", params={"lang": "en"})
    assert listing.status_code == 200 and CASE in listing.text

    # Preimages are node data: an index rebuild keeps them.
    with engine.begin() as conn:
        reset_index(conn)
    scanner(dev, engine, node_settings).sync()
    assert client.get(f"/v1/certificates/{verified}").json()["case"]["text"] == CASE


def test_storing_a_reference_needs_a_token(node_settings: Settings, client: TestClient) -> None:
    body = {"kind": "court_case", "text": "(2026)鄂01民初1号"}
    missing = client.post("/v1/references", json=body)
    assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"
    forged = {"Authorization": "Bearer rnt_" + "0" * 16 + "_" + "1" * 64}
    assert client.post("/v1/references", json=body, headers=forged).status_code == 401
    expired = token(node_settings, None, "", name="expired", expires_in=1, now=1)
    stale = {"Authorization": f"Bearer {expired}"}
    assert client.post("/v1/references", json=body, headers=stale).status_code == 401
    digest = "0x" + keccak(body["text"].encode("utf-8")).hex()
    assert client.get(f"/v1/references/{digest}").status_code == 404  # nothing was stored
    stored = client.post("/v1/references", json=body, headers=_bearer(node_settings))
    assert stored.status_code == 201 and stored.json()["reference_hash"] == digest
    assert client.get(f"/v1/references/{digest}").status_code == 200  # reading stays public


def test_reference_input_is_checked(node_settings: Settings, client: TestClient) -> None:
    headers = _bearer(node_settings)
    for body in (
        {"kind": "court_case", "text": ""},
        {"kind": "court_case", "text": "x" * 4001},
        {"kind": "contract", "text": "x"},
        {"kind": "court_case", "text": "nul\u0000inside"},
        {"kind": "court_case"},
        {"kind": "court_case", "text": 12},
    ):
        response = client.post("/v1/references", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    assert client.get("/v1/references/0x" + "ab" * 32).status_code == 404
    assert client.get("/v1/references/0x12").status_code == 422
