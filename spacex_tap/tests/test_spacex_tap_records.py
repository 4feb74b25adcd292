"""The tap reads every record of every stream from the mirror, page by page."""

from __future__ import annotations

import pytest

from api_mirror import MirrorServer
from api_mirror.spacex.snapshot import load_records, record_counts
from api_mirror.testing import fast_tap_config as fast_config
from tap_spacex.client import PAGE_SORT
from tap_spacex.resources import NAMES as RESOURCES
from tap_spacex.streams import PROVENANCE_STREAM
from tap_spacex.tap import TapSpaceX


def _records(mirror: MirrorServer, stream: str, **config: object) -> list[dict]:
    tap = TapSpaceX(config=fast_config(mirror, **config))
    return list(tap.streams[stream].get_records(None))


def _query_posts(mirror: MirrorServer) -> list[dict]:
    return [body for method, path, body in mirror.request_log if path.endswith("/query")]


def test_discovers_all_fourteen_streams() -> None:
    """One stream per resource, then the run's provenance (tests/test_spacex_provenance.py)."""
    tap = TapSpaceX(config={"api_url": "http://127.0.0.1:9/v4"})
    assert list(tap.streams) == [*sorted(RESOURCES), PROVENANCE_STREAM]
    for name, stream in tap.streams.items():
        if name == PROVENANCE_STREAM:
            continue
        assert stream.primary_keys == ["id"] or tuple(stream.primary_keys) == ("id",)
        assert stream.replication_key is None
        assert stream.schema["properties"]["id"] == {"type": "string"}


def test_record_counts_equal_snapshot(mirror: MirrorServer) -> None:
    tap = TapSpaceX(config=fast_config(mirror))
    counts = {name: len(list(tap.streams[name].get_records(None))) for name in RESOURCES}
    assert counts == record_counts()


def test_records_equal_snapshot_sorted_by_id(mirror: MirrorServer) -> None:
    records = _records(mirror, "launches", page_size=50)
    expected = sorted(load_records("launches"), key=lambda x: x["id"])
    assert records == expected
    posts = _query_posts(mirror)
    assert [p["options"]["page"] for p in posts] == [1, 2, 3]
    assert all(p["options"]["limit"] == 50 and p["options"]["sort"] == PAGE_SORT for p in posts)
    assert all(p["query"] == {} for p in posts)


def test_single_objects_use_get(mirror: MirrorServer) -> None:
    assert _records(mirror, "company") == load_records("company")
    assert _records(mirror, "roadster") == load_records("roadster")
    assert [(m, p) for m, p, _ in mirror.request_log] == [
        ("GET", "/v4/company"),
        ("GET", "/v4/roadster"),
    ]


@pytest.mark.parametrize(
    ("stream", "page_size", "pages"),
    [
        ("rockets", 2, 2),  # exact last page: no extra request for an empty page 3
        ("dragons", 1, 2),  # page_size 1 on a small collection
        ("rockets", 1000, 1),  # page larger than the collection
        ("starlink", 1000, 2),
        ("capsules", 7, 3),
    ],
)
def test_paging_edges(mirror: MirrorServer, stream: str, page_size: int, pages: int) -> None:
    records = _records(mirror, stream, page_size=page_size)
    assert len(records) == record_counts()[stream]
    assert len({r["id"] for r in records}) == len(records)
    assert [p["options"]["page"] for p in _query_posts(mirror)] == list(range(1, pages + 1))


def test_empty_result_makes_one_request(mirror: MirrorServer) -> None:
    tap = TapSpaceX(config=fast_config(mirror))
    docs = list(
        tap.client.paginate("launches", stream="launches", page_size=100, query={"name": "none"})
    )
    assert docs == []
    assert len(_query_posts(mirror)) == 1


def test_scaled_mirror_counts() -> None:
    with MirrorServer(scale={"starlink": 2}) as scaled:
        tap = TapSpaceX(config={"api_url": scaled.url, "page_size": 1000})
        records = list(tap.streams["starlink"].get_records(None))
    assert len(records) == 2890 and len({r["id"] for r in records}) == 2890


def test_launches_v5(mirror: MirrorServer) -> None:
    records = _records(mirror, "launches", launches_api_version="v5")
    assert len(records) == 142
    assert {path for _, path, _ in mirror.request_log} == {"/v5/launches/query"}
    crewed = [r for r in records if r["crew"]]
    assert crewed and all(
        isinstance(m, dict) and set(m) == {"crew", "role"} for r in crewed for m in r["crew"]
    )


def test_v5_needs_v4_api_url() -> None:
    tap = TapSpaceX(config={"api_url": "http://127.0.0.1:9/api", "launches_api_version": "v5"})
    with pytest.raises(Exception, match="ending in /v4"):
        list(tap.streams["launches"].get_records(None))


def test_user_agent_header_default() -> None:
    tap = TapSpaceX(config={"api_url": "http://127.0.0.1:9/v4"})
    assert tap.client.http.headers["User-Agent"] == "tap-spacex/0.1.0"


def test_about_lists_every_setting_with_a_description() -> None:
    import json
    import subprocess
    import sys

    code = "from tap_spacex.tap import TapSpaceX; TapSpaceX.cli()"
    out = subprocess.run(
        [sys.executable, "-c", code, "--about", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    settings = json.loads(out)["settings"]["properties"]
    ours = [
        "api_url", "page_size", "request_timeout", "max_retries", "backoff_base",
        "backoff_max", "user_agent", "launches_api_version",
    ]  # fmt: skip
    assert set(ours) <= set(settings)  # the SDK adds its own (stream_maps, flattening, ...)
    assert all(settings[name].get("description") for name in ours)
    assert settings["api_url"]["default"] == "https://api.spacexdata.com/v4"
    assert settings["launches_api_version"]["enum"] == ["v4", "v5"]
