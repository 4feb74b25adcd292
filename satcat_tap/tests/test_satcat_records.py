"""Records: every recorded Space-Track record, typed and lower-cased; the CelesTrak fixture.

The CelesTrak SATCAT served by the mirror is a fixture written from CelesTrak's documented format
(https://celestrak.org/satcat/satcat-format.php) with values taken from the Space-Track
recording; no CelesTrak response was recorded (api_mirror/api_mirror/spacetrack/data/).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from api_mirror import MirrorServer
from api_mirror.spacetrack.snapshot import load_celestrak_fixture, load_satcat
from tap_satcat.streams import RecordValidationError, ValueConversionError
from tap_satcat.tap import TapSatcat

SPACETRACK_COLUMNS = [
    "norad_cat_id", "intldes", "object_type", "satname", "country", "launch", "site", "decay",
    "period", "inclination", "apogee", "perigee", "comment", "commentcode", "rcsvalue",
    "rcs_size", "file", "launch_year", "launch_num", "launch_piece", "current", "object_name",
    "object_id", "object_number",
]  # fmt: skip
CELESTRAK_COLUMNS = [
    "norad_cat_id", "object_name", "object_id", "object_type", "ops_status_code", "owner",
    "launch_date", "launch_site", "decay_date", "period", "inclination", "apogee", "perigee",
    "rcs", "data_status_code", "orbit_center", "orbit_type",
]  # fmt: skip
INTEGERS = {"norad_cat_id", "commentcode", "file", "launch_year", "launch_num", "object_number"}
NUMBERS = {"period", "inclination", "apogee", "perigee", "rcsvalue"}
DATES = {"launch", "decay"}


def test_schemas_have_the_agreed_columns(make_tap: Callable[..., TapSatcat]) -> None:
    tap = make_tap()
    spacetrack = tap.streams["spacetrack_satcat"]
    celestrak = tap.streams["celestrak_satcat"]
    assert list(spacetrack.schema["properties"]) == SPACETRACK_COLUMNS
    assert list(celestrak.schema["properties"]) == CELESTRAK_COLUMNS
    assert spacetrack.primary_keys == celestrak.primary_keys == ("norad_cat_id",)
    for stream in (spacetrack, celestrak):
        props = stream.schema["properties"]
        assert props["norad_cat_id"]["type"] == "integer"  # the key is never null
        assert all(prop.get("description") for prop in props.values())
    for name in DATES:
        assert spacetrack.schema["properties"][name] == {
            "type": ["string", "null"],
            "format": "date",
            "description": spacetrack.schema["properties"][name]["description"],
        }


def test_every_recorded_record_is_emitted_typed(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    result = sync(make_tap())
    records = result.records["spacetrack_satcat"]
    assert len(records) == 8848
    assert "celestrak_satcat" not in result.records  # source auto + identity: Space-Track only
    ids = [r["norad_cat_id"] for r in records]
    assert ids == sorted(ids) and len(set(ids)) == 8848  # orderby/NORAD_CAT_ID asc
    recorded = {int(r["NORAD_CAT_ID"]): r for r in load_satcat()}
    assert set(ids) == set(recorded)
    for record in records:
        assert list(record) == SPACETRACK_COLUMNS
        source = recorded[record["norad_cat_id"]]
        for column, value in record.items():
            raw = source[column.upper()]
            if raw is None:
                assert value is None, column
            elif column in INTEGERS:
                assert type(value) is int and value == int(raw), column
            elif column in NUMBERS:
                assert type(value) in (int, float) and value == float(raw), column
            else:  # strings and YYYY-MM-DD dates are passed through
                assert value == raw, column
    first = next(r for r in records if r["norad_cat_id"] == 44278)
    assert first["period"] == 87.58 and first["apogee"] == 158 and first["decay"] == "2020-05-27"
    assert sum(r["decay"] is not None for r in records) == 1127
    # one login, one query
    assert [(m, p.split("/")[1]) for m, p, _ in mirror.request_log] == [
        ("POST", "ajaxauth"),
        ("GET", "basicspacedata"),
    ]
    assert mirror.request_log[1][1] == (
        "/basicspacedata/query/class/satcat/SATNAME/~~Starlink/orderby/NORAD_CAT_ID%20asc"
        "/emptyresult/show"
    )
    assert result.schemas["spacetrack_satcat"]["properties"]["launch"]["format"] == "date"


def test_name_filter_is_quoted_into_the_path(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    result = sync(make_tap(name_filter="starlink-3XXX"))
    assert sorted(r["norad_cat_id"] for r in result.records["spacetrack_satcat"]) == [
        51456,
        51457,
        51458,
        51459,
        51466,
        51470,
    ]
    assert "/SATNAME/~~starlink-3XXX/" in mirror.request_log[-1][1]
    sync(make_tap(name_filter="STARLINK 1/2"))
    assert "/SATNAME/~~STARLINK%201%2F2/" in mirror.request_log[-1][1]
    # Meltano passes an unset $VARIABLE as "": that is the default, not "match everything"
    assert len(sync(make_tap(name_filter="")).records["spacetrack_satcat"]) == 8848
    assert "/SATNAME/~~Starlink/" in mirror.request_log[-1][1]


def test_celestrak_stream_from_the_fixture(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    """The fixture follows CelesTrak's documentation (not a recording): see the module doc."""
    result = sync(make_tap(source="celestrak"))
    assert "spacetrack_satcat" not in result.records
    records = result.records["celestrak_satcat"]
    fixture = load_celestrak_fixture()
    assert len(records) == len(fixture) == 17
    by_id = {r["NORAD_CAT_ID"]: r for r in fixture}
    for record in records:
        assert list(record) == CELESTRAK_COLUMNS
        source = by_id[record["norad_cat_id"]]
        assert {k: record[k.lower()] for k in source} == source  # same values, lower-cased names
        assert type(record["norad_cat_id"]) is int
        assert isinstance(record["period"], float) and isinstance(record["apogee"], int)
    app = mirror.app("spacetrack")
    assert list(app.celestrak_queries) == [{"NAME": ["STARLINK"], "FORMAT": ["JSON"]}]
    assert app.login_count == 0 and app.query_count == 0  # Space-Track untouched


