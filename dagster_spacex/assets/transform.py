"""Every dbt model as an asset (dagster-dbt); dbt tests become asset checks.

The dbt step never leaves a stale answer beside fresh marts (see the README, "Failure
behaviour"). It runs one ``dbt build`` without raising and reports every test as an asset check.
The order is dbt's own: the answer's marts (``ANSWER_MARTS``) depend on every other model through
``int_starlink__answer_gate`` (ephemeral), so dbt builds them only after every other model and
its error-severity tests passed, and skips all of them otherwise (warn-severity tests, such as
references between upstream collections, only warn). After a failure before the answer's marts
the step fails naming the failed tests, the marts unchanged, so the answer (skipped) and its marts
still agree. When the answer's marts were rebuilt, the answer asset is rebuilt in the same run;
their own tests are therefore not blocking in Dagster (they run after the tables changed): the
answer asset reports a failure of one of them, and then fails the run.

dbt's unit tests run in CI (``make test``), not in production builds.
"""

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetMaterialization,
    AssetSpec,
    Failure,
    MetadataValue,
    Output,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    dbt_assets,
)

from dagster_spacex.freshness import DAILY_FRESHNESS
from dagster_spacex.project import dbt_project
from dagster_spacex.resources.warehouse import WarehouseResource
from spacex_elt.answer import ANSWER_MARTS
from spacex_elt.settings import DBT_PROJECT_DIR, export_runtime_env, load_settings

#: The warehouse lock one `dbt build` holds at a time (see WarehouseResource.exclusive).
DBT_BUILD_LOCK = "spacex-elt dbt build"

#: Unit tests check the SQL with given rows: CI runs them, a production build need not.
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")

#: Where `make docs` leaves dbt's static docs site (one self-contained page).
DOCS_PAGE = DBT_PROJECT_DIR / "target" / "static_index.html"

#: The answer's marts as ONE selection argument (dagster-dbt reads one value after --exclude).
ANSWER_MART_SELECTION = " ".join(ANSWER_MARTS)
#: The ephemeral model through which the answer's marts depend on every other model.
ANSWER_GATE = "int_starlink__answer_gate"

#: The folder, inside dbt's target folder, where the step's dbt invocations write their artifacts.
STEP_TARGET = "dagster"

#: dbt statuses of a node that did not end well (tests: fail/error; models: error/skipped).
_FAILED = {"fail", "error"}

#: The mart of the satellite records set aside as unusable, and the dbt test on it (its check
#: names the records: their NORAD numbers in its description and metadata).
QUARANTINE_MART = "starlink_quarantine"
SET_ASIDE_TEST = "set_aside_records"
#: How many set-aside records a check or a failure names (the mart lists them all).
SET_ASIDE_NAMED = 10


def docs_url(unique_id: str) -> str:
    """The node's page in the static docs site (`make docs`)."""
    kind = unique_id.split(".", 1)[0]
    return f"{DOCS_PAGE.as_uri()}#!/{kind}/{unique_id}"


