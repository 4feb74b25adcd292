"""The mirror's HTTP server: one port serving every recorded API, with fault injection.

The recorded APIs (:mod:`api_mirror.spacex`, :mod:`api_mirror.spacetrack`, ...) are *apps*: each
answers the paths it owns (``route`` returns ``None`` for the others). Their paths never overlap
(the SpaceX API lives under ``/v4`` and ``/v5``, Space-Track under ``/ajaxauth`` and
``/basicspacedata``), so one process on one port stands in for all of them.

``MirrorServer`` runs in a background thread (tests) or in the foreground (``api-mirror``).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, parse_qsl, urlencode

from api_mirror.faults import (
    NOT_JSON_BODY,
    WRONG_SHAPE_BODY,
    Fault,
    FaultInjector,
    with_added_fields,
    without_records,
)

CONTROL_PATH = "/__mirror__/faults"
#: Form fields the request log never keeps (Space-Track's login): the log is readable through
#: the control route, and a user may point a real account at the mirror by mistake.
SECRET_FIELDS = frozenset({"identity", "password"})

#: Response headers saying what a recorded API's answers come from, so a client (the taps'
#: ``extract_provenance``) can record it: a human-readable description and the recording's date.
#: A live API sends neither.
RECORDING_HEADER = "X-Recording"
RECORDING_DATE_HEADER = "X-Recording-Date"


def recording_headers(recording: str, recording_date: str | None) -> dict[str, str]:
    """The recording headers of an app (no date header for a recording without a date).

    Raises ValueError for values HTTP cannot carry or a date that is not ``YYYY-MM-DD``.
    """
    if not recording or "\r" in recording or "\n" in recording:
        raise ValueError(f"a recording's description must be one non-empty line: {recording!r}")
    try:
        recording.encode("latin-1")  # what http.server encodes header values with
    except UnicodeEncodeError:
        raise ValueError(f"a recording's description must be Latin-1: {recording!r}") from None
    headers = {RECORDING_HEADER: recording}
    if recording_date is not None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", recording_date):
            raise ValueError(f"a recording date must be YYYY-MM-DD, got {recording_date!r}")
        date.fromisoformat(recording_date)  # a real day (ValueError otherwise)
        headers[RECORDING_DATE_HEADER] = recording_date
    return headers


class Response:
    """A status, headers and a body (JSON-encoded unless it is already bytes)."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        self.status = status
        self.headers = dict(headers or {})
        if body is None:
            self.raw = b""
        elif isinstance(body, bytes):
            self.raw = body
        else:
            self.raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
            self.headers.setdefault("Content-Type", "application/json; charset=utf-8")


def not_found(path: str) -> Response:
    return Response(404, {"error": "Not Found", "path": path})


