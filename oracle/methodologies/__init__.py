"""Expose every approved methodology version through one registry keyed by (code, version).

The ingestion pipeline looks a report's methodology up here and calls ``compute_record`` on each
validated record, without knowing which calculator it is talking to. Old versions stay registered
for as long as their credits exist, so that a verifier can recompute any past report.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from oracle.methodologies import (
    cycling,
    forestry,
    green_travel,
    nev_charging,
    personal_points,
    photovoltaic,
)
from oracle.methodologies._base import Kind, Methodology

__all__ = ["METHODOLOGIES", "Kind", "Methodology", "UnknownMethodologyError", "get"]


class UnknownMethodologyError(ValueError):
    """Report a (code, version) pair that no registered methodology has."""

    def __init__(self, code: str, version: int) -> None:
        super().__init__(f"unknown methodology {code!r} version {version!r}")
        self.code = code
        self.version = version


def _build() -> Mapping[tuple[str, int], Methodology]:
    entries = (
        Methodology(
            code=green_travel.CODE,
            version=green_travel.VERSION,
            sector=green_travel.SECTOR,
            kind=green_travel.KIND,
            fields=green_travel.FIELDS,
            _compute_record=green_travel.compute_record,
            _parameters=green_travel.parameters,
        ),
        Methodology(
            code=cycling.CODE,
            version=cycling.VERSION,
            sector=cycling.SECTOR,
            kind=cycling.KIND,
            fields=cycling.FIELDS,
            _compute_record=cycling.compute_record,
            _parameters=cycling.parameters,
        ),
        Methodology(
            code=nev_charging.CODE,
            version=nev_charging.VERSION,
            sector=nev_charging.SECTOR,
            kind=nev_charging.KIND,
            fields=nev_charging.FIELDS,
            _compute_record=nev_charging.compute_record,
            _parameters=nev_charging.parameters,
        ),
        Methodology(
            code=photovoltaic.CODE,
            version=photovoltaic.VERSION,
            sector=photovoltaic.SECTOR,
            kind=photovoltaic.KIND,
            fields=photovoltaic.FIELDS,
            _compute_record=photovoltaic.compute_record,
            _parameters=photovoltaic.parameters,
        ),
        Methodology(
            code=forestry.CODE,
            version=forestry.VERSION,
            sector=forestry.SECTOR,
            kind=forestry.KIND,
            fields=forestry.FIELDS,
            _compute_record=forestry.compute_record,
            _parameters=forestry.parameters,
        ),
        Methodology(
            code=personal_points.CODE,
            version=personal_points.VERSION,
            sector=personal_points.SECTOR,
            kind=personal_points.KIND,
            fields=personal_points.FIELDS,
            _compute_record=personal_points.compute_record,
            _parameters=personal_points.parameters,
        ),
    )
    registry: dict[tuple[str, int], Methodology] = {}
    for entry in entries:
        key = (entry.code, entry.version)
        # Two modules claiming one key would make a report's recomputation ambiguous.
        if key in registry:
            raise RuntimeError(f"methodology {entry.code} version {entry.version} registered twice")
        registry[key] = entry
    return MappingProxyType(registry)


# Read-only so no caller can swap a calculator under a running pipeline.
METHODOLOGIES: Final[Mapping[tuple[str, int], Methodology]] = _build()


def get(code: str, version: int) -> Methodology:
    """Return the methodology registered under a code and version.

    Args:
        code: Methodology code, e.g. ``WHCI-GT-001``.
        version: Methodology version.

    Returns:
        The registered methodology.

    Raises:
        UnknownMethodologyError: No methodology has that code and version.
    """
    # bool is an int; True must not silently mean version 1.
    if isinstance(version, bool):
        raise UnknownMethodologyError(code, version)
    try:
        return METHODOLOGIES[(code, version)]
    except (KeyError, TypeError):
        raise UnknownMethodologyError(code, version) from None
