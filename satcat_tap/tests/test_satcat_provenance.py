"""Soft deletes and provenance in the Singer messages: the stream that reads sends its
ACTIVATE_VERSION after its last record (none for a failed, empty or skipped query, none for the
other source's stream), the recording headers are kept from the server's answers, and
``extract_provenance`` comes last, once, naming the stream that was read."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator, FormatChecker

from api_mirror import MirrorServer
from api_mirror.spacetrack.snapshot import (
    CELESTRAK_RECORDING,
    SATCAT_RECORDING,
    SATCAT_RECORDING_DATE,
)
from tap_common.http import ServedRecording
from tap_satcat import daily_limit
from tap_satcat.client import HTTPClient, RetriesExhaustedError
from tap_satcat.streams import PROVENANCE_STREAM, load_schema
from tap_satcat.tap import TapSatcat

QUERY = "/basicspacedata/query/class/satcat/"


def _indexes(result: Any, kind: str, stream: str) -> list[int]:
    return [
        i for i, m in enumerate(result.messages) if m["type"] == kind and m.get("stream") == stream
    ]


def _provenance(result: Any) -> dict[str, Any]:
    (record,) = result.records[PROVENANCE_STREAM]
    schema = load_schema(PROVENANCE_STREAM)
    Draft7Validator(copy.deepcopy(schema), format_checker=FormatChecker()).validate(record)
    assert uuid.UUID(record["extract_id"]).version == 4
    assert record["tap"] == "tap-satcat" and record["tap_version"] == "0.1.0"
    assert record["started_at"] <= record["finished_at"]
    return record


def test_the_client_keeps_what_the_server_says_it_serves(mirror: MirrorServer) -> None:
    http = HTTPClient(timeout=5, max_retries=0, backoff_base=0, backoff_max=0)
    url = f"{mirror.base_url}/satcat/records.php?NAME=STARLINK&FORMAT=JSON"
    http.request("GET", url, stream="celestrak_satcat")
    assert http.served == ServedRecording(CELESTRAK_RECORDING, None)  # a fixture has no date
    mirror.faults.add(status=500, path_contains="records.php")  # a failed answer is not kept
    with pytest.raises(RetriesExhaustedError):
        http.request("GET", url, stream="celestrak_satcat")
    assert http.served == ServedRecording(CELESTRAK_RECORDING, None)
    assert ServedRecording.from_headers(httpx.Headers()) == ServedRecording(None, None)  # live
    odd = {"X-Recording": "x", "X-Recording-Date": "June 2025"}
    assert ServedRecording.from_headers(odd) == ServedRecording("x", None)


def test_space_track_run_activates_once_then_records_its_provenance(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    tap = make_tap()
    result = sync(tap)
    records = _indexes(result, "RECORD", "spacetrack_satcat")
    (activate,) = _indexes(result, "ACTIVATE_VERSION", "spacetrack_satcat")
    assert len(records) == 8848 and activate > records[-1]
    assert result.messages[activate]["version"] == tap.initialized_at > 10**12
    assert {result.messages[i]["version"] for i in records} == {tap.initialized_at}
    assert result.activated == ["spacetrack_satcat"]  # neither celestrak nor the provenance
    last_record = max(i for i, m in enumerate(result.messages) if m["type"] == "RECORD")
    assert result.messages[last_record]["stream"] == PROVENANCE_STREAM
    provenance = _provenance(result)
    assert provenance["source"] == "spacetrack_satcat"
    assert provenance["base_url"] == mirror.base_url
    assert provenance["record_counts"] == {"spacetrack_satcat": 8848}  # not the other source's
    assert provenance["recording"] == SATCAT_RECORDING
    assert provenance["recording_date"] == SATCAT_RECORDING_DATE == "2025-06-21"


def test_celestrak_run_records_the_fixture_without_a_date(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    result = sync(make_tap(source="celestrak"))
    assert result.activated == ["celestrak_satcat"]
    provenance = _provenance(result)
    assert provenance["source"] == "celestrak_satcat"
    assert provenance["base_url"] == mirror.base_url
    assert provenance["record_counts"] == {"celestrak_satcat": 17}
    assert provenance["recording"] == CELESTRAK_RECORDING
    assert provenance["recording_date"] is None


def test_a_skipped_query_records_nothing(
    make_tap: Callable[..., TapSatcat], sync: Callable
) -> None:
    state = {"bookmarks": {"spacetrack_satcat": {daily_limit.STATE_KEY: "2025-06-21T17:30:00Z"}}}
    result = sync(make_tap(state=state, enforce_daily_limit=True))
    assert result.records == {} and result.activated == []


def test_an_empty_answer_activates_nothing(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    """An empty catalogue is more likely a fault than every satellite deleted."""
    mirror.faults.add(status=200, body="[]", path_contains=QUERY)
    result = sync(make_tap())
    assert result.records == {} and result.activated == []


def test_a_failed_query_activates_nothing(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(status=500, times=10, path_contains=QUERY)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(RetriesExhaustedError):
        make_tap().sync_all()
    types = [json.loads(line)["type"] for line in buffer.getvalue().splitlines()]
    assert "SCHEMA" in types and "RECORD" not in types and "ACTIVATE_VERSION" not in types
