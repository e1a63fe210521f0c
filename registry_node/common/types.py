"""Request and response types shared by the domain packages."""

from __future__ import annotations

from typing import Annotated

from eth_utils.address import to_checksum_address
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from carbon_chain.units import format_tonnes

_HEX = frozenset("0123456789abcdefABCDEF")
ZERO_ADDRESS = "0x" + "0" * 40


def checksum_address(value: str) -> str:
    """Return `value` checksummed; reject wrong length, non-hex, a bad EIP-55 checksum or zero.

    Raises:
        ValueError: the address is not acceptable (pydantic turns this into a 422 for the field).
    """
    if len(value) != 42 or not value.startswith("0x") or not set(value[2:]) <= _HEX:
        raise ValueError("must be a 0x-prefixed 20-byte hex address (42 characters)")
    checksummed = to_checksum_address(value)
    body = value[2:]
    if body != body.lower() and body != body.upper() and value != checksummed:
        raise ValueError(f"bad EIP-55 checksum; did you mean {checksummed}?")
    if checksummed == ZERO_ADDRESS:
        raise ValueError("the zero address is not an account")
    return checksummed


def check_hash(value: str) -> str:
    """Return a 0x 32-byte hex hash in lower case.

    Raises:
        ValueError: not 0x followed by 64 hex digits.
    """
    if len(value) != 66 or not value.startswith("0x") or not set(value[2:]) <= _HEX:
        raise ValueError("must be a 0x-prefixed 32-byte hex hash (66 characters)")
    return value.lower()


Address = Annotated[str, AfterValidator(checksum_address)]
Hash32 = Annotated[str, AfterValidator(check_hash)]
# Ids on chain are uint64 or smaller; larger values cannot exist, so they are a 422 not a 404.
Id = Annotated[int, Field(ge=0, le=2**63 - 1)]


class Amount(BaseModel):
    """An amount of CO2e: exact integer grams as a string, and tonnes for display."""

    model_config = ConfigDict(frozen=True)
    grams: str = Field(
        description="Integer grams of CO2e as a decimal string (exact beyond 2^53)",
        examples=["1500000"],
    )
    tonnes: str = Field(
        description="Display only: tonnes CO2e with exactly 6 decimals", examples=["1.500000"]
    )

    @classmethod
    def of(cls, grams: int) -> Amount:
        """Build from integer grams."""
        return cls(grams=str(grams), tonnes=format_tonnes(grams))


def hex_or_none(value: str | None) -> str | None:
    """Pass through optional hex text (kept for symmetry in response builders)."""
    return value
