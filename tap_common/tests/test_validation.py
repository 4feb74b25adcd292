"""Records checked against their schema: the message names the stream, the record, the field."""

from __future__ import annotations

import pytest

from tap_common import errors
from tap_common.validation import RecordValidator

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "mass": {"type": ["number", "null"]},
        "parts": {
            "type": "array",
            "items": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
        "day": {"type": ["string", "null"], "format": "date"},
    },
    "required": ["id"],
}


class OwnError(errors.TapError):
    pass


OwnRecordValidationError = OwnError.kind(errors.RecordValidationError)


def _validator() -> RecordValidator:
    return RecordValidator(
        "things", SCHEMA, describe=lambda r: f"id={r.get('id')!r}", error=OwnRecordValidationError
    )


def test_a_fitting_record_passes() -> None:
    _validator().validate({"id": "a", "mass": 1.5, "parts": [{"n": 1}], "day": "2021-04-22"})


@pytest.mark.parametrize(
    ("record", "where"),
    [
        ({"id": "a", "mass": "heavy"}, "at mass: 'heavy' is not of type"),
        ({"id": "a", "parts": [{"n": 1}, {"n": "two"}]}, "at parts/1/n: 'two' is not of type"),
        ({"mass": 1}, "at <record>: 'id' is a required property"),
    ],
)
def test_a_misfit_names_stream_record_and_field(record: dict, where: str) -> None:
    with pytest.raises(OwnRecordValidationError) as caught:
        _validator().validate(record)
    message = str(caught.value)
    assert message.startswith(f"stream things: record id={record.get('id')!r} does not fit")
    assert where in message and "(1 problem(s) in this record)" in message
    assert isinstance(caught.value, errors.RecordValidationError)


def test_a_format_fastjsonschema_accepts_is_still_judged_by_jsonschema() -> None:
    """The date format: both must reject it, the message comes from jsonschema."""
    with pytest.raises(errors.RecordValidationError, match="at day: '2021-02-30' is not a 'date'"):
        RecordValidator("things", SCHEMA, describe=repr).validate({"id": "a", "day": "2021-02-30"})


def test_the_schema_is_copied() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    validator = RecordValidator("things", schema, describe=repr)
    schema["properties"]["n"]["type"] = "string"
    validator.validate({"n": 1})
