"""A module-scoped index of the lifecycle for the explorer tests (HTTP and browser).

The explorer only reads the index, so one index per test module is built from the credit
lifecycle on the dev chain (inside a chain snapshot) and shared by that module's tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from test_node_support import lifecycle

from carbon_chain.devchain import DevRegistry
from registry_node import migrate
from registry_node.app import create_app
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner


@dataclass(frozen=True)
class ExplorerIndex:
    """Settings of an index holding the lifecycle, and the ids the lifecycle created."""

    settings: Settings
    ids: dict[str, Any]
    dev: DevRegistry


@contextmanager
def indexed_scenario(
    deployed: DevRegistry,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    scenario: Callable[[DevRegistry, Path], dict[str, Any]],
) -> Iterator[tuple[Settings, dict[str, Any]]]:
    """Run `scenario` once on the dev chain, index it into SQLite, revert the chain afterwards."""
    w3 = deployed.w3
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    tmp: Path = tmp_path_factory.mktemp(name)
    manifest = tmp / "deployment.json"
    deployed.deployment.save(manifest)
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'index.db'}",
        rpc_url=w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        manifest_path=manifest,
        datasets_dir=tmp / "datasets",
        run_indexer=False,
        page_max_limit=100,
    )
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        ids = scenario(deployed, settings.datasets_dir)
        Scanner(w3, engine, deployed.deployment, settings).sync()
    except BaseException:
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
        raise
    finally:
        engine.dispose()
    try:
        yield settings, ids
    finally:
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


@pytest.fixture(name="explorer_index", scope="module")
def explorer_index_fixture(
    deployed: DevRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ExplorerIndex]:
    """The credit lifecycle, indexed once per test module."""
    with indexed_scenario(deployed, tmp_path_factory, "explorer", lifecycle) as (settings, ids):
        yield ExplorerIndex(settings=settings, ids=ids, dev=deployed)


# Debian's chromium, driven by Playwright (its own browser download fails here).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """Serve the node with uvicorn on a free local port in a thread; yield its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
