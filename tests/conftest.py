"""The project's fixture names over the `carbon_chain.pytest_plugin` fixtures partner apps use:
one real anvil (npm binary) per session, the registry deployed from source, and a chain snapshot
around each test so tests stay independent."""

from __future__ import annotations

import pytest
from web3 import Web3

from carbon_chain import pytest_plugin
from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DevRegistry

PLUGIN_NAME = "wuhan_registry"  # the pytest11 entry point's name in pyproject.toml


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin unless its entry point already did (a venv installed before it)."""
    # `pytest_plugins = [...]` would register the module a second time under its module name
    # once the entry point has loaded it, which pluggy refuses.
    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, PLUGIN_NAME)


@pytest.fixture(scope="session")
def anvil(registry_anvil: Anvil) -> Anvil:
    return registry_anvil


@pytest.fixture(scope="session")
def w3(registry_w3: Web3) -> Web3:
    return registry_w3


@pytest.fixture(scope="session")
def deployed(registry_deployment: DevRegistry) -> DevRegistry:
    return registry_deployment


@pytest.fixture
def dev(registry: DevRegistry) -> DevRegistry:
    return registry
