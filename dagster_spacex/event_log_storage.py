"""Dagster's local SQLite event log, keeping its engines and connections open between writes.

Dagster's ``SqliteEventLogStorage`` builds a new SQLAlchemy engine and opens a new SQLite
connection for every read and every write, then closes both. Closing the last connection to a
database in WAL mode checkpoints the WAL into the main file and syncs it, and a new engine starts
with an empty statement cache, so every event stored paid a connection, a compilation of its
statements and a checkpoint. The main job stores an event for each asset check planned and each
evaluated, for each output and for each log line, and that cost was the largest part of the gap
between the Dagster job and the same steps run by Meltano (measured in ``make benchmark``; README,
"The main job against its floors").

This subclass changes only how long an engine and its connection live: one engine per database
file, with one connection kept open, for the few files in use (least recently used closed first).
The files, schema, transactions and locking are Dagster's own, and so is durability: SQLite still
syncs the WAL at every commit. Other processes (the webserver, the daemon, a run) still share the
files as before, which WAL mode is for.

What does change: a write now stays in ``<run>.db-wal`` until SQLite's automatic checkpoint, and
Dagster's watcher (which feeds the UI's live view of a run) waits for the run's main file to change.
So each stored event touches that file once its transaction has committed, which wakes the watcher
as the checkpoint used to (and, being after the commit, never before the event can be read).

Set in ``dagster_spacex/dagster.yaml``; the deployment's instance uses PostgreSQL instead.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

#: How many database files keep an open engine: a run writes its own file and the index; the
#: webserver reads a few runs at a time. Enough for both, without a file handle per run ever viewed.
OPEN_DATABASES = 8

#: Connections beyond the one kept open, closed when returned: Dagster's own set-up of a new
#: database file inspects it on further connections while the first is open.
OVERFLOW_CONNECTIONS = 4


def default_base_dir() -> str:
    """Where Dagster keeps a local instance's event logs: ``$DAGSTER_HOME/history/runs``."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError(
            "event_log_storage PooledSqliteEventLogStorage: no base_dir in dagster.yaml and "
            "DAGSTER_HOME is not set, so there is no folder for the event log"
        )
    return os.path.join(home, "history", "runs", "")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one engine and one open connection per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Set before Dagster's __init__, which may already connect (a new instance's index).
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(config_value.get("base_dir") or default_base_dir(), inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made on first use; called holding ``_db_lock``."""
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=OVERFLOW_CONNECTIONS,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            self._engines[shard] = engine
            while len(self._engines) > OPEN_DATABASES:
                # Under the lock no connection of another shard is checked out: safe to close.
                self._engines.popitem(last=False)[1].dispose()
        self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Dagster's _connect, but with the shard's kept engine instead of a new one each time.
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        # Dagster deletes the run files: no connection may keep a deleted file open.
        self._close_engines()
        super().wipe()

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(event)
        # Wake the run's watchers (see the module's docstring); its file exists once written to.
        os.utime(self.path_for_shard(event.run_id))

    def dispose(self) -> None:
        super().dispose()
        self._close_engines()
