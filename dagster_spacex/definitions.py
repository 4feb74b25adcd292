"""The code location: assets, checks, the job, the schedule, the sensors and their resources."""

from __future__ import annotations

from dagster import Definitions

from dagster_spacex.assets.answer import starlink_42k_answer
from dagster_spacex.assets.extract_load import meltano_extract_load
from dagster_spacex.assets.transform import dbt_spacex_models
from dagster_spacex.checks import RAW_CHECKS
from dagster_spacex.jobs import spacex_elt_job
from dagster_spacex.project import dbt_project
from dagster_spacex.resources.dbt import SpaceXDbtCliResource
from dagster_spacex.resources.meltano import MeltanoResource
from dagster_spacex.resources.warehouse import WarehouseResource
from dagster_spacex.schedules import daily_spacex_elt
from dagster_spacex.sensors import spacex_api_changed, spacex_run_failed
from spacex_elt.settings import TOOLS_DIR

defs = Definitions(
    assets=[meltano_extract_load, dbt_spacex_models, starlink_42k_answer],
    asset_checks=RAW_CHECKS,
    jobs=[spacex_elt_job],
    schedules=[daily_spacex_elt],
    sensors=[spacex_api_changed, spacex_run_failed],
    resources={
        "meltano": MeltanoResource(),
        # dbt from this virtualenv, whether or not it is on PATH
        "dbt": SpaceXDbtCliResource(
            project_dir=str(dbt_project.project_dir),
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=str(TOOLS_DIR / "dbt"),
        ),
        "warehouse": WarehouseResource(),
    },
)
