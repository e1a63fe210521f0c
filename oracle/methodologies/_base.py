"""Share the arithmetic, validation and registry types that every methodology module uses.

Every calculator works in `decimal.Decimal` under `decimal_context()`, never in float, so that the
same activity gives the same grams on every machine and Python build: the result is published,
hashed into the report's evidence and re-computed by verifiers and the auditor.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypeVar

GRAMS_PER_KILOGRAM: Final = Decimal(1_000)
KILOGRAMS_PER_TONNE: Final = Decimal(1_000)

# Inputs are limited to micro-units (1 m of a km, 1 mWh of a kWh) and factors to a few decimal
# places, so every result is a rational number whose distance from the next whole gram is either
# zero or far above _SNAP; see to_grams.
MAX_DECIMAL_PLACES: Final = 6
_SNAP: Final = Decimal("1e-40")

# Plain decimal notation only: Decimal() would also accept "NaN", "1e9", "1_000", padding and
# non-ASCII digits, none of which a partner feed should be able to slip past validation.
_DECIMAL_TEXT: Final = re.compile(r"-?[0-9]+(\.[0-9]+)?")

_E = TypeVar("_E", bound=StrEnum)


class Kind(StrEnum):
    """Say whether credits go to a registered project or to personal carbon accounts."""

    PROJECT = "PROJECT"
    PERSONAL_SCENARIO = "PERSONAL_SCENARIO"


@dataclass(frozen=True, slots=True)
class Factor:
    """Hold one published or assumed coefficient together with its unit and citation."""

    name: str
    value: Decimal
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class Methodology:
    """Describe one approved methodology version and adapt it to generic activity records.

    Attributes:
        code: Methodology code as registered on chain, e.g. ``WHCI-GT-001``.
        version: Methodology version; a changed factor or equation is a new version.
        sector: Sector label, e.g. ``transport``.
        kind: Whether it issues to a project or to personal accounts.
        fields: Names of the record fields the calculator reads.
    """

    code: str
    version: int
    sector: str
    kind: Kind
    fields: tuple[str, ...]
    _compute_record: Callable[[Mapping[str, object]], int]
    _parameters: Callable[[], dict[str, str]]

    def compute_record(self, fields: Mapping[str, object]) -> int:
        """Compute the reduction in grams of CO2e for one validated activity record.

        Args:
            fields: Record values by field name; numbers as int, Decimal or plain decimal text.

        Returns:
            Whole grams of CO2e, never negative.

        Raises:
            TypeError: A field has a type that is not accepted (float in particular).
            ValueError: A field is missing, negative, above its cap or not a known choice.
        """
        return self._compute_record(fields)

    def parameters(self) -> dict[str, str]:
        """Return the factors and their citations as strings, in a fixed order."""
        return self._parameters()


def decimal_context() -> decimal.Context:
    """Return a fresh arithmetic context independent of the caller's thread-local one."""
    # 100 digits keep every product of capped inputs exact and every quotient within 1e-80 of
    # the exact value; traps turn a NaN, a division by zero or an overflow into an error instead
    # of a silent special value.
    return decimal.Context(
        prec=100,
        rounding=decimal.ROUND_HALF_EVEN,
        Emin=-999_999,
        Emax=999_999,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def check_quantity(field: str, value: object, *, cap: Decimal, integral: bool = False) -> Decimal:
    """Validate one activity quantity and return it as a Decimal.

    Args:
        field: Field name, repeated in every error so a quarantined record says what is wrong.
        value: The value given; only int and Decimal are accepted.
        cap: Largest plausible value; anything above it is a data error, not an activity.
        integral: Whether the quantity must be a whole number.

    Returns:
        The value as a finite, non-negative Decimal not above ``cap``.

    Raises:
        TypeError: The value is a float, a bool or another non-numeric type.
        ValueError: The value is not finite, negative, above ``cap``, fractional where whole,
            or has more than MAX_DECIMAL_PLACES decimal places.
    """
    if isinstance(value, float):
        raise TypeError(
            f"{field}: float is not accepted (binary rounding); pass int, Decimal or decimal text"
        )
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{field}: expected int or Decimal, got {type(value).__name__}")
    quantity = Decimal(value)
    if not quantity.is_finite():
        raise ValueError(f"{field}: must be a finite number, got {quantity}")
    if quantity < 0:
        raise ValueError(f"{field}: must not be negative, got {quantity}")
    if quantity > cap:
        raise ValueError(f"{field}: {quantity} is above the cap of {cap}")
    if integral and quantity != quantity.to_integral_value():
        raise ValueError(f"{field}: must be a whole number, got {quantity}")
    if _decimal_places(quantity) > MAX_DECIMAL_PLACES:
        raise ValueError(f"{field}: {quantity} has more than {MAX_DECIMAL_PLACES} decimal places")
    return quantity


def check_choice(field: str, value: object, choices: type[_E]) -> _E:
    """Validate that a value is a member of an enumeration.

    Args:
        field: Field name for the error message.
        value: The value given.
        choices: The enumeration it must belong to.

    Returns:
        The member.

    Raises:
        TypeError: The value is not a member of ``choices``.
    """
    if not isinstance(value, choices):
        raise TypeError(f"{field}: expected {choices.__name__}, got {type(value).__name__}")
    return value


def record_quantity(fields: Mapping[str, object], field: str) -> int | Decimal:
    """Read one numeric field of a record, parsing plain decimal text.

    Args:
        fields: The record.
        field: Field name.

    Returns:
        The value as int or Decimal; range checks are left to the activity class.

    Raises:
        TypeError: The value is a float, a bool or another non-numeric type.
        ValueError: The field is missing or its text is not plain decimal notation.
    """
    value = _require(fields, field)
    if isinstance(value, str):
        if _DECIMAL_TEXT.fullmatch(value) is None:
            raise ValueError(f"{field}: {value!r} is not a plain decimal number")
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError(
            f"{field}: float is not accepted (binary rounding); pass int, Decimal or decimal text"
        )
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{field}: expected int, Decimal or str, got {type(value).__name__}")
    return value


def record_choice(fields: Mapping[str, object], field: str, choices: type[_E]) -> _E:
    """Read one enumerated field of a record by its exact value.

    Args:
        fields: The record.
        field: Field name.
        choices: The enumeration the value must name.

    Returns:
        The member.

    Raises:
        TypeError: The value is not a string.
        ValueError: The field is missing or names no member.
    """
    value = _require(fields, field)
    if not isinstance(value, str):
        raise TypeError(f"{field}: expected str, got {type(value).__name__}")
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(member.value for member in choices)
        raise ValueError(f"{field}: {value!r} is not one of {allowed}") from None


def to_grams(kilograms: Decimal) -> int:
    """Convert kilograms of CO2e to whole grams, rounding down and clipping at zero.

    The result is the floor of the exact rational value, whatever order a calculator divides in:
    intermediate quotients are within 1e-80 of exact, so snapping to 1e-40 g first restores an
    exact whole gram, while a non-whole exact value is much further than 1e-40 g from the next
    gram given the bounded decimal places of inputs and factors. An independent implementation
    in exact rationals therefore reproduces every result.

    Rounding down never credits a fraction of a gram that was not achieved. A negative result
    means the activity emitted more than its baseline; credits only reward reductions and a
    calculator has no way to debit an account, so it yields zero rather than netting it against
    other participants.

    Args:
        kilograms: Reduction in kilograms of CO2e.

    Returns:
        Whole grams, never negative.
    """
    with decimal.localcontext(decimal_context()):
        grams = (kilograms * GRAMS_PER_KILOGRAM).quantize(_SNAP)
        if grams <= 0:
            return 0
        return int(grams.to_integral_value(rounding=decimal.ROUND_FLOOR))


def factor_parameters(
    code: str, version: int, factors: tuple[Factor, ...], derived: Mapping[str, Decimal]
) -> dict[str, str]:
    """Render a methodology's factors as strings for the published dataset.

    Args:
        code: Methodology code.
        version: Methodology version.
        factors: The factors in the order they should be published.
        derived: Intermediate coefficients worked out from the factors, by name.

    Returns:
        ``name`` → value, ``name.unit`` → unit and ``name.source`` → citation for each factor,
        then ``derived.name`` → value; insertion order is fixed so the dataset hashes the same.
    """
    parameters = {"methodology": code, "version": str(version)}
    for factor in factors:
        parameters[factor.name] = f"{factor.value:f}"
        parameters[f"{factor.name}.unit"] = factor.unit
        parameters[f"{factor.name}.source"] = factor.source
    for name, value in derived.items():
        parameters[f"derived.{name}"] = f"{value:f}"
    return parameters


def _decimal_places(quantity: Decimal) -> int:
    # Counted on the digit tuple rather than by arithmetic, which could underflow to zero for an
    # extreme exponent; trailing zeros ("1.500") are not extra precision.
    digits = quantity.as_tuple().digits
    exponent = quantity.as_tuple().exponent
    if not isinstance(exponent, int) or not any(digits):
        return 0
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros))


def _require(fields: Mapping[str, object], field: str) -> object:
    if field not in fields:
        raise ValueError(f"{field}: missing from the record")
    return fields[field]
