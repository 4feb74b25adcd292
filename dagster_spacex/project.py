"""What the code location is built from: the tap's streams, the dbt project, the Meltano job."""

from __future__ import annotations

from dagster_dbt import DbtProject

from spacex_elt.settings import DBT_PROJECT_DIR
from tap_spacex.streams import STREAM_TYPES

# One raw table per tap stream; the dbt source `spacex_raw` names the same tables, so the asset
# keys ["spacex_raw", <stream>] connect extract-load to the staging models in the lineage graph.
RAW_SOURCE = "spacex_raw"
STREAMS: tuple[str, ...] = tuple(sorted(stream.name for stream in STREAM_TYPES))

# The Meltano job in meltano.yml is the single definition of the pipeline's steps.
MELTANO_JOB = "spacex_elt"
EXTRACT_LOAD_BLOCKS = ("tap-spacex", "target-postgres")
TRANSFORM_BLOCK = "dbt-postgres:build"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
