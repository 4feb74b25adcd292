"""The local event log (dagster_spacex.event_log_storage) still overrides what Dagster's does.

It replaces private methods of Dagster's ``SqliteEventLogStorage``: a rename in Dagster would leave
the override dead (the cost back, silently) or the UI's watcher unwoken. Its behaviour with real
files is tested in tests/integration/test_event_log_storage.py.
"""

from __future__ import annotations

import inspect

import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)

from dagster_spacex.event_log_storage import PooledSqliteEventLogStorage
from spacex_elt.settings import PROJECT_ROOT


def test_the_local_instance_names_it():
    config = yaml.safe_load((PROJECT_ROOT / "dagster_spacex" / "dagster.yaml").read_text())
    storage = config["event_log_storage"]
    assert (storage["module"], storage["class"]) == (
        PooledSqliteEventLogStorage.__module__,
        PooledSqliteEventLogStorage.__name__,
    )
    assert "storage" not in config  # which would take precedence over event_log_storage


def test_dagster_still_connects_through_what_is_overridden():
    for name in ("_connect", "store_event", "wipe", "dispose"):
        assert name in vars(SqliteEventLogStorage), name
    # A batch is stored event by event (the base class's loop), so each one touches the run's
    # file: an override storing batches another way would leave the watcher unwoken.
    batch = next(c for c in SqliteEventLogStorage.__mro__ if "store_event_batch" in vars(c))
    assert "self.store_event(event)" in inspect.getsource(batch.store_event_batch)
    # Every read and write goes through _connect, which made an engine and disposed of it.
    assert "return self._connect(" in inspect.getsource(SqliteEventLogStorage.run_connection)
    assert "return self._connect(" in inspect.getsource(SqliteEventLogStorage.index_connection)
    assert "engine.dispose()" in inspect.getsource(SqliteEventLogStorage._connect)
    # The lock the override relies on: one connection of a storage in use at a time.
    assert "with self._db_lock:" in inspect.getsource(SqliteEventLogStorage._connect)


def test_dagsters_watcher_still_waits_for_the_runs_main_file():
    # The reason stored events touch that file (the WAL changes, the main file would not).
    init = inspect.getsource(SqliteEventLogStorageWatchdog.__init__)
    assert "patterns=[self._log_path]" in init
    assert "self._log_path = event_log_storage.path_for_shard(run_id)" in init
