"""Compute shared-bike cycling and walking reductions against a mixed-mode baseline.

One record is one participant's cycled or walked distance over one monitoring period, as
counted by the bike-share operator or the partner app::

    ER [kgCO2] = D * (S_car * EF_car + S_bus * EF_bus + S_ebike * EF_ebike) - D * 0
    EF_car     = FC / 100 * RHO * NCV * CC * OX * 44/12 / OCC      [kgCO2/pkm]
    EF_ebike   = E_ebike * EF_grid                               [kgCO2/km]

D distance [km], S_* share of the distance each mode would otherwise have covered, E_ebike
e-bike electricity per km; the car-factor symbols are those of green_travel.

Cycling and walking emit nothing on the project side. The emissions of rebalancing shared bikes
are left out, pending the agency's approved text; the baseline shares are kept modest to offset
that until a Wuhan survey fixes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

from oracle.methodologies._base import (
    Factor,
    Kind,
    check_quantity,
    decimal_context,
    factor_parameters,
    record_quantity,
    to_grams,
)
from oracle.methodologies._factors import (
    BUS_EMISSION_FACTOR,
    CAR_OCCUPANCY,
    GRID_CENTRAL_CHINA_2023,
    PETROL_CAR_FACTORS,
    petrol_car_passenger_emission_factor,
)

CODE: Final = "WHCI-CY-001"
VERSION: Final = 1
SECTOR: Final = "transport"
KIND: Final = Kind.PERSONAL_SCENARIO
FIELDS: Final = ("distance_km",)

# 20,000 km in one record is ~55 km every day for a year, beyond any commuter on a shared bike.
MAX_DISTANCE_KM: Final = Decimal(20_000)

CAR_SHARE: Final = Factor(
    name="substituted_share_car",
    value=Decimal("0.20"),  # fraction of cycled km that would otherwise be driven
    unit="1",
    source="ASSUMED, pending the agency's approved text and a Wuhan travel survey",
)

BUS_SHARE: Final = Factor(
    name="substituted_share_bus",
    value=Decimal("0.50"),  # fraction of cycled km that would otherwise be ridden by bus
    unit="1",
    source="ASSUMED, pending the agency's approved text and a Wuhan travel survey",
)

EBIKE_SHARE: Final = Factor(
    name="substituted_share_ebike",
    value=Decimal("0.30"),  # fraction of cycled km that would otherwise be ridden by e-bike
    unit="1",
    source="ASSUMED, pending the agency's approved text and a Wuhan travel survey",
)

EBIKE_ELECTRICITY_INTENSITY: Final = Factor(
    name="ebike_electricity_intensity",
    value=Decimal("0.02"),  # kWh per km, including charging losses
    unit="kWh/km",
    source=(
        "ASSUMED, pending the agency's approved text: electricity use of an electric bicycle "
        "(about 1 kWh per 50 km of range)"
    ),
)

GRID_EMISSION_FACTOR: Final = GRID_CENTRAL_CHINA_2023

# A baseline mix that does not add up to one would silently over- or under-credit every record.
if CAR_SHARE.value + BUS_SHARE.value + EBIKE_SHARE.value != 1:
    raise RuntimeError(f"{CODE}: substituted-mode shares must sum to 1")


@dataclass(frozen=True, slots=True)
class CyclingActivity:
    """Hold one participant's cycled or walked distance over one monitoring period.

    Attributes:
        distance_km: Distance, in km (at most 6 decimal places).
    """

    distance_km: Decimal | int

    def __post_init__(self) -> None:
        check_quantity("distance_km", self.distance_km, cap=MAX_DISTANCE_KM)


def baseline_emission_factor() -> Decimal:
    """Return the weighted emissions of the trips that cycling replaces, in kgCO2/km."""
    with localcontext(decimal_context()):
        ebike = EBIKE_ELECTRICITY_INTENSITY.value * GRID_EMISSION_FACTOR.value
        return (
            CAR_SHARE.value * petrol_car_passenger_emission_factor()
            + BUS_SHARE.value * BUS_EMISSION_FACTOR.value
            + EBIKE_SHARE.value * ebike
        )


def compute(activity: CyclingActivity) -> int:
    """Compute the reduction of one cycling record.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, rounded down, never negative.

    Raises:
        TypeError: ``activity`` is not a CyclingActivity.
    """
    if not isinstance(activity, CyclingActivity):
        raise TypeError(f"activity: expected CyclingActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        return to_grams(Decimal(activity.distance_km) * baseline_emission_factor())


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the reduction of one record given as a field mapping.

    Args:
        fields: ``distance_km``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    return compute(CyclingActivity(distance_km=record_quantity(fields, "distance_km")))


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    factors = (
        CAR_SHARE,
        BUS_SHARE,
        EBIKE_SHARE,
        *PETROL_CAR_FACTORS,
        CAR_OCCUPANCY,
        BUS_EMISSION_FACTOR,
        EBIKE_ELECTRICITY_INTENSITY,
        GRID_EMISSION_FACTOR,
    )
    derived = {
        "car_emission_factor_kgco2_per_pkm": petrol_car_passenger_emission_factor(),
        "baseline_emission_factor_kgco2_per_km": baseline_emission_factor(),
    }
    return factor_parameters(CODE, VERSION, factors, derived)
