"""Helpers for the tests: run the real meltano and dbt of this virtualenv, find a free port."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from spacex_elt.meltano_dirs import private_meltano_dir  # noqa: F401 (re-exported for tests)
from spacex_elt.postgres import free_port  # noqa: F401 (re-exported for the tests)
from spacex_elt.settings import DBT_PROJECT_DIR, MELTANO_PROJECT_DIR, Settings, subprocess_env

BIN = Path(sys.executable).parent


def run_tool(
    args: list[str],
    cwd: Path,
    settings: Settings,
    extra_env: dict | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run meltano or dbt from this virtualenv with the settings' environment.

    With ``check`` (the default) a non-zero exit fails the test with the tool's last lines.
    """
    env = {**subprocess_env(settings), **(extra_env or {})}
    result = subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-60:])
        raise AssertionError(f"`{' '.join(args)}` failed ({result.returncode}):\n{tail}")
    return result


def run_meltano(settings: Settings, *args: str, extra_env: dict | None = None, check: bool = True):
    return run_tool(["meltano", *args], MELTANO_PROJECT_DIR, settings, extra_env, check)


def run_dbt(settings: Settings, *args: str, check: bool = True):
    return run_tool(["dbt", *args], DBT_PROJECT_DIR, settings, check=check)


class NullLog:
    """Just enough of Dagster's log manager to call a resource outside a run."""

    def __getattr__(self, level: str):
        return lambda message: None
