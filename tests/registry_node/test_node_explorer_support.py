"""A module-scoped index of the lifecycle for the explorer tests (HTTP and browser).

The explorer only reads the index, so one index per test module is built from the credit
lifecycle on the dev chain (inside a chain snapshot) and shared by that module's tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_node_support import lifecycle
from web3 import Web3

from carbon_chain.devchain import DevRegistry
from registry_node import migrate
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner


@dataclass(frozen=True)
class ExplorerIndex:
    """Settings of an index holding the lifecycle, and the ids the lifecycle created."""

    settings: Settings
    ids: dict[str, Any]
    dev: DevRegistry


@pytest.fixture(name="explorer_index", scope="module")
def explorer_index_fixture(
    deployed: DevRegistry, w3: Web3, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ExplorerIndex]:
    """Run the lifecycle once, index it into SQLite, and revert the chain afterwards."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    tmp: Path = tmp_path_factory.mktemp("explorer")
    manifest = tmp / "deployment.json"
    deployed.deployment.save(manifest)
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'index.db'}",
        rpc_url=deployed.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        manifest_path=manifest,
        datasets_dir=tmp / "datasets",
        run_indexer=False,
        page_max_limit=100,
    )
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        ids = lifecycle(deployed, settings.datasets_dir)
        Scanner(deployed.w3, engine, deployed.deployment, settings).sync()
    finally:
        engine.dispose()
    try:
        yield ExplorerIndex(settings=settings, ids=ids, dev=deployed)
    finally:
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
