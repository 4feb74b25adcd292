"""The recorded Space-Track API (login + SATCAT queries) and CelesTrak's SATCAT query.

Space-Track (base URL ``https://www.space-track.org``):

- ``POST /ajaxauth/login`` with the form fields ``identity`` and ``password``
  (``application/x-www-form-urlencoded``). Right credentials: 200, body ``""`` and
  ``Set-Cookie: chocolatechip=<token>; path=/; HttpOnly``. Wrong or missing ones: 200 with the
  body ``{"Login":"Failed"}`` and no cookie; that is what Space-Track itself answers, so a client
  must look at the body, not the status. The mirror's only account is :data:`TEST_IDENTITY` /
  :data:`TEST_PASSWORD` (dev and test credentials; they open nothing real).
- ``GET /basicspacedata/query/class/satcat/<predicates...>`` needs the session cookie (401 with
  a JSON error without it, or with an unknown or expired one). REST predicates, as Space-Track
  parses them: ``<FIELD>/<value>`` pairs where the value is exact (case-insensitive), ``~~x``
  (contains, case-insensitive), ``^x`` (starts with), ``<x``, ``>x``, ``<>x`` (not equal),
  ``a--b`` (inclusive range), ``null-val`` (is null), ``<>null-val`` (is not null), or a
  comma list of exact values; ``orderby/<FIELD> [asc|desc][,...]``, ``limit/N`` or
  ``limit/N,OFFSET``, ``predicates/F1,F2`` (columns), ``emptyresult/show`` (``[]`` when
  nothing matches; without it an empty body) and ``format/json`` (the default; the only
  format the mirror serves). Records come from the
  bundled recording; any other class is a JSON 404.
- :meth:`SpaceTrackApp.expire_sessions` forgets every session (the next query is a 401), so a
  client's "log in again once" path can be tested; ``login_count``, ``failed_login_count`` and
  ``query_count`` count requests (rate tests).

CelesTrak (base URL ``https://celestrak.org``): ``GET /satcat/records.php?NAME=<x>&FORMAT=JSON``
(also ``CATNR``, ``INTDES``; ``FORMAT=JSON-PRETTY``) answers the CelesTrak SATCAT fixture,
``NAME`` being a case-insensitive "contains". The fixture was written from CelesTrak's documented
format, not recorded (``data/PROVENANCE.md``).

Both live on the mirror's one port: in dev, ``mirror.base_url`` is Space-Track's and CelesTrak's
base URL. ``scale={"satcat": N}`` makes both catalogues N times larger with synthetic copies
(NORAD ids + k * 1,000,000, names suffixed ``-S<k>``), all ids unique, for the benchmark.
"""

from __future__ import annotations

import functools
import json
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, unquote

from api_mirror.server import Request, Response, not_found, recording_headers
from api_mirror.spacetrack.snapshot import (
    CELESTRAK_FIELDS,
    CELESTRAK_RECORDING,
    CELESTRAK_RECORDING_DATE,
    SATCAT_FIELDS,
    SATCAT_RECORDING,
    SATCAT_RECORDING_DATE,
    load_celestrak_fixture,
    load_satcat,
)

#: The mirror's one Space-Track account (dev and tests only; not a real account).
TEST_IDENTITY = "mirror@example.com"
TEST_PASSWORD = "mirror-password"  # noqa: S105 (a documented test credential)

#: Space-Track's session cookie name.
SESSION_COOKIE = "chocolatechip"

#: NORAD catalogue number offset between synthetic copies (scale): copy k adds k * this.
SCALE_ID_OFFSET = 1_000_000
#: Catalogue numbers have at most 9 digits; the largest recorded one is 64,339.
MAX_SCALE = 999

LOGIN_FAILED = {"Login": "Failed"}
NOT_LOGGED_IN = {"error": "You must be logged in to complete this action"}

#: Space-Track SATCAT fields holding numbers (compared and sorted numerically).
NUMERIC_FIELDS = frozenset(
    {
        "NORAD_CAT_ID",
        "OBJECT_NUMBER",
        "PERIOD",
        "INCLINATION",
        "APOGEE",
        "PERIGEE",
        "COMMENTCODE",
        "RCSVALUE",
        "FILE",
        "LAUNCH_YEAR",
        "LAUNCH_NUM",
    }
)

#: REST keywords of a query path that are not field predicates.
CONTROL_KEYWORDS = frozenset(
    {"orderby", "limit", "format", "emptyresult", "predicates", "distinct", "metadata"}
)


