"""HTTP for the SATCAT sources: tap-common's retrying client, a rate limiter, Space-Track's login.

Transient failures (429, 5xx, timeouts, connection errors) are retried with exponential backoff
and full jitter, honouring a 429's ``Retry-After`` (:mod:`tap_common.http`); anything else that is
wrong (other 4xx, a body that is not JSON) fails at once with a message naming the stream, the
URL, the status and the attempts. Space-Track asks for fewer than 30 requests a minute: every
Space-Track request (logins, queries and their retries) first passes a :class:`RateLimiter`.

The Space-Track identity and password are sent only in the login form; they are never logged
and never part of an error message (messages are scrubbed of them as a second guard).
"""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx

from tap_common import errors
from tap_common.http import RetryingClient
from tap_satcat import __version__

DEFAULT_USER_AGENT = f"tap-satcat/{__version__}"

#: Settings a failed Space-Track login points at (names only, never values).
CREDENTIAL_SETTINGS = "spacetrack_identity and spacetrack_password"


class SatcatError(errors.TapError):
    """Any failure reading a SATCAT source."""


# The shared kinds as this tap's own classes (tap_common.errors): `except SatcatError` catches
# them, and so does `except tap_common.errors.BadResponseError`.
RetriesExhaustedError = SatcatError.kind(errors.RetriesExhaustedError)
BadResponseError = SatcatError.kind(errors.BadResponseError)
RecordValidationError = SatcatError.kind(errors.RecordValidationError)


class LoginError(SatcatError):
    """Space-Track refused the credentials or the session."""


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


class HTTPClient(RetryingClient):
    """tap-common's retrying client (with its cookie jar; a :class:`RateLimiter` for Space-Track)
    raising this tap's errors."""

    tap_error = SatcatError
    default_user_agent = DEFAULT_USER_AGENT


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
