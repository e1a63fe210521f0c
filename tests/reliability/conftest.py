"""The reliability tests reuse the node tests' helpers (tests/registry_node/*_support.py)."""

from __future__ import annotations

import sys
from pathlib import Path

_NODE_TESTS = str(Path(__file__).resolve().parents[1] / "registry_node")
if _NODE_TESTS not in sys.path:
    sys.path.insert(0, _NODE_TESTS)

_ORACLE_TESTS = str(Path(__file__).resolve().parents[1] / "oracle")
if _ORACLE_TESTS not in sys.path:
    sys.path.insert(0, _ORACLE_TESTS)
