"""Every dbt model as an asset (dagster-dbt); dbt tests become asset checks."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetSpec
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_spacex.freshness import DAILY_FRESHNESS
from dagster_spacex.project import dbt_project
from dagster_spacex.resources.warehouse import WarehouseResource
from spacex_elt.settings import export_runtime_env

#: The warehouse lock one `dbt build` holds at a time (see WarehouseResource.exclusive).
DBT_BUILD_LOCK = "spacex-elt dbt build"


class SpaceXDbtTranslator(DagsterDbtTranslator):
    """Groups follow dbt's layers (staging, intermediate, marts); sources are the raw group.

    The marts carry a daily freshness policy: they are what the analysts read.
    """

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == "marts":
            spec = spec.replace_attributes(freshness_policy=DAILY_FRESHNESS)
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


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
):
    """`dbt build`: a failing error-severity test stops the models downstream of it.

    One `dbt build` at a time per warehouse: a second run waits for the first (its own load may
    hold newer data, so it still builds afterwards).
    """
    export_runtime_env()  # profiles.yml reads the SPACEX_* variables
    holder = f"spacex-elt dbt, run {context.run_id}"
    with warehouse.exclusive(DBT_BUILD_LOCK, holder, context.log):
        yield from dbt.cli(["build"], context=context).stream().fetch_row_counts()