def test_celestrak_blank_values_become_null_and_numbers_may_be_strings(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    row = dict(load_celestrak_fixture()[0])
    row.update(
        NORAD_CAT_ID="44242", DECAY_DATE="", DATA_STATUS_CODE="", PERIOD="87.16", RCS="0.1220"
    )
    row["LAUNCH_DATE"] = "2019-05-24T14:30:00"
    mirror.faults.add(status=200, body=json.dumps([row]), path_contains="/satcat/records.php")
    record = sync(make_tap(source="celestrak")).records["celestrak_satcat"][0]
    assert record["norad_cat_id"] == 44242
    assert record["decay_date"] is None and record["data_status_code"] is None
    assert record["period"] == 87.16 and record["rcs"] == 0.122
    assert record["launch_date"] == "2019-05-24"


def _serve(mirror: MirrorServer, rows: list[dict[str, Any]]) -> None:
    mirror.faults.add(status=200, body=json.dumps(rows), path_contains="/basicspacedata/")


def test_unparsable_value_fails_naming_field_and_norad_id(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    rows = load_satcat()[:3]
    rows[2]["PERIOD"] = "ninety"
    _serve(mirror, rows)
    with pytest.raises(ValueConversionError) as caught:
        sync(make_tap())
    message = str(caught.value)
    assert "stream spacetrack_satcat" in message and "PERIOD" in message
    assert rows[2]["NORAD_CAT_ID"] in message and "'ninety' is not a number" in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("LAUNCH", "2019-02-30", "is not a date"),
        ("NORAD_CAT_ID", "44x", "is not an integer"),
        ("FILE", "12.5", "is not an integer"),
        ("SATNAME", ["a"], "is list, not a string"),
    ],
)
def test_other_unparsable_values(
    make_tap: Callable[..., TapSatcat],
    sync: Callable,
    mirror: MirrorServer,
    field: str,
    value: Any,
    expected: str,
) -> None:
    rows = load_satcat()[:1]
    rows[0][field] = value
    _serve(mirror, rows)
    with pytest.raises(ValueConversionError, match=expected) as caught:
        sync(make_tap())
    assert field in str(caught.value)


def test_empty_numbers_are_null_and_new_or_missing_fields_warn(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer, logs: list[str]
) -> None:
    rows = load_satcat()[:2]
    rows[0]["PERIOD"] = ""
    rows[0]["NEW_FIELD"] = "x"
    del rows[1]["COMMENT"]
    _serve(mirror, rows)
    records = sync(make_tap()).records["spacetrack_satcat"]
    assert records[0]["period"] is None and "new_field" not in records[0]
    assert records[1]["comment"] is None
    text = "\n".join(logs)
    assert "field NEW_FIELD that is not in the schema; dropped" in text
    assert "sent no field COMMENT" in text


def test_record_not_fitting_schema_fails(make_tap: Callable[..., TapSatcat]) -> None:
    stream = make_tap().streams["spacetrack_satcat"]
    record = stream.convert(load_satcat()[0])
    record["norad_cat_id"] = -1.5
    with pytest.raises(RecordValidationError, match=r"NORAD_CAT_ID -1.5.*norad_cat_id"):
        stream.validate_record(record)
