"""TapSpaceX: settings and stream discovery."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk import typing as th

from tap_spacex.client import DEFAULT_USER_AGENT, SpaceXClient
from tap_spacex.provenance import ExtractProvenanceStream, provenance_last
from tap_spacex.resources import LIVE_API_URL
from tap_spacex.streams import STREAM_TYPES

# Seconds as a number or a numeric string: Meltano hands settings set from environment variables
# to the tap as strings (and cannot serialize its own `decimal` kind), so both forms are accepted.
SECONDS = th.CustomType(
    {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$", "minimum": 0}
)


class TapSpaceX(Tap):
    """Singer tap for the SpaceX API (v4): 14 full-table streams keyed by ``id``, then the run's
    ``extract_provenance`` record."""

    name = "tap-spacex"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default=LIVE_API_URL,
            description="Base URL of the SpaceX API v4 (e.g. the local api-mirror).",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=1000),
            default=100,
            description="Documents per POST /<resource>/query page.",
        ),
        th.Property(
            "request_timeout",
            SECONDS,
            default=30,
            description="Timeout in seconds for one HTTP request.",
        ),
        th.Property(
            "max_retries",
            th.IntegerType(minimum=0),
            default=5,
            description="Retries after the first attempt for 429, 5xx, timeouts and "
            "connection errors.",
        ),
        th.Property(
            "backoff_base",
            SECONDS,
            default=0.5,
            description="Base of the exponential backoff in seconds (full jitter).",
        ),
        th.Property(
            "backoff_max",
            SECONDS,
            default=30,
            description="Longest single wait in seconds; also caps a 429's Retry-After.",
        ),
        th.Property(
            "user_agent",
            th.StringType,
            default=DEFAULT_USER_AGENT,
            description="User-Agent header sent with every request.",
        ),
        th.Property(
            "launches_api_version",
            th.StringType(allowed_values=["v4", "v5"]),
            default="v4",
            description="v5 reads launches from the v5 route (api_url with /v4 replaced by /v5); "
            "crew then holds {crew, role} objects.",
        ),
    ).to_dict()

    @cached_property
    def client(self) -> SpaceXClient:
        """The HTTP client shared by all streams."""
        return client_from_config(self.config, logger=self.logger)

    @cached_property
    def record_counts(self) -> dict[str, int]:
        """Records each stream emitted in this run (streams that ran), for the provenance."""
        return {}

    @property
    def streams(self) -> dict[str, Stream]:
        """The SDK's streams (sorted by name), the provenance stream moved last."""
        return provenance_last(super().streams)

    def discover_streams(self) -> list[Stream]:
        streams: list[Stream] = [stream_type(self) for stream_type in STREAM_TYPES]
        return [*streams, ExtractProvenanceStream(self)]


def resolved_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` over the defaults of :attr:`TapSpaceX.config_jsonschema` (their only home).

    An empty value counts as unset: Meltano passes an unset ``$VARIABLE`` as "".
    """
    properties = TapSpaceX.config_jsonschema["properties"]
    resolved = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    resolved.update({k: v for k, v in config.items() if v is not None and v != ""})
    return resolved


def client_from_config(
    config: Mapping[str, Any], logger: logging.Logger | None = None
) -> SpaceXClient:
    """The tap's HTTP client for ``config`` (also what the Dagster change sensor polls with)."""
    c = resolved_config(config)
    return SpaceXClient(
        str(c["api_url"]),
        timeout=float(c["request_timeout"]),
        max_retries=int(c["max_retries"]),
        backoff_base=float(c["backoff_base"]),
        backoff_max=float(c["backoff_max"]),
        user_agent=str(c["user_agent"]),
        logger=logger,
    )


if __name__ == "__main__":
    TapSpaceX.cli()
