"""Idempotency-Key: a retry returns the first result and signs nothing new; the same key with
another body is a 409; a key is required (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from test_node_tx_support import (  # noqa: F401  (fixtures)
    auth,
    methodology_body,
    node_fixture,
    sessions_of,
    token,
    tx_keyfiles_fixture,
    tx_settings_fixture,
)

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings
from registry_node.tx.models import SigningRequest


@pytest.mark.parametrize("tx_settings", ["sqlite", "postgresql"], indirect=True)
def test_same_key_returns_the_first_result(
    node: TestClient, tx_settings: Settings, dev: DevRegistry
) -> None:
    tok = token(tx_settings, "agency", "register_methodology")
    agency = dev.actors.agency.address
    before = dev.w3.eth.get_transaction_count(agency)
    body = methodology_body("WHCI-ID-001")
    first = node.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "idem-1"))
    again = node.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "idem-1"))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert dev.w3.eth.get_transaction_count(agency) == before + 1  # signed once

    other = node.post(
        "/v1/tx/register_methodology",
        json=methodology_body("WHCI-ID-002"),
        headers=auth(tok, "idem-1"),
    )
    assert other.status_code == 409 and other.json()["error"] == "idempotency_mismatch"
    assert other.json()["request_id"] == first.json()["id"]

    # Keys are per token: another token may use the same key text.
    tok2 = token(tx_settings, "agency", "register_methodology")
    third = node.post(
        "/v1/tx/register_methodology",
        json=methodology_body("WHCI-ID-003"),
        headers=auth(tok2, "idem-1"),
    )
    assert third.status_code == 200 and third.json()["id"] != first.json()["id"]


def test_revert_is_replayed_for_the_same_key(
    node: TestClient, tx_settings: Settings, dev: DevRegistry
) -> None:
    tok = token(tx_settings, "agency", "register_methodology")
    body = methodology_body("WHCI-ID-004")
    assert node.post("/v1/tx/register_methodology", json=body, headers=auth(tok)).is_success
    dup = node.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "dup"))
    assert dup.status_code == 409
    replay = node.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "dup"))
    assert (replay.status_code, replay.json()) == (409, dup.json())


def test_idempotency_key_is_required(node: TestClient, tx_settings: Settings) -> None:
    tok = token(tx_settings, "agency", "register_methodology")
    r = node.post(
        "/v1/tx/register_methodology",
        json=methodology_body("WHCI-ID-005"),
        headers={"Authorization": f"Bearer {tok}"},
    )
    assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"


def test_a_request_in_progress_is_409_and_an_abandoned_one_is_rerun(
    node: TestClient, tx_settings: Settings
) -> None:
    tok = token(tx_settings, "agency", "register_project")
    first = node.post("/v1/tx/register_project", json={"project_id": 7}, headers=auth(tok, "a"))
    assert first.status_code == 422
    sessions = sessions_of(tx_settings)
    with sessions() as session, session.begin():  # as if a worker died mid-request
        row = session.get(SigningRequest, first.json()["tx"]["id"])
        assert row is not None
        row.state, row.error_name, row.http_status = "received", None, None
        row.updated_at = int(time.time())
    busy = node.post("/v1/tx/register_project", json={"project_id": 7}, headers=auth(tok, "a"))
    assert busy.status_code == 409 and busy.json()["error"] == "in_progress"
    with sessions() as session, session.begin():
        row = session.get(SigningRequest, first.json()["tx"]["id"])
        assert row is not None
        row.updated_at = 0  # older than tx_stale_seconds: abandoned
    rerun = node.post("/v1/tx/register_project", json={"project_id": 7}, headers=auth(tok, "a"))
    assert rerun.status_code == 422 and rerun.json()["tx"]["id"] == first.json()["tx"]["id"]
