"""Check how calculators treat malformed activities and records, and their arithmetic context."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from oracle.methodologies import (
    cycling,
    forestry,
    get,
    green_travel,
    nev_charging,
    personal_points,
    photovoltaic,
)
from oracle.methodologies._base import to_grams

PV = photovoltaic.CODE


def _pv(value: object) -> int:
    return get(PV, 1).compute_record({"self_consumed_kwh": value})


@pytest.mark.parametrize(
    "text", ["1e3", "NaN", "Infinity", " 1", "1 ", "1_000", "+1", "1.", ".5", "", "١٢", "0x10"]
)
def test_record_text_that_is_not_plain_decimal_notation_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=r"self_consumed_kwh: .* is not a plain decimal number"):
        _pv(text)


@pytest.mark.parametrize("value", [True, False, None, [1], b"1"])
def test_record_value_of_another_type_is_rejected(value: object) -> None:
    with pytest.raises(TypeError, match="self_consumed_kwh"):
        _pv(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_non_finite_decimal_is_rejected(value: Decimal) -> None:
    with pytest.raises(ValueError, match="self_consumed_kwh: must be a finite number"):
        _pv(value)


def test_more_than_six_decimal_places_is_rejected() -> None:
    assert _pv("1.000001") == 527
    assert _pv(Decimal("1.5000000000")) == 790  # trailing zeros are not extra precision
    with pytest.raises(ValueError, match=r"self_consumed_kwh: .* more than 6 decimal places"):
        _pv("1.0000001")
    with pytest.raises(ValueError, match=r"self_consumed_kwh: .* more than 6 decimal places"):
        _pv(Decimal("1E-99999999"))
    assert _pv(Decimal("0E-99999999")) == 0
    assert _pv(Decimal("1E+3")) == 527100


def test_missing_field_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match="self_consumed_kwh: missing from the record"):
        get(PV, 1).compute_record({"generated_kwh": "5"})


def test_unrelated_record_fields_are_ignored() -> None:
    assert get(PV, 1).compute_record({"self_consumed_kwh": "1", "participant": "abc"}) == 527


@pytest.mark.parametrize(
    ("code", "field", "fields"),
    [
        (green_travel.CODE, "mode", {"mode": "TAXI", "passenger_km": "1"}),
        (green_travel.CODE, "mode", {"mode": "metro", "passenger_km": "1"}),
        (
            forestry.CODE,
            "species",
            {
                "species": "BAMBOO",
                "area_ha": "1",
                "annual_increment_m3_per_ha": "1",
                "period_days": 1,
            },
        ),
        (personal_points.CODE, "action", {"action": "PLANT_A_TREE", "count": 1}),
    ],
)
def test_unknown_choice_is_rejected_listing_the_allowed_values(
    code: str, field: str, fields: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match=f"{field}: .* is not one of"):
        get(code, 1).compute_record(fields)


def test_choice_of_another_type_is_rejected() -> None:
    with pytest.raises(TypeError, match="mode: expected str"):
        get(green_travel.CODE, 1).compute_record({"mode": 1, "passenger_km": "1"})


@pytest.mark.parametrize("value", ["1.5", Decimal("1.5")])
def test_whole_number_fields_reject_fractions(value: object) -> None:
    with pytest.raises(ValueError, match="period_days: must be a whole number"):
        get(forestry.CODE, 1).compute_record(
            {
                "species": "OAK",
                "area_ha": "1",
                "annual_increment_m3_per_ha": "1",
                "period_days": value,
            }
        )
    with pytest.raises(ValueError, match="count: must be a whole number"):
        get(personal_points.CODE, 1).compute_record({"action": "REFILL_CUP", "count": value})


def test_activity_classes_reject_float_and_bool_at_construction() -> None:
    with pytest.raises(TypeError, match="passenger_km: float is not accepted"):
        green_travel.GreenTravelActivity(green_travel.TransitMode.METRO, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="distance_km: float is not accepted"):
        cycling.CyclingActivity(2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="charged_kwh: float is not accepted"):
        nev_charging.NevChargingActivity(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="self_consumed_kwh: float is not accepted"):
        photovoltaic.PhotovoltaicActivity(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="annual_increment_m3_per_ha: float is not accepted"):
        forestry.ForestryActivity(forestry.Species.OAK, 1, 4.5, 365)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="count: expected int or Decimal, got bool"):
        personal_points.PersonalActionActivity(personal_points.Action.REFILL_CUP, True)


def test_activity_classes_reject_plain_strings_for_choices() -> None:
    with pytest.raises(TypeError, match="mode: expected TransitMode"):
        green_travel.GreenTravelActivity("METRO", 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="species: expected Species"):
        forestry.ForestryActivity("OAK", 1, 1, 1)  # type: ignore[arg-type]


def test_activity_classes_reject_negative_values_at_construction() -> None:
    with pytest.raises(ValueError, match="area_ha: must not be negative"):
        forestry.ForestryActivity(forestry.Species.OAK, Decimal("-0.5"), 1, 1)
    with pytest.raises(ValueError, match="charged_kwh: must not be negative"):
        nev_charging.NevChargingActivity(-1)


def test_compute_rejects_another_activity_type() -> None:
    with pytest.raises(TypeError, match="expected PhotovoltaicActivity"):
        photovoltaic.compute(cycling.CyclingActivity(1))  # type: ignore[arg-type]


def test_compute_takes_activities_directly() -> None:
    activity = green_travel.GreenTravelActivity(green_travel.TransitMode.BUS, Decimal("10"))
    assert green_travel.compute(activity) == 596


def test_to_grams_rounds_down_and_clips_negative_results_at_zero() -> None:
    assert to_grams(Decimal("0.0019999")) == 1
    assert to_grams(Decimal("-5")) == 0
    assert to_grams(Decimal(0)) == 0


def test_negative_net_reduction_is_clipped_to_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    # A grid dirtier than the petrol car would make charging a net emitter.
    monkeypatch.setattr(nev_charging, "reduction_per_kwh", lambda: Decimal("-0.1"))
    assert nev_charging.compute(nev_charging.NevChargingActivity(100)) == 0


def test_result_ignores_the_callers_decimal_context() -> None:
    expected = get(forestry.CODE, 1).compute_record(
        {
            "species": "POPLAR",
            "area_ha": "12.345678",
            "annual_increment_m3_per_ha": "18",
            "period_days": 366,
        }
    )
    hostile = decimal.Context(prec=3, rounding=decimal.ROUND_UP, traps=[])
    with decimal.localcontext(hostile):
        again = get(forestry.CODE, 1).compute_record(
            {
                "species": "POPLAR",
                "area_ha": "12.345678",
                "annual_increment_m3_per_ha": "18",
                "period_days": 366,
            }
        )
    assert again == expected == 257542920
