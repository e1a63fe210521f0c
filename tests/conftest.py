"""Fixtures: a real anvil (npm binary) per session, the registry deployed from source, and a
chain snapshot around each test so tests stay independent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import Web3

from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    with Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS)]) as node:
        yield node


@pytest.fixture(scope="session")
def w3(anvil: Anvil) -> Web3:
    return Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 30}))


@pytest.fixture(scope="session")
def deployed(w3: Web3) -> DevRegistry:
    return DevRegistry.create(w3)


@pytest.fixture
def dev(deployed: DevRegistry, w3: Web3) -> Iterator[DevRegistry]:
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield deployed
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
