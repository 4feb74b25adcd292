"""The Dagster code location built from the dbt manifest: the asset graph, the job, the schedule,
a real materialization on the warehouse, dbt checks and locks, `dagster definitions validate`."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance, build_schedule_context
from dagster_dbt import get_asset_key_for_model
from support.meltano import BIN, NullLog, run_tool

from api_mirror.spacetrack.snapshot import load_satcat
from api_mirror.spacex.snapshot import record_counts
from dagster_spacex.assets.transform import (
    ANSWER_GATE,
    DBT_BUILD_LOCK,
    STEP_TARGET,
    dbt_spacex_models,
)
from dagster_spacex.definitions import defs
from dagster_spacex.jobs import PipelineDefinitionMismatch, check_meltano_job_matches
from dagster_spacex.project import STREAMS, dbt_project
from spacex_elt.answer import ANSWER_MARTS

RAW = {AssetKey(["spacex_raw", stream]) for stream in STREAMS}


def _key(model: str) -> AssetKey:
    """dagster-dbt's key for a model: its layer's schema, then its name."""
    return get_asset_key_for_model([dbt_spacex_models], model)


def _graph():
    return defs.resolve_asset_graph()


def _dbt_models() -> dict[str, dict]:
    """Every dbt model that is built: an ephemeral one is never a table, nor an asset."""
    import json

    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    # The only ephemeral model: the answer's marts' gate (dagster_spacex/assets/transform.py).
    assert [n["name"] for n in models if n["config"]["materialized"] == "ephemeral"] == [
        ANSWER_GATE
    ]
    return {n["name"]: n for n in models if n["config"]["materialized"] != "ephemeral"}


def test_every_raw_table_and_every_dbt_model_is_an_asset():
    keys = set(_graph().get_all_asset_keys())
    assert len(STREAMS) == 14
    assert keys >= RAW
    missing = {name for name in _dbt_models() if _key(name) not in keys}
    assert not missing
    assert AssetKey(["starlink_42k_answer"]) in keys


def test_each_staging_model_reads_its_raw_table_asset():
    graph = _graph()
    staging = {n: m for n, m in _dbt_models().items() if n.startswith("stg_spacex__")}
    for stream in STREAMS:
        parents = graph.get(_key(f"stg_spacex__{stream}")).parent_keys
        assert AssetKey(["spacex_raw", stream]) in parents, stream
    assert len(staging) >= len(STREAMS)


def test_groups_follow_the_layers():
    graph = _graph()
    assert {graph.get(key).group_name for key in RAW} == {"raw"}
    assert graph.get(_key("stg_spacex__starlink")).group_name == "staging"
    assert graph.get(_key("starlink_42k_forecast")).group_name == "marts"


def test_dbt_tests_are_asset_checks():
    graph = _graph()
    checks = graph.asset_check_keys
    on_starlink = {c.name for c in checks if c.asset_key == _key("stg_spacex__starlink")}
    assert any(name.startswith("unique_") for name in on_starlink)
    assert any(name.startswith("not_null_") for name in on_starlink)


def test_the_job_matches_meltano_yml(tmp_path):
    job = defs.resolve_job_def("spacex_elt")
    assert job.name == "spacex_elt"
    check_meltano_job_matches()  # the shipped meltano.yml agrees
    (tmp_path / "meltano.yml").write_text(
        "jobs:\n- name: spacex_elt\n  tasks:\n  - tap-spacex target-postgres\n"
    )
    with pytest.raises(PipelineDefinitionMismatch, match="dbt-postgres:build"):
        check_meltano_job_matches(tmp_path)


def test_the_job_runs_its_steps_in_one_process():
    """No step pays a new process and the code location's import again (README, "Benchmark")."""
    assert defs.resolve_job_def("spacex_elt").executor_def.name == "in_process"