class QueryError(ValueError):
    """A query path the mirror cannot answer: a JSON 400 naming the problem."""


# -- scale -----------------------------------------------------------------------------------
def _check_factor(factor: int) -> int:
    factor = int(factor)
    if not 1 <= factor <= MAX_SCALE:
        raise ValueError(f"scale factor for satcat must be 1..{MAX_SCALE}, got {factor}")
    return factor


def scale_satcat(records: list[dict[str, Any]], factor: int) -> list[dict[str, Any]]:
    """``factor`` copies of ``records``: copy 0 is the recording, copy k >= 1 has
    ``NORAD_CAT_ID``/``OBJECT_NUMBER`` + k * 1,000,000 and ``-S<k>`` after each name."""
    factor = _check_factor(factor)
    scaled = list(records)
    for k in range(1, factor):
        for record in records:
            clone = dict(record)
            norad = str(int(record["NORAD_CAT_ID"]) + k * SCALE_ID_OFFSET)
            clone["NORAD_CAT_ID"] = norad
            if clone.get("OBJECT_NUMBER") is not None:
                clone["OBJECT_NUMBER"] = norad
            for name_field in ("SATNAME", "OBJECT_NAME"):
                if clone.get(name_field) is not None:
                    clone[name_field] = f"{clone[name_field]}-S{k}"
            scaled.append(clone)
    return scaled


def scale_celestrak(records: list[dict[str, Any]], factor: int) -> list[dict[str, Any]]:
    """The same scaling for the CelesTrak fixture (integer ``NORAD_CAT_ID``)."""
    factor = _check_factor(factor)
    scaled = list(records)
    for k in range(1, factor):
        for record in records:
            clone = dict(record)
            clone["NORAD_CAT_ID"] = int(record["NORAD_CAT_ID"]) + k * SCALE_ID_OFFSET
            clone["OBJECT_NAME"] = f"{record['OBJECT_NAME']}-S{k}"
            scaled.append(clone)
    return scaled


# -- Space-Track REST predicates ---------------------------------------------------------------
def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare_key(field: str, value: Any) -> Any:
    """A comparable form of a record value: numbers for numeric fields, folded strings else."""
    if value is None:
        return None
    if field in NUMERIC_FIELDS:
        number = _number(value)
        if number is not None:
            return number
    return str(value).casefold()


def _predicate(field: str, raw: str) -> Callable[[Any], bool]:
    """A test of one record value for the REST operator syntax of ``raw``."""
    if raw == "null-val":
        return lambda value: value is None
    if raw == "<>null-val":
        return lambda value: value is not None
    if raw.startswith("~~"):
        needle = raw[2:].casefold()
        return lambda value: value is not None and needle in str(value).casefold()
    if raw.startswith("<>"):
        other = _compare_key(field, raw[2:])
        return lambda value: value is not None and _compare_key(field, value) != other
    if raw.startswith("^"):
        prefix = raw[1:].casefold()
        return lambda value: value is not None and str(value).casefold().startswith(prefix)
    if raw.startswith("<") or raw.startswith(">"):
        op, bound = raw[0], _compare_key(field, raw[1:])

        def ordered(value: Any) -> bool:
            key = _compare_key(field, value)
            if key is None or type(key) is not type(bound):
                return False
            return key < bound if op == "<" else key > bound

        return ordered
    if "--" in raw:
        low_raw, _, high_raw = raw.partition("--")
        low, high = _compare_key(field, low_raw), _compare_key(field, high_raw)
        if type(low) is not type(high):
            raise QueryError(f"range {raw!r} for {field} mixes numbers and text")

        def in_range(value: Any) -> bool:
            key = _compare_key(field, value)
            return key is not None and type(key) is type(low) and low <= key <= high

        return in_range
    wanted = {_compare_key(field, part) for part in raw.split(",")}
    return lambda value: value is not None and _compare_key(field, value) in wanted


