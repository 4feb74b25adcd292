"""Where and when a run's records came from: the ``extract_provenance`` stream.

It syncs after every other stream (the tap orders it last) and emits ONE record: the tap and its
version, the base URL read, the start and end of the run, the records each stream emitted and
what the server said it serves (:class:`tap_spacex.client.ServedRecording`: the local api-mirror
sends it, a live API does not). A run that emitted no record in its other streams emits none here
either: it loaded nothing to account for.

The stream is append-only history keyed by a fresh ``extract_id``: it never sends
``ACTIVATE_VERSION``, which would have the target mark every earlier run's record deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from singer_sdk import Stream

from tap_spacex import __version__
from tap_spacex.streams import PROVENANCE_STREAM, load_schema

if TYPE_CHECKING:
    from tap_spacex.tap import TapSpaceX

#: ``source`` of this tap's provenance records.
SOURCE = "spacex_api"


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def provenance_last(streams: dict[str, Stream]) -> dict[str, Stream]:
    """``streams`` (in place) with the provenance stream moved to the end: it reports on the
    others, so it must sync after them (the SDK's ``load_streams`` sorts by name)."""
    if PROVENANCE_STREAM in streams and next(reversed(streams)) != PROVENANCE_STREAM:
        streams[PROVENANCE_STREAM] = streams.pop(PROVENANCE_STREAM)
    return streams


class ExtractProvenanceStream(Stream):
    """One record per run that emitted records: see the module docstring."""

    name = PROVENANCE_STREAM
    primary_keys = ("extract_id",)
    replication_key = None

    def __init__(self, tap: TapSpaceX) -> None:
        super().__init__(tap, schema=load_schema(self.name))

    @property
    def tap(self) -> TapSpaceX:
        return self._tap  # type: ignore[return-value]

    @property
    def emit_activate_version_messages(self) -> bool:
        """Never: a new table version would retire every earlier run's record."""
        return False

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        tap = self.tap
        counts = dict(tap.record_counts)
        if not any(counts.values()):
            self.logger.info(
                "stream %s: no records in this run's other streams, so no provenance record",
                self.name,
            )
            return
        served = tap.client.served
        started = datetime.fromtimestamp(tap.initialized_at / 1000, tz=timezone.utc)
        yield {
            "extract_id": str(uuid.uuid4()),
            "tap": tap.name,
            "tap_version": __version__,
            "source": SOURCE,
            "base_url": tap.client.api_url,
            "started_at": utc_iso(started),
            "finished_at": utc_iso(datetime.now(timezone.utc)),
            "record_counts": counts,
            "recording": served.recording,
            "recording_date": served.recording_date,
        }
