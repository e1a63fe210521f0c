"""Compute distributed photovoltaic self-consumption reductions against grid electricity.

One record is the metered self-consumed output of one distributed PV installation over one
monitoring period::

    ER [kgCO2] = Q_self * EF_grid

Only self-consumed electricity is credited: exported electricity is accounted by the grid and may
carry a green-electricity certificate, so crediting it here would count it twice. The same holds
for self-consumed kWh whose certificate was sold; the proponent declares that at registration.
PV output has no project emissions within this boundary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

from oracle.methodologies._base import (
    Kind,
    check_quantity,
    decimal_context,
    factor_parameters,
    record_quantity,
    to_grams,
)
from oracle.methodologies._factors import GRID_CENTRAL_CHINA_2023

CODE: Final = "WHCI-PV-001"
VERSION: Final = 1
SECTOR: Final = "energy"
KIND: Final = Kind.PROJECT
FIELDS: Final = ("self_consumed_kwh",)

# 10,000,000 kWh is a year of a ~9 MW array at Hubei's ~1,100 full-load hours, beyond the
# ~6 MW usually treated as distributed PV; a larger record is a feed error or a power station.
MAX_SELF_CONSUMED_KWH: Final = Decimal(10_000_000)

GRID_EMISSION_FACTOR: Final = GRID_CENTRAL_CHINA_2023


@dataclass(frozen=True, slots=True)
class PhotovoltaicActivity:
    """Hold one installation's self-consumed PV output over one monitoring period.

    Attributes:
        self_consumed_kwh: Self-consumed electricity, in kWh (at most 6 decimal places).
    """

    self_consumed_kwh: Decimal | int

    def __post_init__(self) -> None:
        check_quantity("self_consumed_kwh", self.self_consumed_kwh, cap=MAX_SELF_CONSUMED_KWH)


def compute(activity: PhotovoltaicActivity) -> int:
    """Compute the reduction of one PV record.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, rounded down, never negative.

    Raises:
        TypeError: ``activity`` is not a PhotovoltaicActivity.
    """
    if not isinstance(activity, PhotovoltaicActivity):
        raise TypeError(f"activity: expected PhotovoltaicActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        return to_grams(Decimal(activity.self_consumed_kwh) * GRID_EMISSION_FACTOR.value)


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the reduction of one record given as a field mapping.

    Args:
        fields: ``self_consumed_kwh``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    quantity = record_quantity(fields, "self_consumed_kwh")
    return compute(PhotovoltaicActivity(self_consumed_kwh=quantity))


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    return factor_parameters(CODE, VERSION, (GRID_EMISSION_FACTOR,), {})
