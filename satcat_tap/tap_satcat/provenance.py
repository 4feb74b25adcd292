"""Where and when a run's records came from: the ``extract_provenance`` stream.

The stream is tap-common's (:class:`tap_common.streams.ExtractProvenanceStream`: one record per
run that emitted records, append-only, synced last); this tap says where the records came from:
``source`` is the SATCAT stream that was read (``spacetrack_satcat`` or ``celestrak_satcat``),
with its base URL and what its server said it serves. A run that emitted no SATCAT record (the
daily limit skipped the query, or the source answered nothing) emits none here either.
"""

from __future__ import annotations

from typing import cast

from tap_common.streams import ExtractProvenanceStream, Origin
from tap_satcat import __version__
from tap_satcat.streams import STREAM_TYPES, SatcatTap


class SatcatProvenanceStream(ExtractProvenanceStream):
    """tap-satcat's ``extract_provenance``: the source is the stream that read."""

    tap_version = __version__
    nothing_read = "no SATCAT records in this run"

    def origin(self) -> Origin:
        tap = cast(SatcatTap, self._tap)
        chosen = tap.source_choice.source
        (stream,) = [t.name for t in STREAM_TYPES if t.source == chosen]
        if chosen == "spacetrack":
            return Origin(stream, tap.spacetrack.base_url, tap.spacetrack.http.served)
        return Origin(stream, str(tap.settings["celestrak_url"]).rstrip("/"), tap.celestrak.served)
