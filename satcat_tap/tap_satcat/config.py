"""tap-satcat's settings (their only defaults), and which source a config reads.

Below the tap and the streams, which both need them: the tap declares the settings, the streams
ask which source this run reads (:func:`resolve_source`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_common.config import http_properties
from tap_common.config import resolved_config as resolved_over
from tap_satcat.client import DEFAULT_USER_AGENT

SPACETRACK_URL = "https://www.space-track.org"
CELESTRAK_URL = "https://celestrak.org"
SOURCES = ("auto", "spacetrack", "celestrak")


class SatcatConfigError(ConfigValidationError):
    """Settings that cannot work together (e.g. source spacetrack without credentials)."""


@dataclass(frozen=True)
class SourceChoice:
    """The source the tap reads and why (logged by the stream that stays empty)."""

    source: str
    reason: str


CONFIG_JSONSCHEMA: dict[str, Any] = th.PropertiesList(
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
    *http_properties(
        request_timeout=60, backoff_base=1, backoff_max=60, user_agent=DEFAULT_USER_AGENT
    ),
).to_dict()


def resolved_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` over the defaults of :data:`CONFIG_JSONSCHEMA` (their only home)."""
    return resolved_over(CONFIG_JSONSCHEMA, config)


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
