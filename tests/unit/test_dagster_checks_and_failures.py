"""The Dagster graph's checks and failure reporting, without a warehouse or a run: the raw
assets' Python checks, which dbt checks block, the failed step's last words, the docs links."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    AssetKey,
    DagsterEventType,
    Failure,
)
from support.meltano import NullLog

from dagster_spacex.assets.answer import failed_mart_checks
from dagster_spacex.assets.extract_load import RAW_ASSET_KEYS, ROWS_LOADED_CHECK
from dagster_spacex.assets.transform import (
    ANSWER_GATE,
    DOCS_PAGE,
    STEP_TARGET,
    answer_mart_nodes,
    dbt_spacex_models,
    describe_failures,
    docs_url,
    prepare_step_target,
)
from dagster_spacex.checks import FRESHNESS_CHECK, judge_freshness, source_freshness_rules
from dagster_spacex.definitions import defs
from dagster_spacex.hooks import cause_of
from dagster_spacex.project import dbt_project
from dagster_spacex.resources.meltano import MeltanoResource
from spacex_elt.answer import ANSWER_MARTS

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


def _graph():
    return defs.resolve_asset_graph()


def _manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def test_freshness_thresholds_are_the_dbt_sources_own():
    rules = source_freshness_rules()
    launches = rules[AssetKey(["spacex_raw", "launches"])]
    source = _manifest()["sources"]["source.dbt_spacex.spacex_raw.launches"]
    assert launches["loaded_at_field"] == source["loaded_at_field"]
    warn = source["freshness"]["warn_after"]
    assert (
        launches["warn_after"]
        == warn["count"] * {"hour": dt.timedelta(hours=1), "day": DAY}[warn["period"]]
    )
    assert launches["error_after"] > launches["warn_after"]


def test_freshness_passes_warns_then_errors_as_the_table_ages():
    key = AssetKey(["spacex_raw", "launches"])
    rule = {"loaded_at_field": "_sdc_batched_at", "warn_after": 2 * DAY, "error_after": 7 * DAY}
    fresh = judge_freshness(key, rule, NOW - dt.timedelta(hours=3), NOW)
    assert fresh.passed and fresh.check_name == FRESHNESS_CHECK
    warned = judge_freshness(key, rule, NOW - 3 * DAY, NOW)
    assert not warned.passed and warned.severity == AssetCheckSeverity.WARN
    failed = judge_freshness(key, rule, NOW - 8 * DAY, NOW)
    assert not failed.passed and failed.severity == AssetCheckSeverity.ERROR
    assert "192.0 h ago" in (failed.description or "")
    # A source that is not in use (no table) or has no thresholds is not stale.
    assert judge_freshness(key, rule, None, NOW).passed
    assert judge_freshness(key, {}, NOW - 30 * DAY, NOW).passed


def test_every_raw_asset_has_freshness_schema_change_and_drift_checks():
    checks = _graph().asset_check_keys
    for key in RAW_ASSET_KEYS:
        names = {c.name for c in checks if c.asset_key == key}
        assert {FRESHNESS_CHECK, "no_dropped_fields"} <= names, key
        assert any("column_schema" in n for n in names), (key, names)
    collections = {c.asset_key for c in checks if c.name == ROWS_LOADED_CHECK}
    assert AssetKey(["spacex_raw", "launches"]) in collections
    assert AssetKey(["spacex_raw", "company"]) not in collections  # a single object


def test_only_the_answer_marts_own_tests_do_not_block():
    """Their tables have changed when they run: blocking would leave the answer stale beside
    them. Every other error-severity dbt test blocks its downstream assets."""
    blocking_on: dict[str, set[bool]] = {}
    for spec in dbt_spacex_models.check_specs:
        blocking_on.setdefault(spec.asset_key.path[-1], set()).add(spec.blocking)
    for mart in ANSWER_MARTS:
        assert blocking_on[mart] == {False}, mart
    assert True in blocking_on["stg_spacex__starlink"]
    assert True in blocking_on["int_starlink__satellites"]


def test_dbt_assets_link_to_their_docs_page():
    graph = _graph()
    forecast = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "starlink_42k_forecast")
    url = graph.get(forecast).metadata["dbt_docs"].value
    assert url == docs_url("model.dbt_spacex.starlink_42k_forecast")
    assert url.startswith(DOCS_PAGE.as_uri()) and url.endswith(
        "#!/model/model.dbt_spacex.starlink_42k_forecast"
    )


def test_failed_dbt_nodes_are_named_with_dbt_s_own_message():
    lines = describe_failures(
        {
            "test.dbt_spacex.unique_stg_spacex__starlink_starlink_id.abc": {
                "status": "fail",
                "message": "Got 3 results,\n configured to fail if != 0",
            }
        }
    )
    assert lines == [
        "unique_stg_spacex__starlink_starlink_id (fail): Got 3 results, configured to fail if != 0"
    ]


def test_the_last_words_of_a_failed_step_are_the_plugin_s_own_error():
    """Meltano's structured log carries the tap's exception; the step's error starts with it."""
    records: dict[str, int] = {}
    errors: list[str] = []
    exceptions: list[str] = []
    line = json.dumps(
        {
            "name": "tap-spacex",
            "level": "error",
            "event": "stream capsules: POST http://x.invalid/v4/capsules/query failed",
            "plugin_exception": {
                "type": "RetriesExhaustedError",
                "message": "stream capsules: POST http://x.invalid/v4/capsules/query failed "
                "after 6 attempts; last error: connection error",
            },
        }
    )
    MeltanoResource._forward(NullLog(), line, records, errors, {}, exceptions)  # type: ignore[arg-type]
    assert exceptions == [
        "tap-spacex: RetriesExhaustedError: stream capsules: POST "
        "http://x.invalid/v4/capsules/query failed after 6 attempts; last error: connection error"
    ]
    failure = Failure(description=exceptions[-1] + "\n`meltano run ...` failed with exit code 1")
    assert cause_of(failure) == f"Failure: {exceptions[-1]}"
    assert cause_of(None) == "no error was recorded"


