"""Compile the contracts from source through the one pinned compiler (py-solc-x → scripts/solc).

The settings mirror foundry.toml so forge and Python produce the same bytecode.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx

from carbon_chain.toolchain import CONTRACTS_SRC, NODE_MODULES, ROOT, solc_front

CONTRACT_NAMES = ("CarbonRegistry", "CarbonLedger", "CarbonMarket")
CACHE_DIR = ROOT / "out" / "py-solc-x"


@dataclass(frozen=True)
class Artifact:
    """ABI and creation bytecode of one contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    compiler: str


def _sources() -> dict[str, dict[str, str]]:
    return {
        str(path.relative_to(ROOT)): {"content": path.read_text()}
        for path in sorted(CONTRACTS_SRC.rglob("*.sol"))
    }


def standard_input() -> dict[str, Any]:
    """Return the solc standard-JSON input equivalent to foundry.toml's profile."""
    return {
        "language": "Solidity",
        "sources": _sources(),
        "settings": {
            "remappings": [f"@openzeppelin/contracts/={NODE_MODULES}/@openzeppelin/contracts/"],
            "optimizer": {"enabled": True, "runs": 200},
            "evmVersion": "cancun",
            "metadata": {"bytecodeHash": "none", "appendCBOR": False},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }


def compiler_version() -> str:
    """Return the full version string of the pinned compiler."""
    return str(solcx.wrapper.get_solc_version(solc_front(), with_commit_hash=True))


def compile_contracts() -> dict[str, Artifact]:
    """Compile the registry contracts; cached on the hash of the sources and settings.

    Raises:
        solcx.exceptions.SolcError: the sources do not compile.
    """
    data = standard_input()
    key = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    cache = CACHE_DIR / f"{key}.json"
    if cache.exists():
        cached = json.loads(cache.read_text())
        return {name: Artifact(**art) for name, art in cached.items()}
    output = solcx.compile_standard(data, solc_binary=solc_front(), allow_paths=[str(ROOT)])
    version = compiler_version()
    artifacts: dict[str, Artifact] = {}
    for contracts in output["contracts"].values():
        for name, out in contracts.items():
            if name in CONTRACT_NAMES:
                artifacts[name] = Artifact(
                    name=name,
                    abi=out["abi"],
                    bytecode="0x" + out["evm"]["bytecode"]["object"],
                    compiler=version,
                )
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({n: a.__dict__ for n, a in artifacts.items()}))
    return artifacts


def abi_hash(abi: list[dict[str, Any]]) -> str:
    """Return the sha256 of an ABI in canonical JSON (what the manifest records)."""
    return hashlib.sha256(
        json.dumps(abi, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def artifact_path(name: str) -> Path:
    """Return where forge writes a contract's artifact."""
    return ROOT / "out" / f"{name}.sol" / f"{name}.json"
