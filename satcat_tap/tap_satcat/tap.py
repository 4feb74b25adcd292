"""TapSatcat: settings, source resolution and stream discovery."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_satcat.client import (
    DEFAULT_USER_AGENT,
    HTTPClient,
    RateLimiter,
    SpaceTrackClient,
)
from tap_satcat.provenance import ExtractProvenanceStream, provenance_last
from tap_satcat.streams import STREAM_TYPES

SPACETRACK_URL = "https://www.space-track.org"
CELESTRAK_URL = "https://celestrak.org"
SOURCES = ("auto", "spacetrack", "celestrak")

# Seconds as a number or a numeric string: Meltano hands settings set from environment variables
# to the tap as strings (and cannot serialize its own `decimal` kind), so both forms are accepted.
SECONDS = th.CustomType(
    {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$", "minimum": 0}
)


class SatcatConfigError(ConfigValidationError):
    """Settings that cannot work together (e.g. source spacetrack without credentials)."""


@dataclass(frozen=True)
class SourceChoice:
    """The source the tap reads and why (logged by the stream that stays empty)."""

    source: str
    reason: str


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TapSatcat(Tap):
    """Singer tap for the satellite catalogue (SATCAT) of Space-Track or CelesTrak."""

    name = "tap-satcat"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "spacetrack_url",
            th.StringType,
            default=SPACETRACK_URL,
            description="Base URL of Space-Track.org (e.g. a local api-mirror in dev).",
        ),
        th.Property(
            "spacetrack_identity",
            th.StringType,
            secret=True,
            description="Space-Track account identity (the e-mail address it logs in with). "
            "Setting it makes source auto read Space-Track. Never logged.",
        ),
        th.Property(
            "spacetrack_password",
            th.StringType,
            secret=True,
            description="Space-Track account password. Never logged.",
        ),
        th.Property(
            "celestrak_url",
            th.StringType,
            default=CELESTRAK_URL,
            description="Base URL of CelesTrak (e.g. a local api-mirror in dev).",
        ),
        th.Property(
            "name_filter",
            th.StringType,
            default="Starlink",
            description="Satellite-name filter, case-insensitive 'contains' (Space-Track "
            "SATNAME/~~<filter>, CelesTrak NAME=<FILTER>).",
        ),
        th.Property(
            "source",
            th.StringType(allowed_values=list(SOURCES)),
            default="auto",
            description="Which SATCAT to read: spacetrack, celestrak, or auto (Space-Track "
            "when spacetrack_identity is set, else CelesTrak). The other stream emits nothing.",
        ),
        th.Property(
            "requests_per_minute",
            th.IntegerType(minimum=1, maximum=29),
            default=20,
            description="Most Space-Track requests (logins, queries, retries) in any 60 s; "
            "Space-Track asks for fewer than 30 a minute.",
        ),
        th.Property(
            "enforce_daily_limit",
            th.BooleanType,
            default=True,
            description="Run the Space-Track SATCAT query at most once per UTC day and only "
            "after 17:00 UTC, as Space-Track asks (time of the last query kept in the state); "
            "otherwise skip it with a log line. Set false against a local mirror.",
        ),
        th.Property(
            "request_timeout",
            SECONDS,
            default=60,
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
            default=1,
            description="Base of the exponential backoff in seconds (full jitter).",
        ),
        th.Property(
            "backoff_max",
            SECONDS,
            default=60,
            description="Longest single wait in seconds; also caps a 429's Retry-After.",
        ),
        th.Property(
            "user_agent",
            th.StringType,
            default=DEFAULT_USER_AGENT,
            description="User-Agent header sent with every request.",
        ),
    ).to_dict()

    # Injectable time (tests replace these on the instance before the first request).
    utcnow = staticmethod(_utcnow)
    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)

    @cached_property
    def settings(self) -> dict[str, Any]:
        """The config over the defaults (an empty value counts as unset)."""
        return resolved_config(self.config)

    @cached_property
    def source_choice(self) -> SourceChoice:
        """The source this run reads; raises :class:`SatcatConfigError` for unusable settings."""
        return resolve_source(self.config)

    def _http(self, limiter: RateLimiter | None) -> HTTPClient:
        c = self.settings
        return HTTPClient(
            timeout=float(c["request_timeout"]),
            max_retries=int(c["max_retries"]),
            backoff_base=float(c["backoff_base"]),
            backoff_max=float(c["backoff_max"]),
            user_agent=str(c["user_agent"]),
            limiter=limiter,
            sleep=self.sleep,
            logger=self.logger,
        )

    @cached_property
    def spacetrack(self) -> SpaceTrackClient:
        """The Space-Track session (rate-limited HTTP client with its cookie jar)."""
        c = self.settings
        limiter = RateLimiter(
            int(c["requests_per_minute"]),
            60.0,
            clock=self.monotonic,
            sleep=self.sleep,
            logger=self.logger,
        )
        return SpaceTrackClient(
            self._http(limiter),
            str(c["spacetrack_url"]),
            identity=str(c.get("spacetrack_identity") or ""),
            password=str(c.get("spacetrack_password") or ""),
            logger=self.logger,
        )

    @cached_property
    def celestrak(self) -> HTTPClient:
        return self._http(None)

    # The SDK marks sync_all final; wrapping it is the one place to check the source before any
    # request and to close the sessions afterwards.
    def sync_all(self) -> None:  # type: ignore[misc]
        """Check the settings, sync every selected stream, then close the HTTP connections."""
        choice = self.source_choice  # a settings error fails before any request
        self.logger.info("reading the SATCAT from %s (%s)", choice.source, choice.reason)
        try:
            super().sync_all()
        finally:
            for client in ("spacetrack", "celestrak"):
                if client in self.__dict__:
                    self.__dict__[client].close()

    @cached_property
    def record_counts(self) -> dict[str, int]:
        """Records each stream that read its source emitted in this run, for the provenance."""
        return {}

    @property
    def streams(self) -> dict[str, Stream]:
        """The SDK's streams (sorted by name), the provenance stream moved last."""
        return provenance_last(super().streams)

    def discover_streams(self) -> list[Stream]:
        streams: list[Stream] = [stream_type(self) for stream_type in STREAM_TYPES]
        return [*streams, ExtractProvenanceStream(self)]


