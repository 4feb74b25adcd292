"""The mirror's HTTP server: the SpaceX API's /v4 routes over the recorded snapshot.

``MirrorServer`` runs it in a background thread (tests, benchmarks); ``main`` is the
``tap-spacex-mirror`` command, which runs it in the foreground.
"""

from __future__ import annotations

import argparse
import copy
import errno
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tap_spacex.mirror.faults import NOT_JSON_BODY, WRONG_SHAPE_BODY, Fault, FaultInjector
from tap_spacex.mirror.query import QueryError, matches, matching_sorted, page_of, query_parts
from tap_spacex.snapshot import (
    LAUNCH_VIEWS,
    RESOURCES,
    SINGLE_OBJECT_RESOURCES,
    load_launch_view,
    load_resource,
)

CONTROL_PATH = "/__mirror__/faults"


def _synthetic_id(original: str, copy_index: int) -> str:
    """A new 24-hex id for copy ``copy_index`` (>= 1) of ``original``.

    Real ObjectIds start with a 2020-era timestamp (``5e..``-``60..``), so a ``00000k`` prefix
    never collides with a recorded id; copies differ from each other by ``k``.
    """
    if copy_index >= 16**6:
        raise ValueError("scale factor too large")
    return f"{copy_index:06x}{original[6:]}"


def build_dataset(scale: dict[str, int] | None = None) -> dict[str, Any]:
    """Load every resource; ``scale={"starlink": 10}`` makes starlink 10x larger with new ids."""
    data: dict[str, Any] = {resource: load_resource(resource) for resource in RESOURCES}
    for resource, factor in (scale or {}).items():
        if resource not in data:
            raise ValueError(f"cannot scale unknown resource {resource!r}")
        if resource in SINGLE_OBJECT_RESOURCES:
            raise ValueError(f"cannot scale single-object resource {resource!r}")
        factor = int(factor)
        if factor < 1:
            raise ValueError(f"scale factor for {resource} must be >= 1, got {factor}")
        originals = data[resource]
        scaled = list(originals)
        for copy_index in range(1, factor):
            for doc in originals:
                clone = copy.deepcopy(doc)
                clone["id"] = _synthetic_id(doc["id"], copy_index)
                track = clone.get("spaceTrack")
                if isinstance(track, dict) and isinstance(track.get("NORAD_CAT_ID"), int):
                    # keep the catalogue number unique too, as a real larger fleet would be
                    track["NORAD_CAT_ID"] += copy_index * 10_000_000
                scaled.append(clone)
        if len({doc["id"] for doc in scaled}) != len(scaled):
            raise ValueError(f"scaling {resource} produced duplicate ids")
        data[resource] = scaled
    return data


def to_v5_launch(launch: dict[str, Any]) -> dict[str, Any]:
    """v5 launches carry crew as ``[{"crew": id, "role": ...}]`` instead of ``[id]``."""
    out = dict(launch)
    out["crew"] = [
        member if isinstance(member, dict) else {"crew": member, "role": None}
        for member in launch.get("crew") or []
    ]
    return out


class _Response:
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


def _not_found(path: str) -> _Response:
    return _Response(404, {"error": "Not Found", "path": path})


class _MirrorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class _Handler(BaseHTTPRequestHandler):
    server: _MirrorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "spacex-mirror/0.1"

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
        path = self.path.split("?", 1)[0]
        raw = self._read_body()
        if path.rstrip("/") == CONTROL_PATH:
            response = mirror.handle_control(method, raw)
            self._send(response)
            return
        body_for_log: Any = None
        if raw:
            try:
                body_for_log = json.loads(raw)
            except ValueError:
                body_for_log = raw.decode("utf-8", "replace")
        mirror.record_request(method, path, body_for_log)
        fault = mirror.faults.take(method, path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        response = mirror.route(method, path, raw)
        try:
            if fault:
                self._send_with_fault(response, fault)
            else:
                self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired)
        mirror.log_line(method, self.path, response.status, started, fault)

    def _send_with_fault(self, response: _Response, fault: Fault) -> None:
        if fault.status is not None:
            body = fault.body.encode("utf-8") if fault.body is not None else None
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            if body is None:
                failed = _Response(
                    fault.status, {"error": f"injected fault {fault.status}"}, headers
                )
            else:
                headers["Content-Type"] = "application/json; charset=utf-8"
                failed = _Response(fault.status, body, headers)
            self._send(failed)
        elif fault.not_json:
            body = fault.body.encode("utf-8") if fault.body is not None else NOT_JSON_BODY
            self._send(_Response(200, body, {"Content-Type": "text/html"}))
        elif fault.wrong_shape:
            body = fault.body.encode("utf-8") if fault.body is not None else WRONG_SHAPE_BODY
            self._send(_Response(200, body, {"Content-Type": "application/json; charset=utf-8"}))
        elif fault.truncate:
            self._send(response, truncate=True)
        else:
            self._send(response)

    def _send(self, response: _Response, truncate: bool = False) -> None:
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


