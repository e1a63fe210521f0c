"""Compute new-energy-vehicle charging reductions against a petrol-car baseline.

One record is the electricity one battery-electric passenger car drew from metered chargers
over one monitoring period, as reported by the charging operator::

    KM         = Q / EC * 100                                    [km]
    ER [kgCO2] = KM * EF_car - Q * EF_grid
    EF_car     = FC / 100 * RHO * NCV * CC * OX * 44/12            [kgCO2/vehicle-km]

Q charged electricity [kWh], EC vehicle consumption [kWh/100km], EF_grid grid factor
[kgCO2/kWh]; the car-factor symbols are those of green_travel.

The baseline is the same distance driven by a petrol car; the project emissions are the grid
electricity charged. Only metered charging counts, so home charging without a meter earns nothing.
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
    GRID_CENTRAL_CHINA_2023,
    PETROL_CAR_FACTORS,
    petrol_car_emission_factor,
)

CODE: Final = "WHCI-EV-001"
VERSION: Final = 1
SECTOR: Final = "transport"
KIND: Final = Kind.PERSONAL_SCENARIO
FIELDS: Final = ("charged_kwh",)

# 50,000 kWh is ~330,000 km a year at the assumed consumption, three times a full-time
# ride-hailing car; a larger record is a feed error or a fleet that must register as a project.
MAX_CHARGED_KWH: Final = Decimal(50_000)

EV_ELECTRICITY_CONSUMPTION: Final = Factor(
    name="ev_electricity_consumption",
    value=Decimal("15"),  # kWh per 100 km, measured at the charger (losses included)
    unit="kWh/100km",
    source=(
        "ASSUMED, pending the agency's approved text: real-world consumption of a battery-"
        "electric passenger car including charging losses"
    ),
)

GRID_EMISSION_FACTOR: Final = GRID_CENTRAL_CHINA_2023


@dataclass(frozen=True, slots=True)
class NevChargingActivity:
    """Hold one vehicle's metered charging over one monitoring period.

    Attributes:
        charged_kwh: Electricity charged, in kWh (at most 6 decimal places).
    """

    charged_kwh: Decimal | int

    def __post_init__(self) -> None:
        check_quantity("charged_kwh", self.charged_kwh, cap=MAX_CHARGED_KWH)


def reduction_per_kwh() -> Decimal:
    """Return the net reduction of one charged kWh, in kgCO2/kWh."""
    with localcontext(decimal_context()):
        km_per_kwh = 100 / EV_ELECTRICITY_CONSUMPTION.value
        return km_per_kwh * petrol_car_emission_factor() - GRID_EMISSION_FACTOR.value


def compute(activity: NevChargingActivity) -> int:
    """Compute the reduction of one charging record.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, rounded down, never negative.

    Raises:
        TypeError: ``activity`` is not a NevChargingActivity.
    """
    if not isinstance(activity, NevChargingActivity):
        raise TypeError(f"activity: expected NevChargingActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        return to_grams(Decimal(activity.charged_kwh) * reduction_per_kwh())


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the reduction of one record given as a field mapping.

    Args:
        fields: ``charged_kwh``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    return compute(NevChargingActivity(charged_kwh=record_quantity(fields, "charged_kwh")))


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    factors = (*PETROL_CAR_FACTORS, EV_ELECTRICITY_CONSUMPTION, GRID_EMISSION_FACTOR)
    derived = {
        "car_emission_factor_kgco2_per_km": petrol_car_emission_factor(),
        "reduction_kgco2_per_kwh": reduction_per_kwh(),
    }
    return factor_parameters(CODE, VERSION, factors, derived)
