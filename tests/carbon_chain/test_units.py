"""Tests for carbon_chain.units: integer grams and 6-decimal tonnes, never float."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbon_chain.units import GRAMS_PER_TONNE, MAX_GRAMS, format_tonnes, parse_tonnes, to_grams

grams_values = st.one_of(
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=MAX_GRAMS),
)


def test_grams_per_tonne_is_one_million() -> None:
    assert GRAMS_PER_TONNE == 1_000_000


@pytest.mark.parametrize(
    ("grams", "text"),
    [
        (0, "0.000000"),
        (1, "0.000001"),
        (999_999, "0.999999"),
        (1_000_000, "1.000000"),
        (1_234_567, "1.234567"),
        (1_500_000, "1.500000"),
        (123_456_000_001, "123456.000001"),
        (MAX_GRAMS, f"{MAX_GRAMS // 10**6}.{MAX_GRAMS % 10**6:06d}"),
    ],
)
def test_format_tonnes_shows_exactly_six_decimals(grams: int, text: str) -> None:
    assert format_tonnes(grams) == text


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("0", 0),
        ("1", 1_000_000),
        ("1.5", 1_500_000),
        ("1.500000", 1_500_000),
        ("0.000001", 1),
        ("1.234567", 1_234_567),
        ("007.25", 7_250_000),
        ("123456.000001", 123_456_000_001),
    ],
)
def test_parse_tonnes_reads_grams(text: str, grams: int) -> None:
    assert parse_tonnes(text) == grams


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "1.2345678",  # a fraction of a gram
        "0.0000001",
        "-1",
        "-0.5",
        "+1",
        "NaN",
        "nan",
        "Infinity",
        "inf",
        "1e3",
        "1E-6",
        "1.",
        ".5",
        ".",
        "1,000",
        "1_000",
        "1.5 ",
        " 1.5",
        "1.5\n",
        "0x10",
        "\uff11",  # full-width digit one
        "\u0661",  # Arabic-Indic digit one, which int() would accept
        "1.2.3",
    ],
)
def test_parse_tonnes_rejects_everything_but_plain_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="tonnes") as caught:
        parse_tonnes(text)
    # The message names the input so a quarantined record says what was wrong.
    assert repr(text) in str(caught.value)


def test_parse_tonnes_says_when_there_are_too_many_decimals() -> None:
    with pytest.raises(ValueError, match="more than 6 decimals"):
        parse_tonnes("1.2345678")


def test_parse_tonnes_rejects_more_than_uint256_grams_without_parsing_huge_ints() -> None:
    largest = format_tonnes(MAX_GRAMS)
    assert parse_tonnes(largest) == MAX_GRAMS
    whole, fraction = largest.split(".")
    with pytest.raises(ValueError, match="exceeds uint256"):
        parse_tonnes(f"{whole}.{int(fraction) + 1:06d}")
    # Past Python's 4300-digit int() limit the message must still be ours.
    with pytest.raises(ValueError, match="exceeds uint256"):
        parse_tonnes("9" * 5000)


def test_parse_tonnes_shortens_long_inputs_in_messages() -> None:
    with pytest.raises(ValueError) as caught:
        parse_tonnes("x" * 10_000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("value", [1.5, Decimal("1.5"), b"1.5", None, 15])
def test_parse_tonnes_takes_only_str(value: object) -> None:
    with pytest.raises(TypeError, match="str"):
        parse_tonnes(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, False])
def test_to_grams_rejects_bool(value: bool) -> None:
    with pytest.raises(TypeError, match="not bool"):
        to_grams(value)


@pytest.mark.parametrize("value", [1.0, 0.5, float("nan"), float("inf"), -0.0])
def test_to_grams_rejects_float(value: float) -> None:
    with pytest.raises(TypeError, match="not float"):
        to_grams(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [Decimal(1), Fraction(1), "1", b"1", None, [1]])
def test_to_grams_rejects_non_integers(value: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        to_grams(value)  # type: ignore[arg-type]


def test_to_grams_rejects_negative_and_too_large() -> None:
    with pytest.raises(ValueError, match="negative, got -1"):
        to_grams(-1)
    with pytest.raises(ValueError, match="exceeds uint256"):
        to_grams(MAX_GRAMS + 1)


def test_to_grams_accepts_integer_types_and_returns_plain_int() -> None:
    class Grams(int):
        pass

    class Index:
        def __index__(self) -> int:
            return 42

    assert to_grams(0) == 0
    assert to_grams(MAX_GRAMS) == MAX_GRAMS
    result = to_grams(Grams(7))
    assert result == 7 and type(result) is int
    assert to_grams(Index()) == 42  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-1, True, 1.0])
def test_format_tonnes_rejects_what_to_grams_rejects(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_tonnes(value)  # type: ignore[arg-type]


@given(grams_values)
def test_parse_inverts_format(grams: int) -> None:
    assert parse_tonnes(format_tonnes(grams)) == grams


@given(grams_values)
def test_format_matches_exact_decimal_division(grams: int) -> None:
    text = format_tonnes(grams)
    whole, fraction = text.split(".")
    assert len(fraction) == 6
    with localcontext(prec=100):  # the default 28 digits would round uint256 amounts
        assert Decimal(text) * GRAMS_PER_TONNE == grams
    assert whole == str(grams // GRAMS_PER_TONNE)


@given(
    st.integers(min_value=0, max_value=10**30),
    st.integers(min_value=1, max_value=6),
    st.data(),
)
def test_parse_matches_exact_decimal_for_short_fractions(
    whole: int, decimals: int, data: st.DataObject
) -> None:
    fraction = data.draw(st.integers(min_value=0, max_value=10**decimals - 1))
    text = f"{whole}.{fraction:0{decimals}d}"
    with localcontext(prec=100):  # the default 28 digits would round large amounts
        assert parse_tonnes(text) == int(Decimal(text) * GRAMS_PER_TONNE)
