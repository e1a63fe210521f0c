"""ABIs generated from the forge build by scripts/sync_abis.py; never edit the JSON by hand."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_abi(name: str) -> list[dict[str, Any]]:
    """Return the committed ABI of contract `name` (CarbonRegistry, CarbonLedger)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text()
    abi: list[dict[str, Any]] = json.loads(text)
    return abi
