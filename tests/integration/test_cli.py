"""The `spacex` command line, run for real: the mirror process, environment export, exec."""

from __future__ import annotations

import re
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


def test_meltano_test_checks_each_tap_against_the_mirror(built):
    """`meltano test --all` in dev: each tap's connection test (one record of every stream) passes
    against the session's mirror (and dbt's tests on the built warehouse)."""
    from support.meltano import run_meltano

    done = run_meltano(built, "test", "--all")
    out = done.stdout + done.stderr
    for tap in ("tap-spacex", "tap-satcat"):
        assert re.search(rf"{tap}:test\.+ success", out), tap
    assert "0 test(s) failed" in out


def test_spacex_check_says_per_source_what_is_reachable(loaded, monkeypatch, free_port, capsys):
    assert cli.main(["check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"SpaceX API at {loaded.api_url}: reachable",
        f"Space-Track.org satellite catalogue at {loaded.catalogue.spacetrack_url} (account "
        f"{loaded.catalogue.identity}): reachable",
    ]
    # nothing listens on that port (loopback only): the API line says why, the exit code is 1
    monkeypatch.setenv("SPACEX_API_URL", f"http://127.0.0.1:{free_port()}/v4")
    assert cli.main(["check"]) == 1
    api, catalogue = capsys.readouterr().out.splitlines()
    assert "NOT reachable: " in api and "connection error" in api
    assert catalogue.endswith("reachable") and "NOT" not in catalogue
