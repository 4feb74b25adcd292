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
