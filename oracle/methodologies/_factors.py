"""Hold published reference factors shared by several methodologies, one constant per vintage.

A published value never changes, so each constant is named after the year it describes: a newer
publication adds a new constant and the methodologies that adopt it bump their VERSION. That keeps
a (code, version) pair tied to one set of numbers for as long as its credits exist.
"""

from __future__ import annotations

import functools
from decimal import Decimal, localcontext
from typing import Final

from oracle.methodologies._base import Factor, decimal_context

# Electricity-consumption factors from the MEE/NBS series that began with the 2021 factors
# (公告2024年第12号). The regional factor is used because Hubei draws on the Central China grid.
# MEE's single national grid factor for power-sector compliance reporting (0.5703 tCO2/MWh for
# 2022) is deliberately not used: it serves that reporting, not regional consumption accounting.
GRID_CENTRAL_CHINA_2023: Final = Factor(
    name="grid_emission_factor_central_china_2023",
    value=Decimal("0.5271"),  # kgCO2/kWh = tCO2/MWh
    unit="kgCO2/kWh",
    source=(
        "MEE & NBS, 关于发布2023年电力二氧化碳排放因子的公告, regional average electricity CO2 "
        "emission factor, Central China grid (华中, includes Hubei), 2023; announcement number "
        "and date to be confirmed against the published text"
    ),
)

GRID_CENTRAL_CHINA_2022: Final = Factor(
    name="grid_emission_factor_central_china_2022",
    value=Decimal("0.5395"),  # kgCO2/kWh; kept for methodologies pinned to the 2022 vintage
    unit="kgCO2/kWh",
    source=(
        "MEE & NBS, 关于发布2022年电力二氧化碳排放因子的公告 (dated 2024-12-20), regional average "
        "electricity CO2 emission factor, Central China grid (华中), 2022"
    ),
)

GRID_NATIONAL_2023: Final = Factor(
    name="grid_emission_factor_national_2023",
    value=Decimal("0.5306"),  # kgCO2/kWh
    unit="kgCO2/kWh",
    source=(
        "MEE & NBS, 关于发布2023年电力二氧化碳排放因子的公告, national average electricity CO2 "
        "emission factor, 2023"
    ),
)

GRID_NATIONAL_2022: Final = Factor(
    name="grid_emission_factor_national_2022",
    value=Decimal("0.5366"),  # kgCO2/kWh
    unit="kgCO2/kWh",
    source=(
        "MEE & NBS, 关于发布2022年电力二氧化碳排放因子的公告 (dated 2024-12-20), national average "
        "electricity CO2 emission factor, 2022"
    ),
)

PETROL_NET_CALORIFIC_VALUE: Final = Factor(
    name="petrol_net_calorific_value",
    value=Decimal("43.070"),  # GJ/t
    unit="GJ/t",
    source=(
        "NDRC enterprise GHG accounting and reporting guidelines (企业温室气体排放核算方法与报告"
        "指南, 2013-2015 series), appendix table of default fossil-fuel parameters, 汽油; table "
        "number differs by sector guide, to be confirmed"
    ),
)

PETROL_CARBON_CONTENT: Final = Factor(
    name="petrol_carbon_content",
    value=Decimal("0.0189"),  # tC/GJ = 18.9 kgC/GJ
    unit="tC/GJ",
    source=(
        "IPCC 2006 Guidelines Vol. 2 Ch. 1 Table 1.3, motor gasoline default carbon content "
        "18.9 kgC/GJ; the same value is the China default in the NDRC guideline appendix"
    ),
)

PETROL_OXIDATION_RATE: Final = Factor(
    name="petrol_oxidation_rate",
    value=Decimal("0.98"),  # fraction
    unit="1",
    source=(
        "NDRC enterprise GHG accounting and reporting guidelines (2013-2015 series), appendix "
        "default oxidation rate for liquid fuels, 汽油 98%"
    ),
)

IPCC_CARBON_FRACTION: Final = Factor(
    name="carbon_fraction_of_dry_matter",
    value=Decimal("0.47"),  # tC/t d.m.
    unit="tC/t d.m.",
    source=(
        "IPCC 2006 Guidelines Vol. 4 Ch. 4 Table 4.3, default carbon fraction of aboveground "
        "forest biomass"
    ),
)

# Molar masses of CO2 and C; applied as "* 44 / 12" inside a decimal context, never as a
# pre-rounded 3.667.
CO2_MOLAR_MASS: Final = Decimal(44)
CARBON_MOLAR_MASS: Final = Decimal(12)

# Local values below are not published figures. Each says so, and each is to be replaced by the
# agency's approved methodology text or by Wuhan survey data, in a new methodology version.
PETROL_DENSITY: Final = Factor(
    name="petrol_density",
    value=Decimal("0.73"),  # kg/L
    unit="kg/L",
    source=(
        "ASSUMED, pending the agency's approved text: typical density of motor petrol at 20 °C, "
        "inside the 720-775 kg/m3 range allowed by GB 17930"
    ),
)

PETROL_CAR_FUEL_CONSUMPTION: Final = Factor(
    name="petrol_car_fuel_consumption",
    value=Decimal("7.0"),  # L/100 km
    unit="L/100km",
    source=(
        "ASSUMED, pending the agency's approved text: real-world fuel consumption of a petrol "
        "passenger car in urban driving; chosen at the low end to stay conservative"
    ),
)

CAR_OCCUPANCY: Final = Factor(
    name="car_occupancy",
    value=Decimal("1.5"),  # passengers per vehicle
    unit="passengers/vehicle",
    source=(
        "ASSUMED, pending the agency's approved text and a Wuhan travel survey: average "
        "occupancy of a private car on urban trips"
    ),
)

BUS_EMISSION_FACTOR: Final = Factor(
    name="bus_emission_factor",
    value=Decimal("0.04"),  # kgCO2 per passenger-km
    unit="kgCO2/pkm",
    source=(
        "ASSUMED, pending the agency's approved text and Wuhan bus operating data: fleet-average "
        "emissions per passenger-km of a largely electrified urban bus fleet"
    ),
)


@functools.cache  # constants only: computed once, never per record
def petrol_emission_factor() -> Decimal:
    """Return the CO2 emitted by burning one tonne of petrol, in tCO2/t (equally kgCO2/kg)."""
    with localcontext(decimal_context()):
        return (
            PETROL_NET_CALORIFIC_VALUE.value
            * PETROL_CARBON_CONTENT.value
            * PETROL_OXIDATION_RATE.value
            * CO2_MOLAR_MASS
            / CARBON_MOLAR_MASS
        )


@functools.cache  # constants only: computed once, never per record
def petrol_car_emission_factor() -> Decimal:
    """Return the CO2 a petrol passenger car emits per vehicle-km, in kgCO2/km."""
    with localcontext(decimal_context()):
        litres_per_km = PETROL_CAR_FUEL_CONSUMPTION.value / 100
        return litres_per_km * PETROL_DENSITY.value * petrol_emission_factor()


@functools.cache  # constants only: computed once, never per record
def petrol_car_passenger_emission_factor() -> Decimal:
    """Return the CO2 a petrol passenger car emits per passenger-km, in kgCO2/pkm."""
    with localcontext(decimal_context()):
        return petrol_car_emission_factor() / CAR_OCCUPANCY.value


PETROL_CAR_FACTORS: Final = (
    PETROL_NET_CALORIFIC_VALUE,
    PETROL_CARBON_CONTENT,
    PETROL_OXIDATION_RATE,
    PETROL_DENSITY,
    PETROL_CAR_FUEL_CONSUMPTION,
)
