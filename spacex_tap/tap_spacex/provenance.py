"""Where and when a run's records came from: the ``extract_provenance`` stream.

The stream is tap-common's (:class:`tap_common.streams.ExtractProvenanceStream`: one record per
run that emitted records, append-only, synced last); this tap says where the records came from:
``source`` ``spacex_api`` and the ``api_url`` read, and what the server said it serves.
"""

from __future__ import annotations

from typing import cast

from tap_common.streams import ExtractProvenanceStream, Origin
from tap_spacex import __version__
from tap_spacex.streams import SpaceXTap

#: ``source`` of this tap's provenance records.
SOURCE = "spacex_api"


class SpaceXProvenanceStream(ExtractProvenanceStream):
    """tap-spacex's ``extract_provenance``: every stream reads one API through one client."""

    tap_version = __version__

    def origin(self) -> Origin:
        client = cast(SpaceXTap, self._tap).client
        return Origin(SOURCE, client.api_url, client.served)
