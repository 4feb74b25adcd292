"""The `spacex` command line's clear errors (nothing is started)."""

from __future__ import annotations

import socket

from spacex_elt import cli


def test_mirror_port_in_use_is_a_clear_error(monkeypatch, capsys):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        monkeypatch.setenv("SPACEX_MIRROR_PORT", str(blocker.getsockname()[1]))
        assert cli.main(["mirror", "start"]) == 2
    assert "already in use" in capsys.readouterr().err


def test_bad_setting_exits_2_with_the_variable_named(monkeypatch, capsys):
    monkeypatch.setenv("SPACEX_PG_PORT", "not-a-port")
    assert cli.main(["db", "url"]) == 2
    assert "SPACEX_PG_PORT='not-a-port'" in capsys.readouterr().err


def test_version_and_help_name_every_option(capsys):
    import pytest

    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == "spacex 0.1.0"
    parser = cli.build_parser()
    assert "``" not in parser.format_help()
    subparsers = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in subparsers.items():
        for action in sub._actions:
            assert action.help, f"spacex {name} {action.dest} has no help text"


def test_a_closed_embedded_server_suggests_spacex_db_start(monkeypatch):
    import psycopg
    import pytest

    from spacex_elt import postgres
    from spacex_elt.settings import load_settings

    def refused(*args, **kwargs):
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(postgres.psycopg, "connect", refused)
    settings = load_settings({}).postgres
    with pytest.raises(postgres.PostgresError, match="`spacex db start`"):
        postgres.connect(settings)


def test_check_names_each_source_by_the_settings():
    """Which source `spacex check` tests, and the cause it prints, without running anything."""
    from spacex_elt.check import _last_error, sources
    from spacex_elt.settings import load_settings

    dev = sources(load_settings({"SPACEX_MIRROR_PORT": "18000"}))
    assert dev["tap-spacex"] == "SpaceX API at http://127.0.0.1:18000/v4"
    assert dev["tap-satcat"].startswith(
        "Space-Track.org satellite catalogue at http://127.0.0.1:18000"
    )
    prod = sources(load_settings({"SPACEX_MELTANO_ENVIRONMENT": "prod"}))
    assert prod["tap-satcat"] == "CelesTrak satellite catalogue at https://celestrak.org"
    log = '{"event": "Beginning sync"}\n{"event": "RetriesExhaustedError: stream x failed"}\n'
    assert _last_error(log + '{"event": "exit"}') == "RetriesExhaustedError: stream x failed"