class SpaceXDbtTranslator(DagsterDbtTranslator):
    """Groups follow dbt's layers (staging, intermediate, marts); sources are the raw group.

    The marts carry a daily freshness policy: they are what the analysts read. Owners come from
    the dbt groups (dagster-dbt's default). Every asset links to its page in the docs site.
    """

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id, {})
        if node.get("name") in ANSWER_MARTS:
            # dagster-dbt would draw every model behind the (ephemeral) answer gate as an input
            # of each answer mart: the lineage shows the marts' own inputs, and dbt keeps the order.
            direct = [p for p in node["depends_on"]["nodes"] if not p.endswith(f".{ANSWER_GATE}")]
            inputs = {self.get_asset_spec(manifest, p, project).key for p in direct}
            spec = spec.replace_attributes(deps=[d for d in spec.deps if d.asset_key in inputs])
        if unique_id.startswith("model."):
            spec = spec.merge_attributes(
                metadata={"dbt_docs": MetadataValue.url(docs_url(unique_id))}
            )
        if spec.group_name == "marts":
            spec = spec.replace_attributes(freshness_policy=DAILY_FRESHNESS)
        return spec

    def get_asset_check_spec(
        self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is not None and spec.blocking and asset_spec.key.path[-1] in ANSWER_MARTS:
            # The answer's marts have already changed when their tests run: blocking here would
            # skip the answer and leave it stale beside them; the answer asset reports it instead.
            spec = AssetCheckSpec(
                name=spec.name,
                asset=spec.asset_key,
                description=spec.description,
                additional_deps=spec.additional_deps,
                metadata=spec.metadata,
                blocking=False,
            )
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


def failed_nodes(invocation: DbtCliInvocation) -> dict[str, dict[str, Any]]:
    """unique_id -> run result, for each test or model of the invocation that failed."""
    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
    except FileNotFoundError:
        # dbt stopped before running anything (a bad argument, no database): its log says why.
        if invocation.is_successful():
            return {}
        raise Failure(
            description="dbt stopped before running anything: see the step's log for dbt's "
            "own error"
        ) from None
    return {r["unique_id"]: r for r in results if r.get("status") in _FAILED}


def describe_failures(failures: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per failure: the node, dbt's status and its message (e.g. "Got 3 results")."""
    lines = []
    for unique_id, result in sorted(failures.items()):
        message = " ".join(str(result.get("message") or "").split())
        # <type>.<project>.<name>[.<hash>]: tests carry a hash after their name
        parts = unique_id.split(".")
        name = parts[2] if len(parts) > 2 else unique_id
        lines.append(f"{name} ({result['status']}): {message}"[:300])
    return lines


def set_aside_text(count: int, rows: list[dict[str, Any]]) -> str:
    """``3 satellite records set aside (starlink_quarantine): NORAD 1 STARLINK-1 (rule), ...``."""
    if not count:
        return f"no satellite record set aside ({QUARANTINE_MART} is empty)"
    named = ", ".join(
        f"NORAD {row['norad_cat_id'] or row['satellite_id']} {row['object_name'] or ''} "
        f"({row['rule']})".replace("  ", " ")
        for row in rows
    )
    more = f", and {count - len(rows)} more" if count > len(rows) else ""
    return f"{count} satellite record(s) set aside ({QUARANTINE_MART}): {named}{more}"


def _set_aside(warehouse: WarehouseResource) -> tuple[int, list[dict[str, Any]]]:
    return warehouse.set_aside(
        f"{load_settings().dbt_schema}_marts", QUARANTINE_MART, SET_ASIDE_NAMED
    )


def name_set_aside(event: AssetCheckResult, warehouse: WarehouseResource) -> AssetCheckResult:
    """The set_aside_records check, with the records it counts named (dbt gives only a count)."""
    count, rows = _set_aside(warehouse)
    return event._replace(
        description=set_aside_text(count, rows),
        metadata={
            **event.metadata,
            "set_aside_count": MetadataValue.int(count),
            "set_aside_norad_cat_ids": MetadataValue.text(
                ", ".join(str(row["norad_cat_id"] or row["satellite_id"]) for row in rows)
            ),
            "set_aside_records": MetadataValue.json(rows),
        },
    )


def prepare_step_target() -> Path:
    """One folder for the step's dbt artifacts, reused run after run (the build lock makes the
    invocations take turns), inside dbt's target folder (``DBT_TARGET_PATH``, as dbt reads it),
    without the run results of the invocation before: if dbt stopped before writing its own,
    those would pass for this invocation's, and ``failed_nodes`` decides from them whether the
    answer's marts are rebuilt.

    Not dagster-dbt's default, a new folder per invocation: nothing removes those (one a run,
    each with a manifest), and each starts from `make setup`'s partial-parse state, so dbt
    parses the whole project again whenever this run's connection settings differ from that
    parse's (another port or schema: the tests, the benchmark). Here dbt finds the state it left.
    """
    path = Path(os.environ.get("DBT_TARGET_PATH") or dbt_project.target_path) / STEP_TARGET
    (Path(dbt_project.project_dir) / path / "run_results.json").unlink(missing_ok=True)
    return path


def answer_mart_nodes(manifest: Mapping[str, Any]) -> set[str]:
    """The answer's marts and every test that reads one of them (its own tests, and the singular
    tests comparing it with other marts): what runs after the answer's marts have changed."""
    marts = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"] in ANSWER_MARTS
    }
    tests = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and marts & set(node["depends_on"]["nodes"])
    }
    return marts | tests


