"""HTTP with retries: one ``httpx.Client``, exponential backoff with full jitter, ``Retry-After``.

Transient failures (429, 5xx, timeouts, connection errors) are retried; a 429's ``Retry-After``
(in seconds) is honoured, capped by ``backoff_max``. Anything else that is wrong (another 4xx, a
body that is not JSON) fails at once with a message naming the stream, the method, the URL, the
status and the attempts. The numbers have no defaults here: they come from each tap's settings
(:func:`tap_common.config.http_properties`), the only place that knows them.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

import httpx

from tap_common import __version__, errors

#: Response headers of a recorded API saying what it serves (the local api-mirror sends them).
RECORDING_HEADER = "X-Recording"
RECORDING_DATE_HEADER = "X-Recording-Date"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(text: str) -> str | None:
    """``text`` if it is a real ``YYYY-MM-DD`` day, else None."""
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


@dataclass(frozen=True)
class ServedRecording:
    """What a server says it serves (the run's ``extract_provenance``); both None from a live
    source, which sends no recording headers."""

    recording: str | None = None
    recording_date: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> ServedRecording:
        """The recording headers of one response. A date that is not ``YYYY-MM-DD`` counts as
        absent: an odd header must not fail the run that records it."""
        recording = (headers.get(RECORDING_HEADER) or "").strip() or None
        return cls(recording, _iso_day((headers.get(RECORDING_DATE_HEADER) or "").strip()))


def retry_after_seconds(response: httpx.Response) -> float | None:
    """A ``Retry-After`` in seconds; None when absent or in the HTTP-date form (then the client
    falls back to its own backoff)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Limiter(Protocol):
    """Something every attempt passes first (tap-satcat's rate limiter for Space-Track)."""

    def acquire(self) -> float: ...


class RetryingClient:
    """One ``httpx.Client`` (with its cookie jar) plus the retry policy and an optional limiter.

    A tap subclasses it to add its API's own requests, and sets :attr:`tap_error` and
    :attr:`default_user_agent`.
    """

    #: The tap's base error: the client raises the tap's own classes of the shared kinds
    #: (:meth:`tap_common.errors.TapError.kind`), so ``except <the tap's error>`` catches them.
    tap_error: ClassVar[type[errors.TapError]] = errors.TapError
    #: The User-Agent header when none is given (a tap names itself and its version).
    default_user_agent: ClassVar[str] = f"tap-common/{__version__}"

    def __init__(
        self,
        *,
        timeout: float,
        max_retries: int,
        backoff_base: float,
        backoff_max: float,
        user_agent: str | None = None,
        limiter: Limiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.limiter = limiter
        self.sleep = sleep
        self.rng = rng or random.Random()
        # By default the logger of the module that defines the tap's client.
        self.logger = logger or logging.getLogger(type(self).__module__)
        if user_agent is None:
            user_agent = self.default_user_agent
        self.http = httpx.Client(
            timeout=httpx.Timeout(float(timeout)),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        #: (method, url, outcome) of every attempt, handy for tests and debugging.
        self.attempt_log: list[tuple[str, str, str]] = []
        #: Attempts the latest request took (for messages about its response).
        self.last_attempts = 0
        #: What the server said it serves, from its latest successful (2xx/3xx) answer.
        self.served = ServedRecording()

    def close(self) -> None:
        self.http.close()

    def backoff_delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if response is not None and response.status_code == 429:
            retry_after = retry_after_seconds(response)
            if retry_after is not None:
                return min(retry_after, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return self.rng.uniform(0, ceiling)

    def request(
        self,
        method: str,
        url: str,
        *,
        stream: str,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        allow_statuses: Collection[int] = (),
        quote_body: bool = True,
    ) -> httpx.Response:
        """Send a request with retries and return the response (2xx/3xx or ``allow_statuses``).

        ``quote_body=False`` keeps the response body out of error messages (login answers).
        """
        attempts = self.max_retries + 1
        last_problem = "no attempt made"
        shown = url if not params else str(httpx.URL(url, params=params))
        for attempt in range(1, attempts + 1):
            response: httpx.Response | None = None
            if self.limiter is not None:
                self.limiter.acquire()
            try:
                response = self.http.request(method, url, json=json, data=data, params=params)
            except httpx.TimeoutException as exc:
                last_problem = f"timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last_problem = f"connection error ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                self.last_attempts = attempt
                if status in allow_statuses:
                    self.attempt_log.append((method, shown, f"HTTP {status}"))
                    return response
                if status == 429 or status >= 500:
                    last_problem = f"HTTP {status}"
                elif status >= 400:
                    self.attempt_log.append((method, shown, f"HTTP {status}"))
                    detail = f": {response.text[:200]!r}" if quote_body else ""
                    raise self.tap_error.kind(errors.BadResponseError)(
                        f"stream {stream}: {method} {shown} failed with HTTP {status} "
                        f"after {attempt} attempt(s) (not retried){detail}"
                    )
                else:
                    self.attempt_log.append((method, shown, f"HTTP {status}"))
                    self.served = ServedRecording.from_headers(response.headers)
                    return response
            self.attempt_log.append((method, shown, last_problem))
            if attempt < attempts:
                delay = self.backoff_delay(attempt, response)
                self.logger.warning(
                    "stream %s: %s %s: %s; retry %d/%d in %.2fs",
                    stream,
                    method,
                    shown,
                    last_problem,
                    attempt,
                    self.max_retries,
                    delay,
                )
                self.sleep(delay)
        raise self.tap_error.kind(errors.RetriesExhaustedError)(
            f"stream {stream}: {method} {shown} failed after {attempts} attempts; "
            f"last error: {last_problem}"
        )

    def parse_json(self, response: httpx.Response, *, stream: str) -> Any:
        """The response's JSON (``None`` for an empty body); a clear error if it is not JSON."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise self.tap_error.kind(errors.BadResponseError)(
                f"stream {stream}: {response.request.method} {response.request.url} returned a "
                f"body that is not JSON ({kind}, {len(response.content)} bytes: "
                f"{response.text[:80]!r}) with HTTP {response.status_code} at attempt "
                f"{self.last_attempts} (not retried): {exc}"
            ) from exc

    def get_json(self, url: str, *, stream: str, params: dict[str, str] | None = None) -> Any:
        response = self.request("GET", url, stream=stream, params=params)
        return self.parse_json(response, stream=stream)
