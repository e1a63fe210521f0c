"""Write tests/oracle/golden/<code>.json from the exact-rational reference formulas.

Run it only when a methodology version is added or deliberately changed, then review the diff:
the golden files are the frozen record of what each (code, version) pays for a given activity.

    .venv/bin/python tests/oracle/generate_methodology_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from oracle_methodology_reference import REFERENCE

from oracle.methodologies import METHODOLOGIES

GOLDEN_DIR = Path(__file__).parent / "golden"

# Field values are strings, as a CSV feed delivers them, plus a few ints.
CASES: dict[str, list[tuple[str, dict[str, object]]]] = {
    "WHCI-GT-001": [
        ("zero", {"mode": "METRO", "passenger_km": "0"}),
        ("metro one km", {"mode": "METRO", "passenger_km": "1"}),
        ("metro commute", {"mode": "METRO", "passenger_km": "12.5"}),
        ("metro month", {"mode": "METRO", "passenger_km": 620}),
        ("bus short hop", {"mode": "BUS", "passenger_km": "0.8"}),
        ("bus month", {"mode": "BUS", "passenger_km": "433.123456"}),
        ("metro at cap", {"mode": "METRO", "passenger_km": "100000"}),
    ],
    "WHCI-CY-001": [
        ("zero", {"distance_km": "0"}),
        ("one metre", {"distance_km": "0.001"}),
        ("one km", {"distance_km": "1"}),
        ("commute", {"distance_km": "3.7"}),
        ("month", {"distance_km": 150}),
        ("at cap", {"distance_km": "20000"}),
    ],
    "WHCI-EV-001": [
        ("zero", {"charged_kwh": "0"}),
        ("one kWh", {"charged_kwh": "1"}),
        ("one session", {"charged_kwh": "42.37"}),
        ("month", {"charged_kwh": 300}),
        ("year of ride-hailing", {"charged_kwh": "15000.5"}),
        ("at cap", {"charged_kwh": "50000"}),
    ],
    "WHCI-PV-001": [
        ("zero", {"self_consumed_kwh": "0"}),
        ("one kWh", {"self_consumed_kwh": "1"}),
        ("rooftop month", {"self_consumed_kwh": "512.25"}),
        ("factory year", {"self_consumed_kwh": 1_100_000}),
        ("sub-gram", {"self_consumed_kwh": "0.001"}),
        ("at cap", {"self_consumed_kwh": "10000000"}),
    ],
    "WHCI-FC-001": [
        (
            "zero days",
            {
                "species": "CHINESE_FIR",
                "area_ha": "100",
                "annual_increment_m3_per_ha": "10",
                "period_days": 0,
            },
        ),
        (
            "fir year",
            {
                "species": "CHINESE_FIR",
                "area_ha": "100",
                "annual_increment_m3_per_ha": "10",
                "period_days": 365,
            },
        ),
        (
            "masson pine quarter",
            {
                "species": "MASSON_PINE",
                "area_ha": "35.5",
                "annual_increment_m3_per_ha": "6.2",
                "period_days": "91",
            },
        ),
        (
            "oak five years",
            {
                "species": "OAK",
                "area_ha": "1200",
                "annual_increment_m3_per_ha": "4.8",
                "period_days": 1826,
            },
        ),
        (
            "poplar leap year",
            {
                "species": "POPLAR",
                "area_ha": "12.345678",
                "annual_increment_m3_per_ha": "18",
                "period_days": 366,
            },
        ),
        (
            "cypress month",
            {
                "species": "CYPRESS",
                "area_ha": "0.5",
                "annual_increment_m3_per_ha": "3.3",
                "period_days": 30,
            },
        ),
        (
            "all caps",
            {
                "species": "OAK",
                "area_ha": "500000",
                "annual_increment_m3_per_ha": "40",
                "period_days": 3653,
            },
        ),
    ],
    "WHCI-PP-001": [
        ("zero", {"action": "REFILL_CUP", "count": 0}),
        ("invoice", {"action": "PAPERLESS_INVOICE", "count": "1"}),
        ("tickets", {"action": "PAPERLESS_TICKET", "count": 17}),
        ("cups", {"action": "REFILL_CUP", "count": "22"}),
        ("cutlery", {"action": "NO_DISPOSABLE_CUTLERY", "count": 9}),
        ("at cap", {"action": "REFILL_CUP", "count": 10000}),
    ],
}


def main() -> None:
    """Write one golden file per registered methodology."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    for (code, version), methodology in sorted(METHODOLOGIES.items()):
        document = {
            "code": code,
            "version": version,
            "cases": [
                {"name": name, "fields": fields, "grams": REFERENCE[code](fields)}
                for name, fields in CASES[code]
            ],
            "parameters": methodology.parameters(),
        }
        path = GOLDEN_DIR / f"{code}.json"
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
