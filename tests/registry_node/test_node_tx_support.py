"""Fixtures and helpers of the signing-service tests (imported by the test_node_tx_* modules).

The anvil keys are dev-mode keys; here they are written into encrypted keystores and loaded
through the keystore path (`KeyRing.load`), so the production loading code is what runs. The
keys are decrypted once per session (scrypt is slow by design) and handed to each test's app.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from carbon_chain.devchain import DevRegistry
from carbon_chain.signer import DEV_MNEMONIC, write_keystore
from registry_node import migrate
from registry_node.app import create_app
from registry_node.config import Settings
from registry_node.db import make_engine, make_session_factory
from registry_node.tx.auth import create_token
from registry_node.tx.keys import KeyRing
from registry_node.tx.ops import RELAY
from registry_node.tx.settings import SigningKeySpec

PASSWORD = "correct horse battery staple"
PG_DSN = "host=127.0.0.1 port=5432 dbname=test user={user}"
# name → (anvil key index, role): agency 0, oracle 1, proponent 5, organiser 6 (devchain.Actors).
KEYS = {"agency": (0, "agency"), "oracle": (1, "oracle"), "proponent": (5, "holder")}
KEYS["organiser"] = (6, "organiser")


def dev_key(index: int) -> bytes:
    """Return anvil's public test key `index` (dev mode only)."""
    account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return bytes(account.key)


@dataclass
class KeyFiles:
    """Keystores written for the session and the keys loaded from them once."""

    directory: Path
    password_file: Path
    specs: dict[str, SigningKeySpec]
    keyring: KeyRing


_KEYFILES: dict[str, KeyFiles] = {}


@pytest.fixture(scope="session", name="tx_keyfiles")
def tx_keyfiles_fixture(
    tmp_path_factory: pytest.TempPathFactory, deployed: DevRegistry
) -> KeyFiles:
    """Encrypt the dev keys into keystores and load them through the production path."""
    # Each test module imports this fixture (a separate definition per module), so the
    # session's keys are cached here: scrypt makes every encryption and decryption ~0.6 s.
    cached = _KEYFILES.get(deployed.deployment.registry)
    if cached is not None:
        return cached
    directory = tmp_path_factory.mktemp("keystore")
    password_file = directory / "password"
    password_file.write_text(PASSWORD + "\n")
    specs: dict[str, SigningKeySpec] = {}
    for name, (index, role) in KEYS.items():
        write_keystore(dev_key(index), directory / f"{name}.json", PASSWORD)
        specs[name] = SigningKeySpec.model_validate({"role": role})
    settings = Settings(
        keystore_dir=directory, keystore_password_file=password_file, signing_keys=specs
    )
    d = deployed.deployment
    keyring = KeyRing.load(settings, d.chain_id, d.registry, d.ledger)
    _KEYFILES[d.registry] = KeyFiles(directory, password_file, specs, keyring)
    return _KEYFILES[d.registry]


def pg_user() -> str | None:
    """Return a role that can connect to the local PostgreSQL, if it is running."""
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(PG_DSN.format(user=user), connect_timeout=2):
                return user
        except psycopg.Error:
            continue
    return None


def base_settings(tmp_path: Path, dev: DevRegistry, keys: KeyFiles, **extra: Any) -> Settings:
    """Settings for a node on the dev chain with the session's keystores (SQLite by default)."""
    manifest = tmp_path / "deployment.json"
    if not manifest.exists():
        dev.deployment.save(manifest)
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / f'node-{uuid.uuid4().hex[:8]}.db'}",
        "rpc_url": dev.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        "rpc_timeout": 10.0,
        "manifest_path": manifest,
        "run_indexer": False,
        "keystore_dir": keys.directory,
        "keystore_password_file": keys.password_file,
        "signing_keys": keys.specs,
        "tx_receipt_timeout": 20.0,
    }
    values.update(extra)
    return Settings(**values)


@pytest.fixture(params=["sqlite"], name="tx_settings")
def tx_settings_fixture(
    request: pytest.FixtureRequest, tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> Iterator[Settings]:
    """Settings of a fresh node database (SQLite; PostgreSQL where a test asks for both)."""
    if request.param == "sqlite":
        yield base_settings(tmp_path, dev, tx_keyfiles)
        return
    user = pg_user()
    if user is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    schema = f"tx_test_{uuid.uuid4().hex[:12]}"
    url = f"postgresql+psycopg://{user}@127.0.0.1:5432/test"
    yield base_settings(tmp_path, dev, tx_keyfiles, database_url=url, database_schema=schema)
    with psycopg.connect(PG_DSN.format(user=user), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def open_client(settings: Settings, keys: KeyFiles | None) -> TestClient:
    """Return an app client (enter it to start the app); `keys` skips decrypting again."""
    app = create_app(settings)
    if keys is not None:
        app.state.tx_keyring = keys.keyring
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(name="node")
def node_fixture(tx_settings: Settings, tx_keyfiles: KeyFiles) -> Iterator[TestClient]:
    """A started node (signing service up, indexer off) on a fresh database."""
    with open_client(tx_settings, tx_keyfiles) as client:
        yield client


def sessions_of(settings: Settings) -> sessionmaker[Session]:
    """A session factory on the node's (migrated) database."""
    engine = make_engine(settings)
    migrate.upgrade(engine)
    return make_session_factory(engine)


def token(settings: Settings, key: str | None, ops: str, **kw: Any) -> str:
    """Create an API token directly in the node's database and return its text."""
    sessions = sessions_of(settings)
    wanted = frozenset(o for o in ops.split(",") if o)
    with sessions() as session, session.begin():
        text, _ = create_token(session, kw.pop("name", "test"), key, wanted, **kw)
    return text


def auth(token_text: str, idempotency_key: str | None = None) -> dict[str, str]:
    """Headers with the bearer token and (by default) a fresh Idempotency-Key."""
    headers = {"Authorization": f"Bearer {token_text}"}
    headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
    return headers


def h32(text: str) -> str:
    """A 0x 32-byte hex value derived from `text` (record hashes, roots)."""
    from eth_utils.crypto import keccak

    return "0x" + keccak(text=text).hex()


def random_address() -> str:
    """A fresh checksummed address."""
    return str(Account.from_key(os.urandom(32)).address)


def methodology_body(code: str) -> dict[str, Any]:
    """A valid register_methodology body."""
    return {
        "code": code,
        "version": 1,
        "sector": "transport",
        "kind": "PROJECT",
        "document_hash": h32(code),
    }


def all_ops_token(settings: Settings, key: str) -> str:
    """A token with every operation the key's role allows, plus relay."""
    from registry_node.tx.ops import ROLE_OPS

    role = settings.signing_keys[key].role
    return token(settings, key, ",".join(sorted(ROLE_OPS[role] | {RELAY})))