def test_the_answer_marts_come_after_everything_else_in_one_dbt_build():
    """Through the ephemeral gate, each answer mart depends on every other model, seed and
    source, so that dbt runs it after all of them and their tests, and skips all of the answer's
    marts when one of those fails. A model added without a path to the gate would break that."""
    manifest = _manifest()
    nodes = manifest["nodes"]
    gate = next(u for u, n in nodes.items() if n["name"] == ANSWER_GATE)
    assert nodes[gate]["config"]["materialized"] == "ephemeral"  # never built, never an asset
    parents = {u: set(n.get("depends_on", {}).get("nodes", [])) for u, n in nodes.items()}

    def ancestors(uid: str) -> set[str]:
        seen: set[str] = set()
        todo = [uid]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    marts = {
        u for u, n in nodes.items() if n["resource_type"] == "model" and n["name"] in ANSWER_MARTS
    }
    assert {u for u, p in parents.items() if gate in p} == marts
    everything_else = {
        u for u, n in nodes.items() if n["resource_type"] in ("model", "seed") and u not in marts
    } - {gate}
    missing = (everything_else | set(manifest["sources"])) - ancestors(gate)
    assert not missing, f"add to int_starlink__answer_gate's list: {sorted(missing)}"
    # Every test that reads an answer mart is reported with them (it runs after they changed).
    after = answer_mart_nodes(manifest)
    assert marts <= after
    assert all(
        n["resource_type"] == "test" and marts & parents[u]
        for u, n in nodes.items()
        if u in after - marts
    )
    assert any(n.get("test_metadata") is None for u, n in nodes.items() if u in after - marts)


