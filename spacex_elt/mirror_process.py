"""Run the local API mirror (``tap-spacex-mirror``) as a background process for ``make run``.

Tests start the mirror in-process instead (``tap_spacex.mirror.MirrorServer``); this module is only
for the command line, where Meltano and Dagster run in other processes and need a long-lived server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from spacex_elt.settings import LOCAL_STATE_DIR, Settings


def _pid_file(port: int) -> Path:
    return LOCAL_STATE_DIR / f"mirror-{port}.pid"


def _log_file(port: int) -> Path:
    return LOCAL_STATE_DIR / f"mirror-{port}.log"


class MirrorError(RuntimeError):
    """The mirror cannot be started; the message says why."""


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/v4/company", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _pid(port: int) -> int | None:
    try:
        pid = int(_pid_file(port).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def status(settings: Settings) -> str:
    pid = _pid(settings.mirror_port)
    if pid and _answers(settings.mirror_port):
        return f"running on http://127.0.0.1:{settings.mirror_port}/v4 (pid {pid})"
    return "stopped"


def start(settings: Settings, scale: str | None = None) -> str:
    """Start the mirror unless ours is already answering (idempotent)."""
    port = settings.mirror_port
    if _pid(port) and _answers(port):
        return status(settings)
    from spacex_elt.postgres import port_is_free

    if not port_is_free(port):
        raise MirrorError(
            f"port {port} on 127.0.0.1 is already in use by another process; "
            "stop it or set SPACEX_MIRROR_PORT to a free port"
        )
    LOCAL_STATE_DIR.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).with_name("tap-spacex-mirror")
    cmd = [str(exe), "--host", "127.0.0.1", "--port", str(port)]
    if scale:
        cmd += ["--scale", scale]
    with _log_file(port).open("ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    _pid_file(port).write_text(str(proc.pid))
    deadline = time.monotonic() + 15
    while not _answers(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _pid_file(port).unlink(missing_ok=True)
            raise MirrorError(f"the mirror did not start; see {_log_file(port)}")
        time.sleep(0.1)
    return status(settings)


def stop(settings: Settings) -> str:
    pid = _pid(settings.mirror_port)
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
    _pid_file(settings.mirror_port).unlink(missing_ok=True)
    return status(settings)
