"""TapSpaceX: settings and stream discovery."""

from __future__ import annotations

from functools import cached_property

from singer_sdk import Tap
from singer_sdk import typing as th

from tap_spacex.client import DEFAULT_USER_AGENT, SpaceXClient
from tap_spacex.streams import STREAM_TYPES, SpaceXStream

DEFAULT_API_URL = "https://api.spacexdata.com/v4"

# Seconds as a number or a numeric string: Meltano hands settings set from environment variables
# to the tap as strings (and cannot serialize its own `decimal` kind), so both forms are accepted.
SECONDS = th.CustomType(
    {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$", "minimum": 0}
)


class TapSpaceX(Tap):
    """Singer tap for the SpaceX API (v4): 14 full-table streams keyed by ``id``."""

    name = "tap-spacex"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default=DEFAULT_API_URL,
            description="Base URL of the SpaceX API v4 (e.g. a local tap-spacex-mirror).",
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
        config = self.config
        return SpaceXClient(
            str(config.get("api_url") or DEFAULT_API_URL),
            timeout=float(config.get("request_timeout", 30)),
            max_retries=int(config.get("max_retries", 5)),
            backoff_base=float(config.get("backoff_base", 0.5)),
            backoff_max=float(config.get("backoff_max", 30)),
            user_agent=str(config.get("user_agent") or DEFAULT_USER_AGENT),
            logger=self.logger,
        )

    def sync_all(self) -> None:
        """Sync every selected stream, then close the HTTP connections."""
        try:
            super().sync_all()
        finally:
            if "client" in self.__dict__:
                self.client.close()

    def discover_streams(self) -> list[SpaceXStream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]


if __name__ == "__main__":
    TapSpaceX.cli()
