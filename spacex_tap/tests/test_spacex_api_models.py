"""Every stream's schema against the API's own data models in their final state.

``data/spacex_api_models.json`` is a recorded copy of the field lists of the mongoose models of
r-spacex/SpaceX-API (``models/<resource>.js``, with the commit each was read at). A field the
model has and the schema lacks would be dropped by the Singer SDK with only a log warning; a type
or nullability that disagrees would fail the run on the live API.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

from tap_spacex.resources import NAMES as RESOURCES
from tap_spacex.streams import LaunchesStream, load_schema

MODELS_FILE = Path(__file__).parent / "data" / "spacex_api_models.json"
MODELS: dict[str, Any] = json.loads(MODELS_FILE.read_text(encoding="utf-8"))["models"]

#: On the v4 route `crew` is a list of crew ids (the 2021 recording); the final model's
#: {crew, role} objects come from /v5/launches (``launches_api_version: v5``).
V4_ONLY_IDS = {"crew[].crew", "crew[].role"}

OBJECT_ID = "0123456789abcdef01234567"


def _parse(spec: str) -> tuple[str, set[str]]:
    """``"Number, default null"`` -> ("Number", {"default null"})."""
    kind, *modifiers = (part.strip() for part in spec.split(","))
    return kind, set(modifiers)


def _types(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def _object_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """An array's item schema; of an ``anyOf`` (v5 crew: id or object) the object branch."""
    for branch in schema.get("anyOf", []):
        if "object" in _types(branch):
            return branch
    return schema


def _resolve(schema: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The property schema at a model path (``a.b``, ``cores[].core``), None if undeclared."""
    current = schema
    for part in path.split("."):
        name = part.removesuffix("[]")
        prop = (current.get("properties") or {}).get(name)
        if prop is None:
            return None
        if part.endswith("[]"):
            assert "array" in _types(prop), f"{path}: {name} is not an array"
            current = _object_branch(prop["items"])
        else:
            current = prop
    return current


def _type_matches(kind: str, prop: dict[str, Any]) -> bool:
    types = _types(prop)
    if kind.startswith("["):
        return "array" in types and _type_matches(kind[1:-1], prop.get("items", {}))
    return {
        "String": "string" in types,
        "ObjectId": "string" in types,
        "Number": bool(types & {"number", "integer"}),
        "Boolean": "boolean" in types,
        "Mixed": True,
    }[kind]


def _schema(resource: str, version: str = "v4") -> dict[str, Any]:
    if resource == "launches":
        stream = SimpleNamespace(name="launches")
        return LaunchesStream.build_schema(stream, {"launches_api_version": version})  # type: ignore[arg-type]
    return load_schema(resource)


def _schemas() -> list[tuple[str, str]]:
    return [(r, "v4") for r in RESOURCES] + [("launches", "v5")]


def _leaf_paths(schema: dict[str, Any], prefix: str = "") -> list[str]:
    """The schema's leaf properties, in the models' path notation."""
    found: list[str] = []
    for name, prop in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        if "properties" in prop:
            found.extend(_leaf_paths(prop, f"{path}."))
        elif "items" in prop and "properties" in _object_branch(prop["items"]):
            found.extend(_leaf_paths(_object_branch(prop["items"]), f"{path}[]."))
        else:
            found.append(path)
    return found


def test_the_recorded_models_name_their_source():
    data = json.loads(MODELS_FILE.read_text(encoding="utf-8"))
    assert "r-spacex/SpaceX-API" in data["source"]["repository"]
    assert set(MODELS) == set(RESOURCES)
    for name, model in MODELS.items():
        assert model["path"] == f"models/{name}.js"
        assert len(model["commit"]) == 40 and int(model["commit"], 16) >= 0
        assert model["fields"]


@pytest.mark.parametrize(("resource", "version"), _schemas())
def test_every_model_field_is_in_the_schema_with_its_type(resource: str, version: str):
    schema = _schema(resource, version)
    problems = []
    for path, spec in MODELS[resource]["fields"].items():
        if resource == "launches" and version == "v4" and path in V4_ONLY_IDS:
            assert schema["properties"]["crew"]["items"] == {"type": "string"}
            continue
        kind, modifiers = _parse(spec)
        prop = _resolve(schema, path)
        if prop is None:
            problems.append(f"{path}: missing (the model has {spec})")
        elif not _type_matches(kind, prop):
            problems.append(f"{path}: schema {prop.get('type')} but the model has {spec}")
        elif "default null" in modifiers and "null" not in _types(prop):
            problems.append(f"{path}: not nullable but the model's default is null")
    assert problems == [], resource


@pytest.mark.parametrize(("resource", "version"), _schemas())
def test_the_schema_declares_nothing_the_model_lacks(resource: str, version: str):
    fields = MODELS[resource]["fields"]
    mixed = [path for path, spec in fields.items() if _parse(spec)[0] in ("Mixed", "[Mixed]")]
    v4_crew_ids = resource == "launches" and version == "v4"
    extra = [
        path
        for path in _leaf_paths(_schema(resource, version))
        if path != "id"
        and not (v4_crew_ids and path == "crew")
        and path not in fields
        and not any(
            path == m or path.startswith(f"{m}.") or path.startswith(f"{m}[].") for m in mixed
        )
    ]
    assert extra == []


FORMATTED = {"date-time": "2022-09-19T00:00:00.000Z", "date": "2022-09-19"}


def _sample(kind: str, prop: dict[str, Any]) -> Any:
    if kind.startswith("["):
        return [_sample(kind[1:-1], prop.get("items", {}))]
    if prop.get("format") in FORMATTED:
        return FORMATTED[prop["format"]]
    return {"String": "text", "ObjectId": OBJECT_ID, "Number": 1, "Boolean": True}[kind]


def final_state_record(resource: str) -> dict[str, Any]:
    """One record with every field of the final model set (a made-up value of its type; Mixed
    fields, whose shape the model leaves open, are left out)."""
    schema = _schema(resource)
    record: dict[str, Any] = {"id": OBJECT_ID}
    for path, spec in MODELS[resource]["fields"].items():
        kind, _ = _parse(spec)
        if "Mixed" in kind or (resource == "launches" and path in V4_ONLY_IDS):
            continue
        target = record
        parts = path.split(".")
        for part in parts[:-1]:
            if part.endswith("[]"):
                items = target.setdefault(part[:-2], [{}])
                target = items[0]
            else:
                target = target.setdefault(part, {})
        target[parts[-1]] = _sample(kind, _resolve(schema, path) or {})
    return record


def _unknown_keys(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    """Paths present in ``value`` that ``schema`` does not declare (what the SDK would drop)."""
    if isinstance(value, list):
        return [k for item in value for k in _unknown_keys(item, schema.get("items", {}), path)]
    if not isinstance(value, dict):
        return []
    properties = schema.get("properties", {})
    found = [f"{path}.{key}" for key in value if key not in properties]
    for key, child in value.items():
        if key in properties:
            found.extend(_unknown_keys(child, properties[key], f"{path}.{key}"))
    return found


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_record_with_every_final_field_validates_and_keeps_every_key(resource: str):
    record = final_state_record(resource)
    schema = _schema(resource)
    assert _unknown_keys(record, schema, resource) == []
    errors = [
        e.message
        for e in Draft7Validator(schema, format_checker=FormatChecker()).iter_errors(record)
    ]
    assert errors == []


def test_landpads_and_launchpads_keep_their_images():
    for resource in ("landpads", "launchpads"):
        images = load_schema(resource)["properties"]["images"]
        assert images["properties"]["large"]["items"] == {"type": "string"}
