"""Check the methodology registry: identities, lookup errors and published parameters."""

from __future__ import annotations

import dataclasses
from types import ModuleType

import pytest

from oracle.methodologies import (
    METHODOLOGIES,
    Kind,
    Methodology,
    UnknownMethodologyError,
    cycling,
    forestry,
    get,
    green_travel,
    nev_charging,
    personal_points,
    photovoltaic,
)

MODULES = (green_travel, cycling, nev_charging, photovoltaic, forestry, personal_points)


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__.rsplit(".")[-1])
def test_registry_entry_mirrors_the_module_identity(module: ModuleType) -> None:
    methodology = get(module.CODE, module.VERSION)
    assert (methodology.code, methodology.version) == (module.CODE, module.VERSION)
    assert methodology.sector == module.SECTOR
    assert methodology.kind == module.KIND
    assert methodology.fields == module.FIELDS
    assert methodology.parameters() == module.parameters()


def test_registry_holds_exactly_the_expected_methodologies() -> None:
    assert sorted(METHODOLOGIES) == [
        ("WHCI-CY-001", 1),
        ("WHCI-EV-001", 1),
        ("WHCI-FC-001", 1),
        ("WHCI-GT-001", 1),
        ("WHCI-PP-001", 1),
        ("WHCI-PV-001", 1),
    ]


def test_kinds_and_sectors() -> None:
    kinds = {code: methodology.kind for (code, _), methodology in METHODOLOGIES.items()}
    assert kinds == {
        "WHCI-GT-001": Kind.PERSONAL_SCENARIO,
        "WHCI-CY-001": Kind.PERSONAL_SCENARIO,
        "WHCI-EV-001": Kind.PERSONAL_SCENARIO,
        "WHCI-PV-001": Kind.PROJECT,
        "WHCI-FC-001": Kind.PROJECT,
        "WHCI-PP-001": Kind.PERSONAL_SCENARIO,
    }
    assert Kind.PROJECT == "PROJECT"
    assert {m.sector for m in METHODOLOGIES.values()} <= {
        "transport",
        "energy",
        "forestry",
        "consumption",
    }


@pytest.mark.parametrize(
    ("code", "version"), [("WHCI-GT-001", 2), ("WHCI-XX-001", 1), ("WHCI-GT-001", True)]
)
def test_unknown_methodology_names_code_and_version(code: str, version: int) -> None:
    with pytest.raises(UnknownMethodologyError) as caught:
        get(code, version)
    assert isinstance(caught.value, ValueError)
    assert code in str(caught.value)
    assert str(version) in str(caught.value)
    assert (caught.value.code, caught.value.version) == (code, version)


def test_unhashable_version_is_an_unknown_methodology() -> None:
    with pytest.raises(UnknownMethodologyError):
        get("WHCI-GT-001", [1])  # type: ignore[arg-type]


def test_registry_and_entries_are_read_only() -> None:
    with pytest.raises(TypeError):
        METHODOLOGIES[("WHCI-ZZ-001", 1)] = get("WHCI-PV-001", 1)  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        get("WHCI-PV-001", 1).version = 2  # type: ignore[misc]


@pytest.mark.parametrize("methodology", list(METHODOLOGIES.values()), ids=lambda m: m.code)
def test_parameters_are_strings_with_a_unit_and_a_source_for_each_factor(
    methodology: Methodology,
) -> None:
    parameters = methodology.parameters()
    assert parameters["methodology"] == methodology.code
    assert parameters["version"] == str(methodology.version)
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in parameters.items())
    factors = [key.removesuffix(".unit") for key in parameters if key.endswith(".unit")]
    assert factors
    for key in factors:
        assert parameters[f"{key}.unit"]
        assert len(parameters[f"{key}.source"]) > 20
    # Plain notation only, so the published dataset never carries an exponent.
    numeric = [parameters[key] for key in factors] + [
        value for key, value in parameters.items() if key.startswith("derived.")
    ]
    assert not any("E" in value or "e" in value for value in numeric)


def test_every_assumed_factor_says_so() -> None:
    # Anything that is not a published figure must carry the ASSUMED marker in its source.
    for methodology in METHODOLOGIES.values():
        for key, source in methodology.parameters().items():
            if key.endswith(".source") and not source.startswith(("MEE", "NDRC", "IPCC", "China")):
                assert "ASSUMED" in source, key
