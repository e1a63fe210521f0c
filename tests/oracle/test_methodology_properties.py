"""Check the laws every methodology calculator obeys, over generated activity records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_methodology_reference import REFERENCE

from oracle.methodologies import (
    cycling,
    forestry,
    get,
    green_travel,
    nev_charging,
    personal_points,
    photovoltaic,
)


@dataclass(frozen=True)
class Quantity:
    """Describe one numeric record field: its cap and whether it must be whole."""

    cap: Decimal
    integral: bool = False


@dataclass(frozen=True)
class Spec:
    """Describe the record shape of one methodology."""

    quantities: Mapping[str, Quantity]
    choices: Mapping[str, tuple[str, ...]]


SPECS: dict[str, Spec] = {
    green_travel.CODE: Spec(
        {"passenger_km": Quantity(green_travel.MAX_PASSENGER_KM)},
        {"mode": ("METRO", "BUS")},
    ),
    cycling.CODE: Spec({"distance_km": Quantity(cycling.MAX_DISTANCE_KM)}, {}),
    nev_charging.CODE: Spec({"charged_kwh": Quantity(nev_charging.MAX_CHARGED_KWH)}, {}),
    photovoltaic.CODE: Spec(
        {"self_consumed_kwh": Quantity(photovoltaic.MAX_SELF_CONSUMED_KWH)}, {}
    ),
    forestry.CODE: Spec(
        {
            "area_ha": Quantity(forestry.MAX_AREA_HA),
            "annual_increment_m3_per_ha": Quantity(forestry.MAX_ANNUAL_INCREMENT_M3_PER_HA),
            "period_days": Quantity(forestry.MAX_PERIOD_DAYS, integral=True),
        },
        {"species": tuple(species.value for species in forestry.Species)},
    ),
    personal_points.CODE: Spec(
        {"count": Quantity(personal_points.MAX_COUNT, integral=True)},
        {"action": tuple(action.value for action in personal_points.Action)},
    ),
}
CODES = sorted(SPECS)
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


def _amounts(quantity: Quantity, low: Decimal = Decimal(0)) -> st.SearchStrategy[Decimal]:
    if quantity.integral:
        return st.integers(int(low), int(quantity.cap)).map(Decimal)
    return st.decimals(
        min_value=low, max_value=quantity.cap, places=6, allow_nan=False, allow_infinity=False
    )


def _as_given(amount: Decimal) -> st.SearchStrategy[object]:
    # A feed may hand over Decimal, plain decimal text or, for whole numbers, int.
    options: list[object] = [amount, format(amount, "f")]
    if amount == amount.to_integral_value():
        options.append(int(amount))
    return st.sampled_from(options)


@st.composite
def records(draw: st.DrawFn, code: str) -> dict[str, object]:
    spec = SPECS[code]
    record: dict[str, object] = {
        name: draw(st.sampled_from(options)) for name, options in spec.choices.items()
    }
    for name, quantity in spec.quantities.items():
        record[name] = draw(_amounts(quantity).flatmap(_as_given))
    return record


def _compute(code: str, record: Mapping[str, object]) -> int:
    return get(code, 1).compute_record(record)


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_result_is_a_non_negative_int_equal_to_the_exact_reference(
    code: str, data: st.DataObject
) -> None:
    record = data.draw(records(code))
    result = _compute(code, record)
    assert type(result) is int
    assert result >= 0
    assert result == REFERENCE[code](record)


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_result_never_decreases_when_an_activity_quantity_grows(
    code: str, data: st.DataObject
) -> None:
    spec = SPECS[code]
    record = data.draw(records(code))
    name = data.draw(st.sampled_from(sorted(spec.quantities)))
    first = data.draw(_amounts(spec.quantities[name]))
    second = data.draw(_amounts(spec.quantities[name]))
    low, high = sorted((first, second))
    assert _compute(code, {**record, name: low}) <= _compute(code, {**record, name: high})


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_zero_activity_gives_zero(code: str, data: st.DataObject) -> None:
    spec = SPECS[code]
    record = data.draw(records(code))
    # Every quantity is a multiplicative term, so any one of them at zero zeroes the result.
    name = data.draw(st.sampled_from(sorted(spec.quantities)))
    assert _compute(code, {**record, name: 0}) == 0
    assert _compute(code, {**record, name: "0"}) == 0


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_float_is_rejected_naming_the_field(code: str, data: st.DataObject) -> None:
    spec = SPECS[code]
    record = data.draw(records(code))
    name = data.draw(st.sampled_from(sorted(spec.quantities)))
    value = float(data.draw(_amounts(spec.quantities[name])))
    with pytest.raises(TypeError, match=name):
        _compute(code, {**record, name: value})


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_negative_is_rejected_naming_the_field(code: str, data: st.DataObject) -> None:
    spec = SPECS[code]
    record = data.draw(records(code))
    name = data.draw(st.sampled_from(sorted(spec.quantities)))
    quantity = spec.quantities[name]
    magnitude = data.draw(_amounts(quantity, low=Decimal(1) if quantity.integral else Decimal(0)))
    negative = -magnitude if magnitude else Decimal("-0.000001")
    given_as = data.draw(_as_given(negative))
    with pytest.raises(ValueError, match=f"{name}: must not be negative"):
        _compute(code, {**record, name: given_as})


@pytest.mark.parametrize("code", CODES)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_value_above_the_cap_is_rejected_naming_the_field(code: str, data: st.DataObject) -> None:
    spec = SPECS[code]
    record = data.draw(records(code))
    name = data.draw(st.sampled_from(sorted(spec.quantities)))
    cap = spec.quantities[name].cap
    excess = data.draw(st.integers(1, 10**9).map(Decimal))
    with pytest.raises(ValueError, match=f"{name}: .* is above the cap"):
        _compute(code, {**record, name: cap + excess})
