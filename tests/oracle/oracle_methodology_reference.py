"""Recompute every methodology in exact rational arithmetic from literal factors.

This is the independent check the golden files are generated from and the property tests compare
against: it repeats each factor as a literal (so a changed constant in oracle.methodologies shows
up as a mismatch) and uses fractions.Fraction, so it shares no rounding with the calculators.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction

# Published factors.
GRID_CENTRAL_CHINA_2023 = Fraction("0.5271")  # kgCO2/kWh, MEE & NBS 2023 factors, Central China
PETROL_NCV = Fraction("43.070")  # GJ/t
PETROL_CARBON_CONTENT = Fraction("0.0189")  # tC/GJ
PETROL_OXIDATION = Fraction("0.98")
CARBON_FRACTION = Fraction("0.47")  # IPCC 2006 Vol. 4 Table 4.3

# Assumed local values.
PETROL_DENSITY = Fraction("0.73")  # kg/L
CAR_FUEL_CONSUMPTION = Fraction("7.0")  # L/100 km
CAR_OCCUPANCY = Fraction("1.5")
METRO_KWH_PER_PKM = Fraction("0.06")
BUS_KG_PER_PKM = Fraction("0.04")
EBIKE_KWH_PER_KM = Fraction("0.02")
SHARES = {"car": Fraction("0.20"), "bus": Fraction("0.50"), "ebike": Fraction("0.30")}
EV_KWH_PER_100KM = Fraction(15)

SPECIES = {
    "CHINESE_FIR": (Fraction("0.307"), Fraction("1.634"), Fraction("0.246")),
    "MASSON_PINE": (Fraction("0.380"), Fraction("1.472"), Fraction("0.187")),
    "OAK": (Fraction("0.676"), Fraction("1.355"), Fraction("0.292")),
    "POPLAR": (Fraction("0.378"), Fraction("1.446"), Fraction("0.227")),
    "CYPRESS": (Fraction("0.478"), Fraction("1.732"), Fraction("0.220")),
}

GRAMS_PER_ACTION = {
    "PAPERLESS_INVOICE": Fraction(2),
    "PAPERLESS_TICKET": Fraction(2),
    "REFILL_CUP": Fraction(20),
    "NO_DISPOSABLE_CUTLERY": Fraction(10),
}

PETROL_T_CO2_PER_T = PETROL_NCV * PETROL_CARBON_CONTENT * PETROL_OXIDATION * 44 / 12
CAR_KG_PER_KM = CAR_FUEL_CONSUMPTION / 100 * PETROL_DENSITY * PETROL_T_CO2_PER_T
CAR_KG_PER_PKM = CAR_KG_PER_KM / CAR_OCCUPANCY


def _number(value: object) -> Fraction:
    return Fraction(str(value))


def _grams(kilograms: Fraction) -> int:
    return max(0, math.floor(kilograms * 1000))


def green_travel(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-GT-001."""
    transit = (
        METRO_KWH_PER_PKM * GRID_CENTRAL_CHINA_2023 if fields["mode"] == "METRO" else BUS_KG_PER_PKM
    )
    return _grams(_number(fields["passenger_km"]) * (CAR_KG_PER_PKM - transit))


def cycling(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-CY-001."""
    baseline = (
        SHARES["car"] * CAR_KG_PER_PKM
        + SHARES["bus"] * BUS_KG_PER_PKM
        + SHARES["ebike"] * EBIKE_KWH_PER_KM * GRID_CENTRAL_CHINA_2023
    )
    return _grams(_number(fields["distance_km"]) * baseline)


def nev_charging(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-EV-001."""
    kwh = _number(fields["charged_kwh"])
    km = kwh / EV_KWH_PER_100KM * 100
    return _grams(km * CAR_KG_PER_KM - kwh * GRID_CENTRAL_CHINA_2023)


def photovoltaic(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-PV-001."""
    return _grams(_number(fields["self_consumed_kwh"]) * GRID_CENTRAL_CHINA_2023)


def forestry(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-FC-001."""
    density, expansion, root_shoot = SPECIES[str(fields["species"])]
    tonnes = (
        _number(fields["area_ha"])
        * _number(fields["annual_increment_m3_per_ha"])
        * _number(fields["period_days"])
        / 365
        * density
        * expansion
        * (1 + root_shoot)
        * CARBON_FRACTION
        * 44
        / 12
    )
    return _grams(tonnes * 1000)


def personal_points(fields: Mapping[str, object]) -> int:
    """Recompute WHCI-PP-001."""
    grams = _number(fields["count"]) * GRAMS_PER_ACTION[str(fields["action"])]
    return max(0, math.floor(grams))


REFERENCE: dict[str, Callable[[Mapping[str, object]], int]] = {
    "WHCI-GT-001": green_travel,
    "WHCI-CY-001": cycling,
    "WHCI-EV-001": nev_charging,
    "WHCI-PV-001": photovoltaic,
    "WHCI-FC-001": forestry,
    "WHCI-PP-001": personal_points,
}
