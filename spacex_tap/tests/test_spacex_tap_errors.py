"""Retries for transient failures, clear and immediate errors for everything else."""

from __future__ import annotations

import httpx
import pytest

from api_mirror import MirrorServer
from api_mirror.spacex.query import paginate
from api_mirror.spacex.snapshot import load_records
from api_mirror.testing import fast_tap_config as fast_config
from tap_spacex.client import (
    BadResponseError,
    PagingError,
    RetriesExhaustedError,
    SpaceXClient,
)
from tap_spacex.streams import RecordValidationError
from tap_spacex.tap import TapSpaceX


def _tap(mirror: MirrorServer, **config: object) -> TapSpaceX:
    return TapSpaceX(config=fast_config(mirror, **config))


def _read(tap: TapSpaceX, stream: str) -> list[dict]:
    return list(tap.streams[stream].get_records(None))


def _attempts(mirror: MirrorServer, fragment: str) -> int:
    return sum(1 for _, path, _ in mirror.request_log if fragment in path)


# -- retried --------------------------------------------------------------------------------
def test_429_with_retry_after_is_honoured(mirror: MirrorServer) -> None:
    mirror.faults.add(status=429, times=2, path_contains="/rockets/query", retry_after=0.02)
    tap = _tap(mirror, backoff_max=1)
    sleeps: list[float] = []
    tap.client.sleep = sleeps.append
    assert len(_read(tap, "rockets")) == 4
    assert sleeps == [0.02, 0.02]
    assert _attempts(mirror, "/rockets/query") == 3


def test_retry_after_is_capped_by_backoff_max(mirror: MirrorServer) -> None:
    mirror.faults.add(status=429, times=1, path_contains="/rockets", retry_after=120)
    tap = _tap(mirror, backoff_max=0.05)
    sleeps: list[float] = []
    tap.client.sleep = sleeps.append
    assert len(_read(tap, "rockets")) == 4
    assert sleeps == [0.05]


def test_429_without_retry_after_uses_backoff(mirror: MirrorServer) -> None:
    mirror.faults.add(status=429, times=3, path_contains="/crew")
    tap = _tap(mirror, backoff_base=0.01, backoff_max=10)
    sleeps: list[float] = []
    tap.client.sleep = sleeps.append
    assert len(_read(tap, "crew")) == 17
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps, start=1):
        assert 0 <= slept <= 0.01 * 2 ** (attempt - 1)  # full jitter below the exponential cap


def test_5xx_burst_then_success(mirror: MirrorServer) -> None:
    mirror.faults.add(status=503, times=2, path_contains="/launches/query")
    mirror.faults.add(status=500, times=1, path_contains="/launches/query")
    records = _read(_tap(mirror, page_size=50), "launches")
    assert len(records) == 142
    assert _attempts(mirror, "/launches/query") == 3 + 3  # 3 failures, then pages 1..3


def test_5xx_in_the_middle_of_paging(mirror: MirrorServer) -> None:
    tap = _tap(mirror, page_size=500)
    stream_records = tap.streams["starlink"].get_records(None)
    first = [next(stream_records) for _ in range(500)]
    mirror.faults.add(status=502, times=1, path_contains="/starlink/query")
    rest = list(stream_records)
    assert len(first) + len(rest) == 1445
    pages = [b["options"]["page"] for _, p, b in mirror.request_log if p.endswith("/query")]
    assert pages == [1, 2, 2, 3]


def test_timeout_then_success(mirror: MirrorServer) -> None:
    mirror.faults.add(delay=1.0, times=1, path_contains="/history/query")
    tap = _tap(mirror, request_timeout=0.2)
    assert len(_read(tap, "history")) == 15
    assert [outcome for _, _, outcome in tap.client.attempt_log][:2] == [
        "timeout (ReadTimeout)",
        "HTTP 200",
    ]


def test_truncated_body_is_retried(mirror: MirrorServer) -> None:
    mirror.faults.add(truncate=True, times=1, path_contains="/ships/query")
    tap = _tap(mirror)
    assert len(_read(tap, "ships")) == 25
    assert tap.client.attempt_log[0][2].startswith("connection error (RemoteProtocolError")


def test_connection_refused_exhausts_retries() -> None:
    with MirrorServer() as gone:
        url = gone.url
    tap = TapSpaceX(config=fast_config(api_url=url, max_retries=2))
    with pytest.raises(RetriesExhaustedError) as caught:
        _read(tap, "company")
    message = str(caught.value)
    assert f"GET {url}/company" in message and "3 attempts" in message
    assert "connection error (ConnectError" in message


