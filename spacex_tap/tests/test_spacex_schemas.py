"""The stream schemas describe every key of the snapshot and every record fits them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

from api_mirror.spacex.snapshot import load_records
from tap_spacex.resources import NAMES as RESOURCES
from tap_spacex.streams import load_schema


def _unknown_keys(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    """Paths present in ``value`` that ``schema`` does not declare, at any depth."""
    found: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties")
        assert properties is not None, f"{path}: object without declared properties"
        for key, child in value.items():
            if key not in properties:
                found.append(f"{path}.{key}")
            else:
                found.extend(_unknown_keys(child, properties[key], f"{path}.{key}"))
    elif isinstance(value, list):
        items = schema.get("items")
        assert items is not None, f"{path}: array without items schema"
        for index, child in enumerate(value):
            found.extend(_unknown_keys(child, items, f"{path}[{index}]"))
    return found


def _walk_properties(schema: dict[str, Any], path: str = ""):
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}.{name}", prop
        yield from _walk_properties(prop, f"{path}.{name}")
        if "items" in prop:
            yield from _walk_properties(prop["items"], f"{path}.{name}[]")


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_snapshot_key_is_in_the_schema(resource: str) -> None:
    schema = load_schema(resource)
    for record in load_records(resource):
        assert _unknown_keys(record, schema, resource) == [], record["id"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_record_validates(resource: str) -> None:
    schema = load_schema(resource)
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    for record in load_records(resource):
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], (record["id"], errors[:3])


@pytest.mark.parametrize("resource", RESOURCES)
def test_properties_are_nullable_except_id(resource: str) -> None:
    schema = load_schema(resource)
    assert schema["required"] == ["id"]
    assert schema["properties"]["id"] == {"type": "string"}
    for path, prop in _walk_properties(schema):
        if path != ".id" and "type" in prop:
            assert "null" in prop["type"], f"{resource}{path} is not nullable"


@pytest.mark.parametrize("resource", RESOURCES)
def test_date_formats_only_where_values_parse(resource: str) -> None:
    """``date-time`` only on values with a timezone; ``date`` only on plain dates."""
    schema = load_schema(resource)
    formats = {path: prop["format"] for path, prop in _walk_properties(schema) if "format" in prop}

    def values_at(record: Any, parts: list[str]) -> list[Any]:
        if not parts:
            return [record]
        if isinstance(record, dict) and parts[0] in record:
            return values_at(record[parts[0]], parts[1:])
        return []

    for path, fmt in formats.items():
        assert "[]" not in path
        for record in load_records(resource):
            for value in values_at(record, path.strip(".").split(".")):
                if value is None:
                    continue
                if fmt == "date-time":
                    assert datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo, value
                else:
                    assert fmt == "date"
                    date.fromisoformat(value)


def test_key_formats_and_nesting() -> None:
    starlink = load_schema("starlink")["properties"]
    space_track = starlink["spaceTrack"]["properties"]
    for key in (
        "LAUNCH_DATE",
        "DECAY_DATE",
        "DECAYED",
        "OBJECT_NAME",
        "NORAD_CAT_ID",
        "EPOCH",
        "CREATION_DATE",
        "TLE_LINE2",
    ):
        assert key in space_track
    assert space_track["LAUNCH_DATE"]["format"] == "date"
    assert space_track["DECAY_DATE"]["format"] == "date"
    assert "format" not in space_track["EPOCH"] and "format" not in space_track["CREATION_DATE"]
    assert space_track["NORAD_CAT_ID"]["type"] == ["integer", "null"]
    launches = load_schema("launches")["properties"]
    assert launches["date_utc"]["format"] == "date-time"
    for key in ("links", "fairings"):
        assert "object" in launches[key]["type"]
    for key in ("cores", "failures"):
        assert "object" in launches[key]["items"]["type"]
    assert launches["links"]["properties"]["patch"]["properties"]["small"]["type"] == [
        "string",
        "null",
    ]
    assert launches["crew"]["items"] == {"type": "string"}
