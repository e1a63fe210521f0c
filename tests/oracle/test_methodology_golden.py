"""Pin every methodology's output and published parameters to its frozen golden file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from oracle_methodology_reference import REFERENCE

from oracle.methodologies import METHODOLOGIES, get

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _cases() -> list[Any]:
    cases = []
    for path in GOLDEN_FILES:
        document = _load(path)
        for case in document["cases"]:
            cases.append(
                pytest.param(
                    document["code"],
                    document["version"],
                    case["fields"],
                    case["grams"],
                    id=f"{document['code']}-{case['name']}",
                )
            )
    return cases


def test_every_registered_methodology_has_a_golden_file() -> None:
    documented = {(_load(path)["code"], _load(path)["version"]) for path in GOLDEN_FILES}
    assert documented == set(METHODOLOGIES)


@pytest.mark.parametrize(("code", "version", "fields", "grams"), _cases())
def test_compute_record_matches_golden(
    code: str, version: int, fields: dict[str, object], grams: int
) -> None:
    result = get(code, version).compute_record(fields)
    assert type(result) is int
    assert result == grams


@pytest.mark.parametrize(("code", "version", "fields", "grams"), _cases())
def test_reference_formula_matches_golden(
    code: str, version: int, fields: dict[str, object], grams: int
) -> None:
    # Guards the golden file against hand edits: it must stay what the reference computes.
    assert REFERENCE[code](fields) == grams


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda path: path.stem)
def test_parameters_match_golden(path: Path) -> None:
    document = _load(path)
    parameters = get(document["code"], document["version"]).parameters()
    assert parameters == document["parameters"]
    # Order matters too: the published dataset is hashed as written.
    assert list(parameters) == list(document["parameters"])
