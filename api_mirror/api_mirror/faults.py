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
    object): the API grew fields the tap does not know (schema drift).
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

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path_contains or self.path_contains in path

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def with_added_fields(raw: bytes, fields: dict[str, Any]) -> bytes:
    """``raw`` (a JSON answer) with ``fields`` merged into each of its records.

    Records are a query envelope's ``docs``, the items of a list, or the object itself. A body
    that is not JSON (or an error answer) is returned unchanged.
    """
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(body, dict) and isinstance(body.get("docs"), list):
        records = body["docs"]
    elif isinstance(body, list):
        records = body
    else:
        records = [body]
    for record in records:
        if isinstance(record, dict):
            record.update(copy.deepcopy(fields))
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


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
    ) -> Fault:
        """Add a rule for the next ``times`` matching requests and return it."""
        if times < 1:
            raise ValueError("times must be >= 1")
        if status is not None and not 100 <= int(status) <= 599:
            raise ValueError(f"invalid HTTP status {status}")
        if add_fields is not None and not isinstance(add_fields, dict):
            raise ValueError("add_fields must be a JSON object")
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
