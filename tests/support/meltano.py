"""Run the real meltano, dbt and dagster of this virtualenv with a test's settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

from spacex_elt.settings import (
    DBT_PROJECT_DIR,
    MELTANO_PROJECT_DIR,
    TOOLS_DIR,
    Settings,
    subprocess_env,
)

BIN = TOOLS_DIR  # this virtualenv's meltano, dbt and dagster


def tool_env(settings: Settings | None, extra_env: dict | None = None) -> dict[str, str]:
    """What a tool gets: the settings' environment (None: the current one), then ``extra_env``."""
    return {**subprocess_env(settings), **(extra_env or {})}


def run_tool(
    args: list[str],
    cwd: Path,
    settings: Settings | None,
    extra_env: dict | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """Run meltano, dbt or dagster from this virtualenv with the settings' environment.

    With ``check`` (the default) a non-zero exit fails the test with the tool's last lines;
    ``timeout`` (seconds) makes a hung run raise :class:`subprocess.TimeoutExpired`.
    """
    result = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd,
        env=tool_env(settings, extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        tail = "\n".join(output_of(result).splitlines()[-60:])
        raise AssertionError(f"`{' '.join(args)}` failed ({result.returncode}):\n{tail}")
    return result


def run_meltano(
    settings: Settings,
    *args: str,
    extra_env: dict | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    return run_tool(["meltano", *args], MELTANO_PROJECT_DIR, settings, extra_env, check, timeout)


def start_meltano(
    settings: Settings, *args: str, extra_env: dict | None = None
) -> subprocess.Popen:
    """Start meltano in the background (stderr merged into stdout): for runs that overlap."""
    return subprocess.Popen(
        [str(BIN / "meltano"), *args],
        cwd=MELTANO_PROJECT_DIR,
        env=tool_env(settings, extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_dbt(settings: Settings, *args: str, check: bool = True):
    return run_tool(["dbt", *args], DBT_PROJECT_DIR, settings, check=check)


def output_of(result: subprocess.CompletedProcess) -> str:
    """A finished tool's stdout and stderr, as one text."""
    return result.stdout + result.stderr


class NullLog:
    """Just enough of Dagster's log manager to call a resource outside a run."""

    def __getattr__(self, level: str):
        return lambda message: None
