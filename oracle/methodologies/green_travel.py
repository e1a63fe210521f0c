"""Compute metro and bus green-travel reductions against a private petrol-car baseline.

One record is one participant's metro or bus travel over one monitoring period, as counted by
the operator (tap-in/tap-out distance or route distance)::

    ER [kgCO2] = PKM * (EF_car - EF_mode)
    EF_car     = FC / 100 * RHO * NCV * CC * OX * 44/12 / OCC      [kgCO2/pkm]
    EF_metro   = E_metro * EF_grid                               [kgCO2/pkm]
    EF_bus     = assumed per-passenger-km factor                 [kgCO2/pkm]

PKM passenger-km, FC car fuel consumption [L/100km], RHO petrol density [kg/L], NCV petrol net
calorific value [GJ/t], CC carbon content [tC/GJ], OX oxidation rate, OCC car occupancy,
E_metro metro electricity per passenger-km [kWh/pkm], EF_grid grid factor [kgCO2/kWh].

The baseline assumes every transit passenger-km replaces a private-car passenger-km, as the
registry's design for this scenario asks; the car factor is kept conservative (low consumption,
occupancy above one) until the agency's approved text fixes the baseline mix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from oracle.methodologies._base import (
    Factor,
    Kind,
    check_choice,
    check_quantity,
    decimal_context,
    factor_parameters,
    record_choice,
    record_quantity,
    to_grams,
)
from oracle.methodologies._factors import (
    BUS_EMISSION_FACTOR,
    CAR_OCCUPANCY,
    GRID_CENTRAL_CHINA_2023,
    PETROL_CAR_FACTORS,
    petrol_car_passenger_emission_factor,
    petrol_emission_factor,
)

CODE: Final = "WHCI-GT-001"
VERSION: Final = 1
SECTOR: Final = "transport"
KIND: Final = Kind.PERSONAL_SCENARIO
FIELDS: Final = ("mode", "passenger_km")

# 100,000 pkm in one record is ~274 km of transit every day for a year; a monitoring period
# is at most a year, so anything above is a feed error (e.g. metres sent as km).
MAX_PASSENGER_KM: Final = Decimal(100_000)

METRO_ELECTRICITY_INTENSITY: Final = Factor(
    name="metro_electricity_intensity",
    value=Decimal("0.06"),  # kWh per passenger-km, traction and stations
    unit="kWh/pkm",
    source=(
        "ASSUMED, pending the agency's approved text and Wuhan Metro operating data: total "
        "electricity per passenger-km of an urban metro network"
    ),
)

GRID_EMISSION_FACTOR: Final = GRID_CENTRAL_CHINA_2023


class TransitMode(StrEnum):
    """Name the public transport modes this methodology credits."""

    METRO = "METRO"
    BUS = "BUS"


@dataclass(frozen=True, slots=True)
class GreenTravelActivity:
    """Hold one participant's transit travel over one monitoring period.

    Attributes:
        mode: Metro or bus.
        passenger_km: Distance travelled, in passenger-km (at most 6 decimal places).
    """

    mode: TransitMode
    passenger_km: Decimal | int

    def __post_init__(self) -> None:
        check_choice("mode", self.mode, TransitMode)
        check_quantity("passenger_km", self.passenger_km, cap=MAX_PASSENGER_KM)


def transit_emission_factor(mode: TransitMode) -> Decimal:
    """Return the project emission factor of a transit mode, in kgCO2/pkm.

    Args:
        mode: The transit mode.

    Returns:
        Emissions per passenger-km.
    """
    with localcontext(decimal_context()):
        if mode is TransitMode.METRO:
            return METRO_ELECTRICITY_INTENSITY.value * GRID_EMISSION_FACTOR.value
        return BUS_EMISSION_FACTOR.value


def compute(activity: GreenTravelActivity) -> int:
    """Compute the reduction of one green-travel record.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, rounded down, never negative.

    Raises:
        TypeError: ``activity`` is not a GreenTravelActivity.
    """
    if not isinstance(activity, GreenTravelActivity):
        raise TypeError(f"activity: expected GreenTravelActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        per_pkm = petrol_car_passenger_emission_factor() - transit_emission_factor(activity.mode)
        return to_grams(Decimal(activity.passenger_km) * per_pkm)


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the reduction of one record given as a field mapping.

    Args:
        fields: ``mode`` ("METRO" or "BUS") and ``passenger_km``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    return compute(
        GreenTravelActivity(
            mode=record_choice(fields, "mode", TransitMode),
            passenger_km=record_quantity(fields, "passenger_km"),
        )
    )


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    factors = (
        *PETROL_CAR_FACTORS,
        CAR_OCCUPANCY,
        METRO_ELECTRICITY_INTENSITY,
        GRID_EMISSION_FACTOR,
        BUS_EMISSION_FACTOR,
    )
    derived = {
        "petrol_emission_factor_tco2_per_t": petrol_emission_factor(),
        "car_emission_factor_kgco2_per_pkm": petrol_car_passenger_emission_factor(),
        "metro_emission_factor_kgco2_per_pkm": transit_emission_factor(TransitMode.METRO),
        "bus_emission_factor_kgco2_per_pkm": transit_emission_factor(TransitMode.BUS),
    }
    return factor_parameters(CODE, VERSION, factors, derived)
