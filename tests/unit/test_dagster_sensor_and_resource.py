"""The Dagster pieces that run without a warehouse or Meltano: the change sensor against the
in-process mirror, the Meltano resource's log forwarding and its lock on the Meltano folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster import DagsterInstance, RunRequest, SensorResult, SkipReason, build_sensor_context
from support.meltano import NullLog

import tap_spacex.tap
from api_mirror import MirrorServer
from api_mirror.testing import fast_tap_config
from dagster_spacex import sensors
from dagster_spacex.sensors import spacex_api_changed
from tap_spacex.tap import client_from_config


def _evaluate_sensor(cursor: str | None):
    with DagsterInstance.ephemeral() as instance:
        return spacex_api_changed(build_sensor_context(instance=instance, cursor=cursor))


def _point_at(monkeypatch, mirror) -> None:
    """Both sources on ``mirror`` (its recorded Space-Track and the dev test account)."""
    monkeypatch.setenv("SPACEX_API_URL", mirror.url)
    monkeypatch.setenv("SPACEX_SPACETRACK_URL", mirror.base_url)
    monkeypatch.setenv("SPACEX_CELESTRAK_URL", mirror.base_url)


def test_change_sensor_runs_only_when_upstream_changed(mirror, monkeypatch):
    _point_at(monkeypatch, mirror)
    first = _evaluate_sensor(None)
    assert isinstance(first, SensorResult) and len(first.run_requests) == 1
    assert isinstance(first.run_requests[0], RunRequest)
    unchanged = _evaluate_sensor(first.cursor)
    assert isinstance(unchanged, SensorResult) and not unchanged.run_requests
    assert unchanged.skip_reason and "No change" in unchanged.skip_reason.skip_message
    with MirrorServer(port=0, scale={"starlink": 2}) as grown:
        _point_at(monkeypatch, grown)
        changed = _evaluate_sensor(first.cursor)
    assert isinstance(changed, SensorResult) and len(changed.run_requests) == 1
    assert changed.cursor != first.cursor


def test_change_sensor_sees_a_new_satellite_in_the_catalogue(mirror, monkeypatch):
    """Same SpaceX API, a larger catalogue (scaled: new NORAD numbers) -> a run is requested."""
    import datetime as dt

    # 18:00 UTC: inside Space-Track's daily SATCAT window, whatever time the test runs
    evening = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(sensors, "utcnow", lambda: evening)
    _point_at(monkeypatch, mirror)
    first = _evaluate_sensor(None)
    catalogue = json.loads(first.cursor)["catalogue"]
    assert catalogue["source"] == "spacetrack" and catalogue["latest_norad_id"]
    # As if that check was two days ago (the sensor asks Space-Track at most once a day).
    cursor = json.loads(first.cursor)
    cursor["catalogue"]["checked_at"] = "2000-01-01T17:30:00+00:00"
    with MirrorServer(port=0, scale={"satcat": 2}) as grown:
        _point_at(monkeypatch, grown)
        changed = _evaluate_sensor(json.dumps(cursor))
    assert isinstance(changed, SensorResult) and len(changed.run_requests) == 1
    assert (
        json.loads(changed.cursor)["catalogue"]["latest_norad_id"] != catalogue["latest_norad_id"]
    )


def test_the_catalogue_is_asked_at_most_once_a_day_after_17_utc():
    """Space-Track's rule: the previous fingerprint is kept, no request made, until allowed."""
    import datetime as dt

    previous = {
        "source": "spacetrack",
        "latest_norad_id": "1",
        "checked_at": "2026-11-28T17:05:00+00:00",
    }
    config = {
        "spacetrack_url": "http://127.0.0.1:9",  # nothing listens: any request would fail
        "spacetrack_identity": "someone",
        "spacetrack_password": "secret",
    }
    same_day = dt.datetime(2026, 11, 28, 23, 0, tzinfo=dt.timezone.utc)
    next_morning = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.timezone.utc)
    assert sensors.catalogue_fingerprint(config, previous, same_day) is previous
    assert sensors.catalogue_fingerprint(config, previous, next_morning) is previous


