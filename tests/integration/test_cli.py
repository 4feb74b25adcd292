"""The `spacex` command line, run for real: the mirror process, environment export, exec."""

from __future__ import annotations

import subprocess

import httpx
from support.meltano import BIN

from spacex_elt import cli

SPACEX = str(BIN / "spacex")


def test_mirror_process_start_is_idempotent_and_serves_the_api(monkeypatch, free_port, capsys):
    port = free_port()
    monkeypatch.setenv("SPACEX_MIRROR_PORT", str(port))
    try:
        assert cli.main(["mirror", "start"]) == 0
        first = capsys.readouterr().out
        assert f"running on http://127.0.0.1:{port} (pid" in first
        assert cli.main(["mirror", "start"]) == 0  # already running: same process
        assert capsys.readouterr().out == first
        page = httpx.post(
            f"http://127.0.0.1:{port}/v4/launches/query", json={"options": {"limit": 5}}
        ).json()
        assert (page["totalDocs"], page["limit"], len(page["docs"])) == (142, 5, 5)
    finally:
        assert cli.main(["mirror", "stop"]) == 0
    assert "stopped" in capsys.readouterr().out


def test_env_prints_shell_exports_and_exec_passes_them(monkeypatch):
    monkeypatch.setenv("SPACEX_PG_DATABASE", "exported_db")
    exports = subprocess.run([SPACEX, "env"], capture_output=True, text=True, check=True).stdout
    assert "export SPACEX_PG_DATABASE=exported_db" in exports
    assert "export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false" in exports
    seen = subprocess.run(
        [SPACEX, "exec", "--", "sh", "-c", "echo $SPACEX_PG_PORT $DBT_SEND_ANONYMOUS_USAGE_STATS"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert seen[1] == "false" and seen[0].isdigit()
