"""Amounts of CO2e: integer grams on chain and in code, tonnes with 6 decimals for people.

Every amount is an ``int`` of grams (1 tCO2e = 1,000,000 g), the unit the contracts count in,
so sums are exact. Tonnes appear only at the edges (display, forms, CSV columns), converted
here without ``float``: a float cannot hold most 6-decimal tonne values exactly.
"""

from __future__ import annotations

import operator
import re
from typing import Final

__all__ = ["GRAMS_PER_TONNE", "MAX_GRAMS", "format_tonnes", "parse_tonnes", "to_grams"]

GRAMS_PER_TONNE: Final = 1_000_000
# Amounts are uint256 on chain; anything larger can never be issued, held or retired.
MAX_GRAMS: Final = 2**256 - 1

_DECIMALS: Final = 6
# ASCII digits only: \d would also match other scripts' digits, which int() accepts.
# No sign, exponent, separators or whitespace; a fraction needs digits on both sides.
_TONNES: Final = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]{1,6}))?")
_TOO_PRECISE: Final = re.compile(r"[0-9]+\.[0-9]{7,}")
# Tonnes with more digits than this cannot be ≤ MAX_GRAMS; checked before int() parses them.
_MAX_WHOLE_DIGITS: Final = len(str(MAX_GRAMS // GRAMS_PER_TONNE))


def _shown(value: object) -> str:
    """Return a short repr of a rejected input for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def to_grams(value: int) -> int:
    """Return value as an int number of grams, rejecting anything that is not exact.

    Args:
        value: grams as an ``int`` (or an integer type with ``__index__``, such as numpy's).

    Returns:
        The same amount as a plain ``int``.

    Raises:
        TypeError: value is a bool, a float, or not an integer at all.
        ValueError: value is negative or exceeds uint256.
    """
    if isinstance(value, bool):
        raise TypeError(f"amount in grams must be an int, not bool {value!r}")
    if isinstance(value, float):
        raise TypeError(
            f"amount in grams must be an int, not float {value!r}: "
            "floats lose grams; use integer grams or parse_tonnes('1.5')"
        )
    try:
        grams = operator.index(value)
    except TypeError:
        raise TypeError(
            f"amount in grams must be an int, got {type(value).__name__} {_shown(value)}"
        ) from None
    if grams < 0:
        raise ValueError(f"amount in grams must not be negative, got {grams}")
    if grams > MAX_GRAMS:
        raise ValueError(f"amount in grams {grams} exceeds uint256")
    return grams


def format_tonnes(grams: int) -> str:
    """Return grams as tonnes with exactly 6 decimals, e.g. 1234567 -> ``"1.234567"``.

    Raises:
        TypeError: grams is not an int (see ``to_grams``).
        ValueError: grams is negative or exceeds uint256.
    """
    tonnes, rest = divmod(to_grams(grams), GRAMS_PER_TONNE)
    return f"{tonnes}.{rest:0{_DECIMALS}d}"


def parse_tonnes(text: str) -> int:
    """Return the grams in a tonnes string such as ``"1.5"`` (1,500,000 g).

    Strict on purpose, since the text comes from forms and files: only ASCII digits with an
    optional ``.`` and 1 to 6 decimals. No sign, exponent, NaN/Infinity, thousands separators,
    underscores or surrounding whitespace.

    Raises:
        TypeError: text is not a str.
        ValueError: text is not such a number, has more than 6 decimals, or exceeds uint256.
    """
    if not isinstance(text, str):
        raise TypeError(f"tonnes must be given as a str, got {type(text).__name__} {_shown(text)}")
    match = _TONNES.fullmatch(text)
    if match is None:
        if _TOO_PRECISE.fullmatch(text):
            raise ValueError(
                f"tonnes {_shown(text)} has more than {_DECIMALS} decimals (finer than a gram)"
            )
        raise ValueError(
            f"tonnes {_shown(text)} is not a non-negative decimal number such as '1.5'"
        )
    whole = match["whole"].lstrip("0")
    if len(whole) > _MAX_WHOLE_DIGITS:
        raise ValueError(f"tonnes {_shown(text)} exceeds uint256 grams")
    fraction = match["fraction"] or ""
    grams = int(whole or "0") * GRAMS_PER_TONNE + int(fraction.ljust(_DECIMALS, "0"))
    if grams > MAX_GRAMS:
        raise ValueError(f"tonnes {_shown(text)} exceeds uint256 grams")
    return grams