def resolved_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` over the defaults of :attr:`TapSatcat.config_jsonschema` (their only home).

    An empty value counts as unset: Meltano passes an unset ``$VARIABLE`` as "".
    """
    properties = TapSatcat.config_jsonschema["properties"]
    resolved = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    resolved.update({k: v for k, v in config.items() if v is not None and v != ""})
    return resolved


def resolve_source(config: Mapping[str, Any]) -> SourceChoice:
    """Which SATCAT to read. ``auto``: Space-Track when an identity is set, else CelesTrak.

    Reading Space-Track without an identity or a password is a settings error naming them.
    """
    c = resolved_config(config)
    setting = str(c["source"])
    if setting not in SOURCES:
        raise SatcatConfigError(f"setting source must be one of {', '.join(SOURCES)}")
    has_identity = bool(str(c.get("spacetrack_identity") or "").strip())
    has_password = bool(str(c.get("spacetrack_password") or ""))
    if setting == "auto":
        if has_identity:
            choice = SourceChoice("spacetrack", "source is auto and spacetrack_identity is set")
        else:
            choice = SourceChoice("celestrak", "source is auto and spacetrack_identity is not set")
    else:
        choice = SourceChoice(setting, f"source is {setting}")
    if choice.source == "spacetrack":
        missing = [
            name
            for name, present in (
                ("spacetrack_identity", has_identity),
                ("spacetrack_password", has_password),
            )
            if not present
        ]
        if missing:
            raise SatcatConfigError(
                f"{choice.reason}, so the tap reads Space-Track, which needs the settings "
                f"spacetrack_identity and spacetrack_password; not set: {', '.join(missing)} "
                "(or set source to celestrak)",
                errors=[f"{name} is not set" for name in missing],
            )
    return SourceChoice(
        choice.source, f"{choice.reason}, so the SATCAT is read from {choice.source}"
    )


if __name__ == "__main__":
    TapSatcat.cli()