def with_row_counts(invocation: DbtCliInvocation, warehouse: WarehouseResource) -> Iterator[Any]:
    """The invocation's Dagster events (as ``stream()``), each built table's with its row count.

    Not dagster-dbt's ``fetch_row_counts()``: that counts the manifest's ``relation_name``, which
    names the database and schema the manifest was parsed with (`make setup`'s, the image
    build's) and silently drops the count when this run's settings name others. dbt's own
    result event names the relation it has just built; the warehouse resource counts it in the
    database this run is connected to.
    """
    for message in invocation.stream_raw_events():
        node = message.raw_event["data"].get("node_info") or {}
        relation = node.get("node_relation") or {}
        events = message.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=invocation.context,
            target_path=invocation.target_path,
            project=invocation.project,
        )
        for event in events:
            if isinstance(event, AssetCheckResult) and (event.check_name or "").startswith(
                SET_ASIDE_TEST
            ):
                event = name_set_aside(event, warehouse)
            built = isinstance(event, (Output, AssetMaterialization))
            # a view's count would run its query
            if built and relation.get("schema") and node.get("materialized") != "view":
                count = warehouse.row_count(relation["schema"], relation["alias"])
                if count is not None:
                    event = event.with_metadata({**event.metadata, "dagster/row_count": count})
            yield event


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # Source tests (unique/not_null ids of the raw tables) become checks on the raw assets too.
    dagster_dbt_translator=SpaceXDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
)
def dbt_spacex_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """One `dbt build` (see the module's docstring); every test is an asset check.

    One `dbt build` at a time per warehouse: a second run waits for the first (its own load may
    hold newer data, so it still builds afterwards).
    """
    export_runtime_env()  # profiles.yml reads the SPACEX_* variables
    holder = f"spacex-elt dbt, run {context.run.run_id}"
    selected_marts = {key.path[-1] for key in context.selected_asset_keys} & set(ANSWER_MARTS)
    args = ["build", *NO_UNIT_TESTS]
    if selected_marts != set(ANSWER_MARTS):
        # Some of the answer's marts without the others would leave them disagreeing.
        args += ["--exclude", ANSWER_MART_SELECTION]
        if selected_marts:
            context.log.warning(
                "The answer's marts are built all together (then the answer): "
                f"{', '.join(sorted(selected_marts))} left out of this partial selection"
            )
    with warehouse.exclusive(DBT_BUILD_LOCK, holder, context.log):
        build = dbt.cli(
            args, context=context, raise_on_error=False, target_path=prepare_step_target()
        )
        yield from with_row_counts(build, warehouse)
        failures = failed_nodes(build)
    after_marts = answer_mart_nodes(build.manifest)
    if before := {u: r for u, r in failures.items() if u not in after_marts}:
        # dbt skipped the answer's marts (they depend on everything else): unchanged.
        lines = describe_failures(before)
        if any(SET_ASIDE_TEST in unique_id for unique_id in before):
            lines.insert(0, set_aside_text(*_set_aside(warehouse)))
        context.log.error("dbt build failed before the answer's marts:\n" + "\n".join(lines))
        raise Failure(
            description=f"dbt: {len(lines)} error-severity test(s) or model(s) failed, so "
            "the answer's marts were not rebuilt (they and the answer stay as the last good "
            "run left them): " + "; ".join(lines[:5]),
            metadata={"failed": MetadataValue.json(lines)},
        )
    if mart_failures := {u: r for u, r in failures.items() if u in after_marts}:
        # A failed test is logged, not raised: the answer asset still rebuilds from what the
        # marts now hold, reports these checks, and fails the run.
        context.log.error(
            "dbt: the answer's marts failed:\n" + "\n".join(describe_failures(mart_failures))
        )
        if models := {u: r for u, r in mart_failures.items() if u.startswith("model.")}:
            # A mart that failed to build (a contract violation keeps its previous table)
            # yields no output, so Dagster skips the answer: say so, and fail the run.
            lines = describe_failures(models)
            raise Failure(
                description=f"dbt: {len(lines)} of the answer's marts failed to build and "
                "kept their previous table, so the answer was not rebuilt; the marts that "
                "did build are newer than it until a run succeeds: " + "; ".join(lines),
                metadata={"failed": MetadataValue.json(lines)},
            )