class MirrorServer:
    """The mirror, usable as a context manager: ``with MirrorServer() as m: m.url``.

    ``url`` is the /v4 base URL to give the tap as ``api_url``. ``faults`` injects failures,
    ``request_log`` lists ``(method, path, body)`` of every API request handled.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        scale: dict[str, int] | None = None,
        log_requests: bool = False,
        log_stream: Any = None,
    ) -> None:
        self.host = host
        self.port = port
        self.data = build_dataset(scale)
        self.faults = FaultInjector()
        self.request_log: list[tuple[str, str, Any]] = []
        self.log_requests = log_requests
        self.log_stream = log_stream if log_stream is not None else sys.stderr
        self._log_lock = threading.Lock()
        self._httpd: _MirrorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        self._by_id = {
            resource: {doc["id"]: doc for doc in docs}
            for resource, docs in self.data.items()
            if isinstance(docs, list)
        }

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
            name=f"spacex-mirror-{self.port}",
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
        """``http://127.0.0.1:PORT/v4``: the tap's ``api_url``."""
        return f"{self.base_url}/v4"

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
                for k in ("status", "delay", "truncate", "not_json", "wrong_shape")
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
    def handle_control(self, method: str, raw: bytes) -> _Response:
        if method == "GET":
            return _Response(200, {"faults": [f.to_dict() for f in self.faults.pending()]})
        if method == "DELETE":
            self.faults.clear()
            return _Response(200, {"cleared": True})
        if method == "POST":
            try:
                spec = json.loads(raw or b"{}")
                if not isinstance(spec, dict):
                    raise ValueError("fault spec must be a JSON object")
                fault = self.faults.add_from_json(spec)
            except (ValueError, TypeError) as exc:
                return _Response(400, {"error": f"bad fault spec: {exc}"})
            return _Response(201, {"added": fault.to_dict()})
        return _Response(405, {"error": "Method Not Allowed"})

    def route(self, method: str, path: str, raw: bytes) -> _Response:
        parts = [part for part in path.split("/") if part]
        if len(parts) < 2 or parts[0] not in ("v4", "v5"):
            return _not_found(path)
        version, resource, rest = parts[0], parts[1], parts[2:]
        if resource not in self.data or (version == "v5" and resource != "launches"):
            return _not_found(path)
        if method == "POST" and rest == ["query"]:
            return self._query(version, resource, raw)
        if method != "GET" or len(rest) > 1:
            return _not_found(path)
        if not rest:
            return self._all(version, resource)
        return self._one(version, resource, rest[0], path)

    def _launches(self, version: str, docs: Any) -> Any:
        if version != "v5":
            return docs
        if isinstance(docs, list):
            return [to_v5_launch(doc) for doc in docs]
        return to_v5_launch(docs)

    def _all(self, version: str, resource: str) -> _Response:
        docs = self.data[resource]
        if resource == "launches":
            docs = self._launches(version, docs)
        return _Response(200, docs)

    def _one(self, version: str, resource: str, key: str, path: str) -> _Response:
        if resource == "launches" and key in LAUNCH_VIEWS:
            return _Response(200, self._launches(version, load_launch_view(key)))
        doc = self._by_id.get(resource, {}).get(key)
        if doc is None:
            return _not_found(path)
        return _Response(200, self._launches(version, doc) if resource == "launches" else doc)

    def _query(self, version: str, resource: str, raw: bytes) -> _Response:
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            return _Response(400, {"error": f"Invalid JSON body: {exc}"})
        if not isinstance(body, dict):
            return _Response(400, {"error": "Request body must be a JSON object"})
        try:
            docs = self.data[resource]
            if resource in SINGLE_OBJECT_RESOURCES:
                query = body.get("query") or {}
                if matches(docs, query):
                    return _Response(200, docs)
                return _Response(204)
            query, options = query_parts(body)
            # The data never changes while serving, so each query's sorted result is computed
            # once: paging through a large collection then costs one sort, not one per page.
            key = json.dumps([version, resource, query, options.get("sort")], sort_keys=True)
            found = self._sorted.get(key)
            if found is None:
                if resource == "launches":
                    docs = self._launches(version, docs)
                found = self._sorted[key] = matching_sorted(docs, query, options.get("sort"))
            return _Response(200, page_of(found, options))
        except QueryError as exc:
            return _Response(400, {"error": str(exc)})


def _parse_scale(values: list[str]) -> dict[str, int]:
    scale: dict[str, int] = {}
    for value in values:
        name, sep, factor = value.partition("=")
        if not sep or not factor.isdigit():
            raise argparse.ArgumentTypeError(f"--scale wants RESOURCE=FACTOR, got {value!r}")
        scale[name] = int(factor)
    return scale


def main(argv: list[str] | None = None) -> int:
    """``tap-spacex-mirror``: serve the snapshot in the foreground until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="tap-spacex-mirror", description="Local mirror of the SpaceX API (/v4) snapshot."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--scale",
        action="append",
        default=[],
        metavar="RESOURCE=FACTOR",
        help="multiply a collection with synthetic copies, e.g. --scale starlink=10",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log one line per request")
    args = parser.parse_args(argv)
    try:
        scale = _parse_scale(args.scale)
        mirror = MirrorServer(args.host, args.port, scale=scale, log_requests=not args.quiet)
    except (argparse.ArgumentTypeError, ValueError) as exc:
        print(f"tap-spacex-mirror: error: {exc}", file=sys.stderr)
        return 2
    try:
        mirror.bind()
    except OSError as exc:
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        print(
            f"tap-spacex-mirror: error: cannot listen on {args.host}:{args.port}: {reason}",
            file=sys.stderr,
        )
        return 2

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(f"tap-spacex-mirror: serving {mirror.url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        mirror.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        mirror.stop()
        print("tap-spacex-mirror: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
