"""tap-satcat's stream names, importable without the Singer SDK (see tap_common.stream_names)."""

from tap_common.stream_names import PROVENANCE_STREAM

#: Space-Track's SATCAT (with an account).
SPACETRACK_STREAM = "spacetrack_satcat"
#: CelesTrak's SATCAT (without one).
CELESTRAK_STREAM = "celestrak_satcat"
#: The catalogue streams, in the tap's order (each run reads one of them; ``source``).
CATALOGUE_STREAMS = (SPACETRACK_STREAM, CELESTRAK_STREAM)

__all__ = ["CATALOGUE_STREAMS", "CELESTRAK_STREAM", "PROVENANCE_STREAM", "SPACETRACK_STREAM"]
