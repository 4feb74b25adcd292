"""The retry policy, against a fake server (httpx's MockTransport): no socket, no sleep."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from tap_common import errors
from tap_common.http import RetryingClient, ServedRecording, retry_after_seconds

URL = "http://source.test/things"
Handler = Callable[[httpx.Request], httpx.Response]


class SomeTapError(errors.TapError):
    pass


class SomeClient(RetryingClient):
    tap_error = SomeTapError
    default_user_agent = "tap-some/1.0"


class CountingLimiter:
    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> float:
        self.acquired += 1
        return 0.0


def _client(answers: list[httpx.Response | Exception], **policy: object) -> SomeClient:
    """A client whose server gives ``answers`` in turn (an exception is raised instead)."""
    sleeps: list[float] = []
    settings: dict = {"timeout": 1, "max_retries": 3, "backoff_base": 1, "backoff_max": 8}
    client = SomeClient(**{**settings, **policy}, sleep=sleeps.append, rng=random.Random(1))
    pending = list(answers)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client.http = httpx.Client(
        transport=httpx.MockTransport(handler), headers=client.http.headers, follow_redirects=True
    )
    client.sleeps = sleeps  # type: ignore[attr-defined]
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_transient_failures_are_retried_until_an_answer() -> None:
    client = _client(
        [
            httpx.Response(503),
            httpx.ConnectError("refused"),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json=[1]),
        ]
    )
    response = client.request("GET", URL, stream="things")
    assert client.parse_json(response, stream="things") == [1]
    outcomes = [outcome for _, _, outcome in client.attempt_log]
    assert outcomes == [
        "HTTP 503",
        "connection error (ConnectError: refused)",
        "timeout (ReadTimeout)",
        "HTTP 200",
    ]
    # Full jitter: each wait is somewhere below base * 2^(retry - 1), capped by backoff_max.
    assert len(client.sleeps) == 3  # type: ignore[attr-defined]
    for retry, wait in enumerate(client.sleeps, start=1):  # type: ignore[attr-defined]
        assert 0 <= wait <= min(8, 2 ** (retry - 1))


def test_retry_after_is_honoured_and_capped() -> None:
    client = _client(
        [
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(429, headers={"Retry-After": "120"}),
            httpx.Response(200),
        ]
    )
    client.request("GET", URL, stream="things")
    assert client.sleeps == [2.0, 8.0]  # type: ignore[attr-defined]


def test_retry_after_as_a_date_falls_back_to_the_backoff() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert retry_after_seconds(response) is None
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "-3"})) == 0.0
    assert retry_after_seconds(httpx.Response(429)) is None


def test_retries_exhausted_names_stream_url_attempts_and_last_error() -> None:
    client = _client([httpx.Response(500)] * 3, max_retries=2)
    with pytest.raises(errors.RetriesExhaustedError) as caught:
        client.request("POST", URL, stream="things")
    assert type(caught.value) is SomeTapError.kind(errors.RetriesExhaustedError)
    assert str(caught.value) == (
        f"stream things: POST {URL} failed after 3 attempts; last error: HTTP 500"
    )


def test_other_4xx_fail_at_once_quoting_the_body_unless_told_not_to() -> None:
    client = _client([httpx.Response(404, text="no such thing")])
    with pytest.raises(errors.BadResponseError) as caught:
        client.request("GET", URL, stream="things", params={"q": "a b"})
    assert str(caught.value) == (
        f"stream things: GET {URL}?q=a+b failed with HTTP 404 after 1 attempt(s) (not retried): "
        "'no such thing'"
    )
    client = _client([httpx.Response(400, text="password=hunter2")])
    with pytest.raises(errors.BadResponseError) as caught:
        client.request("POST", URL, stream="things", quote_body=False)
    assert "hunter2" not in str(caught.value)


def test_allowed_statuses_are_returned_not_raised() -> None:
    client = _client([httpx.Response(401)])
    assert client.request("GET", URL, stream="things", allow_statuses=(401,)).status_code == 401


def test_a_body_that_is_not_json_fails_naming_what_came() -> None:
    client = _client([httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"})])
    response = client.request("GET", URL, stream="things")
    with pytest.raises(errors.BadResponseError) as caught:
        client.parse_json(response, stream="things")
    message = str(caught.value)
    assert message.startswith(
        f"stream things: GET {URL} returned a body that is not JSON (text/html"
    )
    assert "HTTP 200 at attempt 1 (not retried)" in message
    assert client.parse_json(httpx.Response(204), stream="things") is None


def test_every_attempt_passes_the_limiter() -> None:
    limiter = CountingLimiter()
    client = _client([httpx.Response(502), httpx.Response(200)], limiter=limiter)
    client.request("GET", URL, stream="things")
    assert limiter.acquired == 2


def test_the_recording_headers_of_the_latest_answer() -> None:
    headers = {"X-Recording": " spacex-api ", "X-Recording-Date": "2021-04-22"}
    client = _client([httpx.Response(200, headers=headers), httpx.Response(500)], max_retries=0)
    assert client.served == ServedRecording()
    client.request("GET", URL, stream="things")
    assert client.served == ServedRecording("spacex-api", "2021-04-22")
    with pytest.raises(errors.RetriesExhaustedError):
        client.request("GET", URL, stream="things")
    assert client.served == ServedRecording("spacex-api", "2021-04-22")  # a failure keeps it
    odd = {"X-Recording": "x", "X-Recording-Date": "2021-02-30"}
    assert ServedRecording.from_headers(odd) == ServedRecording("x", None)


def test_the_client_names_itself() -> None:
    client = SomeClient(timeout=1, max_retries=0, backoff_base=1, backoff_max=1)
    assert client.http.headers["User-Agent"] == "tap-some/1.0"
    assert client.http.headers["Accept"] == "application/json"
    named = SomeClient(timeout=1, max_retries=0, backoff_base=1, backoff_max=1, user_agent="me/2")
    assert named.http.headers["User-Agent"] == "me/2"
    assert client.logger.name == __name__  # the module that defines the client
