"""The one way to run a mirror as a separate process (the ``spacex`` CLI, tests, the benchmark).

:func:`spawn` starts ``api-mirror --print-url`` and returns once it listens, with the URL it
printed. :func:`start_detached` / :func:`stop_detached` / :func:`detached_status` keep a
long-lived mirror for ``make run`` (a pid file in a state folder), since Meltano and Dagster run in
other processes and need a server that outlives the command that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from api_mirror.cli import parse_scale

__all__ = [
    "MirrorProcess",
    "MirrorProcessError",
    "detached_status",
    "parse_scale",
    "spawn",
    "start_detached",
    "stop_detached",
]


class MirrorProcessError(RuntimeError):
    """The mirror process did not start; the message says why and where its log is."""


@dataclass
class MirrorProcess:
    """A running ``api-mirror`` child process."""

    proc: subprocess.Popen[bytes]
    base_url: str

    @property
    def url(self) -> str:
        """The SpaceX API's /v4 base URL on this mirror."""
        return f"{self.base_url}/v4"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, timeout: float = 10) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> MirrorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def command(
    port: int = 0,
    host: str = "127.0.0.1",
    scale: dict[str, int] | None = None,
    *,
    spacex_data_dir: Path | None = None,
    spacex_recording_date: str | None = None,
    spacex_recording: str | None = None,
) -> list[str]:
    cmd = [sys.executable, "-m", "api_mirror", "--host", host, "--port", str(port)]
    cmd += ["--quiet", "--print-url"]
    for name, factor in (scale or {}).items():
        cmd += ["--scale", f"{name}={factor}"]
    if spacex_data_dir is not None:
        cmd += ["--spacex-data-dir", str(spacex_data_dir)]
    if spacex_recording_date is not None:
        cmd += ["--spacex-recording-date", spacex_recording_date]
    if spacex_recording is not None:
        cmd += ["--spacex-recording", spacex_recording]
    return cmd


def spawn(
    port: int = 0,
    host: str = "127.0.0.1",
    scale: dict[str, int] | None = None,
    log: IO[bytes] | int | None = None,
    detach: bool = False,
    timeout: float = 60,
    *,
    spacex_data_dir: Path | None = None,
    spacex_recording_date: str | None = None,
    spacex_recording: str | None = None,
) -> MirrorProcess:
    """Start a mirror process and wait until it listens (scaling large data takes seconds).

    ``spacex_data_dir`` (with its ``spacex_recording_date`` and ``spacex_recording``) serves
    another SpaceX recording, as ``MirrorServer`` does.
    """
    cmd = command(
        port,
        host,
        scale,
        spacex_data_dir=spacex_data_dir,
        spacex_recording_date=spacex_recording_date,
        spacex_recording=spacex_recording,
    )
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=log if log is not None else subprocess.DEVNULL,
        start_new_session=detach,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("http"):
        proc.kill()
        proc.wait()
        raise MirrorProcessError(
            f"the mirror did not start on {host}:{port} (exit code {proc.returncode})"
        )
    base_url = line
    while not answers(base_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise MirrorProcessError(f"the mirror at {base_url} does not answer")
        time.sleep(0.05)
    return MirrorProcess(proc, base_url)


def answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/v4/company", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# -- a long-lived mirror for the command line ----------------------------------------------------
def _pid_file(state_dir: Path, port: int) -> Path:
    return state_dir / f"mirror-{port}.pid"


def log_file(state_dir: Path, port: int) -> Path:
    return state_dir / f"mirror-{port}.log"


def _pid(state_dir: Path, port: int) -> int | None:
    try:
        pid = int(_pid_file(state_dir, port).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def detached_status(state_dir: Path, port: int, host: str = "127.0.0.1") -> str:
    pid = _pid(state_dir, port)
    if pid and answers(f"http://{host}:{port}"):
        return f"running on http://{host}:{port} (pid {pid})"
    return "stopped"


def start_detached(
    state_dir: Path, port: int, host: str = "127.0.0.1", scale: dict[str, int] | None = None
) -> str:
    """Start a mirror that outlives this process, unless ours already answers (idempotent)."""
    if _pid(state_dir, port) and answers(f"http://{host}:{port}"):
        return detached_status(state_dir, port, host)
    state_dir.mkdir(parents=True, exist_ok=True)
    with log_file(state_dir, port).open("ab") as log:
        try:
            mirror = spawn(port, host, scale, log=log, detach=True)
        except MirrorProcessError as exc:
            raise MirrorProcessError(f"{exc}; see {log_file(state_dir, port)}") from None
    _pid_file(state_dir, port).write_text(str(mirror.pid))
    return detached_status(state_dir, port, host)


def stop_detached(state_dir: Path, port: int, host: str = "127.0.0.1") -> str:
    pid = _pid(state_dir, port)
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
    _pid_file(state_dir, port).unlink(missing_ok=True)
    return detached_status(state_dir, port, host)
