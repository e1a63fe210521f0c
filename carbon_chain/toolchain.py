"""Locate the pinned toolchain (npm anvil/forge, the solc front) inside the project checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
SOLC_FRONT = ROOT / "scripts" / "solc"
CONTRACTS_SRC = ROOT / "contracts" / "src"


class ToolchainError(RuntimeError):
    """The pinned toolchain is missing: run `make setup` (npm ci + venv)."""


def foundry_bin(tool: str) -> Path:
    """Return the path of a foundry binary installed from npm (`anvil`, `forge`).

    Raises:
        ToolchainError: the npm package is not installed.
    """
    path = NODE_MODULES / "@foundry-rs" / f"{tool}-linux-amd64" / "bin" / tool
    if not path.exists():
        raise ToolchainError(f"{tool} not found at {path}; run `make setup` (npm ci)")
    return path


def solc_front() -> Path:
    """Return the native-solc-compatible front over the pinned solcjs."""
    if not (NODE_MODULES / "solc").exists():
        raise ToolchainError("npm package solc is missing; run `make setup` (npm ci)")
    return SOLC_FRONT
