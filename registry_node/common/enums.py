"""Enum names for API responses (the chain stores small integers)."""

from __future__ import annotations

from enum import IntEnum

from carbon_chain.domain import (
    AccountKind,
    AccountStatus,
    CancellationKind,
    LockStatus,
    MethodologyKind,
    MethodologyStatus,
    ProjectStatus,
    ReportStatus,
    RetirementPurpose,
)

__all__ = [
    "AccountKind",
    "AccountStatus",
    "CancellationKind",
    "LockStatus",
    "MethodologyKind",
    "MethodologyStatus",
    "ProjectStatus",
    "ReportStatus",
    "RetirementPurpose",
    "name_of",
]


def name_of(enum: type[IntEnum], value: int) -> str:
    """Return the member name for `value`, or UNKNOWN_<n> for a value newer than this node."""
    try:
        return enum(value).name
    except ValueError:
        return f"UNKNOWN_{value}"


def parse_name(enum: type[IntEnum], value: str | None, field: str) -> int | None:
    """Return the integer of an enum member named `value` (None passes through).

    Raises:
        Invalid: not a member name (422 naming `field`).
    """
    from registry_node.errors import Invalid

    if value is None:
        return None
    try:
        return int(enum[value])
    except KeyError:
        names = ", ".join(m.name for m in enum if m.name != "NONE")
        raise Invalid(f"{field} must be one of {names}", field=field) from None


def names(enum: type[IntEnum]) -> str:
    """Return the member names for a parameter description."""
    return ", ".join(m.name for m in enum if m.name != "NONE")
