"""Nonce manager: 200 concurrent signing requests for one key land with no collision and no
gap (SQLite and PostgreSQL); restarts, crashes after signing and foreign use of the key heal."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_node_tx_support import (  # noqa: F401  (fixtures)
    KeyFiles,
    auth,
    h32,
    node_fixture,
    open_client,
    random_address,
    sessions_of,
    token,
    tx_keyfiles_fixture,
    tx_settings_fixture,
)

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import AccountStatus
from registry_node.config import Settings
from registry_node.tx.models import SigningNonce, SigningRequest

CONCURRENT = 200


def _account_body(address: str) -> dict[str, Any]:
    return {
        "account": address,
        "kind": "INDIVIDUAL",
        "region": 420106,
        "record_hash": h32(f"account:{address}"),
    }


@pytest.mark.parametrize("tx_settings", ["sqlite", "postgresql"], indirect=True)
def test_200_concurrent_requests_for_one_key_land_without_collision_or_gap(
    node: TestClient, tx_settings: Settings, dev: DevRegistry
) -> None:
    agency = dev.actors.agency.address
    start = dev.w3.eth.get_transaction_count(agency, "pending")
    tok = token(tx_settings, "agency", "register_account")
    addresses = [random_address() for _ in range(CONCURRENT)]

    def register(address: str) -> tuple[int, dict[str, Any]]:
        r = node.post("/v1/tx/register_account", json=_account_body(address), headers=auth(tok))
        return r.status_code, r.json()

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(register, addresses))
    elapsed = time.monotonic() - began

    assert [code for code, _ in results] == [200] * CONCURRENT, results[:3]
    nonces = sorted(body["nonce"] for _, body in results)
    assert nonces == list(range(start, start + CONCURRENT))  # no collision, no gap
    assert len({body["tx_hash"] for _, body in results}) == CONCURRENT
    assert dev.w3.eth.get_transaction_count(agency, "latest") == start + CONCURRENT
    led = dev.reg.ledger.functions
    for address in addresses[:: CONCURRENT // 20]:
        assert led.getAccount(address).call()[1] == AccountStatus.ACTIVE
    with sessions_of(tx_settings)() as session:
        row = session.get(SigningNonce, (dev.deployment.chain_id, agency))
        assert row is not None and row.next_nonce == start + CONCURRENT
    print(f"{CONCURRENT} requests landed in {elapsed:.1f}s ({CONCURRENT / elapsed:.0f} tx/s)")


def test_restart_continues_from_the_stored_nonce(
    tx_settings: Settings, tx_keyfiles: KeyFiles, dev: DevRegistry
) -> None:
    tok = token(tx_settings, "agency", "register_account")
    seen = []
    for _ in range(2):  # two lives of the node on one database
        with open_client(tx_settings, tx_keyfiles) as client:
            for _ in range(3):
                r = client.post(
                    "/v1/tx/register_account",
                    json=_account_body(random_address()),
                    headers=auth(tok),
                )
                assert r.status_code == 200, r.json()
                seen.append(r.json()["nonce"])
    assert seen == list(range(seen[0], seen[0] + 6))


def test_foreign_use_of_the_key_is_adopted(
    node: TestClient, tx_settings: Settings, dev: DevRegistry
) -> None:
    tok = token(tx_settings, "agency", "register_account")
    first = node.post(
        "/v1/tx/register_account", json=_account_body(random_address()), headers=auth(tok)
    )
    assert first.status_code == 200
    # Someone uses the agency key outside the node: our stored nonce is now behind.
    dev.register_account(random_address(), kind=dev_kind())
    second = node.post(
        "/v1/tx/register_account", json=_account_body(random_address()), headers=auth(tok)
    )
    assert second.status_code == 200, second.json()
    assert second.json()["nonce"] == first.json()["nonce"] + 2


def dev_kind() -> Any:
    from carbon_chain.domain import AccountKind

    return AccountKind.ENTERPRISE


def test_crash_after_signing_is_resent_and_unknown_gap_filled_on_restart(
    tx_settings: Settings, tx_keyfiles: KeyFiles, dev: DevRegistry
) -> None:
    """FAULTS 17: n signed but never sent (crash), n+1 unknown: restart re-sends n, fills n+1."""
    agency = tx_keyfiles.keyring.get("agency")
    assert agency is not None
    tok = token(tx_settings, "agency", "register_account")
    with open_client(tx_settings, tx_keyfiles) as client:
        r = client.post(
            "/v1/tx/register_account", json=_account_body(random_address()), headers=auth(tok)
        )
        assert r.status_code == 200
        service = client.app.state.signing  # type: ignore[attr-defined]
        n = r.json()["nonce"] + 1
        lost = random_address()
        # What a crash between the commit and the broadcast leaves: a signed, unsent request.
        from registry_node.tx.ops import OPERATIONS, RegisterAccount

        op = OPERATIONS["register_account"]
        body = RegisterAccount.model_validate(_account_body(lost))
        calldata = service.encode(op, body, agency.address)
        fees = service.fees.current()
        raw = agency.signer.sign_transaction(
            {
                "chainId": dev.deployment.chain_id,
                "nonce": n,
                "to": dev.deployment.ledger,
                "value": 0,
                "gas": 300_000,
                "data": calldata,
                **fees,
            }
        )
    sessions = sessions_of(tx_settings)
    with sessions() as session, session.begin():
        from eth_utils.crypto import keccak

        session.add(
            SigningRequest(
                id="00000000-0000-4000-8000-000000000001",
                chain_id=dev.deployment.chain_id,
                token_id=None,
                idempotency_key=None,
                request_sha256="x",
                op="register_account",
                key_name="agency",
                sender=agency.address,
                to=dev.deployment.ledger,
                function="CarbonLedger.registerAccount",
                calldata=calldata,
                nonce=n,
                tx_hash="0x" + keccak(raw).hex(),
                raw_tx=raw,
                state="signed",
                created_at=0,
                updated_at=0,
            )
        )
        row = session.get(SigningNonce, (dev.deployment.chain_id, agency.address))
        assert row is not None
        row.next_nonce = n + 2  # n + 1 was allocated too, and its record lost entirely
    assert dev.w3.eth.get_transaction_count(agency.address, "pending") == n
    with open_client(tx_settings, tx_keyfiles) as client:  # start-up reconciles
        assert dev.w3.eth.get_transaction_count(agency.address, "latest") == n + 2
        assert dev.reg.ledger.functions.getAccount(lost).call()[1] == AccountStatus.ACTIVE
        r = client.post(
            "/v1/tx/register_account", json=_account_body(random_address()), headers=auth(tok)
        )
        assert r.status_code == 200 and r.json()["nonce"] == n + 2
        status = client.get("/v1/tx/00000000-0000-4000-8000-000000000001", headers=auth(tok))
        assert status.json()["status"] == "mined"
    with sessions() as session:
        fill = session.scalars(
            select(SigningRequest).where(SigningRequest.op == "nonce_fill")
        ).one()
        assert fill.nonce == n + 1 and fill.to == agency.address
