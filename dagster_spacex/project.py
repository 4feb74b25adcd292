"""What the code location is built from: the taps' streams, the dbt project, the Meltano job."""

from __future__ import annotations

from dataclasses import dataclass

from dagster_dbt import DbtProject

from spacex_elt.settings import DBT_PROJECT_DIR
from tap_satcat.streams import STREAM_TYPES as SATCAT_STREAM_TYPES
from tap_spacex.resources import NAMES


@dataclass(frozen=True)
class ExtractLoad:
    """One extract-load pair of the Meltano job and the raw tables it fills.

    ``raw_source`` is the dbt source that names those tables, so the asset keys
    ``[raw_source, stream]`` connect extract-load to the staging models in the lineage graph.
    """

    extractor: str
    loader: str
    raw_source: str
    streams: tuple[str, ...]
    upstream: str

    @property
    def blocks(self) -> tuple[str, str]:
        return (self.extractor, self.loader)


SPACEX_EL = ExtractLoad(
    "tap-spacex", "target-postgres", "spacex_raw", tuple(sorted(NAMES)), "the SpaceX API"
)
SATCAT_EL = ExtractLoad(
    "tap-satcat",
    "target-postgres",
    "satcat_raw",
    tuple(sorted(stream.name for stream in SATCAT_STREAM_TYPES)),
    "the satellite catalogue (Space-Track SATCAT, or CelesTrak without an account)",
)
EXTRACT_LOADS: tuple[ExtractLoad, ...] = (SPACEX_EL, SATCAT_EL)

# Kept for the SpaceX API's assets and sensor.
RAW_SOURCE = SPACEX_EL.raw_source
STREAMS = SPACEX_EL.streams

# The Meltano job in meltano.yml is the single definition of the pipeline's steps.
MELTANO_JOB = "spacex_elt"
TRANSFORM_BLOCK = "dbt-postgres:build"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