def test_change_sensor_skips_with_a_reason_when_the_api_is_down(monkeypatch, free_port):
    # the sensor polls with the tap's client (imported when it ticks): give it the tests' fast
    # retries, not 5 s of backoff
    monkeypatch.setattr(
        tap_spacex.tap,
        "client_from_config",
        lambda config: client_from_config(fast_tap_config(**config)),
    )
    monkeypatch.setenv("SPACEX_API_URL", f"http://127.0.0.1:{free_port()}/v4")
    result = _evaluate_sensor(None)
    assert isinstance(result, SkipReason)
    assert "SpaceX API unreachable" in result.skip_message


def test_meltano_json_logs_become_dagster_events_at_their_level():
    from collections import deque

    from dagster_spacex.resources.meltano import MeltanoResource

    class Recorder:
        def __init__(self):
            self.events = []

        def __getattr__(self, level):
            return lambda message: self.events.append((level, message))

    log, records, errors = Recorder(), {"starlink": 0}, deque()
    lines = [
        '{"event": "Environment \'dev\' is active", "level": "info"}',
        '{"event": "Retrying in 0.2s", "level": "warning", "name": "tap-spacex"}',
        '{"event": "METRIC: {\\"type\\":\\"counter\\",\\"metric\\":\\"record_count\\",'
        '\\"value\\":1445,\\"tags\\":{\\"stream\\":\\"starlink\\"}}", "level": "info", '
        '"name": "tap-spacex", "producer": true}',
        # a tap with the structured-logging capability: the metric as an object
        '{"event": "METRIC", "metric_info": {"type": "counter", "metric": "record_count", '
        '"value": 5, "tags": {"stream": "starlink"}}, "level": "info", "name": "tap-satcat", '
        '"producer": true}',
        '{"event": "Extractor failed", "level": "error"}',
        "plain text from a plugin",
    ]
    for line in lines:
        MeltanoResource._forward(log, line, records, errors)
    assert log.events[0] == ("info", "[meltano] Environment 'dev' is active")
    assert log.events[1] == ("warning", "[tap-spacex] Retrying in 0.2s")
    assert log.events[2][0] == "debug" and log.events[3][0] == "debug"
    assert records == {"starlink": 1450}
    assert log.events[4] == ("error", "[meltano] Extractor failed")
    assert log.events[5] == ("info", "plain text from a plugin")
    assert list(errors) == ["[meltano] Extractor failed"]


def _sdk_dropped_fields_warning(stream: str, record: dict, schema: dict) -> str:
    """The exact warning the installed Singer SDK logs when it drops fields of ``record``."""
    import logging

    from singer_sdk.helpers import _typing, conform

    class Capture(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    logger = logging.getLogger(f"drift-test-{stream}")
    handler = Capture()
    logger.addHandler(handler)
    try:
        _typing.conform_record_data_types(
            stream, record, schema, conform.TypeConformanceLevel.RECURSIVE, logger
        )
    finally:
        logger.removeHandler(handler)
    (message,) = [m for m in handler.messages if "catalog schema" in m]
    return message


def test_the_sdk_warning_for_dropped_fields_is_parsed():
    from dagster_spacex.resources.meltano import parse_dropped_fields

    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "links": {"type": "object", "properties": {}}},
    }
    record = {"id": "a", "images": {"large": []}, "links": {"x": 1}}
    message = _sdk_dropped_fields_warning("landpads", record, schema)
    assert parse_dropped_fields(message) == ("landpads", ["images", "links.x"])
    old_sdk = "Property 'images' was present in the 'launchpads' stream but not found in catalog "
    assert parse_dropped_fields(old_sdk + "schema. Ignoring.") == ("launchpads", ["images"])
    assert parse_dropped_fields("Retrying in 0.2s") is None


