"""The tap every source's tap is: its streams, then the run's ``extract_provenance``."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from singer_sdk import Stream, Tap

from tap_common.streams import PROVENANCE_STREAM, ExtractProvenanceStream, FullTableStream


def provenance_last(streams: dict[str, Stream]) -> dict[str, Stream]:
    """``streams`` (in place) with the provenance stream moved to the end: it reports on the
    others, so it must sync after them (the SDK's ``load_streams`` sorts by name)."""
    if PROVENANCE_STREAM in streams and next(reversed(streams)) != PROVENANCE_STREAM:
        streams[PROVENANCE_STREAM] = streams.pop(PROVENANCE_STREAM)
    return streams


class SourceTap(Tap):
    """A tap of :attr:`stream_types` (full-table streams over one source) and the provenance
    stream of :attr:`provenance_stream_type`, which syncs last."""

    stream_types: ClassVar[tuple[type[FullTableStream], ...]] = ()
    provenance_stream_type: ClassVar[type[ExtractProvenanceStream]] = ExtractProvenanceStream

    @cached_property
    def record_counts(self) -> dict[str, int]:
        """Records each stream that read its source emitted in this run, for the provenance."""
        return {}

    @property
    def streams(self) -> dict[str, Stream]:
        """The SDK's streams (sorted by name), the provenance stream moved last."""
        return provenance_last(super().streams)

    def discover_streams(self) -> list[Stream]:
        streams: list[Stream] = [stream_type(self) for stream_type in self.stream_types]
        return [*streams, self.provenance_stream_type(self)]
