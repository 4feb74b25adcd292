"""TapSatcat: the sources' clients and stream discovery (settings: :mod:`tap_satcat.config`)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from tap_common.config import http_options
from tap_common.tap import SourceTap
from tap_satcat.client import HTTPClient, RateLimiter, SpaceTrackClient
from tap_satcat.config import (
    CONFIG_JSONSCHEMA,
    SatcatConfigError,
    SourceChoice,
    resolve_source,
    resolved_config,
)
from tap_satcat.provenance import SatcatProvenanceStream
from tap_satcat.streams import STREAM_TYPES

# Where the settings and the source resolution lived before tap_satcat.config (the sensor, the
# benchmark and the tests import them from here).
__all__ = ["SatcatConfigError", "TapSatcat", "resolve_source", "resolved_config"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TapSatcat(SourceTap):
    """Singer tap for the satellite catalogue (SATCAT) of Space-Track or CelesTrak."""

    name = "tap-satcat"
    stream_types = STREAM_TYPES
    provenance_stream_type = SatcatProvenanceStream

    config_jsonschema = CONFIG_JSONSCHEMA

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
        return HTTPClient(**http_options(c), limiter=limiter, sleep=self.sleep, logger=self.logger)

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


if __name__ == "__main__":
    TapSatcat.cli()