def test_dropped_fields_are_collected_from_the_meltano_log():
    from collections import deque

    from dagster_spacex.resources.meltano import MeltanoResource

    warning = (
        "Properties ('images',) were present in the 'landpads' stream but not found in catalog "
        "schema. Ignoring."
    )
    lines = [
        json.dumps({"event": f"2026-01-01 | WARNING | tap | {warning}", "level": "info"}),
        json.dumps({"event": warning.replace("'images',", "'images', 'x'"), "level": "warning"}),
        warning.replace("landpads", "launchpads"),  # a plain-text line
        json.dumps({"event": "Retrying in 0.2s", "level": "warning"}),
    ]
    dropped: dict[str, set[str]] = {}
    for line in lines:
        MeltanoResource._forward(NullLog(), line, {}, deque(), dropped)
    assert dropped == {"landpads": {"images", "x"}, "launchpads": {"images"}}


def test_the_dropped_fields_check_warns_naming_the_fields():
    from dagster import AssetCheckSeverity, AssetKey

    from dagster_spacex.assets.extract_load import dropped_fields_check_result

    key = AssetKey(["spacex_raw", "landpads"])
    failed = dropped_fields_check_result(key, "landpads", ["images"])
    assert not failed.passed and failed.severity == AssetCheckSeverity.WARN
    assert "images" in (failed.description or "")
    assert failed.metadata["dropped_fields"].value == {"landpads": ["images"]}
    passed = dropped_fields_check_result(key, "landpads", [])
    assert passed.passed and passed.metadata["dropped_fields"].value == {}


def test_a_run_while_another_holds_the_meltano_folder_fails_at_once(tmp_path):
    """The resource's lock: nothing is started while another run holds the folder, and the
    folder is free again once the holder has finished."""
    from dagster_spacex.resources.meltano import (
        MeltanoBusyError,
        MeltanoResource,
        exclusive_run,
        lock_path,
    )

    assert lock_path({}, "/p") == Path("/p/.meltano/run/spacex-elt.lock")
    assert lock_path({"MELTANO_SYS_DIR_ROOT": "sys"}, "/p") == Path("/p/sys/run/spacex-elt.lock")
    env = {"MELTANO_SYS_DIR_ROOT": str(tmp_path / ".meltano")}
    path = lock_path(env, "unused")
    assert path == tmp_path / ".meltano" / "run" / "spacex-elt.lock"
    resource = MeltanoResource(extra_env=env, project_dir=str(tmp_path / "no-project"))
    with exclusive_run(path, "first-run"), pytest.raises(MeltanoBusyError) as busy:
        resource.run(NullLog(), ["tap-spacex", "target-postgres"])
    assert f"Another Meltano run is using {tmp_path / '.meltano'}" in busy.value.description
    assert "Meltano run id first-run" in busy.value.description
    with exclusive_run(path, "second-run"):  # free again once the holder has finished
        assert "second-run" in path.read_text()
    assert path.read_text() == ""


def test_a_run_of_some_streams_still_selects_the_provenance_stream(tmp_path, monkeypatch):
    """Materializing a subset sets Meltano's ``<TAP>__SELECT``; the run's ``extract_provenance``
    is always in it, so a partial load still records where its records came from."""
    from dagster_spacex.resources import meltano
    from dagster_spacex.resources.meltano import MeltanoResource, select_patterns

    assert select_patterns(["rockets", "crew"]) == ["crew.*", "extract_provenance.*", "rockets.*"]
    assert select_patterns(["extract_provenance"]) == ["extract_provenance.*"]

    started: list[dict[str, str]] = []

    class FakeMeltano:  # what the resource sees of a finished `meltano run` that logged nothing
        def __init__(self, cmd: list[str], env: dict[str, str], **kwargs: object) -> None:
            started.append(env)
            self.stdout: list[str] = []

        def __enter__(self) -> FakeMeltano:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(meltano.subprocess, "Popen", FakeMeltano)
    resource = MeltanoResource(extra_env={"MELTANO_SYS_DIR_ROOT": str(tmp_path / ".meltano")})
    resource.run(
        NullLog(),
        ["tap-spacex", "target-postgres", "tap-satcat", "target-postgres"],
        select={"tap-spacex": ["rockets"], "tap-satcat": ["spacetrack_satcat"]},
    )
    (env,) = started
    assert json.loads(env["TAP_SPACEX__SELECT"]) == ["extract_provenance.*", "rockets.*"]
    assert json.loads(env["TAP_SATCAT__SELECT"]) == ["extract_provenance.*", "spacetrack_satcat.*"]
