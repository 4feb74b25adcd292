"""The product's command line: the warehouse, the mirror, the environment, the answer."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from importlib.metadata import version

from api_mirror import process as mirror_process
from spacex_elt import postgres
from spacex_elt.settings import LOCAL_STATE_DIR, SettingsError, load_settings, runtime_env


def _db(args: argparse.Namespace) -> str:
    settings = load_settings()
    pg = settings.postgres
    if args.action == "url":
        return pg.url()
    if not pg.embedded:
        if args.action == "start":
            return postgres.start(pg)
        if args.action == "stop":
            return f"external server at {pg.host}:{pg.port}: not managed by this project"
        postgres.connect(pg).close()
        return f"external server at {pg.host}:{pg.port}: reachable"
    server = postgres.EmbeddedPostgres(pg)
    if args.action == "start":
        return server.start().detail
    if args.action == "stop":
        return server.stop().detail
    return server.status().detail


def _mirror(args: argparse.Namespace) -> str:
    port = load_settings().mirror_port
    if args.action == "start":
        if not postgres.port_is_free(port) and "running" not in _mirror_status(port):
            raise mirror_process.MirrorProcessError(
                f"port {port} on 127.0.0.1 is already in use by another process; "
                "stop it or set SPACEX_MIRROR_PORT to a free port"
            )
        scale = mirror_process.parse_scale(args.scale)
        return mirror_process.start_detached(LOCAL_STATE_DIR, port, scale=scale)
    if args.action == "stop":
        return mirror_process.stop_detached(LOCAL_STATE_DIR, port)
    return _mirror_status(port)


def _mirror_status(port: int) -> str:
    return mirror_process.detached_status(LOCAL_STATE_DIR, port)


def _env(_: argparse.Namespace) -> str:
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in runtime_env().items())


def _exec(args: argparse.Namespace) -> str:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise SettingsError(
            "spacex exec needs a command, e.g. `spacex exec -- meltano run spacex_elt`"
        )
    os.environ.update(runtime_env())
    os.execvp(command[0], command)
    return ""  # not reached


def _run(args: argparse.Namespace) -> str:
    from spacex_elt.run import run_job

    code = run_job(verbose=args.verbose)
    if code:
        raise SystemExit(code)
    return ""


def _answer(args: argparse.Namespace) -> str:
    from spacex_elt.answer import render_answer

    return render_answer(args.format, chart=args.chart)


def _check(_: argparse.Namespace) -> str:
    from spacex_elt.check import check_sources

    results = check_sources()
    text = "\n".join(result.line() for result in results)
    if not all(result.ok for result in results):
        raise SourceUnreachable(text)
    return text


class SourceUnreachable(LookupError):
    """A source's connection test failed (``spacex check``)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spacex", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('spacex-elt')}")
    sub = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    db = sub.add_parser(
        "db", help="the PostgreSQL warehouse (embedded unless SPACEX_PG_HOST is set)"
    )
    db.add_argument(
        "action",
        choices=["start", "stop", "status", "url"],
        help="start/stop the embedded server, show its status, or print its libpq URL",
    )
    db.set_defaults(func=_db)

    mirror = sub.add_parser(
        "mirror", help="the local mirror of the recorded APIs (background process)"
    )
    mirror.add_argument(
        "action", choices=["start", "stop", "status"], help="start, stop or show the mirror"
    )
    mirror.add_argument(
        "--scale",
        action="append",
        default=[],
        metavar="RESOURCE=FACTOR",
        help="synthetic scale-up, e.g. starlink=10 (benchmarks)",
    )
    mirror.set_defaults(func=_mirror)

    env = sub.add_parser("env", help="print the resolved settings as shell exports")
    env.set_defaults(func=_env)

    run = sub.add_parser("exec", help="run a command with the resolved settings in its environment")
    run.add_argument(
        "command", nargs=argparse.REMAINDER, help="the command and its arguments, after --"
    )
    run.set_defaults(func=_exec)

    job = sub.add_parser(
        "run", help="run the whole pipeline (the Dagster job spacex_elt), reporting progress"
    )
    job.add_argument(
        "--verbose", action="store_true", help="also print Dagster's full output (always in a log)"
    )
    job.set_defaults(func=_run)

    check = sub.add_parser(
        "check",
        help="test that every source can be read with these settings (meltano test of each tap)",
    )
    check.set_defaults(func=_check)

    answer = sub.add_parser("answer", help="print when 42,000 Starlink satellites will be in orbit")
    answer.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text for people (default), json for machines",
    )
    answer.add_argument("--chart", help="also write the chart to this path (.png, .svg or .html)")
    answer.set_defaults(func=_answer)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = args.func(args)
    except SourceUnreachable as err:
        print(err)
        return 1
    except (
        SettingsError,  # a bad environment variable
        postgres.PostgresError,  # the warehouse cannot be started or reached
        mirror_process.MirrorProcessError,
        LookupError,  # the marts are empty: the pipeline has not run
        ValueError,  # e.g. a chart path with an unknown suffix
    ) as err:
        print(f"spacex: error: {err}", file=sys.stderr)
        return 2
    if output:
        print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
