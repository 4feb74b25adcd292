"""The snapshot is intact and the helpers report what PROVENANCE.md says."""

from __future__ import annotations

import hashlib
import re

from api_mirror.spacex.snapshot import (
    NAMES,
    SNAPSHOT_DIR,
    load_launch_view,
    load_records,
    load_resource,
    record_counts,
)


def _provenance_table() -> dict[str, tuple[int, str]]:
    text = (SNAPSHOT_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+\.json) \| GET \S+ \| (\d+) \| ([0-9a-f]{64}) \|$", text, re.M)
    return {name: (int(count), sha) for name, count, sha in rows}


def test_files_are_byte_identical_to_provenance() -> None:
    table = _provenance_table()
    assert len(table) == 18
    for name, (_, sha) in table.items():
        assert hashlib.sha256((SNAPSHOT_DIR / name).read_bytes()).hexdigest() == sha, name


def test_record_counts_match_provenance() -> None:
    table = _provenance_table()
    counts = record_counts()
    assert set(counts) == set(NAMES)
    for resource, count in counts.items():
        assert count == table[f"{resource}.json"][0], resource
    assert counts["starlink"] == 1445 and counts["launches"] == 142


def test_single_objects_and_views() -> None:
    assert isinstance(load_resource("company"), dict)
    assert load_records("roadster")[0]["name"] == "Elon Musk's Tesla Roadster"
    assert len(load_launch_view("past")) == 122
    assert len(load_launch_view("upcoming")) == 20
    assert load_launch_view("latest")["name"] == "Starlink-23 (v1.0)"


def test_load_resource_returns_a_copy() -> None:
    first = load_resource("rockets")
    first[0]["name"] = "changed"
    assert load_resource("rockets")[0]["name"] == "Falcon 1"
