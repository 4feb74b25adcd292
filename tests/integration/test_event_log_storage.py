"""The local event log (dagster_spacex.event_log_storage) as `spacex run` and the UI use it.

It keeps Dagster's SQLite files and changes only how long their connections live, so what is
checked here is what that could break: another process (the webserver, the daemon) reading what a
run wrote; the UI's live view of a run being woken while the run's process still holds its
connection; a wipe deleting files that are still open; and the number of files kept open.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from dagster_spacex import event_log_storage
from dagster_spacex.event_log_storage import PooledSqliteEventLogStorage
from spacex_elt.settings import PROJECT_ROOT

#: The job a run writes here: one asset with two checks, like a model and its tests. Source text,
#: so that another process can run the very same job.
JOB_SOURCE = textwrap.dedent(
    """
    from dagster import (AssetCheckResult, AssetCheckSpec, Definitions, MaterializeResult, asset,
                         define_asset_job, in_process_executor)

    CHECKS = [AssetCheckSpec("rows", asset="table"), AssetCheckSpec("keys", asset="table")]

    @asset(check_specs=CHECKS)
    def table():
        yield MaterializeResult(metadata={"rows": 42})
        yield AssetCheckResult(check_name="rows", passed=True)
        yield AssetCheckResult(check_name="keys", passed=False)

    defs = Definitions(
        assets=[table], jobs=[define_asset_job("job", executor_def=in_process_executor)]
    )
    JOB = defs.resolve_job_def("job")
    """
)
_namespace: dict = {}
exec(JOB_SOURCE, _namespace)
JOB = _namespace["JOB"]
CHECK_KEYS = [spec.key for spec in _namespace["CHECKS"]]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A DAGSTER_HOME with the project's own instance settings, as `make setup` writes one."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / "dagster_spacex" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_the_project_instance_uses_it_in_dagsters_own_folder(home: Path):
    with DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        assert JOB.execute_in_process(instance=instance).success
        # Dagster's default layout, so a history written before this class stays readable.
        assert (home / "history" / "runs" / "index.db").is_file()
        assert len(list((home / "history" / "runs").glob("*-*-*-*-*.db"))) == 1


def test_another_process_reads_what_a_run_wrote(home: Path):
    """The webserver's view: its instance is open (connections kept) while a run process writes."""
    run = JOB_SOURCE + "from dagster import DagsterInstance\n"
    run += "JOB.execute_in_process(instance=DagsterInstance.get())\n"
    with DagsterInstance.get() as reader:
        assert reader.get_latest_materialization_event(AssetKey("table")) is None  # opens the index
        for _ in range(2):  # the second run appends to files the reader already holds open
            subprocess.run(
                [sys.executable, "-c", run],
                check=True,
                capture_output=True,
                timeout=120,
            )
        runs = reader.get_runs()
        assert len(runs) == 2
        latest = reader.get_latest_materialization_event(AssetKey("table"))
        assert latest is not None and latest.run_id == runs[0].run_id
        assert latest.asset_materialization.metadata["rows"].value == 42
        checks = {
            key.name: reader.event_log_storage.get_latest_asset_check_execution_by_key([key])[
                key
            ].status.value
            for key in CHECK_KEYS
        }
        assert checks == {"rows": "SUCCEEDED", "keys": "FAILED"}
        for run in runs:
            types = [
                e.dagster_event_type for e in reader.all_logs(run.run_id) if e.is_dagster_event
            ]
            assert types.count(DagsterEventType.ASSET_CHECK_EVALUATION) == 2
            assert types[-1] == DagsterEventType.RUN_SUCCESS


def test_the_ui_watcher_sees_a_run_whose_process_still_holds_its_connection(home: Path):
    """Dagster's watcher waits for the run's main file to change; the WAL alone would not do it."""
    run_id = str(uuid.uuid4())
    seen: list[DagsterEventType] = []
    finished = threading.Event()

    def on_event(entry, _cursor):
        if entry.is_dagster_event:
            seen.append(entry.dagster_event_type)
            if entry.dagster_event_type == DagsterEventType.RUN_SUCCESS:
                finished.set()

    with DagsterInstance.get() as watcher, DagsterInstance.get() as writer:
        watcher.watch_event_logs(run_id, None, on_event)
        try:
            assert JOB.execute_in_process(instance=writer, run_id=run_id).success
            # The writer is still open: its connection to the run's file is too (no checkpoint).
            assert finished.wait(timeout=30), f"the watcher saw only {seen}"
        finally:
            watcher.end_watch_event_logs(run_id, on_event)
    assert seen.count(DagsterEventType.ASSET_CHECK_EVALUATION) == 2


def test_a_wipe_leaves_no_deleted_file_open(home: Path):
    with DagsterInstance.get() as instance:
        assert JOB.execute_in_process(instance=instance).success
        instance.wipe()
        assert instance.get_runs() == []
        result = JOB.execute_in_process(instance=instance)
        assert result.success
        # Written to the new file on disk, not to the deleted one a kept connection still held.
    with DagsterInstance.get() as fresh:
        assert len(fresh.all_logs(result.run_id)) > 0
        assert fresh.get_latest_materialization_event(AssetKey("table")) is not None


def test_it_keeps_a_few_files_open_not_one_per_run(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(event_log_storage, "OPEN_DATABASES", 3)
    with DagsterInstance.get() as instance:
        run_ids = [JOB.execute_in_process(instance=instance).run_id for _ in range(5)]
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        assert len(storage._engines) == 3
        # A run whose engine was closed is read again through a new one.
        assert len(instance.all_logs(run_ids[0])) > 0


def test_without_dagster_home_or_a_folder_it_says_what_is_missing(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(ValueError, match="no base_dir in dagster.yaml and DAGSTER_HOME is not set"):
        PooledSqliteEventLogStorage.from_config_value(None, {})
