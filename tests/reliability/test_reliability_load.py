"""Load (issue 8): 200 concurrent clients mixing queries and signing requests against a real
uvicorn node (its own process, indexer in process) for a bounded time, on the session anvil.
No 5xx, no transport error, every accepted signing request mined exactly once with unique,
contiguous nonces (scripts/load_node.py `verify`). The full run is
`.venv/bin/python scripts/load_node.py` (200 clients, 20 s)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from test_node_tx_support import KeyFiles, tx_keyfiles_fixture  # noqa: F401  (fixture)

from carbon_chain.devchain import DevRegistry

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_node", ROOT / "scripts" / "load_node.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_node"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.chain
def test_200_clients_mixed_load_no_5xx_and_every_tx_lands_once(
    dev: DevRegistry, tmp_path: Path, tx_keyfiles: KeyFiles
) -> None:
    load = _load_script()
    result = load.run(
        dev,
        tmp_path,
        tx_keyfiles.directory,
        tx_keyfiles.password_file,
        clients=200,
        seconds=6.0,
        sign_share=0.2,
    )
    print(f"load: {result}")
    assert result["server_errors_5xx"] == 0 and result["transport_errors"] == 0
    assert result["accepted_signing"] > 0 and result["landed"] == result["accepted_signing"]
    assert result["queries"] > 0
