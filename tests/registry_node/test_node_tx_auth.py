"""API tokens: 401 without a valid token, 403 outside its operations or its key's role, the
auditor's token is read-only; tokens are stored hashed, shown once, and every request is
audited without secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_node_tx_support import (  # noqa: F401  (fixtures)
    KeyFiles,
    auth,
    methodology_body,
    node_fixture,
    sessions_of,
    token,
    tx_keyfiles_fixture,
    tx_settings_fixture,
)

from registry_node.cli import main as cli_main
from registry_node.config import Settings
from registry_node.tx.auth import TokenError, check_grant, parse_ops
from registry_node.tx.models import SigningAudit, SigningToken

METHODOLOGY = methodology_body("WHCI-AU-001")


def _audit(settings: Settings) -> list[SigningAudit]:
    with sessions_of(settings)() as session:
        return list(session.scalars(select(SigningAudit).order_by(SigningAudit.id)))


def test_missing_or_bad_token_is_401(node: TestClient, tx_settings: Settings) -> None:
    good = token(tx_settings, "agency", "register_methodology")
    cases = [
        {"Idempotency-Key": "k1"},
        {"Authorization": "Basic dXNlcjpwdw==", "Idempotency-Key": "k2"},
        auth("rnt_0123456789abcdef_" + "0" * 64, "k3"),
        auth(good[:-1] + ("0" if good[-1] != "0" else "1"), "k4"),  # right id, wrong secret
        auth("not-a-token", "k5"),
    ]
    for headers in cases:
        r = node.post("/v1/tx/register_methodology", json=METHODOLOGY, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"] == "unauthorized"
    assert node.get("/v1/tx/ops").status_code == 401
    lines = _audit(tx_settings)
    assert [a.http_status for a in lines] == [401] * 6
    assert all(a.token_id is None for a in lines)


def test_revoked_and_expired_tokens_are_401(node: TestClient, tx_settings: Settings) -> None:
    expired = token(tx_settings, "agency", "register_methodology", expires_in=-1)
    r = node.post("/v1/tx/register_methodology", json=METHODOLOGY, headers=auth(expired))
    assert r.status_code == 401
    live = token(tx_settings, "agency", "register_methodology")
    token_id = live.split("_")[1]
    assert cli_main_env(tx_settings, ["tokens", "revoke", token_id]) == 0
    r = node.post("/v1/tx/register_methodology", json=METHODOLOGY, headers=auth(live))
    assert r.status_code == 401


def test_wrong_operation_is_403_and_logged(node: TestClient, tx_settings: Settings) -> None:
    retire_only = token(tx_settings, "agency", "issue")
    r = node.post(
        "/v1/tx/register_methodology", json=METHODOLOGY, headers=auth(retire_only, "key-403")
    )
    assert r.status_code == 403
    assert "register_methodology" in r.json()["detail"]
    (line,) = _audit(tx_settings)
    assert (line.http_status, line.op, line.outcome) == (403, "register_methodology", "forbidden")
    assert line.token_id == retire_only.split("_")[1] and line.idempotency_key == "key-403"
    bad = node.post("/v1/tx/issue", json={"report_id": True}, headers=auth(retire_only))
    assert bad.status_code == 422
    last = _audit(tx_settings)[-1]
    assert (last.http_status, last.op, last.outcome) == (422, "issue", "invalid_request")
    assert last.detail == "body.report_id"


def test_auditor_token_is_read_only(node: TestClient, tx_settings: Settings) -> None:
    agency = token(tx_settings, "agency", "register_methodology")
    mined = node.post("/v1/tx/register_methodology", json=METHODOLOGY, headers=auth(agency))
    assert mined.status_code == 200
    auditor = token(tx_settings, None, "", name="auditor")
    status = node.get(f"/v1/tx/{mined.json()['tx_hash']}", headers=auth(auditor))
    assert status.status_code == 200 and status.json()["status"] == "mined"
    for path, body in (
        ("/v1/tx/register_methodology", methodology_body("WHCI-AU-002")),
        ("/v1/tx/raw", {"raw": "0x00"}),
    ):
        r = node.post(path, json=body, headers=auth(auditor))
        assert r.status_code == 403, path


def test_token_cannot_exceed_its_keys_role(
    node: TestClient, tx_settings: Settings, tx_keyfiles: KeyFiles
) -> None:
    with pytest.raises(TokenError, match="may not sign: issue"):
        check_grant("proponent", parse_ops("transfer,issue"), tx_settings.signing_keys)
    with pytest.raises(TokenError, match="need --key"):
        check_grant(None, parse_ops("retire"), tx_settings.signing_keys)
    with pytest.raises(TokenError, match="unknown operation"):
        parse_ops("retire,sign_anything")
    # A token row edited behind the CLI's back still cannot make a holder key issue.
    forged = token(tx_settings, "proponent", "issue")
    r = node.post(
        "/v1/tx/issue",
        json={"report_id": 1, "quantity": 1, "vintage": 2026},
        headers=auth(forged),
    )
    assert r.status_code == 403 and "role holder" in r.json()["detail"]


def cli_main_env(settings: Settings, argv: list[str]) -> int:
    """Run `registry-node` with the node's settings in the environment."""
    env = {
        "REGISTRY_NODE_DATABASE_URL": settings.database_url,
        "REGISTRY_NODE_SIGNING_KEYS": '{"agency": {"role": "agency"}}',
        "REGISTRY_NODE_KEYSTORE_DIR": str(settings.keystore_dir),
        "REGISTRY_NODE_MANIFEST_PATH": str(settings.manifest_path),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return cli_main(argv)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_cli_prints_the_token_once_and_stores_only_its_hash(
    node: TestClient,
    tx_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    code = cli_main_env(
        tx_settings,
        ["tokens", "create", "--name", "issuer desk", "--key", "agency", "--ops", "issue,relay"],
    )
    assert code == 0
    out, err = capsys.readouterr()
    text = out.strip()
    assert text.startswith("rnt_") and "shown once" in err
    secret = text.split("_")[2]
    with sessions_of(tx_settings)() as session:
        (row,) = session.scalars(select(SigningToken)).all()
    assert row.ops == "issue,relay" and row.key_name == "agency"
    assert secret not in repr(row.__dict__)
    assert cli_main_env(tx_settings, ["tokens", "list"]) == 0
    listed, _ = capsys.readouterr()
    assert row.id in listed and secret not in listed
    bad = cli_main_env(
        tx_settings, ["tokens", "create", "--name", "x", "--key", "agency", "--ops", "transfer"]
    )
    assert bad == 2
    r = node.post(
        "/v1/tx/issue", json={"report_id": 1, "quantity": 1, "vintage": 2026}, headers=auth(text)
    )
    assert r.status_code == 422  # authorised; the chain says report 1 does not exist
    assert r.json()["revert"]["name"] == "RegistryUnknownReport"
