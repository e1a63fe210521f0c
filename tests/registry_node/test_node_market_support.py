"""Fixtures and helpers of the market tests (imported by the test_node_market_* modules).

The node signs with keys loaded through the keystore path with the market's address, so the
guard's allowlist includes the CarbonMarket. Scenarios are set up on chain with the dev
helpers; the operations under test go through the node's signing API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from test_node_support import scanner
from test_node_tx_support import PASSWORD, KeyFiles, base_settings, dev_key, open_client, token

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import MethodologyKind
from carbon_chain.eip712 import ImportPayload, import_typed_data
from carbon_chain.merkle import AllocationTree
from carbon_chain.signer import write_keystore
from registry_node import migrate
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.tx.keys import KeyRing
from registry_node.tx.ops import ROLE_OPS
from registry_node.tx.settings import SigningKeySpec

DAY = 24 * 3600
TONNE = 1_000_000
# name → (anvil key index, role): agency 0, proponent 5 (an enterprise), citizens[0] 10.
MARKET_KEYS = {"agency": (0, "agency"), "proponent": (5, "holder"), "citizen": (10, "holder")}

_CACHE: dict[str, KeyFiles] = {}


@pytest.fixture(scope="session", name="market_keyfiles")
def market_keyfiles_fixture(
    tmp_path_factory: pytest.TempPathFactory, deployed: DevRegistry
) -> KeyFiles:
    """Keystores of the market tests' keys, loaded once with the market in the allowlist."""
    d = deployed.deployment
    cached = _CACHE.get(d.market)
    if cached is not None:
        return cached
    directory = tmp_path_factory.mktemp("market-keys")
    password_file = directory / "password"
    password_file.write_text(PASSWORD + "\n")
    specs: dict[str, SigningKeySpec] = {}
    for name, (index, role) in MARKET_KEYS.items():
        write_keystore(dev_key(index), directory / f"{name}.json", PASSWORD)
        specs[name] = SigningKeySpec.model_validate({"role": role})
    settings = Settings(
        keystore_dir=directory, keystore_password_file=password_file, signing_keys=specs
    )
    keyring = KeyRing.load(settings, d.chain_id, d.registry, d.ledger, d.market)
    _CACHE[d.market] = KeyFiles(directory, password_file, specs, keyring)
    return _CACHE[d.market]


@dataclass
class MarketNode:
    """A started node (signing on, indexer driven by the test) with a token per key."""

    dev: DevRegistry
    settings: Settings
    engine: Engine
    client: TestClient
    tokens: dict[str, str]

    def sync(self) -> int:
        """Index the chain up to its head."""
        return scanner(self.dev, self.engine, self.settings).sync()

    def sign(self, key: str, op: str, body: dict[str, Any]) -> Any:
        """POST /v1/tx/{op} with `key`'s token; return the response."""
        import uuid

        headers = {
            "Authorization": f"Bearer {self.tokens[key]}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        return self.client.post(f"/v1/tx/{op}", json=body, headers=headers)

    def get(self, path: str, **params: Any) -> Any:
        """GET a read endpoint and return its JSON (asserting 200)."""
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def serving_market_node(
    tmp_path: Path, dev: DevRegistry, keyfiles: KeyFiles, **overrides: Any
) -> Iterator[MarketNode]:
    """A node on a fresh SQLite database with agency, proponent and citizen tokens."""
    settings = base_settings(tmp_path, dev, keyfiles, chunk_size=50, **overrides)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    tokens = {
        name: token(settings, name, ",".join(sorted(ROLE_OPS[role])))  # type: ignore[index]
        for name, (_, role) in MARKET_KEYS.items()
    }
    try:
        with open_client(settings, keyfiles) as client:
            yield MarketNode(dev, settings, engine, client, tokens)
    finally:
        engine.dispose()


@pytest.fixture(name="market_node")
def market_node_fixture(
    tmp_path: Path, dev: DevRegistry, market_keyfiles: KeyFiles
) -> Iterator[MarketNode]:
    """A node on a fresh SQLite database with agency, proponent and citizen tokens."""
    with serving_market_node(tmp_path, dev, market_keyfiles) as node:
        yield node


# ---------------------------------------------------------------------- scenarios on chain


def issued_batch(dev: DevRegistry, code: str, quantity: int, vintage: int = 2026) -> dict[str, int]:
    """Register a PROJECT methodology and project of the proponent, report and issue to it."""
    a = dev.actors
    mid = dev.register_methodology(code, sector="energy")
    pid = dev.register_project(mid, a.proponent.address)
    rid = dev.report_last_month(pid, code, quantity, keccak(text=f"root:{code}"))
    receipt = dev.send(
        a.agency, dev.reg.ledger.functions.issueToProponent(rid, quantity, vintage, 0)
    )
    (ev,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    return {"methodology": mid, "project": pid, "report": rid, "batch": int(ev["args"]["batchId"])}


def points_batch(
    dev: DevRegistry, validity: int, grams: list[int], code: str = "WHCI-GT-009"
) -> dict[str, Any]:
    """Issue a points distribution to the first citizens and have them all claim."""
    a = dev.actors
    mid = dev.register_methodology(
        code, kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=validity
    )
    pid = dev.register_project(mid, a.aggregator.address)
    allocations = [(c.address, g) for c, g in zip(a.citizens, grams, strict=False)]
    tree = AllocationTree(allocations)
    total = sum(grams)
    rid = dev.report_last_month(pid, code, total, tree.root)
    led = dev.reg.ledger.functions
    receipt = dev.send(a.agency, led.issueDistribution(rid, total, 2026, 0, tree.root, 30 * DAY))
    (ev,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    batch = int(ev["args"]["batchId"])
    for account, amount in allocations:
        dev.send(a.agency, led.claim(batch, account, amount, tree.proof(account)))
    return {"batch": batch, "project": pid, "methodology": mid, "allocations": allocations}


def import_payload(
    dev: DevRegistry, project_id: int, start: int, end: int, **kw: Any
) -> ImportPayload:
    """An import of origin serials [start, end) for a 10-day period ending `ago` days ago."""
    now = dev.now()
    ago = kw.pop("ago", 100)
    values: dict[str, Any] = {
        "partner": dev.actors.partner.address,
        "origin_serial_start": start,
        "origin_serial_end": end,
        "project_id": project_id,
        "period_start": now - (ago + 10) * DAY,
        "period_end": now - ago * DAY,
        "vintage": 2026,
        "recipient": dev.actors.enterprise.address,
        "evidence_hash": keccak(text=f"partner-record:{start}"),
        "deadline": now + DAY,
    }
    values.update(kw)
    return ImportPayload(**values)


def import_body(dev: DevRegistry, payload: ImportPayload, signer: Any = None) -> dict[str, Any]:
    """The import_credits request body: the payload and the partner's EIP-712 signature."""
    attester = signer or dev.actors.partner
    signature = attester.sign_typed_data(import_typed_data(dev.market_domain, payload))
    return {
        "partner": payload.partner,
        "origin_serial_start": payload.origin_serial_start,
        "origin_serial_end": payload.origin_serial_end,
        "project_id": payload.project_id,
        "period_start": payload.period_start,
        "period_end": payload.period_end,
        "vintage": payload.vintage,
        "recipient": payload.recipient,
        "evidence_hash": "0x" + payload.evidence_hash.hex(),
        "deadline": payload.deadline,
        "attestation": "0x" + bytes(signature).hex(),
    }


def h32(text: str) -> str:
    """A 0x 32-byte hex value derived from `text`."""
    return "0x" + keccak(text=text).hex()
