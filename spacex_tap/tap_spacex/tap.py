"""TapSpaceX: settings and stream discovery."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from singer_sdk import typing as th

from tap_common.config import http_options, http_properties
from tap_common.config import resolved_config as resolved_over
from tap_common.tap import SourceTap
from tap_spacex.client import DEFAULT_USER_AGENT, SpaceXClient
from tap_spacex.provenance import SpaceXProvenanceStream
from tap_spacex.resources import LIVE_API_URL
from tap_spacex.streams import STREAM_TYPES


class TapSpaceX(SourceTap):
    """Singer tap for the SpaceX API (v4): a full-table stream keyed by ``id`` per resource of
    the registry, then the run's ``extract_provenance`` record."""

    name = "tap-spacex"
    stream_types = STREAM_TYPES
    provenance_stream_type = SpaceXProvenanceStream

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
        *http_properties(
            request_timeout=30, backoff_base=0.5, backoff_max=30, user_agent=DEFAULT_USER_AGENT
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


def resolved_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` over the defaults of :attr:`TapSpaceX.config_jsonschema` (their only home)."""
    return resolved_over(TapSpaceX.config_jsonschema, config)


def client_from_config(
    config: Mapping[str, Any], logger: logging.Logger | None = None
) -> SpaceXClient:
    """The tap's HTTP client for ``config`` (also what the Dagster change sensor polls with)."""
    c = resolved_config(config)
    return SpaceXClient(str(c["api_url"]), **http_options(c), logger=logger)


if __name__ == "__main__":
    TapSpaceX.cli()
