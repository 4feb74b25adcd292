"""HTTP for the SATCAT sources: httpx, retries with backoff, a rate limiter, Space-Track's login.

Transient failures (429, 5xx, timeouts, connection errors) are retried with exponential backoff
and full jitter, honouring a 429's ``Retry-After``; anything else that is wrong (other 4xx, a
body that is not JSON) fails at once with a message naming the stream, the URL, the status and
the attempts. Space-Track asks for fewer than 30 requests a minute: every Space-Track request
(logins, queries and their retries) first passes a :class:`RateLimiter`.

The Space-Track identity and password are sent only in the login form; they are never logged
and never part of an error message (messages are scrubbed of them as a second guard).
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tap_satcat import __version__

DEFAULT_USER_AGENT = f"tap-satcat/{__version__}"

#: Settings a failed Space-Track login points at (names only, never values).
CREDENTIAL_SETTINGS = "spacetrack_identity and spacetrack_password"

#: Response headers of a recorded API saying what it serves (the local api-mirror sends them).
RECORDING_HEADER = "X-Recording"
RECORDING_DATE_HEADER = "X-Recording-Date"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class SatcatError(RuntimeError):
    """Any failure reading a SATCAT source."""


class RetriesExhaustedError(SatcatError):
    """A transient failure persisted through every attempt."""


class BadResponseError(SatcatError):
    """The source answered, but with something the tap cannot use (4xx, not JSON, wrong shape)."""


class LoginError(SatcatError):
    """Space-Track refused the credentials or the session."""


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


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # HTTP-date form: fall back to our own backoff


class RateLimiter:
    """At most ``max_requests`` requests in any ``period`` seconds (a sliding window).

    ``clock`` (monotonic seconds) and ``sleep`` are injectable, so tests use a fake clock and
    never sleep.
    """

    def __init__(
        self,
        max_requests: int,
        period: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        logger: logging.Logger | None = None,
        name: str = "Space-Track",
    ) -> None:
        if int(max_requests) < 1:
            raise ValueError("max_requests must be >= 1")
        self.max_requests = int(max_requests)
        self.period = float(period)
        self.clock = clock
        self.sleep = sleep
        self.logger = logger or logging.getLogger("tap-satcat.client")
        self.name = name
        self._sent: deque[float] = deque()
        #: Seconds waited so far (tests, logs).
        self.waited: list[float] = []

    def _forget_old(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()

    def acquire(self) -> float:
        """Wait until one more request fits in the window, then count it; return the wait."""
        now = self.clock()
        self._forget_old(now)
        total = 0.0
        while len(self._sent) >= self.max_requests:
            wait = self._sent[0] + self.period - now
            if wait > 0:
                self.logger.info(
                    "%s rate limit: %d requests in the last %.0fs; waiting %.1fs",
                    self.name,
                    len(self._sent),
                    self.period,
                    wait,
                )
                self.sleep(wait)
                total += wait
                self.waited.append(wait)
            now = self.clock()
            self._forget_old(now)
            if wait <= 0 and len(self._sent) >= self.max_requests:  # pragma: no cover
                self._sent.popleft()  # a clock that does not move: never spin
        self._sent.append(now)
        return total


class HTTPClient:
    """One ``httpx.Client`` (with its cookie jar) plus the retry policy and an optional limiter.

    The numbers have no defaults here: they come from the tap's settings
    (:func:`tap_satcat.tap.resolved_config`), the only place that knows them.
    """

    def __init__(
        self,
        *,
        timeout: float,
        max_retries: int,
        backoff_base: float,
        backoff_max: float,
        user_agent: str = DEFAULT_USER_AGENT,
        limiter: RateLimiter | None = None,
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
        self.logger = logger or logging.getLogger("tap-satcat.client")
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
            retry_after = _retry_after_seconds(response)
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
                response = self.http.request(method, url, data=data, params=params)
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
                    raise BadResponseError(
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
        raise RetriesExhaustedError(
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
            raise BadResponseError(
                f"stream {stream}: {response.request.method} {response.request.url} answered "
                f"HTTP {response.status_code} (attempt {self.last_attempts}, not retried) with a "
                f"body that is not JSON ({kind}, {len(response.content)} bytes: "
                f"{response.text[:80]!r}): {exc}"
            ) from exc

    def get_json(self, url: str, *, stream: str, params: dict[str, str] | None = None) -> Any:
        response = self.request("GET", url, stream=stream, params=params)
        return self.parse_json(response, stream=stream)


_LOGIN_FAILED = re.compile(r'"?login"?\s*:\s*"?failed', re.IGNORECASE)


def login_failed(response: httpx.Response) -> bool:
    """Space-Track answers a rejected login with HTTP 200 and ``{"Login":"Failed"}``."""
    try:
        body = response.json()
    except ValueError:
        return bool(_LOGIN_FAILED.search(response.text[:500]))
    if isinstance(body, dict):
        return any(
            str(key).lower() == "login" and str(value).lower() == "failed"
            for key, value in body.items()
        )
    return False


class SpaceTrackClient:
    """Space-Track's session: ``POST /ajaxauth/login`` once, then queries with the cookie.

    A query answered 401 (the session expired) logs in again once and repeats the query; a
    second 401 fails. Every request passes the HTTP client's rate limiter.
    """

    LOGIN_PATH = "/ajaxauth/login"

    def __init__(
        self,
        http: HTTPClient,
        base_url: str,
        *,
        identity: str,
        password: str,
        logger: logging.Logger | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._identity = identity
        self._password = password
        self.logger = logger or logging.getLogger("tap-satcat.client")
        self.logged_in = False
        self.login_count = 0

    def __repr__(self) -> str:  # never show the credentials
        return f"SpaceTrackClient({self.base_url!r}, logged_in={self.logged_in})"

    def close(self) -> None:
        self.http.close()

    def url_for(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def scrub(self, text: str) -> str:
        """``text`` with the identity and password replaced by ``***``."""
        for secret in (self._password, self._identity):
            if secret:
                text = text.replace(secret, "***")
        return text

    def login(self, *, stream: str) -> None:
        url = self.url_for(self.LOGIN_PATH)
        try:
            self.http.http.cookies.clear()
            response = self.http.request(
                "POST",
                url,
                stream=stream,
                data={"identity": self._identity, "password": self._password},
                allow_statuses=(401, 403),
                quote_body=False,
            )
            if response.status_code in (401, 403):
                raise LoginError(
                    f"stream {stream}: Space-Track login failed: POST {url} answered HTTP "
                    f"{response.status_code}; check the settings {CREDENTIAL_SETTINGS}"
                )
            if login_failed(response):
                raise LoginError(
                    f"stream {stream}: Space-Track login failed: POST {url} answered "
                    f'{{"Login":"Failed"}} (wrong identity or password); check the settings '
                    f"{CREDENTIAL_SETTINGS}"
                )
            if not self.http.http.cookies:
                raise LoginError(
                    f"stream {stream}: Space-Track login failed: POST {url} answered HTTP "
                    f"{response.status_code} without a session cookie; check the settings "
                    f"{CREDENTIAL_SETTINGS} and spacetrack_url"
                )
        except SatcatError as exc:
            self.logged_in = False
            exc.args = (self.scrub(str(exc)),)
            raise
        self.logged_in = True
        self.login_count += 1
        self.logger.info("stream %s: logged in to Space-Track (%s)", stream, url)

    def get_json(self, path: str, *, stream: str) -> Any:
        """GET ``path`` with the session (logging in first, and once more if it expired)."""
        url = self.url_for(path)
        try:
            if not self.logged_in:
                self.login(stream=stream)
            response = self.http.request("GET", url, stream=stream, allow_statuses=(401,))
            if response.status_code == 401:
                self.logged_in = False
                self.logger.warning(
                    "stream %s: GET %s answered HTTP 401: the Space-Track session expired or "
                    "was refused; logging in again (once)",
                    stream,
                    url,
                )
                self.login(stream=stream)
                response = self.http.request("GET", url, stream=stream, allow_statuses=(401,))
                if response.status_code == 401:
                    self.logged_in = False
                    raise LoginError(
                        f"stream {stream}: GET {url} answered HTTP 401 again right after a "
                        "fresh login; Space-Track does not accept this session (account not "
                        f"cleared for API queries?); check the settings {CREDENTIAL_SETTINGS}"
                    )
            return self.http.parse_json(response, stream=stream)
        except SatcatError as exc:
            exc.args = (self.scrub(str(exc)),)
            raise
