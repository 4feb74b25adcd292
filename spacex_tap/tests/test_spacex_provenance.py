"""Soft deletes and provenance in the Singer messages: each stream's ACTIVATE_VERSION comes after
its last record (none for a stream that fails, stops early or gets nothing), the recording
headers are kept from the server's answers, and ``extract_provenance`` comes last, once."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator, FormatChecker

from api_mirror import MirrorServer
from api_mirror.spacex.snapshot import RECORDING, RECORDING_DATE, record_counts
from api_mirror.testing import fast_tap_config
from tap_common.http import ServedRecording
from tap_spacex.client import PAGE_SORT, RetriesExhaustedError
from tap_spacex.provenance import SOURCE
from tap_spacex.resources import NAMES
from tap_spacex.streams import PROVENANCE_STREAM, load_schema
from tap_spacex.tap import TapSpaceX

#: Small streams: crew spans 4 pages with page_size 5, company is a single object.
STREAMS = ("company", "crew", "dragons", "rockets")


@dataclass
class Sync:
    messages: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None

    def of(self, kind: str, stream: str | None = None) -> list[tuple[int, dict[str, Any]]]:
        return [
            (i, m)
            for i, m in enumerate(self.messages)
            if m["type"] == kind and (stream is None or m.get("stream") == stream)
        ]

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [m["record"] for _, m in self.of("RECORD", stream)]


def _tap(mirror: MirrorServer, streams: Iterable[str] = STREAMS, **config: Any) -> TapSpaceX:
    tap = TapSpaceX(config=fast_tap_config(mirror, **{"page_size": 5, **config}))
    for name, stream in tap.streams.items():
        stream.selected = name in (*streams, PROVENANCE_STREAM)
    return tap


def _sync(tap: TapSpaceX) -> Sync:
    """Run ``sync_all`` and parse what it wrote, also when it fails."""
    result = Sync()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        try:
            tap.sync_all()
        except Exception as error:  # noqa: BLE001 - asserted by the tests
            result.error = error
    result.messages = [json.loads(line) for line in buffer.getvalue().splitlines()]
    return result


def _page_one(mirror: MirrorServer, resource: str) -> str:
    """The mirror's own answer for page 1 (page_size 5), as the tap asks for it."""
    body = {"query": {}, "options": {"page": 1, "limit": 5, "sort": PAGE_SORT}}
    return httpx.post(f"{mirror.url}/{resource}/query", json=body).text


# -- the recording headers --------------------------------------------------------------------
def test_the_client_keeps_what_the_server_says_it_serves(mirror: MirrorServer) -> None:
    tap = _tap(mirror, max_retries=0)
    assert tap.client.served == ServedRecording(None, None)  # nothing asked yet
    tap.client.get_object("company", stream="company")
    assert tap.client.served == ServedRecording(RECORDING, RECORDING_DATE)
    mirror.faults.add(status=503, path_contains="/company")  # a failed answer is not kept
    with pytest.raises(RetriesExhaustedError):
        tap.client.get_object("company", stream="company")
    assert tap.client.served == ServedRecording(RECORDING, RECORDING_DATE)
    assert ServedRecording.from_headers(httpx.Headers()) == ServedRecording(None, None)  # live
    odd = {"X-Recording": " a copy ", "X-Recording-Date": "2021-02-30"}
    assert ServedRecording.from_headers(odd) == ServedRecording("a copy", None)
    assert ServedRecording.from_headers({"X-Recording-Date": "20210422"}).recording_date is None


# -- soft deletes: ACTIVATE_VERSION after the last record ----------------------------------------
def test_each_stream_activates_its_version_once_after_its_last_record(
    mirror: MirrorServer,
) -> None:
    tap = _tap(mirror)
    result = _sync(tap)
    assert result.error is None
    version = tap.initialized_at
    assert version > 10**12  # milliseconds: two runs within a second still differ
    for stream in STREAMS:
        records = result.of("RECORD", stream)
        (activate,) = result.of("ACTIVATE_VERSION", stream)
        assert len(records) == record_counts()[stream]
        assert activate[0] > records[-1][0], f"{stream}: ACTIVATE_VERSION before a record"
        assert activate[1]["version"] == version
        assert {m["version"] for _, m in records} == {version}
    # The provenance stream is append-only history: no version, never activated.
    assert result.of("ACTIVATE_VERSION", PROVENANCE_STREAM) == []
    assert "version" not in result.of("RECORD", PROVENANCE_STREAM)[0][1]


def test_the_sdks_early_activate_version_stays_off(mirror: MirrorServer) -> None:
    """Even with the SDK's setting on, nothing comes before the records."""
    result = _sync(_tap(mirror, ("rockets",), emit_activate_version_messages=True))
    (activate,) = result.of("ACTIVATE_VERSION")
    assert activate[0] > result.of("RECORD", "rockets")[-1][0]


