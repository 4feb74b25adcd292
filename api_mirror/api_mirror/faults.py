"""Fault injection for the mirror: make the next N matching requests misbehave.

Used by tests (Python API) and by anyone poking a running mirror over HTTP
(``POST /__mirror__/faults`` with the same fields as :meth:`FaultInjector.add`).
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import asdict, dataclass
from typing import Any

#: Default bodies for the faults that replace a good answer.
NOT_JSON_BODY = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
WRONG_SHAPE_BODY = b'[{"unexpected": "shape"}]'


@dataclass
class Fault:
    """One rule. ``times`` counts down on every matching request; at 0 the rule is gone.

    Effects, applied in this order: sleep ``delay`` seconds; then if ``status`` is set answer it
    (with ``body`` or a JSON error, and ``Retry-After`` if given); else if ``not_json`` answer
    200 with HTML; else if ``wrong_shape`` answer 200 with JSON of the wrong shape (or ``body``);
    else if ``truncate`` send the real answer's headers and half its body, then close the
    connection; otherwise (delay only) answer normally. ``add_fields`` merges its keys into every
    record of a good JSON answer (each of a query's ``docs``, each item of a list, or the single
    object): the API grew fields the tap does not know (schema drift). ``remove_ids`` drops the
    records whose ``id`` (SpaceX API) or ``NORAD_CAT_ID`` (Space-Track, CelesTrak) is listed from
    a good JSON answer (a query's ``docs``, with ``totalDocs`` lowered to match, or the items of a
    list; a single object is left as it is): records deleted upstream. A paged collection is one
    request per page, so give ``times`` enough uses for every page.
    """

    times: int = 1
    path_contains: str | None = None
    method: str | None = None
    status: int | None = None
    retry_after: float | str | None = None
    delay: float | None = None
    body: str | None = None
    truncate: bool = False
    not_json: bool = False
    wrong_shape: bool = False
    add_fields: dict[str, Any] | None = None
    remove_ids: list[str | int] | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path_contains or self.path_contains in path

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _records_of(body: Any) -> list[Any]:
    """The records of a JSON answer: a query envelope's ``docs``, a list's items, or the object."""
    if isinstance(body, dict) and isinstance(body.get("docs"), list):
        return body["docs"]
    if isinstance(body, list):
        return body
    return [body]


def _encoded(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def with_added_fields(raw: bytes, fields: dict[str, Any]) -> bytes:
    """``raw`` (a JSON answer) with ``fields`` merged into each of its records.

    Records are a query envelope's ``docs``, the items of a list, or the object itself. A body
    that is not JSON (or an error answer) is returned unchanged.
    """
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    for record in _records_of(body):
        if isinstance(record, dict):
            record.update(copy.deepcopy(fields))
    return _encoded(body)


def _record_key(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    key = record.get("id", record.get("NORAD_CAT_ID"))
    return None if key is None else str(key)


def without_records(raw: bytes, ids: list[str | int]) -> bytes:
    """``raw`` (a JSON answer) without the records whose ``id`` or ``NORAD_CAT_ID`` is in ``ids``.

    Ids compare as text, so ``25544`` and ``"25544"`` are the same NORAD number (Space-Track sends
    strings, CelesTrak integers). A query envelope's ``totalDocs`` drops by the number removed;
    a single object and a body that is not JSON are returned unchanged.
    """
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    paged = isinstance(body, dict) and isinstance(body.get("docs"), list)
    if not (paged or isinstance(body, list)):
        return raw  # a single object (or "" of a login): nothing that can disappear
    records = _records_of(body)
    gone = {str(i) for i in ids}
    kept = [record for record in records if _record_key(record) not in gone]
    removed = len(records) - len(kept)
    records[:] = kept
    if isinstance(body, dict) and isinstance(body.get("totalDocs"), int):
        body["totalDocs"] -= removed
    return _encoded(body)


class FaultInjector:
    """Thread-safe list of :class:`Fault` rules, consumed first-added first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        status: int | None = None,
        times: int = 1,
        path_contains: str | None = None,
        retry_after: float | str | None = None,
        delay: float | None = None,
        body: str | None = None,
        *,
        truncate: bool = False,
        not_json: bool = False,
        wrong_shape: bool = False,
        method: str | None = None,
        add_fields: dict[str, Any] | None = None,
        remove_ids: list[str | int] | None = None,
    ) -> Fault:
        """Add a rule for the next ``times`` matching requests and return it."""
        if times < 1:
            raise ValueError("times must be >= 1")
        if status is not None and not 100 <= int(status) <= 599:
            raise ValueError(f"invalid HTTP status {status}")
        if add_fields is not None and not isinstance(add_fields, dict):
            raise ValueError("add_fields must be a JSON object")
        if remove_ids is not None and (
            not isinstance(remove_ids, list)
            or not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in remove_ids)
        ):
            raise ValueError("remove_ids must be a list of ids (strings or integers)")
        fault = Fault(
            times=int(times),
            path_contains=path_contains,
            method=method,
            status=None if status is None else int(status),
            retry_after=retry_after,
            delay=None if delay is None else float(delay),
            body=body,
            truncate=bool(truncate),
            not_json=bool(not_json),
            wrong_shape=bool(wrong_shape),
            add_fields=None if add_fields is None else dict(add_fields),
            remove_ids=None if remove_ids is None else list(remove_ids),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_from_json(self, spec: dict[str, Any]) -> Fault:
        """Add a rule from a JSON object (the HTTP control route); unknown keys are an error."""
        allowed = set(Fault.__dataclass_fields__)
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return self.add(**spec)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first rule matching this request and count one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None
