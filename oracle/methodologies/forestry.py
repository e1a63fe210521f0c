"""Compute the carbon sink of growing forest stands from their stock-volume increment.

One record is one stand of one dominant species in a registered forestry project over one
monitoring period, with its mean annual stock-volume increment from the sample-plot inventory::

    ER [tCO2] = A * ΔV * SVD * BEF * (1 + R) * CF * 44/12 * T / 365

A area [ha], ΔV annual stock-volume increment [m³/ha/yr], SVD basic wood density [t d.m./m³],
BEF biomass expansion factor (stem to aboveground), R root-shoot ratio, CF carbon fraction of dry
matter, T period length [days]. The baseline sink is taken as zero (afforestation of land that
would otherwise stay without trees); deadwood, litter and soil carbon are left out, which only
under-credits. Reversal risk (fire, felling) is covered by the buffer share withheld at
issuance, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from oracle.methodologies._base import (
    KILOGRAMS_PER_TONNE,
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
    CARBON_MOLAR_MASS,
    CO2_MOLAR_MASS,
    IPCC_CARBON_FRACTION,
)

CODE: Final = "WHCI-FC-001"
VERSION: Final = 1
SECTOR: Final = "forestry"
KIND: Final = Kind.PROJECT
FIELDS: Final = ("species", "area_ha", "annual_increment_m3_per_ha", "period_days")

# Caps: 500,000 ha is more than all the forest in Wuhan, far beyond any one project; 40 m³/ha/yr
# is above fast-growing plantations in central China; 3,653 days (ten years) is taken as the
# longest monitoring period of a forestry report, pending the agency's approved text.
MAX_AREA_HA: Final = Decimal(500_000)
MAX_ANNUAL_INCREMENT_M3_PER_HA: Final = Decimal(40)
MAX_PERIOD_DAYS: Final = Decimal(3_653)

# A fixed 365-day year: a leap day credits 1/365 more growth, immaterial next to inventory error.
DAYS_PER_YEAR: Final = Decimal(365)

CARBON_FRACTION: Final = IPCC_CARBON_FRACTION

_SPECIES_SOURCE: Final = (
    "China national defaults for major tree species (基本木材密度, 生物量扩展因子, 根茎比) as "
    "tabulated in the CCER afforestation methodology AR-CM-001-V01 annex and the provincial GHG "
    "inventory guidelines (省级温室气体清单编制指南); values as recalled, to be verified against "
    "the table, pending the agency's approved text"
)


class Species(StrEnum):
    """Name the dominant species groups with default parameters in this version."""

    CHINESE_FIR = "CHINESE_FIR"  # 杉木, Cunninghamia lanceolata
    MASSON_PINE = "MASSON_PINE"  # 马尾松, Pinus massoniana
    OAK = "OAK"  # 栎类, Quercus spp.
    POPLAR = "POPLAR"  # 杨树, Populus spp.
    CYPRESS = "CYPRESS"  # 柏木, Cupressus funebris


@dataclass(frozen=True, slots=True)
class SpeciesParameters:
    """Hold the biomass conversion factors of one species group.

    Attributes:
        wood_density: Basic wood density SVD, t dry matter per m³ of stem volume.
        expansion_factor: Biomass expansion factor BEF, aboveground over stem biomass.
        root_shoot_ratio: Root-shoot ratio R, belowground over aboveground biomass.
    """

    wood_density: Factor
    expansion_factor: Factor
    root_shoot_ratio: Factor


def _species(
    species: Species, wood_density: str, expansion_factor: str, root_shoot_ratio: str
) -> SpeciesParameters:
    prefix = f"species.{species.value}"
    return SpeciesParameters(
        wood_density=Factor(
            f"{prefix}.wood_density", Decimal(wood_density), "t d.m./m3", _SPECIES_SOURCE
        ),
        expansion_factor=Factor(
            f"{prefix}.biomass_expansion_factor", Decimal(expansion_factor), "1", _SPECIES_SOURCE
        ),
        root_shoot_ratio=Factor(
            f"{prefix}.root_shoot_ratio", Decimal(root_shoot_ratio), "1", _SPECIES_SOURCE
        ),
    )


# SVD, BEF, R per species, from the national table cited in _SPECIES_SOURCE (to be verified).
SPECIES_PARAMETERS: Final[Mapping[Species, SpeciesParameters]] = {
    Species.CHINESE_FIR: _species(Species.CHINESE_FIR, "0.307", "1.634", "0.246"),
    Species.MASSON_PINE: _species(Species.MASSON_PINE, "0.380", "1.472", "0.187"),
    Species.OAK: _species(Species.OAK, "0.676", "1.355", "0.292"),
    Species.POPLAR: _species(Species.POPLAR, "0.378", "1.446", "0.227"),
    Species.CYPRESS: _species(Species.CYPRESS, "0.478", "1.732", "0.220"),
}


@dataclass(frozen=True, slots=True)
class ForestryActivity:
    """Hold one stand's growth over one monitoring period.

    Attributes:
        species: Dominant species group of the stand.
        area_ha: Stand area, in hectares (at most 6 decimal places).
        annual_increment_m3_per_ha: Mean annual stock-volume increment, in m³/ha/yr.
        period_days: Length of the monitoring period, in days (a whole number).
    """

    species: Species
    area_ha: Decimal | int
    annual_increment_m3_per_ha: Decimal | int
    period_days: Decimal | int

    def __post_init__(self) -> None:
        check_choice("species", self.species, Species)
        check_quantity("area_ha", self.area_ha, cap=MAX_AREA_HA)
        check_quantity(
            "annual_increment_m3_per_ha",
            self.annual_increment_m3_per_ha,
            cap=MAX_ANNUAL_INCREMENT_M3_PER_HA,
        )
        check_quantity("period_days", self.period_days, cap=MAX_PERIOD_DAYS, integral=True)


def sequestration_per_m3(species: Species) -> Decimal:
    """Return the CO2 fixed in whole-tree biomass per m³ of stem-volume growth, in tCO2/m³.

    Args:
        species: The species group.

    Returns:
        SVD * BEF * (1 + R) * CF * 44/12.
    """
    factors = SPECIES_PARAMETERS[species]
    with localcontext(decimal_context()):
        return (
            factors.wood_density.value
            * factors.expansion_factor.value
            * (1 + factors.root_shoot_ratio.value)
            * CARBON_FRACTION.value
            * CO2_MOLAR_MASS
            / CARBON_MOLAR_MASS
        )


def compute(activity: ForestryActivity) -> int:
    """Compute the sink of one stand over its monitoring period.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, rounded down, never negative.

    Raises:
        TypeError: ``activity`` is not a ForestryActivity.
    """
    if not isinstance(activity, ForestryActivity):
        raise TypeError(f"activity: expected ForestryActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        volume_m3 = (
            Decimal(activity.area_ha)
            * Decimal(activity.annual_increment_m3_per_ha)
            * Decimal(activity.period_days)
            / DAYS_PER_YEAR
        )
        tonnes = volume_m3 * sequestration_per_m3(activity.species)
        return to_grams(tonnes * KILOGRAMS_PER_TONNE)


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the sink of one record given as a field mapping.

    Args:
        fields: ``species`` (a Species value), ``area_ha``, ``annual_increment_m3_per_ha`` and
            ``period_days``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    return compute(
        ForestryActivity(
            species=record_choice(fields, "species", Species),
            area_ha=record_quantity(fields, "area_ha"),
            annual_increment_m3_per_ha=record_quantity(fields, "annual_increment_m3_per_ha"),
            period_days=record_quantity(fields, "period_days"),
        )
    )


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    factors: list[Factor] = [CARBON_FRACTION]
    for species in Species:
        entry = SPECIES_PARAMETERS[species]
        factors += [entry.wood_density, entry.expansion_factor, entry.root_shoot_ratio]
    derived = {
        f"sequestration_tco2_per_m3.{species.value}": sequestration_per_m3(species)
        for species in Species
    }
    derived["days_per_year"] = DAYS_PER_YEAR
    return factor_parameters(CODE, VERSION, tuple(factors), derived)
