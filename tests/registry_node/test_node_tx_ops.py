"""Every signing operation through the API on a real anvil: the credit lifecycle, decoded
reverts as 409/422, and strict request models (no bools or strings for amounts, no unknown
fields, checksummed addresses)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_node_tx_support import (  # noqa: F401  (fixtures)
    all_ops_token,
    auth,
    h32,
    methodology_body,
    node_fixture,
    token,
    tx_keyfiles_fixture,
    tx_settings_fixture,
)

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import AccountStatus
from carbon_chain.eip712 import ReportPayload
from registry_node.config import Settings

DAY = 24 * 3600
TONNE = 1_000_000


def _post(client: TestClient, tok: str, op: str, body: dict[str, Any], code: int = 200) -> Any:
    r = client.post(f"/v1/tx/{op}", json=body, headers=auth(tok))
    assert r.status_code == code, (op, r.status_code, r.json())
    return r.json()


def _event(body: dict[str, Any], name: str) -> dict[str, Any]:
    (event,) = [e for e in body["events"] if e["name"] == name]
    args: dict[str, Any] = event["args"]
    return args


def test_credit_lifecycle_through_the_signing_api(
    node: TestClient, tx_settings: Settings, dev: DevRegistry
) -> None:
    agency = all_ops_token(tx_settings, "agency")
    oracle = all_ops_token(tx_settings, "oracle")
    proponent = all_ops_token(tx_settings, "proponent")
    organiser = all_ops_token(tx_settings, "organiser")
    a = dev.actors

    mined = _post(node, agency, "register_methodology", methodology_body("WHCI-PV-001"))
    assert mined["status"] == "mined" and mined["function"] == "CarbonRegistry.registerMethodology"
    mid = int(_event(mined, "MethodologyRegistered")["methodologyId"])
    body = {
        "methodology_id": mid,
        "proponent": a.proponent.address,
        "region": 422800,
        "metadata_hash": h32("pv"),
        "metadata_uri": "ipfs://pv",
    }
    pid = int(_event(_post(node, agency, "propose_project", body), "ProjectProposed")["projectId"])
    early = _post(node, agency, "register_project", {"project_id": pid}, 409)
    assert early["revert"]["name"] == "RegistryNoticePeriodActive"
    assert early["tx"]["status"] == "rejected" and early["tx"]["tx_hash"] is None
    dev.advance_time(int(dev.reg.registry.functions.noticePeriod().call()) + 1)
    _post(node, agency, "register_project", {"project_id": pid})

    now = dev.now()
    payload = ReportPayload(
        pid,
        now - 31 * DAY,
        now - DAY,
        100 * TONNE,
        bytes.fromhex(h32("root")[2:]),
        bytes.fromhex(h32("evidence")[2:]),
        "WHCI-PV-001",
        1,
        now + DAY,
    )
    signatures = ["0x" + s.hex() for s in dev.sign_report(payload, a.verifiers[:2])]
    report = {
        "project_id": pid,
        "period_start": payload.period_start,
        "period_end": payload.period_end,
        "quantity": payload.quantity,
        "data_root": h32("root"),
        "evidence_hash": h32("evidence"),
        "methodology_code": "WHCI-PV-001",
        "methodology_version": 1,
        "deadline": payload.deadline,
        "signatures": signatures,
    }
    rid = int(_event(_post(node, oracle, "submit_report", report), "ReportVerified")["reportId"])
    replay = _post(node, oracle, "submit_report", report, 409)
    assert replay["revert"]["name"] == "ReportReplayed"

    issue = {"report_id": rid, "quantity": 60 * TONNE, "vintage": 2026, "buffer_bps": 1000}
    batch = int(_event(_post(node, agency, "issue", issue), "BatchIssued")["batchId"])
    over = _post(node, agency, "issue", {**issue, "quantity": 41 * TONNE}, 409)
    assert over["revert"] == {
        "name": "LedgerExceedsVerified",
        "args": [str(rid), str(41 * TONNE), str(40 * TONNE)],
    }
    assert "LedgerExceedsVerified" in over["detail"]

    transfer = {"to": a.organiser.address, "batch_id": batch, "amount": 30 * TONNE}
    _post(node, proponent, "transfer", transfer)
    now = dev.now()
    event = {
        "name": "Wuhan Low-Carbon Expo",
        "region": 420106,
        "starts_at": now,
        "ends_at": now + 3 * DAY,
        "footprint": 25 * TONNE,
        "evidence_hash": h32("fp"),
    }
    registered = _post(node, organiser, "register_event", event)
    eid = int(_event(registered, "CarbonEventRegistered")["eventId"])
    retired = _post(
        node,
        organiser,
        "retire_for_event",
        {"event_id": eid, "batch_id": batch, "amount": 25 * TONNE},
    )
    assert _event(retired, "CarbonEventNeutralised")["retired"] == str(25 * TONNE)
    voluntary = {
        "batch_id": batch,
        "amount": 2 * TONNE,
        "beneficiary": a.enterprise.address,
        "purpose": "VOLUNTARY",
        "reference_hash": h32("ref"),
        "region": 420100,
    }
    _post(node, proponent, "retire", voluntary)
    too_much = _post(node, proponent, "retire", {**voluntary, "amount": 50 * TONNE}, 409)
    assert too_much["revert"]["name"] == "ERC1155InsufficientBalance"

    cancel = {
        "batch_id": batch,
        "holder": a.proponent.address,
        "amount": TONNE,
        "kind": "INVALIDATION",
        "reference_hash": h32("double counted"),
        "reason": "double counting found",
    }
    _post(node, agency, "cancel", cancel)
    _post(node, agency, "freeze", {"account": a.enterprise.address, "reason": "court order"})
    assert dev.reg.ledger.functions.getAccount(a.enterprise.address).call()[1] == (
        AccountStatus.FROZEN
    )
    _post(node, agency, "unfreeze", {"account": a.enterprise.address, "reason": "lifted"})
    led = dev.reg.ledger.functions
    assert led.balanceOf(a.proponent.address, batch).call() == 54 * TONNE - 30 * TONNE - 3 * TONNE
    assert tuple(led.getBatchSupply(batch).call()[:2]) == (27 * TONNE, TONNE)


def test_unknown_ids_are_422_and_state_conflicts_409(
    node: TestClient, tx_settings: Settings
) -> None:
    agency = all_ops_token(tx_settings, "agency")
    unknown = _post(node, agency, "register_project", {"project_id": 999}, 422)
    assert unknown["revert"] == {"name": "RegistryUnknownProject", "args": ["999"]}
    assert unknown["error"] == "reverted"
    _post(node, agency, "register_methodology", methodology_body("WHCI-GT-009"))
    dup = _post(node, agency, "register_methodology", methodology_body("WHCI-GT-009"), 409)
    assert dup["revert"]["name"] == "RegistryMethodologyExists"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": True}, "quantity"),
        ({"quantity": "12"}, "quantity"),
        ({"quantity": 12.0}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 2**64}, "quantity"),
        ({"vintage": 1999}, "vintage"),
        ({"data": "0xdeadbeef"}, "data"),  # no way to smuggle calldata
        ({"to": "0x" + "11" * 20}, "to"),  # nor a target
    ],
)
def test_strict_request_models(
    node: TestClient, tx_settings: Settings, change: dict[str, Any], field: str
) -> None:
    agency = token(tx_settings, "agency", "issue")
    body = {"report_id": 1, "quantity": 1, "vintage": 2026, "buffer_bps": 0, **change}
    r = node.post("/v1/tx/issue", json=body, headers=auth(agency))
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_retire_refuses_compliance_offset_naming_use_for_compliance(
    node: TestClient, tx_settings: Settings
) -> None:
    proponent = token(tx_settings, "proponent", "retire")
    body = {
        "batch_id": 1,
        "amount": TONNE,
        "beneficiary": "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
        "purpose": "COMPLIANCE_OFFSET",
        "reference_hash": h32("hubei"),
        "region": 420100,
    }
    r = node.post("/v1/tx/retire", json=body, headers=auth(proponent))
    assert r.status_code == 422 and r.json()["field"] == "purpose"
    assert "/v1/tx/use_for_compliance" in r.json()["detail"]
    event = node.post(
        "/v1/tx/retire", json={**body, "purpose": "EVENT_NEUTRALITY"}, headers=auth(proponent)
    )
    assert event.status_code == 422 and "retire_for_event" in event.json()["detail"]
    schema = node.get("/openapi.json").json()["components"]["schemas"]["Retire"]
    assert "COMPLIANCE_OFFSET" not in schema["properties"]["purpose"]["enum"]


@pytest.mark.parametrize(
    "account",
    [
        "0x8Ba1f109551bD432803012645Ac136ddd64DBA72",  # one letter's case flipped: bad checksum
        "0x8ba1f109551bd432803012645ac136ddd64dba7",  # 39 hex digits
        "0x" + "0" * 40,  # zero address
        "0xZZa1f109551bd432803012645ac136ddd64dba72",
    ],
)
def test_addresses_are_validated(node: TestClient, tx_settings: Settings, account: str) -> None:
    agency = token(tx_settings, "agency", "freeze")
    r = node.post("/v1/tx/freeze", json={"account": account, "reason": "x"}, headers=auth(agency))
    assert r.status_code == 422 and r.json()["field"] == "account"


def test_operations_are_listed_with_their_one_function(
    node: TestClient, tx_settings: Settings
) -> None:
    tok = token(tx_settings, None, "", name="auditor")
    ops = {o["op"]: o for o in node.get("/v1/tx/ops", headers=auth(tok)).json()}
    assert ops["issue"]["function"] == "issueToProponent"
    assert ops["freeze"]["function"] == ops["unfreeze"]["function"] == "setAccountStatus"
    assert ops["submit_report"]["roles"] == ["oracle"]
