"""``api-mirror``: serve every recorded API on one port in the foreground until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
from pathlib import Path
from typing import Any

from api_mirror.server import MirrorServer


def parse_scale(values: list[str]) -> dict[str, int]:
    """``["starlink=10"]`` -> ``{"starlink": 10}``."""
    scale: dict[str, int] = {}
    for value in values:
        name, sep, factor = value.partition("=")
        if not sep or not factor.isdigit():
            raise argparse.ArgumentTypeError(f"--scale wants RESOURCE=FACTOR, got {value!r}")
        scale[name] = int(factor)
    return scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="api-mirror",
        description="Local mirror of the recorded SpaceX API (/v4, /v5) and Space-Track API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--scale",
        action="append",
        default=[],
        metavar="RESOURCE=FACTOR",
        help="multiply a collection with synthetic copies, e.g. --scale starlink=10",
    )
    parser.add_argument(
        "--spacex-data-dir",
        type=Path,
        metavar="DIR",
        help="serve another SpaceX API recording: a folder laid out like api_mirror/spacex/data "
        "(<resource>.json, launches_<view>.json)",
    )
    parser.add_argument(
        "--spacex-recording-date",
        metavar="YYYY-MM-DD",
        help="its date, sent as X-Recording-Date (default: the bundled recording's, 2021-04-22; "
        "none with --spacex-data-dir)",
    )
    parser.add_argument(
        "--spacex-recording",
        metavar="TEXT",
        help="what it is, sent as X-Recording (default: the bundled recording's description, or "
        "the folder's path)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log one line per request")
    parser.add_argument(
        "--print-url",
        action="store_true",
        help="print the base URL (http://host:port) on stdout once listening",
    )
    args = parser.parse_args(argv)
    try:
        scale = parse_scale(args.scale)
        mirror = MirrorServer(
            args.host,
            args.port,
            scale=scale,
            log_requests=not args.quiet,
            spacex_data_dir=args.spacex_data_dir,
            spacex_recording_date=args.spacex_recording_date,
            spacex_recording=args.spacex_recording,
        )
    except (argparse.ArgumentTypeError, ValueError, OSError) as exc:
        print(f"api-mirror: error: {exc}", file=sys.stderr)
        return 2
    try:
        mirror.bind()
    except OSError as exc:
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        print(
            f"api-mirror: error: cannot listen on {args.host}:{args.port}: {reason}",
            file=sys.stderr,
        )
        return 2

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    if args.print_url:
        print(mirror.base_url, flush=True)
    print(f"api-mirror: serving {mirror.base_url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        mirror.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        mirror.stop()
        print("api-mirror: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
