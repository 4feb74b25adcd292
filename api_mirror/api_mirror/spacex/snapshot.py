"""Access to the recorded SpaceX API responses shipped in ``api_mirror/spacex/data/``.

The files are real response bodies (see snapshot/PROVENANCE.md); they are read, never written.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tap_spacex.resources import LAUNCH_VIEWS, NAMES

SNAPSHOT_DIR = Path(__file__).resolve().parent / "data"
QUERY_EXAMPLES_DIR = SNAPSHOT_DIR / "query_examples"


@cache
def _load_file(name: str) -> Any:
    with open(SNAPSHOT_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def load_resource(resource: str) -> Any:
    """Return the recorded body of ``GET /v4/<resource>`` (a fresh copy: callers may mutate it)."""
    if resource not in NAMES:
        raise KeyError(f"unknown SpaceX resource {resource!r}; known: {', '.join(NAMES)}")
    return json.loads(json.dumps(_load_file(resource)))


def load_launch_view(view: str) -> Any:
    """Return the recorded body of ``GET /v4/launches/<view>`` (latest, next, past, upcoming)."""
    if view not in LAUNCH_VIEWS:
        raise KeyError(f"unknown launches view {view!r}; known: {', '.join(LAUNCH_VIEWS)}")
    return json.loads(json.dumps(_load_file(f"launches_{view}")))


def load_records(resource: str) -> list[dict[str, Any]]:
    """Return the resource as a list of records (single objects become a one-element list)."""
    body = load_resource(resource)
    return [body] if isinstance(body, dict) else body


def record_counts() -> dict[str, int]:
    """Number of records per resource in the snapshot, e.g. ``{"starlink": 1445, ...}``."""
    return {resource: len(load_records(resource)) for resource in NAMES}


def load_query_examples() -> dict[str, dict[str, Any]]:
    """The recorded ``POST /v4/<resource>/query`` exchanges, keyed by file stem."""
    examples = {}
    for path in sorted(QUERY_EXAMPLES_DIR.glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            examples[path.stem] = json.load(handle)
    return examples