def test_exhausted_retries_name_url_status_and_attempts(mirror: MirrorServer) -> None:
    mirror.faults.add(status=503, times=50, path_contains="/cores/query")
    tap = _tap(mirror, max_retries=2)
    with pytest.raises(RetriesExhaustedError) as caught:
        _read(tap, "cores")
    message = str(caught.value)
    assert f"POST {mirror.url}/cores/query" in message
    assert "after 3 attempts" in message and "last error: HTTP 503" in message
    assert "stream cores" in message
    assert _attempts(mirror, "/cores/query") == 3


# -- failed at once ---------------------------------------------------------------------------
@pytest.mark.parametrize("status", [400, 401, 404])
def test_other_4xx_fail_at_once(mirror: MirrorServer, status: int) -> None:
    mirror.faults.add(status=status, times=5, path_contains="/payloads")
    with pytest.raises(BadResponseError) as caught:
        _read(_tap(mirror), "payloads")
    assert f"HTTP {status}" in str(caught.value) and "stream payloads" in str(caught.value)
    assert f"{mirror.url}/payloads/query" in str(caught.value)
    assert _attempts(mirror, "/payloads") == 1


def test_real_404_from_wrong_api_url(mirror: MirrorServer) -> None:
    tap = TapSpaceX(config={"api_url": mirror.base_url + "/v3"})
    with pytest.raises(BadResponseError, match=r"HTTP 404.*Not Found"):
        _read(tap, "rockets")


def test_non_json_body(mirror: MirrorServer) -> None:
    mirror.faults.add(not_json=True, path_contains="/landpads")
    with pytest.raises(BadResponseError) as caught:
        _read(_tap(mirror), "landpads")
    message = str(caught.value)
    assert "stream landpads" in message and "not JSON" in message and "text/html" in message
    assert _attempts(mirror, "/landpads") == 1


@pytest.mark.parametrize(
    ("stream", "body", "expected"),
    [
        ("launchpads", None, "returned list, expected a paging object"),
        ("launchpads", '{"docs": "nope"}', "without a 'docs' list"),
        (
            "launchpads",
            '{"docs": [{"name": "no id"}], "hasNextPage": false}',
            "without a string 'id'",
        ),
        ("company", None, "returned list, expected an object"),
        ("roadster", '{"name": "no id"}', "without a string 'id'"),
    ],
)
def test_wrong_shape(mirror: MirrorServer, stream: str, body: str | None, expected: str) -> None:
    mirror.faults.add(wrong_shape=True, body=body, path_contains=f"/{stream}")
    with pytest.raises(BadResponseError) as caught:
        _read(_tap(mirror), stream)
    assert expected in str(caught.value) and f"stream {stream}" in str(caught.value)
    assert mirror.url in str(caught.value)


def test_server_repeating_page_number(mirror: MirrorServer) -> None:
    page_one = httpx.post(f"{mirror.url}/rockets/query", json={"options": {"limit": 2}}).text
    mirror.request_log.clear()
    mirror.faults.add(status=200, body=page_one, times=100, path_contains="/rockets/query")
    with pytest.raises(PagingError, match="asked for page 2 but got page 1"):
        _read(_tap(mirror, page_size=2), "rockets")
    assert _attempts(mirror, "/rockets/query") == 2


def test_server_repeating_first_id(mirror: MirrorServer) -> None:
    docs = load_records("rockets")[:2]
    import json

    body = json.dumps({"docs": docs, "hasNextPage": True, "totalPages": 99})
    mirror.faults.add(status=200, body=body, times=100, path_contains="/rockets/query")
    with pytest.raises(PagingError, match="already seen on an earlier page"):
        _read(_tap(mirror, page_size=2), "rockets")
    assert _attempts(mirror, "/rockets/query") == 2


def test_stops_at_total_pages_even_if_has_next_page_lies(mirror: MirrorServer) -> None:
    import json

    body = json.dumps(dict(paginate(load_records("rockets"), {}), hasNextPage=True))
    mirror.faults.add(status=200, body=body, times=5, path_contains="/rockets/query")
    assert len(_read(_tap(mirror), "rockets")) == 4
    assert _attempts(mirror, "/rockets/query") == 1


def test_record_not_fitting_schema_fails_the_run(mirror: MirrorServer) -> None:
    import json

    doc = dict(load_records("dragons")[0], crew_capacity="seven")
    body = json.dumps(paginate([doc], {}))
    mirror.faults.add(status=200, body=body, path_contains="/dragons/query")
    with pytest.raises(RecordValidationError) as caught:
        _read(_tap(mirror), "dragons")
    message = str(caught.value)
    assert "stream dragons" in message and doc["id"] in message and "crew_capacity" in message


def test_client_backoff_is_capped_and_jittered() -> None:
    client = SpaceXClient(
        "http://127.0.0.1:9/v4", timeout=1, max_retries=0, backoff_base=1, backoff_max=4
    )
    for attempt in range(1, 8):
        assert 0 <= client.backoff_delay(attempt) <= min(4, 2 ** (attempt - 1))
