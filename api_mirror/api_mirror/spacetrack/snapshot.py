"""Access to the recorded Space-Track SATCAT and the CelesTrak fixture in ``spacetrack/data/``.

``starlink_satcat.json.gz`` is ``gzip -n -9`` of one real Space-Track response body; its
decompressed bytes are byte-identical to the recording (their sha256 is in ``PROVENANCE.md``).
``celestrak_satcat_fixture.json`` was written from CelesTrak's documented SATCAT format and real
records of the Space-Track file (no CelesTrak response was recorded; see PROVENANCE.md).
The files are read, never written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SATCAT_FILE = DATA_DIR / "starlink_satcat.json.gz"
CELESTRAK_FIXTURE_FILE = DATA_DIR / "celestrak_satcat_fixture.json"
PROVENANCE_FILE = DATA_DIR / "PROVENANCE.md"

#: Records in the recording (PROVENANCE.md).
SATCAT_RECORD_COUNT = 8848

#: What the mirror's Space-Track routes say they serve (``X-Recording``) and the day the response
#: was retrieved (``X-Recording-Date``; PROVENANCE.md's "retrieved" row: a test checks the two
#: agree). The one home of both.
SATCAT_RECORDING = (
    "Space-Track SATCAT recording for Starlink (Source: USSPACECOM via Space-Track.org), "
    "api_mirror/spacetrack/data/starlink_satcat.json.gz"
)
SATCAT_RECORDING_DATE = "2025-06-21"

#: The same for the CelesTrak route. The fixture was written, not recorded: no CelesTrak answer
#: was ever retrieved, so it has no recording date and the mirror sends no ``X-Recording-Date``
#: (its values are Space-Track's of 2025-06-21, but claiming that date for CelesTrak would present
#: a written fixture as a recording; PROVENANCE.md gives the fixture no date either).
CELESTRAK_RECORDING = (
    "CelesTrak SATCAT fixture, written from CelesTrak's documented format, not recorded, "
    "api_mirror/spacetrack/data/celestrak_satcat_fixture.json"
)
CELESTRAK_RECORDING_DATE: str | None = None

#: The recorded request, for reference (the mirror answers it with the recorded bytes).
RECORDED_QUERY_PATH = (
    "/basicspacedata/query/class/satcat/SATNAME/~~Starlink/orderby/LAUNCH%20asc/emptyresult/show"
)

#: Field order of a Space-Track SATCAT record (as recorded).
SATCAT_FIELDS: tuple[str, ...] = (
    "INTLDES",
    "NORAD_CAT_ID",
    "OBJECT_TYPE",
    "SATNAME",
    "COUNTRY",
    "LAUNCH",
    "SITE",
    "DECAY",
    "PERIOD",
    "INCLINATION",
    "APOGEE",
    "PERIGEE",
    "COMMENT",
    "COMMENTCODE",
    "RCSVALUE",
    "RCS_SIZE",
    "FILE",
    "LAUNCH_YEAR",
    "LAUNCH_NUM",
    "LAUNCH_PIECE",
    "CURRENT",
    "OBJECT_NAME",
    "OBJECT_ID",
    "OBJECT_NUMBER",
)

#: CelesTrak SATCAT fields (https://celestrak.org/satcat/satcat-format.php).
CELESTRAK_FIELDS: tuple[str, ...] = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "NORAD_CAT_ID",
    "OBJECT_TYPE",
    "OPS_STATUS_CODE",
    "OWNER",
    "LAUNCH_DATE",
    "LAUNCH_SITE",
    "DECAY_DATE",
    "PERIOD",
    "INCLINATION",
    "APOGEE",
    "PERIGEE",
    "RCS",
    "DATA_STATUS_CODE",
    "ORBIT_CENTER",
    "ORBIT_TYPE",
)


@cache
def satcat_bytes() -> bytes:
    """The recorded response body, decompressed: byte-identical to the recording."""
    return gzip.decompress(SATCAT_FILE.read_bytes())


def satcat_sha256() -> str:
    return hashlib.sha256(satcat_bytes()).hexdigest()


@cache
def _satcat_records() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(satcat_bytes()))


def load_satcat() -> list[dict[str, Any]]:
    """The recorded SATCAT records in recorded order (fresh dicts: callers may mutate them)."""
    return [dict(record) for record in _satcat_records()]


def load_celestrak_fixture() -> list[dict[str, Any]]:
    """The CelesTrak SATCAT fixture (written from the documentation, not recorded)."""
    with open(CELESTRAK_FIXTURE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def provenance_sha256() -> str:
    """The sha256 of the original uncompressed bytes, as PROVENANCE.md states it."""
    text = PROVENANCE_FILE.read_text(encoding="utf-8")
    match = re.search(r"^\|\s*sha256[^|]*\|\s*`([0-9a-f]{64})`", text, flags=re.MULTILINE)
    if match is None:
        raise ValueError(f"{PROVENANCE_FILE} states no sha256")
    return match.group(1)
