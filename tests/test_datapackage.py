"""The Data Package descriptors beside the csv files are valid against the official v1
profiles they name (vendored in tests/profiles/, so the check runs offline)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from pipeline.contract import datapackage

PROFILES = Path(__file__).with_name("profiles")

DESCRIPTORS = {
    "nyckeltal": lambda: datapackage.key_figure_descriptor("Vaggeryd-2023-nyckeltal.csv"),
    "jonkoping": lambda: datapackage.key_figure_descriptor("Jönköping-2023-nyckeltal.csv"),
    "jamforelse": lambda: datapackage.comparison_descriptor("jamforelse-2024.csv"),
}


def _profile(profile_id: str) -> dict:
    """The JSON Schema of a profile id, found through the specification's registry."""
    registry = json.loads((PROFILES / "registry.json").read_text(encoding="utf-8"))
    (path,) = [entry["schema_path"] for entry in registry if entry["id"] == profile_id]
    return json.loads((PROFILES / path).read_text(encoding="utf-8"))


def _errors(instance: dict, schema: dict) -> list[str]:
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema).iter_errors(instance)
    )


@pytest.mark.parametrize("make", DESCRIPTORS.values(), ids=DESCRIPTORS.keys())
def test_descriptors_are_valid_against_the_profiles_they_name(make):
    descriptor = json.loads(datapackage.to_json(make()))  # as the file is written
    assert descriptor["profile"] == "tabular-data-package"
    assert _errors(descriptor, _profile("data-package")) == []
    assert _errors(descriptor, _profile(descriptor["profile"])) == []
    for resource in descriptor["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        assert _errors(resource, _profile(resource["profile"])) == []


def test_the_profiles_catch_what_frictionless_validate_lets_through():
    """An empty licence list passes `frictionless validate` but not the profile."""
    descriptor = json.loads(datapackage.to_json(DESCRIPTORS["nyckeltal"]()))
    assert "licenses" not in descriptor  # no licence is known, so none is claimed
    for profile in ("data-package", "tabular-data-package"):
        assert _errors({**descriptor, "licenses": []}, _profile(profile)) == [
            "licenses: [] should be non-empty"
        ]
    resource = descriptor["resources"][0]
    assert _errors({**resource, "profile": "data-resource"}, _profile("tabular-data-resource"))


def test_the_vendored_profiles_are_the_copies_the_readme_names():
    readme = (PROFILES / "README.md").read_text(encoding="utf-8")
    named = dict((n, s) for s, n in re.findall(r"^([0-9a-f]{64})  (\S+\.json)$", readme, re.M))
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in PROFILES.glob("*.json")}
    assert named == found
