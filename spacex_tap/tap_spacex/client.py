"""HTTP client for the SpaceX API: httpx, retries with backoff, and paging through /query.

Transient failures (429, 5xx, timeouts, connection errors) are retried with exponential backoff
and full jitter; anything else that is wrong (other 4xx, a body that is not JSON, JSON of the
wrong shape, a server that repeats pages) fails at once with a message saying what and where.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tap_spacex import __version__

DEFAULT_USER_AGENT = f"tap-spacex/{__version__}"

#: Stable order for paging: ``_id`` is always indexed in MongoDB, so pages never shift.
PAGE_SORT = {"_id": "asc"}

#: Response headers of a recorded API saying what it serves (the local api-mirror sends them).
RECORDING_HEADER = "X-Recording"
RECORDING_DATE_HEADER = "X-Recording-Date"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class SpaceXAPIError(RuntimeError):
    """Any failure talking to the SpaceX API."""


class RetriesExhaustedError(SpaceXAPIError):
    """A transient failure persisted through every attempt."""


class BadResponseError(SpaceXAPIError):
    """The API answered, but with something the tap cannot use (4xx, not JSON, wrong shape)."""


class PagingError(SpaceXAPIError):
    """The server's paging is inconsistent (e.g. the same page served twice)."""


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
    API, which sends no recording headers."""

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


class SpaceXClient:
    """One shared ``httpx.Client`` plus the retry and paging policy.

    The numbers have no defaults here: they come from the tap's settings
    (:func:`tap_spacex.tap.client_from_config`), the only place that knows them.
    """

    def __init__(
        self,
        api_url: str,
        *,
        timeout: float,
        max_retries: int,
        backoff_base: float,
        backoff_max: float,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.logger = logger or logging.getLogger("tap-spacex.client")
        self.http = httpx.Client(
            timeout=httpx.Timeout(float(timeout)),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        #: (method, url, outcome) of every attempt, handy for tests and debugging.
        self.attempt_log: list[tuple[str, str, str]] = []
        #: What the server said it serves, from its latest successful answer.
        self.served = ServedRecording()

    def close(self) -> None:
        self.http.close()

    def url_for(self, path: str, base_url: str | None = None) -> str:
        return f"{(base_url or self.api_url).rstrip('/')}/{path.lstrip('/')}"

    # -- retries ---------------------------------------------------------------------------
    def backoff_delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if response is not None and response.status_code == 429:
            retry_after = _retry_after_seconds(response)
            if retry_after is not None:
                return min(retry_after, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return self.rng.uniform(0, ceiling)

    def request_json(
        self, method: str, url: str, *, json_body: Any = None, stream: str = "?"
    ) -> tuple[int, Any]:
        """Send a request with retries; return ``(status, parsed JSON or None for 204)``."""
        attempts = self.max_retries + 1
        last_problem = "no attempt made"
        for attempt in range(1, attempts + 1):
            response: httpx.Response | None = None
            try:
                response = self.http.request(method, url, json=json_body)
            except httpx.TimeoutException as exc:
                last_problem = f"timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last_problem = f"connection error ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    last_problem = f"HTTP {status}"
                elif status >= 400:
                    self.attempt_log.append((method, url, f"HTTP {status}"))
                    raise BadResponseError(
                        f"stream {stream}: {method} {url} failed with HTTP {status} "
                        f"(not retried): {response.text[:200]!r}"
                    )
                else:
                    self.attempt_log.append((method, url, f"HTTP {status}"))
                    body = self._parse_json(response, method, url, stream)
                    self.served = ServedRecording.from_headers(response.headers)
                    return status, body
            self.attempt_log.append((method, url, last_problem))
            if attempt < attempts:
                delay = self.backoff_delay(attempt, response)
                self.logger.warning(
                    "stream %s: %s %s: %s; retry %d/%d in %.2fs",
                    stream,
                    method,
                    url,
                    last_problem,
                    attempt,
                    self.max_retries,
                    delay,
                )
                self.sleep(delay)
        raise RetriesExhaustedError(
            f"stream {stream}: {method} {url} failed after {attempts} attempts; "
            f"last error: {last_problem}"
        )

    @staticmethod
    def _parse_json(response: httpx.Response, method: str, url: str, stream: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise BadResponseError(
                f"stream {stream}: {method} {url} returned a body that is not JSON "
                f"({kind}, {len(response.content)} bytes: {response.text[:80]!r}): {exc}"
            ) from exc

    # -- resources -------------------------------------------------------------------------
    def get_object(self, path: str, *, stream: str, base_url: str | None = None) -> dict[str, Any]:
        """GET a single-object resource (company, roadster) and check it is a record."""
        url = self.url_for(path, base_url)
        _, body = self.request_json("GET", url, stream=stream)
        if not isinstance(body, dict):
            raise BadResponseError(
                f"stream {stream}: GET {url} returned {type(body).__name__}, expected an object"
            )
        check_record(body, stream=stream, url=url)
        return body

    def paginate(
        self,
        path: str,
        *,
        stream: str,
        page_size: int,
        query: dict[str, Any] | None = None,
        base_url: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield every document of ``POST <path>/query``, page by page, sorted by ``_id``."""
        url = self.url_for(f"{path.rstrip('/')}/query", base_url)
        seen_first_ids: set[str] = set()
        page = 1
        while True:
            body = {
                "query": query or {},
                "options": {"page": page, "limit": page_size, "sort": PAGE_SORT},
            }
            _, envelope = self.request_json("POST", url, json_body=body, stream=stream)
            docs = check_envelope(envelope, stream=stream, url=url, page=page)
            served_page = envelope.get("page", page)
            if served_page != page:
                raise PagingError(
                    f"stream {stream}: POST {url} asked for page {page} but got page "
                    f"{served_page}; stopping to avoid reading pages twice"
                )
            if docs:
                first_id = docs[0]["id"]
                if first_id in seen_first_ids:
                    raise PagingError(
                        f"stream {stream}: POST {url} page {page} starts with id {first_id}, "
                        "already seen on an earlier page: the server repeats pages; stopping"
                    )
                seen_first_ids.add(first_id)
            yield from docs
            total_pages = envelope.get("totalPages")
            if not docs or not envelope.get("hasNextPage"):
                return
            if isinstance(total_pages, int) and page >= total_pages:
                return
            page += 1


def check_record(doc: Any, *, stream: str, url: str) -> None:
    if not isinstance(doc, dict):
        raise BadResponseError(
            f"stream {stream}: {url} returned a document that is {type(doc).__name__}, "
            "expected an object"
        )
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        raise BadResponseError(
            f"stream {stream}: {url} returned a document without a string 'id' "
            f"(keys: {', '.join(sorted(doc))[:200]})"
        )


def check_envelope(envelope: Any, *, stream: str, url: str, page: int) -> list[dict[str, Any]]:
    """Validate a mongoose-paginate-v2 envelope and return its docs."""
    if not isinstance(envelope, dict):
        raise BadResponseError(
            f"stream {stream}: POST {url} page {page} returned "
            f"{type(envelope).__name__ if envelope is not None else 'an empty body'}, "
            "expected a paging object with a 'docs' list"
        )
    docs = envelope.get("docs")
    if not isinstance(docs, list):
        raise BadResponseError(
            f"stream {stream}: POST {url} page {page} returned an object without a 'docs' list "
            f"(keys: {', '.join(sorted(envelope))[:200]})"
        )
    for doc in docs:
        check_record(doc, stream=stream, url=url)
    return docs
