"""POST /v1/tx/raw relays a transaction a self-custody user signed, after checking chain id,
target contract, selector and value; it is simulated, tracked, and idempotent by hash."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from test_node_tx_support import (  # noqa: F401  (fixtures)
    auth,
    dev_key,
    node_fixture,
    random_address,
    token,
    tx_keyfiles_fixture,
    tx_settings_fixture,
)

from carbon_chain.devchain import DevRegistry
from carbon_chain.signer import LocalSigner
from registry_node.config import Settings


def _signed(dev: DevRegistry, signer: LocalSigner, **over: Any) -> str:
    led = dev.reg.ledger
    tx: dict[str, Any] = {
        "chainId": dev.deployment.chain_id,
        "nonce": dev.w3.eth.get_transaction_count(signer.address, "pending"),
        "to": led.address,
        "value": 0,
        "gas": 200_000,
        "maxFeePerGas": 10 * dev.w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
        "maxPriorityFeePerGas": 10**9,
        "data": led.encode_abi("setApprovalForAll", args=[random_address(), True]),
    }
    tx.update(over)
    return "0x" + signer.sign_transaction(tx).hex()


@pytest.fixture
def relayer(tx_settings: Settings) -> str:
    return token(tx_settings, None, "relay", name="wallet gateway")


def test_user_signed_transaction_is_relayed_and_tracked(
    node: TestClient, relayer: str, dev: DevRegistry
) -> None:
    user = dev.actors.enterprise  # a self-custody holder: not one of the node's keys
    raw = _signed(dev, user)
    r = node.post("/v1/tx/raw", json={"raw": raw}, headers=auth(relayer))
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "mined" and body["from"] == user.address
    assert body["function"] == "CarbonLedger.setApprovalForAll"
    assert body["events"][0]["name"] == "ApprovalForAll"
    again = node.post("/v1/tx/raw", json={"raw": raw}, headers=auth(relayer))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    status = node.get(f"/v1/tx/{body['tx_hash']}", headers=auth(relayer))
    assert status.json()["status"] == "mined"


def test_relay_checks_chain_target_selector_and_value(
    node: TestClient, relayer: str, dev: DevRegistry
) -> None:
    user = dev.actors.enterprise
    registry = dev.reg.registry.address
    legacy_no_chain = Account.sign_transaction(
        {
            "nonce": 0,
            "gasPrice": 10**10,
            "gas": 100_000,
            "to": registry,
            "value": 0,
            "data": "0x" + "00" * 4,
        },
        dev_key(9),  # the enterprise's own wallet key
    )
    cases = {
        "chain": _signed(dev, user, chainId=1),
        "registry or the ledger": _signed(dev, user, to=random_address()),
        "not a function": _signed(dev, user, data="0xdeadbeef"),
        "no value": _signed(dev, user, value=1),
        "pre-EIP-155": "0x" + bytes(legacy_no_chain.raw_transaction).hex(),
        "not a valid signed transaction": "0xc0ffee",
    }
    for expected, raw in cases.items():
        r = node.post("/v1/tx/raw", json={"raw": raw}, headers=auth(relayer))
        assert r.status_code == 422, (expected, r.json())
        detail = r.json()["detail"]
        assert expected.replace("pre-EIP-155", "chain None") in detail, (expected, detail)
    bad_hex = node.post("/v1/tx/raw", json={"raw": "0xzz"}, headers=auth(relayer))
    assert bad_hex.status_code == 422 and bad_hex.json()["field"] == "raw"


def test_relay_simulates_first_and_refuses_the_nodes_own_keys(
    node: TestClient, relayer: str, dev: DevRegistry
) -> None:
    user = dev.actors.citizens[0]
    led = dev.reg.ledger
    retire = led.encode_abi("retire", args=[1, 5, user.address, 1, b"\x01" * 32, 420100])
    r = node.post(
        "/v1/tx/raw", json={"raw": _signed(dev, user, data=retire)}, headers=auth(relayer)
    )
    assert r.status_code == 422
    assert r.json()["revert"]["name"] == "LedgerUnknownBatch"
    assert dev.w3.eth.get_transaction_count(user.address) == 0  # nothing was sent
    own = _signed(dev, dev.actors.agency)
    r = node.post("/v1/tx/raw", json={"raw": own}, headers=auth(relayer))
    assert r.status_code == 403