def parse_satcat_query(segments: list[str], fields: Iterable[str]) -> dict[str, Any]:
    """Split the path segments after ``class/satcat`` into filters and options."""
    known = {field.upper(): field for field in fields}
    if len(segments) % 2:
        raise QueryError(f"predicate {segments[-1]!r} has no value")
    filters: list[tuple[str, Callable[[Any], bool]]] = []
    options: dict[str, Any] = {
        "orderby": [],
        "limit": None,
        "offset": 0,
        "format": "json",
        "emptyresult": None,
        "predicates": None,
    }
    for key, value in zip(segments[::2], segments[1::2], strict=True):
        keyword = key.lower()
        if keyword in CONTROL_KEYWORDS:
            if keyword == "orderby":
                for part in value.split(","):
                    name, _, direction = part.strip().partition(" ")
                    direction = (direction.strip() or "asc").lower()
                    if name.upper() not in known or direction not in ("asc", "desc"):
                        raise QueryError(f"cannot order by {part!r}")
                    options["orderby"].append((known[name.upper()], direction == "desc"))
            elif keyword == "limit":
                count, _, offset = value.partition(",")
                if not count.isdigit() or (offset and not offset.isdigit()):
                    raise QueryError(f"limit wants N or N,OFFSET, got {value!r}")
                options["limit"], options["offset"] = int(count), int(offset or 0)
            elif keyword == "format":
                if value.lower() != "json":
                    raise QueryError(f"the mirror serves format/json only, not {value!r}")
            elif keyword == "emptyresult":
                options["emptyresult"] = value.lower()
            elif keyword == "predicates":
                columns = [part.strip().upper() for part in value.split(",") if part.strip()]
                unknown = [c for c in columns if c not in known]
                if unknown:
                    raise QueryError(f"unknown predicates column(s): {', '.join(unknown)}")
                options["predicates"] = [known[c] for c in columns]
            else:
                raise QueryError(f"the mirror does not support {key}/{value}")
            continue
        if key.upper() not in known:
            raise QueryError(f"unknown field {key!r} for class satcat")
        field = known[key.upper()]
        filters.append((field, _predicate(field, value)))
    options["filters"] = filters
    return options


def _record_key(field: str, record: dict[str, Any]) -> Any:
    return _compare_key(field, record.get(field))


def run_satcat_query(records: list[dict[str, Any]], options: dict[str, Any]) -> list[dict]:
    """Filter, order (stable: ties keep the recorded order), limit and project ``records``."""
    found = [r for r in records if all(test(r.get(field)) for field, test in options["filters"])]
    for field, descending in reversed(options["orderby"]):
        present = [r for r in found if r.get(field) is not None]
        missing = [r for r in found if r.get(field) is None]
        present.sort(key=functools.partial(_record_key, field), reverse=descending)
        # MySQL puts NULLs first ascending and last descending
        found = present + missing if descending else missing + present
    if options["limit"] is not None:
        found = found[options["offset"] : options["offset"] + options["limit"]]
    elif options["offset"]:
        found = found[options["offset"] :]
    if options["predicates"]:
        found = [{c: r.get(c) for c in options["predicates"]} for r in found]
    return found


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


