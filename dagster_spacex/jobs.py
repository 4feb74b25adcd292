"""The `spacex_elt` job: exactly the steps of the Meltano job of the same name, as assets."""

from __future__ import annotations

from pathlib import Path

from dagster import AssetSelection, define_asset_job, in_process_executor

from dagster_spacex.hooks import say_why_the_step_failed
from dagster_spacex.project import EXTRACT_LOADS, MELTANO_JOB, TRANSFORM_BLOCK
from dagster_spacex.resources.meltano import meltano_job_tasks
from spacex_elt.settings import MELTANO_PROJECT_DIR


class PipelineDefinitionMismatch(ValueError):
    """meltano.yml's job and the Dagster asset graph describe different pipelines."""


def check_meltano_job_matches(project_dir: Path = MELTANO_PROJECT_DIR) -> None:
    """Fail loading the code location if meltano.yml's `spacex_elt` job has other steps."""
    expected = [*(block for el in EXTRACT_LOADS for block in el.blocks), TRANSFORM_BLOCK]
    actual = meltano_job_tasks(MELTANO_JOB, project_dir)
    if actual != expected:
        raise PipelineDefinitionMismatch(
            f"meltano.yml job {MELTANO_JOB!r} runs {' '.join(actual)!r}, but the Dagster assets "
            f"implement {' '.join(expected)!r}; change both together"
        )


check_meltano_job_matches()

# Extract-load (the raw group), then every dbt model, then the answer read from the marts.
# In one process: the steps depend on one another (they never run side by side, as in the
# Meltano job), the work happens in Meltano's and dbt's own subprocesses, and the default
# multiprocess executor started a Python process per step that imported the code location again
# (README, "Benchmark").
spacex_elt_job = define_asset_job(
    name=MELTANO_JOB,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    hooks={say_why_the_step_failed},
    description="Meltano extract-load of every SpaceX API resource and of the satellite "
    "catalogue, `dbt build` of every model "
    "(tests as asset checks), then the 42,000-satellite answer. Same steps as the Meltano job "
    "`spacex_elt` in meltano_project/meltano.yml.",
)