def test_the_code_location_loads_without_what_only_a_step_needs():
    """Every Dagster process loads the code location (the webserver, the daemon, each run): the
    taps' Singer SDK (a sensor's tick, a Meltano run) and matplotlib (the answer step) stay out."""
    import subprocess
    import sys

    probe = (
        "import sys, dagster_spacex.definitions; "
        "print(sorted(m for m in ('singer_sdk', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_daily_schedule_requests_the_job():
    schedule = defs.resolve_schedule_def("daily_spacex_elt")
    # after 17:00 UTC, when Space-Track allows the day's SATCAT query
    assert schedule.cron_schedule == "30 17 * * *" and schedule.execution_timezone == "UTC"
    with DagsterInstance.ephemeral() as instance:
        result = schedule.evaluate_tick(build_schedule_context(instance=instance))
    assert len(result.run_requests) == 1
    assert schedule.job_name == "spacex_elt"


@pytest.fixture(scope="module")
def materialized(catalogue_mode):
    """The whole `spacex_elt` job, in process, on the real warehouse and the mirror (both
    sources: the marts then answer from the catalogue)."""
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("spacex_elt").execute_in_process(instance=instance)
        yield result


def test_materializing_everything_loads_the_snapshot(materialized, query):
    assert materialized.success
    expected = record_counts()
    for stream in STREAMS:
        (count,) = query(f'select count(*) from spacex_raw."{stream}"')[0]
        assert count == expected[stream], stream  # the `built` run before it added no duplicate
    materializations = {
        m.asset_key: m
        for m in materialized.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    }
    starlink = materializations[AssetKey(["spacex_raw", "starlink"])].metadata
    assert starlink["rows_loaded"].value == expected["starlink"]
    # one id finds the run in Dagster and in Meltano: Meltano's --run-id is the Dagster run id
    assert starlink["meltano_run_id"].value == materialized.run_id
    # Dagster's standard table metadata, shown natively by the UI
    assert starlink["dagster/row_count"].value == expected["starlink"]
    assert starlink["dagster/table_name"].value == "spacex_raw.starlink"
    columns = {c.name: c.type for c in starlink["dagster/column_schema"].schema.columns}
    assert columns["id"] == "text" and "_sdc_deleted_at" in columns
    satcat = materializations[AssetKey(["satcat_raw", "spacetrack_satcat"])].metadata
    assert satcat["rows_loaded"].value == satcat["dagster/row_count"].value == len(load_satcat())
    assert satcat["dagster/table_name"].value == "satcat_raw.spacetrack_satcat"
    assert materializations.keys() >= {_key(name) for name in _dbt_models()}
    forecast = materializations[_key("starlink_42k_forecast")].metadata
    assert forecast["dagster/row_count"].value == 2  # the headline and the Starship scenario


def test_the_dbt_step_writes_dbts_artifacts_to_one_reused_folder(materialized):
    """Not dagster-dbt's new folder per invocation, which nothing removes."""
    target = Path(dbt_project.project_dir) / dbt_project.target_path
    assert not list(target.glob(f"dbt_spacex_models-{materialized.run_id[:7]}-*"))
    results = json.loads((target / STEP_TARGET / "run_results.json").read_text())
    # the last invocation's: the answer's marts
    built = {r["unique_id"].split(".")[2] for r in results["results"]}
    assert set(ANSWER_MARTS) <= built


def test_the_raw_assets_python_checks_pass_after_a_clean_load(materialized):
    checks = {
        (e.asset_key, e.check_name): e
        for e in materialized.get_asset_check_evaluations()
        if e.asset_key.path[0] in ("spacex_raw", "satcat_raw")
    }
    launches = AssetKey(["spacex_raw", "launches"])
    assert checks[(launches, "source_freshness")].passed
    assert "h ago, fresh" in (checks[(launches, "source_freshness")].description or "")
    assert checks[(launches, "rows_loaded")].passed
    schema_checks = [c for (key, name), c in checks.items() if "column_schema" in name]
    assert schema_checks and all(c.passed for c in schema_checks)
    assert all(c.passed for c in checks.values()), [
        (k, c.description) for k, c in checks.items() if not c.passed
    ]


def test_the_answer_asset_shows_the_forecast(materialized, query):
    answer = {
        m.event_specific_data.materialization.asset_key: m.event_specific_data.materialization
        for m in materialized.get_asset_materialization_events()
    }[AssetKey(["starlink_42k_answer"])].metadata
    ((configuration, early, launches),) = query(
        "select configuration, target_date_early, launches_to_target_early "
        "from spacex_marts.starlink_42k_forecast where is_headline"
    )
    headline = answer["headline"].value
    assert f"Answer ({configuration}, the backtest's choice)" in headline
    assert f"earliest (P90 fleet): {early:%Y-%m}, after {launches:,} launches" in headline
    assert "With Starship" in headline and "Method: one fleet model." in headline
    assert f"**{configuration}** (headline)" in answer["backtest"].value
    assert "| 2030 | falcon_9 |" in answer["what_it_takes"].value
    # the catalogue's date, and its in-orbit count recomputed here from the bundled file
    as_of, in_orbit = catalogue_in_orbit(load_satcat())
    assert (as_of, in_orbit) == ("2025-06-18", 7721)
    assert answer["as_of_date"].value == as_of
    (marts_in_orbit,) = query(
        "select satellites_in_orbit from spacex_marts.starlink_in_orbit_daily "
        "where series_date = %s",
        (as_of,),
    )[0]
    assert marts_in_orbit == in_orbit
    assert answer["chart"].value.startswith("![chart](data:image/png;base64,")


def catalogue_in_orbit(records: list[dict]) -> tuple[str, int]:
    """(as-of date, satellites in orbit then) from raw Space-Track records: the as-of date is the
    latest launch or decay date; in orbit = launched by then and not decayed by then."""
    dates = [r[k] for r in records for k in ("LAUNCH", "DECAY") if r[k]]
    as_of = max(dates)
    in_orbit = sum(
        1 for r in records if r["LAUNCH"] <= as_of and (r["DECAY"] is None or r["DECAY"] > as_of)
    )
    return as_of, in_orbit


def _run(selection, instance):
    return defs.resolve_job_def("spacex_elt").execute_in_process(
        instance=instance, asset_selection=selection, raise_on_error=False
    )


def test_materializing_a_subset_runs_meltano_for_just_those_streams(built, mirror, query):
    seen = len(mirror.request_log)
    with DagsterInstance.ephemeral() as instance:
        result = _run([AssetKey(["spacex_raw", "rockets"])], instance)
    assert result.success
    paths = {path for _, path, _ in mirror.request_log[seen:]}
    assert paths and all(path.startswith("/v4/rockets") for path in paths)
    (event,) = result.get_asset_materialization_events()
    assert event.event_specific_data.materialization.metadata["rows_loaded"].value == 4


def _checks(result) -> dict:
    """The run's asset check evaluations by asset key (the raw assets' ``no_dropped_fields``)."""
    return {
        e.asset_key: e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_dropped_fields"
    }


def test_a_field_the_schema_lacks_shows_on_the_raw_asset_and_its_check(built, mirror):
    """Schema drift: the API grows a field -> the run succeeds, the raw asset's metadata and a
    warning-severity check name it."""
    mirror.faults.add(add_fields={"surprise": {"a": 1}}, times=50, path_contains="/landpads")
    key = AssetKey(["spacex_raw", "landpads"])
    with DagsterInstance.ephemeral() as instance:
        result = _run([key], instance)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.event_specific_data.materialization.metadata
    assert metadata["dropped_fields"].value == {"landpads": ["surprise"]}
    assert metadata["rows_loaded"].value == 7
    check = _checks(result)[key]
    assert not check.passed and check.severity == AssetCheckSeverity.WARN
    assert "surprise" in (check.description or "")
    assert check.metadata["dropped_fields"].value == {"landpads": ["surprise"]}


def test_records_with_every_final_state_field_are_loaded_with_nothing_dropped(built, mirror, query):
    """The API's final models give landing and launch pads `images`: loaded, nothing dropped,
    and carried to staging as `image_urls`."""
    large = ["https://i.imgur.com/pad-1.png", "https://i.imgur.com/pad-2.png"]
    keys = [AssetKey(["spacex_raw", "landpads"]), AssetKey(["spacex_raw", "launchpads"])]
    for resource in ("landpads", "launchpads"):
        mirror.faults.add(
            add_fields={"images": {"large": large}}, times=50, path_contains=f"/{resource}"
        )
    try:
        with DagsterInstance.ephemeral() as instance:
            result = _run(keys, instance)
        assert result.success
        for event in result.get_asset_materialization_events():
            assert event.event_specific_data.materialization.metadata["dropped_fields"].value == {}
        checks = _checks(result)
        assert all(checks[key].passed for key in keys)
        for resource, model in (("landpads", "landpad"), ("launchpads", "launchpad")):
            rows = query(f"select image_urls from spacex_staging.stg_spacex__{resource}")
            assert rows and all(urls == large for (urls,) in rows), model
    finally:
        for resource in ("landpads", "launchpads"):  # back to the recording for later modules
            query(f"update spacex_raw.{resource} set images = null")


def test_a_failed_meltano_run_fails_the_step_with_its_errors(built, mirror):
    mirror.faults.add(status=404, times=5, path_contains="/dragons")
    try:
        with DagsterInstance.ephemeral() as instance:
            result = _run([AssetKey(["spacex_raw", "dragons"])], instance)
    finally:
        mirror.faults.clear()
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = str(failure.event_specific_data.error)
    assert "meltano run tap-spacex target-postgres" in message
    assert "404" in message and "dragons" in message


def test_a_failing_dbt_test_blocks_the_models_downstream(built, query, monkeypatch):
    """A duplicate satellite in a copy of the raw schema: the unique test fails, marts wait."""
    marts_before = query("select count(*) from spacex_marts.starlink_satellites")[0][0]
    tables = [
        name
        for (name,) in query(
            "select table_name from information_schema.tables where table_schema = 'spacex_raw'"
        )
    ]
    statements = ["drop schema if exists broken_raw cascade", "create schema broken_raw"]
    statements += [
        f'create table broken_raw."{t}" as select * from spacex_raw."{t}"' for t in tables
    ]
    statements.append("insert into broken_raw.starlink select * from spacex_raw.starlink limit 1")
    for statement in statements:
        query(statement)
    monkeypatch.setenv("SPACEX_RAW_SCHEMA", "broken_raw")
    monkeypatch.setenv("SPACEX_DBT_SCHEMA", "broken")
    dbt_keys = [_key(name) for name in _dbt_models()]
    answer = AssetKey(["starlink_42k_answer"])
    with DagsterInstance.ephemeral() as instance:
        result = _run([*dbt_keys, answer], instance)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = str(failure.event_specific_data.error)
    assert "source_unique_spacex_raw_starlink_id (fail)" in message
    assert "the answer's marts were not rebuilt" in message
    failed_checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    # dbt's source test on the raw table fails first; it is a check on the raw asset
    assert [(c.asset_key, c.check_name) for c in failed_checks] == [
        (AssetKey(["spacex_raw", "starlink"]), "source_unique_spacex_raw_starlink_id")
    ]
    materialized = {
        e.event_specific_data.materialization.asset_key
        for e in result.get_asset_materialization_events()
    }
    assert _key("stg_spacex__launches") in materialized  # unrelated branches still build
    assert _key("stg_spacex__starlink") not in materialized
    assert _key("starlink_satellites") not in materialized
    assert _key("starlink_42k_forecast") not in materialized
    # Neither the answer nor any mart it reads changed: they still agree with each other.
    assert not materialized & ({_key(m) for m in ANSWER_MARTS} | {answer})
    # The real marts were never touched by the broken run.
    assert query("select count(*) from spacex_marts.starlink_satellites")[0][0] == marts_before


def test_a_dbt_build_waits_for_another_runs_build(built, query):
    """Two `dbt build`s at once would fail on each other's relations: the second waits for the
    warehouse lock (naming who holds it), then builds."""
    from spacex_elt.postgres import connect

    with connect(built.postgres, autocommit=True, application_name="other run's dbt") as other:
        lock = (DBT_BUILD_LOCK,)
        assert other.execute("select pg_try_advisory_lock(hashtext(%s))", lock).fetchone()[0]
        timer = threading.Timer(4, other.execute, ("select pg_advisory_unlock(hashtext(%s))", lock))
        timer.start()
        try:
            with DagsterInstance.ephemeral() as instance:
                result = _run([_key("stg_spacex__rockets")], instance)
                messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
        finally:
            timer.cancel()
            timer.join()
    assert result.success
    assert any("waiting for another run to finish (other run's dbt" in m for m in messages)
    assert query("select count(*) from spacex_staging.stg_spacex__rockets")[0][0] == 4


def test_a_dbt_build_fails_clearly_when_the_wait_runs_out(built):
    from dagster_spacex.resources.warehouse import WarehouseBusyError, WarehouseResource
    from spacex_elt.postgres import connect

    with connect(built.postgres, autocommit=True, application_name="stuck run") as other:
        other.execute("select pg_advisory_lock(hashtext(%s))", (DBT_BUILD_LOCK,))
        with (
            pytest.raises(WarehouseBusyError) as busy,
            WarehouseResource(lock_wait_seconds=0.5).exclusive(
                DBT_BUILD_LOCK, "second run", NullLog()
            ),
        ):
            raise AssertionError("entered while another session held the lock")
    assert "another run (stuck run, backend pid" in busy.value.description
    with WarehouseResource(lock_wait_seconds=0).exclusive(DBT_BUILD_LOCK, "x", NullLog()):
        pass  # free once the holder's session has ended


def test_marts_and_the_answer_must_be_rebuilt_daily():
    graph = _graph()
    for key in (_key("starlink_42k_forecast"), AssetKey(["starlink_42k_answer"])):
        policy = graph.get(key).freshness_policy
        assert policy is not None and policy.fail_window.to_timedelta().total_seconds() == 30 * 3600
    assert graph.get(_key("stg_spacex__starlink")).freshness_policy is None


def test_dagster_validates_the_workspace_from_the_command_line(tmp_path):
    """As `make dev` loads it: through `spacex exec`, as `dagster dev` (whose dagster-dbt
    preparation runs `dbt parse` by name), with no virtualenv on PATH."""
    from spacex_elt.settings import PROJECT_ROOT

    result = run_tool(
        ["spacex", "exec", "--", str(BIN / "dagster"), "definitions", "validate",
         "-w", "workspace.yaml"],
        PROJECT_ROOT,
        None,
        {"DAGSTER_HOME": str(tmp_path), "DAGSTER_IS_DEV_CLI": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stdout + result.stderr