class SpaceTrackApp:
    """Space-Track's login and SATCAT query, plus CelesTrak's SATCAT query (module docstring)."""

    name = "spacetrack"

    #: How many distinct query answers to keep encoded (a scaled catalogue is large).
    CACHE_SIZE = 8

    def __init__(self, scale: dict[str, int] | None = None) -> None:
        scale = dict(scale or {})
        unknown = set(scale) - self.scalable()
        if unknown:
            raise ValueError(f"cannot scale unknown resource(s): {', '.join(sorted(unknown))}")
        factor = int(scale.get("satcat", 1))
        self.satcat = scale_satcat(load_satcat(), factor)
        self.celestrak = scale_celestrak(load_celestrak_fixture(), factor)
        scaled = f" (scaled: satcat x{factor}, synthetic copies)" if factor > 1 else ""
        self.spacetrack_headers = recording_headers(
            SATCAT_RECORDING + scaled, SATCAT_RECORDING_DATE
        )
        self.celestrak_headers = recording_headers(
            CELESTRAK_RECORDING + scaled, CELESTRAK_RECORDING_DATE
        )
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self.reset()

    @staticmethod
    def scalable() -> frozenset[str]:
        return frozenset({"satcat"})

    # -- test hooks ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget sessions and counters (between tests)."""
        with self._lock:
            self.sessions: set[str] = set()
            self.login_count = 0
            self.failed_login_count = 0
            self.query_count = 0
            #: The latest CelesTrak query parameters (bounded: the dev mirror runs for days).
            self.celestrak_queries: deque[dict[str, list[str]]] = deque(maxlen=100)

    def expire_sessions(self) -> None:
        """Expire every session: the next query with an old cookie gets a 401."""
        with self._lock:
            self.sessions.clear()

    # -- routing ------------------------------------------------------------------------------
    def route(self, request: Request) -> Response | None:
        """Space-Track's and CelesTrak's answers, each with its own recording headers."""
        response = self._route(request)
        if response is not None:
            is_celestrak = request.path.rstrip("/") == "/satcat/records.php"
            headers = self.celestrak_headers if is_celestrak else self.spacetrack_headers
            response.headers.update(headers)
        return response

    def _route(self, request: Request) -> Response | None:
        path = request.path
        if path == "/ajaxauth" or path.startswith("/ajaxauth/"):
            if path.rstrip("/") != "/ajaxauth/login":
                return not_found(path)
            if request.method != "POST":
                return Response(405, {"error": "Method Not Allowed"}, {"Allow": "POST"})
            return self._login(request)
        if path == "/basicspacedata" or path.startswith("/basicspacedata/"):
            if request.method != "GET":
                return Response(405, {"error": "Method Not Allowed"}, {"Allow": "GET"})
            return self._query(request)
        if path.rstrip("/") == "/satcat/records.php":
            if request.method != "GET":
                return Response(405, {"error": "Method Not Allowed"}, {"Allow": "GET"})
            return self._celestrak(request)
        return None

    # -- Space-Track ----------------------------------------------------------------------------
    def _login(self, request: Request) -> Response:
        try:
            form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            form = {}
        identity = (form.get("identity") or [""])[0]
        password = (form.get("password") or [""])[0]
        if identity != TEST_IDENTITY or password != TEST_PASSWORD:
            with self._lock:
                self.failed_login_count += 1
            return Response(200, LOGIN_FAILED)
        token = secrets.token_hex(16)
        with self._lock:
            self.login_count += 1
            self.sessions.add(token)
        return Response(
            200,
            b'""',
            {**JSON_HEADERS, "Set-Cookie": f"{SESSION_COOKIE}={token}; path=/; HttpOnly"},
        )

    def _session_of(self, request: Request) -> str | None:
        header = request.header("Cookie")
        if not header:
            return None
        try:
            cookie = SimpleCookie(header)
        except CookieError:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return None if morsel is None else morsel.value

    def _query(self, request: Request) -> Response:
        segments = [unquote(part) for part in request.path.split("/") if part]
        # basicspacedata / query / class / <class> / ...
        if len(segments) < 4 or segments[1] != "query" or segments[2] != "class":
            return not_found(request.path)
        token = self._session_of(request)
        with self._lock:
            authorised = token is not None and token in self.sessions
            if authorised:
                self.query_count += 1
        if not authorised:
            return Response(401, NOT_LOGGED_IN)
        if segments[3] != "satcat":
            return Response(404, {"error": f"Unknown class {segments[3]!r}", "path": request.path})
        key = "/".join(segments[4:])
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is None:
            try:
                options = parse_satcat_query(segments[4:], SATCAT_FIELDS)
            except QueryError as exc:
                return Response(400, {"error": str(exc)})
            found = run_satcat_query(self.satcat, options)
            show_empty = options["emptyresult"] == "show"
            cached = _json_bytes(found) if found or show_empty else b""
            with self._lock:
                self._cache[key] = cached
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
        return Response(200, cached, dict(JSON_HEADERS))

    # -- CelesTrak ----------------------------------------------------------------------------
    def _celestrak(self, request: Request) -> Response:
        params = {key.upper(): values for key, values in request.query.items()}
        with self._lock:
            self.celestrak_queries.append(params)
        fmt = (params.get("FORMAT") or ["JSON"])[0].upper()
        if fmt not in ("JSON", "JSON-PRETTY"):
            return Response(400, {"error": f"the mirror serves FORMAT=JSON only, not {fmt!r}"})
        tests: list[Callable[[dict[str, Any]], bool]] = []
        if "NAME" in params:
            needle = params["NAME"][0].casefold()
            tests.append(lambda r: needle in str(r["OBJECT_NAME"]).casefold())
        if "CATNR" in params:
            wanted = {part.strip() for part in params["CATNR"][0].split(",")}
            tests.append(lambda r: str(r["NORAD_CAT_ID"]) in wanted)
        if "INTDES" in params:
            prefix = params["INTDES"][0].casefold()
            tests.append(lambda r: str(r["OBJECT_ID"]).casefold().startswith(prefix))
        if not tests:
            return Response(400, {"error": "a SATCAT query needs NAME, CATNR or INTDES"})
        found = [record for record in self.celestrak if all(test(record) for test in tests)]
        found = [{field: record.get(field) for field in CELESTRAK_FIELDS} for record in found]
        if fmt == "JSON-PRETTY":
            body = json.dumps(found, indent=2).encode("utf-8")
        else:
            body = _json_bytes(found)
        return Response(200, body, dict(JSON_HEADERS))
