"""Shared set-up for the oracle's chain tests: accounts, synthetic feeds, keystores, service."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from pydantic import SecretStr

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import AccountKind, MethodologyKind
from carbon_chain.signer import DEV_MNEMONIC, LocalSigner, write_keystore
from oracle.config import OracleSettings
from oracle.service import Oracle
from oracle.store import Store
from oracle.submit import ChainGateway

DAY = 86_400
SALT = "test-salt-0123456789abcdef"
VERIFIER_PASSWORD = "verifier-secret"
PASSWORD_ENV = "TEST_VERIFIER_KEYSTORE_PASSWORD"
METRO_HEADER = (
    "record_id,user_id,project_id,methodology,methodology_version,occurred_at,mode,"
    "passenger_km,unit\n"
)


@dataclass
class Scenario:
    """A registered green-travel project, its period and its enrolled participants."""

    project_id: int
    start: int
    end: int
    users: list[tuple[str, str]]  # (partner user id, account)


def settings_for(tmp: Path) -> OracleSettings:
    return OracleSettings(
        database_url=f"sqlite:///{tmp / 'oracle.db'}",
        publish_dir=tmp / "published",
        signatures_dir=tmp / "signatures",
        inputs_dir=tmp / "inputs",
        pseudonym_salt=SecretStr(SALT),
        rpc_retries=2,
        rpc_backoff_seconds=0.01,
        partner_keys={"metro-co": SecretStr("metro-hmac-key")},
        partner_feeds={"metro-co": "metro"},
    )


def make_oracle(dev: DevRegistry, tmp: Path) -> Oracle:
    """Return a fresh service over the same SQLite file (a 'new process')."""
    settings = settings_for(tmp)
    return Oracle(
        settings,
        Store(settings.database_url),
        dev.deployment,
        ChainGateway(dev.reg, retries=2, backoff=0.01),
        dev.actors.oracle,
    )


def participant_account(index: int) -> str:
    return str(Account.from_key((index + 1).to_bytes(32, "big")).address)


def green_travel_scenario(dev: DevRegistry, participants: int, register: bool) -> Scenario:
    mid = dev.register_methodology("WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO)
    pid = dev.register_project(mid, dev.actors.aggregator.address)
    end = (dev.now() // DAY) * DAY - DAY
    start = end - 30 * DAY
    users = [(f"metro-user-{i:05d}", participant_account(i)) for i in range(participants)]
    if register:
        for _, account in users:
            dev.register_account(account, AccountKind.INDIVIDUAL)
    return Scenario(pid, start, end, users)


def trips_csv(scenario: Scenario, count: int, seed: int, prefix: str = "t") -> bytes:
    """A seeded month of metro/bus trips, one CSV row per trip."""
    rng = random.Random(seed)
    rows = [METRO_HEADER]
    for i in range(count):
        user, _ = rng.choice(scenario.users)
        when = rng.randrange(scenario.start, scenario.end)
        mode = rng.choice(("METRO", "METRO", "BUS"))
        km = f"{rng.randrange(500, 40_000) / 1000:.3f}"
        rows.append(
            f"{prefix}{i:06d},{user},{scenario.project_id},WHCI-GT-001,1,{when},{mode},{km},pkm\n"
        )
    return "".join(rows).encode()


def setup_oracle(dev: DevRegistry, tmp: Path, scenario: Scenario) -> Oracle:
    oracle = make_oracle(dev, tmp)
    oracle.add_project(scenario.project_id)
    oracle.enroll("metro", scenario.users)
    return oracle


def verifier_key(dev: DevRegistry, index: int) -> bytes:
    """Private key of the dev verifier at ``index`` (anvil's public test keys)."""
    target = dev.actors.verifiers[index].address
    for path_index in range(20):
        account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{path_index}")
        if account.address == target:
            return bytes(account.key)
    raise LookupError(target)


def write_verifier_keystores(dev: DevRegistry, folder: Path) -> list[Path]:
    paths = []
    for index in range(len(dev.actors.verifiers)):
        path = folder / f"verifier-{index}.json"
        if not path.exists():
            write_keystore(verifier_key(dev, index), path, VERIFIER_PASSWORD)
        paths.append(path)
    return paths


def signer_of(path: Path) -> LocalSigner:
    return LocalSigner.from_keystore(path, VERIFIER_PASSWORD)
