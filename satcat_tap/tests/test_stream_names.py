"""The light stream-name module names exactly the tap's streams (the orchestration reads it)."""

import subprocess
import sys

from tap_satcat.stream_names import CATALOGUE_STREAMS, PROVENANCE_STREAM
from tap_satcat.tap import TapSatcat


def test_the_names_are_the_taps_streams() -> None:
    tap = TapSatcat(config={}, validate_config=False)
    assert [stream.name for stream in tap.discover_streams()] == [
        *CATALOGUE_STREAMS,
        PROVENANCE_STREAM,
    ]


def test_the_names_load_without_the_singer_sdk() -> None:
    probe = "import sys, tap_satcat.stream_names; print('singer_sdk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
