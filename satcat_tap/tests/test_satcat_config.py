"""Settings: the source rule, credentials, ``--about``, strings for numbers, defaults' one home."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from singer_sdk.exceptions import ConfigValidationError

from api_mirror import MirrorServer
from tap_satcat.streams import PROVENANCE_STREAM
from tap_satcat.tap import SatcatConfigError, TapSatcat, resolve_source, resolved_config

SETTINGS = [
    "spacetrack_url",
    "spacetrack_identity",
    "spacetrack_password",
    "celestrak_url",
    "name_filter",
    "source",
    "requests_per_minute",
    "enforce_daily_limit",
    "request_timeout",
    "max_retries",
    "backoff_base",
    "backoff_max",
    "user_agent",
]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, "celestrak"),
        ({"spacetrack_identity": "a@b.c", "spacetrack_password": "p"}, "spacetrack"),
        ({"spacetrack_identity": "", "spacetrack_password": ""}, "celestrak"),  # Meltano's unset
        ({"source": "auto", "spacetrack_identity": "  "}, "celestrak"),
        ({"source": "celestrak", "spacetrack_identity": "a@b.c"}, "celestrak"),
        ({"source": "spacetrack", "spacetrack_identity": "a",
          "spacetrack_password": "p"}, "spacetrack"),
    ],
)  # fmt: skip
def test_source_resolution(config: dict, expected: str) -> None:
    choice = resolve_source(config)
    assert choice.source == expected
    assert f"read from {expected}" in choice.reason


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        ({"source": "spacetrack"}, "spacetrack_identity, spacetrack_password"),
        ({"source": "spacetrack", "spacetrack_identity": "a@b.c"}, "spacetrack_password"),
        ({"spacetrack_identity": "a@b.c", "spacetrack_password": ""}, "spacetrack_password"),
    ],
)
def test_space_track_without_credentials_is_a_config_error(config: dict, missing: str) -> None:
    with pytest.raises(SatcatConfigError) as caught:
        resolve_source(config)
    message = str(caught.value)
    assert "spacetrack_identity and spacetrack_password" in message
    assert f"not set: {missing}" in message
    assert "a@b.c" not in message
    assert isinstance(caught.value, ConfigValidationError)


def test_missing_credentials_fail_before_any_request(
    make_tap: Callable[..., TapSatcat], sync: Callable, mirror: MirrorServer
) -> None:
    tap = make_tap(source="spacetrack", spacetrack_identity=None, spacetrack_password=None)
    with pytest.raises(SatcatConfigError, match="not set: spacetrack_identity"):
        sync(tap)
    assert mirror.request_log == []


def test_the_stream_of_the_other_source_says_why_it_is_empty(
    make_tap: Callable[..., TapSatcat], sync: Callable, logs: list[str]
) -> None:
    result = sync(make_tap(spacetrack_identity=None, spacetrack_password=None))
    assert (
        len(result.records["celestrak_satcat"]) == 17 and "spacetrack_satcat" not in result.records
    )
    text = "\n".join(logs)
    assert (
        "stream spacetrack_satcat: emits no records: source is auto and spacetrack_identity is "
        "not set, so the SATCAT is read from celestrak"
    ) in text
    result = sync(make_tap(source="spacetrack"))
    assert "celestrak_satcat" not in result.records
    assert "stream celestrak_satcat: emits no records: source is spacetrack" in "\n".join(logs)


def test_invalid_settings_are_rejected(make_tap: Callable[..., TapSatcat]) -> None:
    for bad in ({"source": "both"}, {"requests_per_minute": "lots"}, {"request_timeout": "soon"}):
        with pytest.raises(ConfigValidationError):
            TapSatcat(config=bad)


def test_seconds_accept_numeric_strings(make_tap: Callable[..., TapSatcat]) -> None:
    tap = make_tap(request_timeout="12.5", backoff_base="0.25", backoff_max="3")
    http = tap.spacetrack.http
    assert http.http.timeout.read == 12.5
    assert (http.backoff_base, http.backoff_max) == (0.25, 3.0)


def test_defaults_live_only_in_the_config_schema() -> None:
    properties = TapSatcat.config_jsonschema["properties"]
    defaults = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    assert resolved_config({}) == defaults
    assert defaults["spacetrack_url"] == "https://www.space-track.org"
    assert defaults["celestrak_url"] == "https://celestrak.org"
    assert (defaults["name_filter"], defaults["source"]) == ("Starlink", "auto")
    assert (defaults["requests_per_minute"], defaults["enforce_daily_limit"]) == (20, True)
    assert properties["requests_per_minute"]["maximum"] == 29
    assert resolved_config({"name_filter": "", "max_retries": None})["name_filter"] == "Starlink"
    source_dir = Path(__file__).resolve().parents[1] / "tap_satcat"
    for module in ("client.py", "streams.py", "daily_limit.py"):
        text = (source_dir / module).read_text(encoding="utf-8")
        assert 'space-track.org"' not in text and 'celestrak.org"' not in text


def _about() -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "tap_satcat", "--about", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(completed.stdout)


def test_about_lists_every_setting_and_marks_secrets() -> None:
    about = _about()
    assert about["name"] == "tap-satcat"
    assert "state" in about["capabilities"] and "discover" in about["capabilities"]
    properties = about["settings"]["properties"]
    assert list(properties)[: len(SETTINGS)] == SETTINGS  # then the SDK's own (stream_maps...)
    for name, spec in properties.items():
        assert spec.get("description"), name
    for name in ("spacetrack_identity", "spacetrack_password"):
        assert properties[name]["secret"] is True and properties[name]["writeOnly"] is True
    assert not any(spec.get("secret") for n, spec in properties.items() if "spacetrack_" not in n)
    assert properties["source"]["enum"] == ["auto", "spacetrack", "celestrak"]


def test_console_script_is_the_tap_cli() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["tap-satcat"] == "tap_satcat.tap:TapSatcat.cli"


def test_discovery_needs_no_network_or_credentials() -> None:
    catalog = TapSatcat(config={}).catalog_dict
    streams = {entry["tap_stream_id"]: entry for entry in catalog["streams"]}
    assert list(streams) == ["celestrak_satcat", "spacetrack_satcat", PROVENANCE_STREAM]
    assert list(streams.pop(PROVENANCE_STREAM)["key_properties"]) == ["extract_id"]
    for entry in streams.values():
        assert list(entry["key_properties"]) == ["norad_cat_id"]
