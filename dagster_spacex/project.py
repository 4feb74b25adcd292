"""What the code location is built from: the taps' streams, the dbt project, the Meltano job."""

from __future__ import annotations

from dataclasses import dataclass

from dagster_dbt import DbtProject

from spacex_elt.settings import DBT_PROJECT_DIR

# Names only, from modules without the Singer SDK: this module loads in every Dagster process.
from tap_common.stream_names import PROVENANCE_STREAM
from tap_satcat.stream_names import CATALOGUE_STREAMS
from tap_spacex.resources import NAMES, RESOURCES


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
    #: Streams that should never come back empty (their raw assets check rows loaded > 0).
    collections: tuple[str, ...] = ()

    @property
    def blocks(self) -> tuple[str, str]:
        return (self.extractor, self.loader)


SPACEX_EL = ExtractLoad(
    "tap-spacex",
    "target-postgres",
    "spacex_raw",
    # the API's resources, and what the tap recorded about each run (its provenance)
    (*sorted(NAMES), PROVENANCE_STREAM),
    "the SpaceX API",
    collections=tuple(sorted(r.name for r in RESOURCES if r.is_collection)),
)
SATCAT_EL = ExtractLoad(
    "tap-satcat",
    "target-postgres",
    "satcat_raw",
    (*sorted(CATALOGUE_STREAMS), PROVENANCE_STREAM),
    "the satellite catalogue (Space-Track SATCAT, or CelesTrak without an account)",
    # None: each run reads one of the two catalogues (setting `source`), the other stays empty.
)
EXTRACT_LOADS: tuple[ExtractLoad, ...] = (SPACEX_EL, SATCAT_EL)

# Kept for the SpaceX API's assets and sensor: the API's resources (not the provenance table).
RAW_SOURCE = SPACEX_EL.raw_source
STREAMS = tuple(sorted(NAMES))

# The Meltano job in meltano.yml is the single definition of the pipeline's steps.
MELTANO_JOB = "spacex_elt"
TRANSFORM_BLOCK = "dbt-postgres:build"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses the dbt project at every code reload, so a model edited in the editor
# shows at once; elsewhere the manifest comes from `dagster-dbt project prepare-and-package`
# (the Makefile and the Dockerfile).
dbt_project.prepare_if_dev()
