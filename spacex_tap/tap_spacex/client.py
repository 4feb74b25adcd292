"""HTTP client for the SpaceX API: paging through /query, on tap-common's retrying client.

Transient failures (429, 5xx, timeouts, connection errors) are retried with exponential backoff
and full jitter (:mod:`tap_common.http`); anything else that is wrong (other 4xx, a body that is
not JSON, JSON of the wrong shape, a server that repeats pages) fails at once with a message
saying what and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tap_common import errors
from tap_common.http import RetryingClient
from tap_spacex import __version__

DEFAULT_USER_AGENT = f"tap-spacex/{__version__}"

#: Stable order for paging: ``_id`` is always indexed in MongoDB, so pages never shift.
PAGE_SORT = {"_id": "asc"}


class SpaceXAPIError(errors.TapError):
    """Any failure talking to the SpaceX API."""


# The shared kinds as this tap's own classes (tap_common.errors): `except SpaceXAPIError` catches
# them, and so does `except tap_common.errors.RetriesExhaustedError`.
RetriesExhaustedError = SpaceXAPIError.kind(errors.RetriesExhaustedError)
BadResponseError = SpaceXAPIError.kind(errors.BadResponseError)
RecordValidationError = SpaceXAPIError.kind(errors.RecordValidationError)


class PagingError(SpaceXAPIError):
    """The server's paging is inconsistent (e.g. the same page served twice)."""


class SpaceXClient(RetryingClient):
    """tap-common's retrying client plus the API's base URL and paging; built from the tap's
    settings by :func:`tap_spacex.tap.client_from_config`."""

    tap_error = SpaceXAPIError
    default_user_agent = DEFAULT_USER_AGENT

    def __init__(self, api_url: str, **policy: Any) -> None:
        """``policy``: the retry settings of :class:`~tap_common.http.RetryingClient`."""
        super().__init__(**policy)
        self.api_url = api_url.rstrip("/")

    def url_for(self, path: str, base_url: str | None = None) -> str:
        return f"{(base_url or self.api_url).rstrip('/')}/{path.lstrip('/')}"

    def request_json(
        self, method: str, url: str, *, json_body: Any = None, stream: str = "?"
    ) -> tuple[int, Any]:
        """Send a request with retries; return ``(status, parsed JSON or None for no body)``."""
        response = self.request(method, url, stream=stream, json=json_body)
        return response.status_code, self.parse_json(response, stream=stream)

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
