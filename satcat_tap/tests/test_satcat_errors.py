"""Login, sessions, retries for transient failures, clear and immediate errors for the rest."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api_mirror import MirrorServer
from api_mirror.spacetrack.api import TEST_IDENTITY
from tap_satcat.client import (
    BadResponseError,
    HTTPClient,
    LoginError,
    RetriesExhaustedError,
)
from tap_satcat.tap import TapSatcat

QUERY = "/basicspacedata/query/class/satcat/"
SECRET_PASSWORD = "Pa55-never-in-any-log-7f3a"  # noqa: S105


def _read(tap: TapSatcat, stream: str = "spacetrack_satcat") -> list[dict]:
    """Records as the SDK would emit them (get_records, then post_process)."""
    target = tap.streams[stream]
    return [target.post_process(row, None) for row in target.get_records(None)]


def _hits(mirror: MirrorServer, fragment: str) -> int:
    return sum(1 for _, path, _ in mirror.request_log if fragment in path)


# -- login -----------------------------------------------------------------------------------
def test_wrong_password_is_a_clear_login_error(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    with pytest.raises(LoginError) as caught:
        _read(make_tap(spacetrack_password=SECRET_PASSWORD))
    message = str(caught.value)
    assert "Space-Track login failed" in message and '{"Login":"Failed"}' in message
    assert "spacetrack_identity" in message and "spacetrack_password" in message
    assert f"POST {mirror.base_url}/ajaxauth/login" in message
    assert SECRET_PASSWORD not in message and TEST_IDENTITY not in message
    assert _hits(mirror, QUERY) == 0  # no query without a session
    assert mirror.app("spacetrack").failed_login_count == 1  # not retried


@pytest.mark.parametrize("status", [401, 403])
def test_login_refused_with_401_or_403(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, status: int
) -> None:
    mirror.faults.add(status=status, path_contains="/ajaxauth/login")
    with pytest.raises(LoginError) as caught:
        _read(make_tap())
    assert f"HTTP {status}" in str(caught.value)
    assert "spacetrack_identity and spacetrack_password" in str(caught.value)
    assert _hits(mirror, "/ajaxauth/login") == 1


def test_login_without_a_session_cookie_fails(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(status=200, body='""', path_contains="/ajaxauth/login")
    with pytest.raises(LoginError, match="without a session cookie"):
        _read(make_tap())


def test_password_and_identity_never_appear_in_logs_or_errors(
    make_tap: Callable[..., TapSatcat],
    sync: Callable,
    mirror: MirrorServer,
    logs: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a failing login, an expired session and a successful run, all at DEBUG level
    with pytest.raises(LoginError) as caught:
        sync(make_tap(spacetrack_password=SECRET_PASSWORD))
    tap = make_tap()
    mirror.faults.add(status=401, times=1, path_contains=QUERY)
    mirror.faults.add(status=503, times=1, path_contains="/ajaxauth/login")
    assert len(sync(tap).records["spacetrack_satcat"]) == 8848
    password = tap.spacetrack._password
    captured = capsys.readouterr()
    everything = "\n".join([*logs, str(caught.value), repr(caught.value), captured.err])
    assert "logging in again" in everything and "logged in to Space-Track" in everything
    for secret in (SECRET_PASSWORD, password, TEST_IDENTITY, "mirror%40example.com"):
        assert secret not in everything
    assert SECRET_PASSWORD not in repr(tap.spacetrack) and password not in repr(tap.spacetrack)


def test_messages_are_scrubbed_of_credentials(make_tap: Callable[..., TapSatcat]) -> None:
    client = make_tap(spacetrack_password=SECRET_PASSWORD).spacetrack
    assert client.scrub(f"x {SECRET_PASSWORD} {TEST_IDENTITY} y") == "x *** *** y"


# -- sessions --------------------------------------------------------------------------------
def test_expired_session_logs_in_again_once(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, logs: list[str]
) -> None:
    tap = make_tap(name_filter="STARLINK-1")
    first = _read(tap)
    mirror.app("spacetrack").expire_sessions()  # Space-Track forgot the session
    second = _read(tap)
    assert first == second and len(first) > 100
    app = mirror.app("spacetrack")
    assert (app.login_count, app.query_count) == (2, 2)
    assert [p.split("/")[1] for _, p, _ in mirror.request_log] == [
        "ajaxauth",
        "basicspacedata",
        "basicspacedata",  # 401: expired
        "ajaxauth",
        "basicspacedata",
    ]
    assert any("session expired" in line and "logging in again" in line for line in logs)


def test_second_401_after_a_fresh_login_fails(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(status=401, times=5, path_contains=QUERY)
    with pytest.raises(LoginError) as caught:
        _read(make_tap())
    message = str(caught.value)
    assert "HTTP 401 again right after a fresh login" in message
    assert f"GET {mirror.base_url}{QUERY}" in message and "spacetrack_password" in message
    assert (_hits(mirror, "/ajaxauth/login"), _hits(mirror, QUERY)) == (2, 2)


# -- retried ---------------------------------------------------------------------------------
def test_429_with_retry_after_is_honoured(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, clock
) -> None:
    mirror.faults.add(status=429, times=2, path_contains=QUERY, retry_after=0.03)
    tap = make_tap(backoff_max=1)
    assert len(_read(tap)) == 8848
    assert clock.sleeps == [0.03, 0.03]
    assert _hits(mirror, QUERY) == 3


def test_retry_after_is_capped_by_backoff_max(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, clock
) -> None:
    mirror.faults.add(status=429, times=1, path_contains="/ajaxauth/login", retry_after=600)
    assert len(_read(make_tap(backoff_max=2))) == 8848
    assert clock.sleeps == [2.0]


@pytest.mark.parametrize("path", ["/ajaxauth/login", QUERY, "/satcat/records.php"])
def test_5xx_burst_then_success(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, clock, path: str
) -> None:
    mirror.faults.add(status=503, times=1, path_contains=path)
    mirror.faults.add(status=500, times=1, path_contains=path)
    stream = "celestrak_satcat" if "records" in path else "spacetrack_satcat"
    tap = make_tap(source=stream.split("_")[0], max_retries=3, backoff_base=0.5)
    assert len(_read(tap, stream)) == (17 if "records" in path else 8848)
    assert _hits(mirror, path) == 3
    assert len(clock.sleeps) == 2
    assert all(0 <= s <= 0.5 * 2**i for i, s in enumerate(clock.sleeps))  # full jitter


def test_timeout_then_success(make_tap: Callable[..., TapSatcat], mirror: MirrorServer) -> None:
    mirror.faults.add(delay=1.0, times=1, path_contains=QUERY)
    tap = make_tap(request_timeout="0.2")  # seconds as a string, as Meltano passes them
    assert len(_read(tap)) == 8848
    outcomes = [outcome for _, url, outcome in tap.spacetrack.http.attempt_log if QUERY in url]
    assert outcomes == ["timeout (ReadTimeout)", "HTTP 200"]


def test_truncated_body_is_retried(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(truncate=True, times=1, path_contains=QUERY)
    tap = make_tap()
    assert len(_read(tap)) == 8848
    outcomes = [outcome for _, url, outcome in tap.spacetrack.http.attempt_log if QUERY in url]
    assert outcomes[0].startswith("connection error (RemoteProtocolError")


def test_exhausted_retries_name_url_status_and_attempts(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(status=502, times=50, path_contains=QUERY)
    with pytest.raises(RetriesExhaustedError) as caught:
        _read(make_tap(max_retries=2))
    message = str(caught.value)
    assert f"GET {mirror.base_url}{QUERY}" in message and "stream spacetrack_satcat" in message
    assert "after 3 attempts" in message and "last error: HTTP 502" in message
    assert _hits(mirror, QUERY) == 3


def test_connection_refused_exhausts_retries(make_tap: Callable[..., TapSatcat]) -> None:
    with MirrorServer(port=0, apps=[]) as gone:
        url = gone.base_url
    tap = make_tap(source="celestrak", celestrak_url=url, max_retries=1)
    with pytest.raises(RetriesExhaustedError) as caught:
        _read(tap, "celestrak_satcat")
    message = str(caught.value)
    assert f"GET {url}/satcat/records.php?NAME=STARLINK&FORMAT=JSON" in message
    assert "2 attempts" in message and "connection error (ConnectError" in message


# -- failed at once --------------------------------------------------------------------------
def test_non_json_body_fails_naming_the_url(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(not_json=True, path_contains=QUERY)
    with pytest.raises(BadResponseError) as caught:
        _read(make_tap())
    message = str(caught.value)
    assert "stream spacetrack_satcat" in message and "not JSON" in message
    assert f"GET {mirror.base_url}{QUERY}" in message and "text/html" in message
    assert "HTTP 200" in message and "attempt 1" in message
    assert _hits(mirror, QUERY) == 1


def test_non_json_celestrak_body(make_tap: Callable[..., TapSatcat], mirror: MirrorServer) -> None:
    mirror.faults.add(not_json=True, body="No SATCAT records found", path_contains="/satcat/")
    with pytest.raises(BadResponseError) as caught:
        _read(make_tap(source="celestrak"), "celestrak_satcat")
    message = str(caught.value)
    assert "stream celestrak_satcat" in message and "No SATCAT records found" in message
    assert f"{mirror.base_url}/satcat/records.php?NAME=STARLINK&FORMAT=JSON" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, "without NORAD_CAT_ID"),  # the mirror's default: [{"unexpected": "shape"}]
        ('{"error": "nope"}', "returned dict, expected a JSON list"),
        ("[1, 2]", "element #0 that is int"),
        ('""', "returned str, expected a JSON list"),
    ],
)
def test_wrong_shape(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, body: str | None, expected: str
) -> None:
    mirror.faults.add(wrong_shape=True, body=body, path_contains=QUERY)
    with pytest.raises(BadResponseError) as caught:
        _read(make_tap())
    assert expected in str(caught.value)
    assert "stream spacetrack_satcat" in str(caught.value) and mirror.base_url in str(caught.value)


def test_empty_body_is_not_an_empty_catalogue(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    mirror.faults.add(status=200, body="", path_contains=QUERY)
    with pytest.raises(BadResponseError, match="returned an empty body"):
        _read(make_tap())


def test_no_match_is_zero_records_with_a_warning(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, logs: list[str]
) -> None:
    assert _read(make_tap(name_filter="ONEWEB")) == []
    assert any("returned no records; is name_filter 'ONEWEB' right?" in line for line in logs)


@pytest.mark.parametrize("status", [400, 404, 418])
def test_other_4xx_fail_at_once(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer, status: int
) -> None:
    mirror.faults.add(status=status, times=5, path_contains=QUERY)
    with pytest.raises(BadResponseError) as caught:
        _read(make_tap())
    message = str(caught.value)
    assert f"HTTP {status}" in message and "not retried" in message
    assert f"GET {mirror.base_url}{QUERY}" in message and "1 attempt(s)" in message
    assert _hits(mirror, QUERY) == 1


def test_wrong_spacetrack_url_is_a_404(
    make_tap: Callable[..., TapSatcat], mirror: MirrorServer
) -> None:
    with pytest.raises(BadResponseError, match=r"POST .*/nope/ajaxauth/login failed with HTTP 404"):
        _read(make_tap(spacetrack_url=mirror.base_url + "/nope"))


def test_backoff_is_capped_and_jittered() -> None:
    client = HTTPClient(timeout=1, max_retries=5, backoff_base=1, backoff_max=4)
    for attempt in range(1, 8):
        assert 0 <= client.backoff_delay(attempt) <= min(4, 2 ** (attempt - 1))
    client.close()
