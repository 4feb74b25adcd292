"""The warehouse: the embedded PostgreSQL's lifecycle, the external-server path, clear errors."""

from __future__ import annotations

import socket
import subprocess

import psycopg
import pytest

from spacex_elt import cli, postgres
from spacex_elt.settings import load_settings, runtime_env


def _embedded_env(tmp_path, port: int) -> dict[str, str]:
    return {
        "SPACEX_PG_DATA_DIR": str(tmp_path / "data"),
        "SPACEX_PG_PORT": str(port),
        "SPACEX_PG_PASSWORD": "lifecycle-test",
    }


def test_embedded_start_is_idempotent_and_data_survives_restart(tmp_path, free_port):
    settings = load_settings(_embedded_env(tmp_path, free_port())).postgres
    assert settings.embedded and settings.host == "127.0.0.1"
    server = postgres.EmbeddedPostgres(settings)
    first = server.start()
    try:
        assert first.running and first.port == settings.port
        assert server.start().pid == first.pid  # a second start changes nothing
        with postgres.connect(settings, autocommit=True) as conn:
            conn.execute("create table kept (n int)")
            conn.execute("insert into kept values (42)")
        assert not server.stop().running
        with pytest.raises(postgres.PostgresError, match="cannot connect"):
            postgres.connect(settings)
        restarted = server.start()
        assert restarted.running and restarted.pid != first.pid
        with postgres.connect(settings) as conn:
            assert conn.execute("select n from kept").fetchall() == [(42,)]
            # TCP on loopback only: the server was told to listen nowhere else.
            assert conn.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"
    finally:
        server.stop()
    assert not server.status().running


def test_psql_accepts_the_printed_url(settings):
    url = settings.postgres.url()
    psql = postgres._bin("psql")
    out = subprocess.run(
        [str(psql), url, "-At", "-c", "select current_database()"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == settings.postgres.database


def test_port_in_use_gives_a_clear_error(tmp_path):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        settings = load_settings(_embedded_env(tmp_path, port)).postgres
        with pytest.raises(
            postgres.PostgresError, match=f"port {port} on 127.0.0.1 is already in use"
        ):
            postgres.EmbeddedPostgres(settings).start()


def test_cli_reports_port_in_use_with_exit_code_2(tmp_path, monkeypatch, capsys):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        for key, value in _embedded_env(tmp_path, blocker.getsockname()[1]).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("SPACEX_PG_HOST", raising=False)
        monkeypatch.delenv("SPACEX_PG_MODE", raising=False)
        assert cli.main(["db", "start"]) == 2
    assert "already in use" in capsys.readouterr().err


def test_external_server_path_starts_nothing(settings, tmp_path, monkeypatch, capsys):
    """With SPACEX_PG_HOST set, the project only connects; no embedded server is started."""
    pg = settings.postgres
    external = {
        "SPACEX_PG_HOST": pg.host,
        "SPACEX_PG_PORT": str(pg.port),
        "SPACEX_PG_USER": pg.user,
        "SPACEX_PG_PASSWORD": pg.password,
        "SPACEX_PG_DATABASE": "analytics_external",
        "SPACEX_PG_DATA_DIR": str(tmp_path / "never-created"),
    }
    monkeypatch.delenv("SPACEX_PG_MODE", raising=False)
    for key, value in external.items():
        monkeypatch.setenv(key, value)
    resolved = load_settings()
    assert not resolved.postgres.embedded
    assert runtime_env(resolved)["SPACEX_PG_MODE"] == "external"
    assert cli.main(["db", "start"]) == 0  # creates the database on the external server
    assert cli.main(["db", "stop"]) == 0
    out = capsys.readouterr().out
    assert "reachable" in out and "not managed by this project" in out
    assert not (tmp_path / "never-created").exists()
    with psycopg.connect(resolved.postgres.url()) as conn:
        assert conn.execute("select current_database()").fetchone()[0] == "analytics_external"
    with pytest.raises(postgres.PostgresError, match="embedded one is not used"):
        postgres.EmbeddedPostgres(resolved.postgres)


def test_wrong_password_is_a_clear_error(settings):
    pg = settings.postgres
    wrong = load_settings(
        {
            "SPACEX_PG_HOST": pg.host,
            "SPACEX_PG_PORT": str(pg.port),
            "SPACEX_PG_PASSWORD": "not-the-password",
            "SPACEX_PG_DATABASE": pg.database,
        }
    ).postgres
    with pytest.raises(postgres.PostgresError, match="password authentication failed"):
        postgres.connect(wrong)