def _check_record(mart: str, check: str, passed: bool, severity: AssetCheckSeverity):
    evaluation = AssetCheckEvaluation(
        asset_key=AssetKey(["marts", mart]), check_name=check, passed=passed, severity=severity
    )
    event = SimpleNamespace(event_specific_data=evaluation)
    return SimpleNamespace(event_log_entry=SimpleNamespace(dagster_event=event))


def test_the_answer_names_the_failed_error_checks_of_its_own_marts_in_this_run():
    """What the answer asset reports (then fails the run on) after the answer's marts were
    rebuilt and one of their own tests failed: error severity only, answer marts only."""
    mart = ANSWER_MARTS[0]
    records = [
        _check_record(mart, "unique_scenario", False, AssetCheckSeverity.ERROR),
        _check_record(mart, "unique_scenario", False, AssetCheckSeverity.ERROR),  # reported once
        _check_record(mart, "accepted_values_x", False, AssetCheckSeverity.WARN),
        _check_record(mart, "not_null_as_of_date", True, AssetCheckSeverity.ERROR),
        _check_record("stg_spacex__starlink", "unique_id", False, AssetCheckSeverity.ERROR),
    ]
    asked = {}

    def get_records_for_run(run_id, of_type):
        asked.update(run_id=run_id, of_type=of_type)
        return SimpleNamespace(records=records)

    context = SimpleNamespace(
        run=SimpleNamespace(run_id="this-run"),
        instance=SimpleNamespace(get_records_for_run=get_records_for_run),
    )
    assert failed_mart_checks(context) == [f"{mart}:unique_scenario"]  # type: ignore[arg-type]
    assert asked == {"run_id": "this-run", "of_type": DagsterEventType.ASSET_CHECK_EVALUATION}


def test_the_set_aside_check_names_the_records_it_counts():
    """dbt counts the quarantined records; the check adds which (NORAD number, name, rule)."""
    from dagster import AssetCheckResult

    from dagster_spacex.assets.transform import QUARANTINE_MART, name_set_aside, set_aside_text

    rows = [
        {"norad_cat_id": 44713, "object_name": "STARLINK-1007", "rule": "decay_before_launch",
         "satellite_id": "44713"},
        {"norad_cat_id": None, "object_name": None, "rule": "missing_launch", "satellite_id": "S9"},
    ]  # fmt: skip

    class Warehouse:
        def set_aside(self, schema: str, table: str, limit: int):
            assert table == QUARANTINE_MART and schema.endswith("_marts")
            return 12, rows

    check = AssetCheckResult(
        passed=False,
        asset_key=AssetKey(["marts", QUARANTINE_MART]),
        check_name="set_aside_records_starlink_quarantine",
        severity=AssetCheckSeverity.WARN,
        metadata={"dagster_dbt/failed_row_count": 12},
    )
    named = name_set_aside(check, Warehouse())  # type: ignore[arg-type]
    assert named.description == (
        "12 satellite record(s) set aside (starlink_quarantine): NORAD 44713 STARLINK-1007 "
        "(decay_before_launch), NORAD S9 (missing_launch), and 10 more"
    )
    assert named.metadata["set_aside_count"].value == 12
    assert named.metadata["set_aside_norad_cat_ids"].value == "44713, S9"
    assert named.metadata["dagster_dbt/failed_row_count"].value == 12  # dbt's own kept
    assert (named.passed, named.severity) == (False, AssetCheckSeverity.WARN)
    assert set_aside_text(0, []) == "no satellite record set aside (starlink_quarantine is empty)"


def test_each_dbt_invocation_starts_without_the_run_results_of_the_one_before(
    tmp_path, monkeypatch
):
    # dbt stopping before it writes its own must read as "stopped", not as the last build's pass
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path))
    folder = tmp_path / STEP_TARGET
    folder.mkdir()
    (folder / "run_results.json").write_text('{"results": []}')
    (folder / "partial_parse.msgpack").write_bytes(b"dbt's parse state, kept")
    assert prepare_step_target() == folder
    assert sorted(p.name for p in folder.iterdir()) == ["partial_parse.msgpack"]