@dataclass
class Request:
    """What an app sees of one HTTP request."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Message | dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else str(value)


class MirrorApp(Protocol):
    """One recorded API. ``route`` answers a request on one of its paths, else returns None."""

    name: str

    def route(self, request: Request) -> Response | None: ...


class _MirrorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class _Handler(BaseHTTPRequestHandler):
    server: _MirrorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "api-mirror/0.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence http.server's default stderr line; MirrorServer logs its own."""

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        mirror = self.server.mirror
        path, _, query_string = self.path.partition("?")
        raw = self._read_body()
        if path.rstrip("/") == CONTROL_PATH:
            self._send(mirror.handle_control(method, raw))
            return
        body_for_log: Any = None
        if raw:
            try:
                body_for_log = json.loads(raw)
            except ValueError:
                body_for_log = _redacted(raw.decode("utf-8", "replace"))
        mirror.record_request(method, path, body_for_log)
        fault = mirror.faults.take(method, path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        request = Request(method, path, parse_qs(query_string), self.headers, raw)
        response = mirror.route(request)
        try:
            if fault:
                self._send_with_fault(response, fault)
            else:
                self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired)
        mirror.log_line(method, self.path, response.status, started, fault)

    def _send_with_fault(self, response: Response, fault: Fault) -> None:
        good = 200 <= response.status < 300
        if fault.remove_ids is not None and good:
            kept = without_records(response.raw, fault.remove_ids)
            response = Response(response.status, kept, response.headers)  # apps may cache theirs
        if fault.add_fields is not None and good:
            merged = with_added_fields(response.raw, fault.add_fields)
            response = Response(response.status, merged, response.headers)
        if fault.status is not None:
            body = fault.body.encode("utf-8") if fault.body is not None else None
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            if body is None:
                error = {"error": f"injected fault {fault.status}"}
                failed = Response(fault.status, error, headers)
            else:
                headers["Content-Type"] = "application/json; charset=utf-8"
                failed = Response(fault.status, body, headers)
            self._send(failed)
        elif fault.not_json:
            body = fault.body.encode("utf-8") if fault.body is not None else NOT_JSON_BODY
            self._send(Response(200, body, {"Content-Type": "text/html"}))
        elif fault.wrong_shape:
            body = fault.body.encode("utf-8") if fault.body is not None else WRONG_SHAPE_BODY
            self._send(Response(200, body, {"Content-Type": "application/json; charset=utf-8"}))
        elif fault.truncate:
            self._send(response, truncate=True)
        else:
            self._send(response)

    def _send(self, response: Response, truncate: bool = False) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.raw)))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(response.raw[: len(response.raw) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif response.raw and self.command != "HEAD":
            self.wfile.write(response.raw)


def default_apps(
    scale: dict[str, int] | None = None,
    *,
    spacex_data_dir: Path | None = None,
    spacex_recording_date: str | None = None,
    spacex_recording: str | None = None,
) -> list[MirrorApp]:
    """Every recorded API this package serves; ``scale`` keys go to the app that owns them.

    ``spacex_data_dir`` serves another SpaceX recording (a folder laid out like the bundled
    ``spacex/data/``) with its own date and description (see :class:`SpaceXApp`).
    """
    from api_mirror.spacetrack.api import SpaceTrackApp
    from api_mirror.spacex.api import SpaceXApp

    remaining = dict(scale or {})

    def owned_by(app_type: Any) -> dict[str, int]:
        return {k: remaining.pop(k) for k in list(remaining) if k in app_type.scalable()}

    apps: list[MirrorApp] = [
        SpaceXApp(
            owned_by(SpaceXApp),
            data_dir=spacex_data_dir,
            recording_date=spacex_recording_date,
            recording=spacex_recording,
        ),
        SpaceTrackApp(owned_by(SpaceTrackApp)),
    ]
    if remaining:
        raise ValueError(f"cannot scale unknown resource(s): {', '.join(sorted(remaining))}")
    return apps


class MirrorServer:
    """The mirror, usable as a context manager: ``with MirrorServer() as m: m.url``.

    ``url`` is the SpaceX API's /v4 base URL (the tap's ``api_url``); ``base_url`` is the bare
    ``http://host:port`` (Space-Track's base URL). ``faults`` injects failures; ``request_log``
    lists ``(method, path, body)`` of every API request handled. ``spacex_data_dir``,
    ``spacex_recording_date`` and ``spacex_recording`` serve another SpaceX recording (e.g. a
    test's modified copy of the bundled one) instead of the bundled 2021-04-22 one.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        scale: dict[str, int] | None = None,
        log_requests: bool = False,
        log_stream: Any = None,
        apps: Iterable[MirrorApp] | None = None,
        *,
        spacex_data_dir: Path | None = None,
        spacex_recording_date: str | None = None,
        spacex_recording: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        if apps is not None:
            self.apps: list[MirrorApp] = list(apps)
        else:
            self.apps = default_apps(
                scale,
                spacex_data_dir=spacex_data_dir,
                spacex_recording_date=spacex_recording_date,
                spacex_recording=spacex_recording,
            )
        self.faults = FaultInjector()
        self.request_log: list[tuple[str, str, Any]] = []
        self.log_requests = log_requests
        self.log_stream = log_stream if log_stream is not None else sys.stderr
        self._log_lock = threading.Lock()
        self._httpd: _MirrorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def app(self, name: str) -> Any:
        """The app serving the API called ``name`` (``spacex``, ``spacetrack``)."""
        for app in self.apps:
            if app.name == name:
                return app
        raise KeyError(f"this mirror serves no API called {name!r}")

    # -- lifecycle -------------------------------------------------------------------------
    def bind(self) -> None:
        """Open the listening socket (raises OSError if the port is taken)."""
        httpd = _MirrorHTTPServer((self.host, self.port), _Handler)
        httpd.mirror = self
        self._httpd = httpd
        self.port = httpd.server_address[1]

    def start(self) -> MirrorServer:
        """Bind and serve in a daemon thread."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"api-mirror-{self.port}",
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Bind (if needed) and serve in the calling thread until shutdown/KeyboardInterrupt."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        self._httpd = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no API version)."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/v4``: the SpaceX tap's ``api_url``."""
        return f"{self.base_url}/v4"

    def reset(self) -> None:
        """Forget pending faults, the request log and any per-test state of the apps."""
        self.faults.clear()
        with self._log_lock:
            self.request_log.clear()
        for app in self.apps:
            reset = getattr(app, "reset", None)
            if reset is not None:
                reset()

    # -- bookkeeping -------------------------------------------------------------------------
    def record_request(self, method: str, path: str, body: Any) -> None:
        with self._log_lock:
            self.request_log.append((method, path, body))

    def log_line(
        self, method: str, path: str, status: int, started: float, fault: Fault | None
    ) -> None:
        if not self.log_requests:
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        note = ""
        if fault is not None:
            kinds = [
                k
                for k in (
                    "status",
                    "delay",
                    "truncate",
                    "not_json",
                    "wrong_shape",
                    "add_fields",
                    "remove_ids",
                )
                if getattr(fault, k)
            ]
            note = f" fault={'+'.join(kinds)}"
        with self._log_lock:
            print(
                f"{method} {path} {status} {elapsed_ms:.1f}ms{note}",
                file=self.log_stream,
                flush=True,
            )

    # -- routing -----------------------------------------------------------------------------
    def handle_control(self, method: str, raw: bytes) -> Response:
        if method == "GET":
            return Response(200, {"faults": [f.to_dict() for f in self.faults.pending()]})
        if method == "DELETE":
            self.faults.clear()
            return Response(200, {"cleared": True})
        if method == "POST":
            try:
                spec = json.loads(raw or b"{}")
                if not isinstance(spec, dict):
                    raise ValueError("fault spec must be a JSON object")
                fault = self.faults.add_from_json(spec)
            except (ValueError, TypeError) as exc:
                return Response(400, {"error": f"bad fault spec: {exc}"})
            return Response(201, {"added": fault.to_dict()})
        return Response(405, {"error": "Method Not Allowed"})

    def route(self, request: Request) -> Response:
        for app in self.apps:
            response = app.route(request)
            if response is not None:
                return response
        return not_found(request.path)


def _redacted(form: str) -> str:
    """A form-encoded body with the values of :data:`SECRET_FIELDS` replaced; other text as is."""
    fields = parse_qsl(form, keep_blank_values=True)
    if not any(name in SECRET_FIELDS for name, _ in fields):
        return form
    return urlencode([(n, "[redacted]" if n in SECRET_FIELDS else v) for n, v in fields])
