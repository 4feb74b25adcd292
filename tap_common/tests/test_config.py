"""The retry policy's settings and config resolution."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_common.config import http_options, http_properties, resolved_config

SCHEMA = th.PropertiesList(
    th.Property("api_url", th.StringType, default="https://example.invalid"),
    th.Property("token", th.StringType),
    *http_properties(request_timeout=30, backoff_base=0.5, backoff_max=30, user_agent="t/1"),
).to_dict()


def test_the_policy_settings_carry_the_taps_defaults() -> None:
    properties = SCHEMA["properties"]
    assert {name: properties[name].get("default") for name in list(properties)[2:]} == {
        "request_timeout": 30,
        "max_retries": 5,
        "backoff_base": 0.5,
        "backoff_max": 30,
        "user_agent": "t/1",
    }
    # Seconds as numbers or numeric strings (Meltano passes environment variables as text).
    assert {"number", "string"} <= set(properties["backoff_base"]["type"])


def test_config_over_the_defaults_an_empty_value_counting_as_unset() -> None:
    resolved = resolved_config(SCHEMA, {"api_url": "", "max_retries": 2, "token": None})
    assert resolved["api_url"] == "https://example.invalid"
    assert resolved["max_retries"] == 2
    assert "token" not in resolved


def test_http_options_types_the_settings() -> None:
    options = http_options(resolved_config(SCHEMA, {"request_timeout": "2.5", "max_retries": "3"}))
    assert options == {
        "timeout": 2.5,
        "max_retries": 3,
        "backoff_base": 0.5,
        "backoff_max": 30.0,
        "user_agent": "t/1",
    }
