"""Compute carbon points for everyday low-carbon actions counted by partner apps.

One record is the number of times one participant did one action over one monitoring period,
as counted by the partner's system (an e-invoice issued, a refill cup scanned)::

    ER [gCO2] = N * G_action

G_action is a fixed reduction per action. Every value here is a placeholder until the agency
approves the scenario's text; the scenario earns carbon points, which are not transferable, so an
error here cannot leak into the offset market.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from oracle.methodologies._base import (
    GRAMS_PER_KILOGRAM,
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

CODE: Final = "WHCI-PP-001"
VERSION: Final = 1
SECTOR: Final = "consumption"
KIND: Final = Kind.PERSONAL_SCENARIO
FIELDS: Final = ("action", "count")

# 10,000 actions of one kind in one period is ~27 a day for a year, beyond personal behaviour.
MAX_COUNT: Final = Decimal(10_000)


class Action(StrEnum):
    """Name the everyday actions this scenario rewards."""

    PAPERLESS_INVOICE = "PAPERLESS_INVOICE"
    PAPERLESS_TICKET = "PAPERLESS_TICKET"
    REFILL_CUP = "REFILL_CUP"
    NO_DISPOSABLE_CUTLERY = "NO_DISPOSABLE_CUTLERY"


_PLACEHOLDER: Final = "ASSUMED placeholder, pending the agency's approved scenario text"

GRAMS_PER_ACTION: Final[Mapping[Action, Factor]] = {
    # a printed invoice or ticket is a few grams of paper at roughly 1 gCO2e per gram
    Action.PAPERLESS_INVOICE: Factor(
        "grams_per_action.PAPERLESS_INVOICE", Decimal(2), "gCO2e/action", _PLACEHOLDER
    ),
    Action.PAPERLESS_TICKET: Factor(
        "grams_per_action.PAPERLESS_TICKET", Decimal(2), "gCO2e/action", _PLACEHOLDER
    ),
    # a disposable paper or plastic cup with lid, less the washing of the reusable one
    Action.REFILL_CUP: Factor(
        "grams_per_action.REFILL_CUP", Decimal(20), "gCO2e/action", _PLACEHOLDER
    ),
    # a set of disposable wooden chopsticks, spoon and wrapping
    Action.NO_DISPOSABLE_CUTLERY: Factor(
        "grams_per_action.NO_DISPOSABLE_CUTLERY", Decimal(10), "gCO2e/action", _PLACEHOLDER
    ),
}


@dataclass(frozen=True, slots=True)
class PersonalActionActivity:
    """Hold how often one participant did one action over one monitoring period.

    Attributes:
        action: The action.
        count: Number of times, a whole number.
    """

    action: Action
    count: Decimal | int

    def __post_init__(self) -> None:
        check_choice("action", self.action, Action)
        check_quantity("count", self.count, cap=MAX_COUNT, integral=True)


def compute(activity: PersonalActionActivity) -> int:
    """Compute the reduction of one action record.

    Args:
        activity: The validated activity.

    Returns:
        Whole grams of CO2e, never negative.

    Raises:
        TypeError: ``activity`` is not a PersonalActionActivity.
    """
    if not isinstance(activity, PersonalActionActivity):
        raise TypeError(f"activity: expected PersonalActionActivity, got {type(activity).__name__}")
    with localcontext(decimal_context()):
        grams = Decimal(activity.count) * GRAMS_PER_ACTION[activity.action].value
        return to_grams(grams / GRAMS_PER_KILOGRAM)


def compute_record(fields: Mapping[str, object]) -> int:
    """Compute the reduction of one record given as a field mapping.

    Args:
        fields: ``action`` (an Action value) and ``count``.

    Returns:
        Whole grams of CO2e.

    Raises:
        TypeError: A field has a type that is not accepted.
        ValueError: A field is missing or out of range.
    """
    return compute(
        PersonalActionActivity(
            action=record_choice(fields, "action", Action),
            count=record_quantity(fields, "count"),
        )
    )


def parameters() -> dict[str, str]:
    """Return the factors and their citations as strings, in a fixed order."""
    factors = tuple(GRAMS_PER_ACTION[action] for action in Action)
    return factor_parameters(CODE, VERSION, factors, {})
