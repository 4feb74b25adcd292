"""The soft-deleting full-table stream and the provenance stream, in a made-up tap.

The tap's source is a dict of records per stream; a stream can be told to fail after some
records or not to read this run. The Singer messages the tap writes are parsed back.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import pytest
from jsonschema import Draft7Validator, FormatChecker
from singer_sdk import typing as th

from tap_common import errors
from tap_common.http import ServedRecording
from tap_common.streams import (
    PROVENANCE_STREAM,
    ExtractProvenanceStream,
    FullTableStream,
    Origin,
    load_schema,
)
from tap_common.tap import SourceTap, provenance_last

SCHEMA = th.PropertiesList(th.Property("id", th.StringType), th.Property("n", th.IntegerType))


class SourceFailed(RuntimeError):
    pass


class ThingStream(FullTableStream):
    primary_keys = ("id",)
    #: records per stream name; a SourceFailed instance among them is raised when reached
    source: ClassVar[dict[str, list[Any]]] = {}
    unread: ClassVar[set[str]] = set()

    def __init__(self, tap: Any) -> None:
        super().__init__(tap, schema=SCHEMA.to_dict())

    def reads_source(self, context: Mapping[str, Any] | None) -> bool:
        return self.name not in self.unread

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        for record in self.source.get(self.name, []) if self.reads_source(context) else []:
            if isinstance(record, Exception):
                raise record
            self.validate_record(record)
            yield record


class AStream(ThingStream):
    name = "a_things"


class ZStream(ThingStream):
    name = "z_things"


class Provenance(ExtractProvenanceStream):
    tap_version = "9.9.9"

    def origin(self) -> Origin:
        return Origin("made_up", "http://source.test", ServedRecording("rec", "2021-04-22"))


class MadeUpTap(SourceTap):
    name = "tap-made-up"
    config_jsonschema = th.PropertiesList().to_dict()
    stream_types = (ZStream, AStream)
    provenance_stream_type = Provenance


def _run(source: dict[str, list[Any]], unread: Iterable[str] = ()) -> tuple[MadeUpTap, list[dict]]:
    ThingStream.source = source
    ThingStream.unread = set(unread)
    tap = MadeUpTap(config={})
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tap.sync_all()
    return tap, [json.loads(line) for line in buffer.getvalue().splitlines()]


def _of(messages: list[dict], kind: str, stream: str | None = None) -> list[dict]:
    return [m for m in messages if m["type"] == kind and stream in (None, m["stream"])]


def test_one_activate_version_after_the_last_record_with_the_runs_version() -> None:
    tap, messages = _run({"a_things": [{"id": "1", "n": 1}, {"id": "2", "n": 2}]})
    a_things = [m for m in messages if m.get("stream") == "a_things"]
    assert [m["type"] for m in a_things if m["type"] != "SCHEMA"] == [
        "RECORD",
        "RECORD",
        "ACTIVATE_VERSION",
    ]
    assert {m["version"] for m in a_things if m["type"] != "SCHEMA"} == {tap.initialized_at}


def test_no_activate_version_for_an_empty_stream() -> None:
    tap, messages = _run({"a_things": [{"id": "1", "n": 1}]})
    assert _of(messages, "ACTIVATE_VERSION", "z_things") == []
    assert tap.record_counts == {"a_things": 1, "z_things": 0}


def test_a_stream_failing_midway_sends_no_activate_version_and_counts_what_it_emitted() -> None:
    records = [{"id": "1", "n": 1}, SourceFailed("gone"), {"id": "3", "n": 3}]
    ThingStream.source, ThingStream.unread = {"a_things": records}, set()
    tap = MadeUpTap(config={})
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(SourceFailed):
        tap.sync_all()
    messages = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert len(_of(messages, "RECORD", "a_things")) == 1
    assert _of(messages, "ACTIVATE_VERSION") == []
    assert tap.record_counts["a_things"] == 1


def test_a_misfit_record_fails_the_run_naming_it() -> None:
    with pytest.raises(errors.RecordValidationError, match=r"record id='2' .* at n: 'two'"):
        _run({"a_things": [{"id": "1", "n": 1}, {"id": "2", "n": "two"}]})


def test_a_stream_that_does_not_read_is_not_counted_and_marks_nothing() -> None:
    tap, messages = _run({"a_things": [{"id": "1", "n": 1}]}, unread=["z_things"])
    assert tap.record_counts == {"a_things": 1}
    assert _of(messages, "ACTIVATE_VERSION", "z_things") == []


def test_the_provenance_record_comes_last_and_accounts_for_the_run() -> None:
    tap, messages = _run({"a_things": [{"id": "1", "n": 1}], "z_things": [{"id": "9", "n": 9}]})
    assert list(tap.streams)[-1] == PROVENANCE_STREAM
    records = _of(messages, "RECORD")
    assert records[-1]["stream"] == PROVENANCE_STREAM
    (provenance,) = [m["record"] for m in records if m["stream"] == PROVENANCE_STREAM]
    assert provenance["tap"] == "tap-made-up" and provenance["tap_version"] == "9.9.9"
    assert provenance["source"] == "made_up" and provenance["base_url"] == "http://source.test"
    assert provenance["record_counts"] == {"a_things": 1, "z_things": 1}
    assert (provenance["recording"], provenance["recording_date"]) == ("rec", "2021-04-22")
    assert provenance["started_at"] <= provenance["finished_at"]
    # append-only history: no ACTIVATE_VERSION would retire earlier runs' records
    assert _of(messages, "ACTIVATE_VERSION", PROVENANCE_STREAM) == []
    Draft7Validator(load_schema(PROVENANCE_STREAM), format_checker=FormatChecker()).validate(
        provenance
    )


def test_no_provenance_record_for_a_run_that_emitted_nothing() -> None:
    _, messages = _run({})
    assert _of(messages, "RECORD") == []


def test_provenance_last_moves_only_the_provenance_stream() -> None:
    streams: dict = {"a": 1, PROVENANCE_STREAM: 2, "z": 3}
    assert list(provenance_last(streams)) == ["a", "z", PROVENANCE_STREAM]
    assert list(provenance_last({"a": 1})) == ["a"]
