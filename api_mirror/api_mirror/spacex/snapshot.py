"""Access to the recorded SpaceX API responses shipped in ``api_mirror/spacex/data/``.

The files are real response bodies (see snapshot/PROVENANCE.md); they are read, never written.
Every loader also takes ``data_dir``: another recording in a folder laid out the same way (one
``<resource>.json`` per resource and ``launches_<view>.json`` per launch view), e.g. a test's
modified copy of this one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tap_spacex.resources import LAUNCH_VIEWS, NAMES

SNAPSHOT_DIR = Path(__file__).resolve().parent / "data"
QUERY_EXAMPLES_DIR = SNAPSHOT_DIR / "query_examples"

#: What the mirror says it serves (``X-Recording``) and the day it was recorded
#: (``X-Recording-Date``; PROVENANCE.md, "recorded on **2021-04-22 ...**": a test checks the two
#: agree). The one home of both: the mirror's headers and the tests read them from here.
RECORDING = "SpaceX API recording (r/SpaceX API), api_mirror/spacex/data"
RECORDING_DATE = "2021-04-22"


def _read(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _bundled(name: str) -> Any:
    """A bundled file, parsed once (the bundled files never change while running)."""
    return _read(SNAPSHOT_DIR / f"{name}.json")


def _load_file(name: str, data_dir: Path | None) -> Any:
    """``<data_dir>/<name>.json`` as a fresh copy (callers may mutate it); another folder is read
    every time, since a test may rewrite it between two mirrors."""
    if data_dir is None or Path(data_dir).resolve() == SNAPSHOT_DIR:
        return json.loads(json.dumps(_bundled(name)))
    return _read(Path(data_dir) / f"{name}.json")


def load_resource(resource: str, data_dir: Path | None = None) -> Any:
    """Return the recorded body of ``GET /v4/<resource>`` (a fresh copy: callers may mutate it)."""
    if resource not in NAMES:
        raise KeyError(f"unknown SpaceX resource {resource!r}; known: {', '.join(NAMES)}")
    return _load_file(resource, data_dir)


def load_launch_view(view: str, data_dir: Path | None = None) -> Any:
    """Return the recorded body of ``GET /v4/launches/<view>`` (latest, next, past, upcoming)."""
    if view not in LAUNCH_VIEWS:
        raise KeyError(f"unknown launches view {view!r}; known: {', '.join(LAUNCH_VIEWS)}")
    return _load_file(f"launches_{view}", data_dir)


def load_records(resource: str, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Return the resource as a list of records (single objects become a one-element list)."""
    body = load_resource(resource, data_dir)
    return [body] if isinstance(body, dict) else body


def record_counts(data_dir: Path | None = None) -> dict[str, int]:
    """Number of records per resource in the snapshot, e.g. ``{"starlink": 1445, ...}``."""
    return {resource: len(load_records(resource, data_dir)) for resource in NAMES}


def load_query_examples() -> dict[str, dict[str, Any]]:
    """The recorded ``POST /v4/<resource>/query`` exchanges, keyed by file stem."""
    examples = {}
    for path in sorted(QUERY_EXAMPLES_DIR.glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            examples[path.stem] = json.load(handle)
    return examples