def test_a_second_run_has_a_later_version(mirror: MirrorServer) -> None:
    first = _tap(mirror, ("rockets",))
    time.sleep(0.002)
    second = _tap(mirror, ("rockets",))
    versions = [_sync(tap).of("ACTIVATE_VERSION")[0][1]["version"] for tap in (first, second)]
    assert versions[0] < versions[1]


def test_zero_records_activate_nothing(mirror: MirrorServer) -> None:
    """An empty answer is more likely a fault than every record deleted: it marks nothing."""
    empty = json.dumps({"docs": [], "totalDocs": 0, "page": 1, "totalPages": 1})
    mirror.faults.add(status=200, body=empty, path_contains="/dragons/query")
    tap = _tap(mirror)
    result = _sync(tap)
    assert result.error is None and result.records("dragons") == []
    assert result.of("ACTIVATE_VERSION", "dragons") == []
    assert [m["stream"] for _, m in result.of("ACTIVATE_VERSION")] == ["company", "crew", "rockets"]
    assert result.records(PROVENANCE_STREAM)[0]["record_counts"]["dragons"] == 0


def test_a_stream_failing_midway_activates_nothing(mirror: MirrorServer) -> None:
    """Page 1 arrives, page 2 fails for good: the run fails, crew sends no ACTIVATE_VERSION
    (its unsent rows stay as they are) and there is no provenance record."""
    mirror.faults.add(status=200, body=_page_one(mirror, "crew"), path_contains="/crew/query")
    mirror.faults.add(status=500, times=10, path_contains="/crew/query")
    result = _sync(_tap(mirror, ("crew", "dragons"), max_retries=1))
    assert isinstance(result.error, RetriesExhaustedError)
    assert len(result.records("crew")) == 5
    assert result.of("ACTIVATE_VERSION") == []
    assert result.records(PROVENANCE_STREAM) == []


def test_starlink_activates_its_version_like_every_stream(mirror: MirrorServer) -> None:
    """starlink has a ``version`` field; the loader's wrapper soft-deletes beside it, so the tap
    treats it like any other stream."""
    assert "version" in load_schema("starlink")["properties"]
    result = _sync(_tap(mirror, ("starlink", "rockets"), page_size=1000))
    assert result.error is None and len(result.records("starlink")) == 1445
    assert [m["stream"] for _, m in result.of("ACTIVATE_VERSION")] == ["rockets", "starlink"]


def test_a_stream_stopped_by_the_sdks_record_limit_activates_nothing(
    mirror: MirrorServer,
) -> None:
    tap = _tap(mirror, ("crew",))
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tap.run_sync_dry_run(dry_run_record_limit=3, streams=[tap.streams["crew"]])
    messages = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert sum(m["type"] == "RECORD" for m in messages) == 3
    assert [m for m in messages if m["type"] == "ACTIVATE_VERSION"] == []


# -- provenance: last, once, only after records ---------------------------------------------------
def test_provenance_is_the_last_stream_and_one_record(mirror: MirrorServer) -> None:
    tap = TapSpaceX(config=fast_tap_config(mirror))
    assert list(tap.streams) == [*sorted(NAMES), PROVENANCE_STREAM]
    assert "extract_provenance" not in NAMES  # not an API resource
    result = _sync(tap)
    records = result.of("RECORD")
    assert records[-1][1]["stream"] == PROVENANCE_STREAM
    (provenance,) = result.records(PROVENANCE_STREAM)
    schema = load_schema(PROVENANCE_STREAM)
    Draft7Validator(copy.deepcopy(schema), format_checker=FormatChecker()).validate(provenance)
    assert set(provenance) == set(schema["properties"])
    assert uuid.UUID(provenance["extract_id"]).version == 4
    assert provenance["tap"] == "tap-spacex" and provenance["tap_version"] == "0.1.0"
    assert provenance["source"] == SOURCE == "spacex_api"
    assert provenance["base_url"] == mirror.url
    assert provenance["record_counts"] == record_counts()
    assert provenance["recording"] == RECORDING
    assert provenance["recording_date"] == "2021-04-22"
    started = datetime.fromisoformat(provenance["started_at"])
    finished = datetime.fromisoformat(provenance["finished_at"])
    assert started.utcoffset() is not None and started.utcoffset().total_seconds() == 0
    assert started.timestamp() * 1000 == tap.initialized_at
    assert started <= finished


def test_no_records_in_the_run_no_provenance(mirror: MirrorServer) -> None:
    empty = json.dumps({"docs": [], "totalDocs": 0, "page": 1, "totalPages": 1})
    mirror.faults.add(status=200, body=empty, path_contains="/dragons/query")
    result = _sync(_tap(mirror, ("dragons",)))
    assert result.error is None
    assert result.of("RECORD") == [] and result.of("ACTIVATE_VERSION") == []


@pytest.mark.parametrize("selected", [(), (PROVENANCE_STREAM,)])
def test_provenance_alone_emits_nothing(mirror: MirrorServer, selected: tuple) -> None:
    result = _sync(_tap(mirror, selected))
    assert result.error is None and result.of("RECORD") == []
