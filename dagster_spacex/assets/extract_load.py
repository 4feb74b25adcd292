"""One asset per raw table, all produced by one Meltano run (tap-spacex -> target-postgres)."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from dagster_spacex.project import EXTRACT_LOAD_BLOCKS, RAW_SOURCE, STREAMS
from dagster_spacex.resources.meltano import MeltanoResource
from dagster_spacex.resources.warehouse import WarehouseResource
from spacex_elt.settings import load_settings


def raw_asset_key(stream: str) -> AssetKey:
    """The key dagster-dbt gives the dbt source table of the same name (lineage connects)."""
    return AssetKey([RAW_SOURCE, stream])


@multi_asset(
    name="meltano_extract_load",
    specs=[
        AssetSpec(
            raw_asset_key(stream),
            group_name="raw",
            kinds={"meltano", "postgres"},
            description=f"Raw `{stream}` records from the SpaceX API, loaded by Meltano "
            "(tap-spacex -> target-postgres, upserted by id).",
        )
        for stream in STREAMS
    ],
    can_subset=True,
)
def meltano_extract_load(
    context: AssetExecutionContext, meltano: MeltanoResource, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    """Materializing a subset runs Meltano for just those streams."""
    selected = sorted(key.path[-1] for key in context.selected_asset_keys)
    result = meltano.run(
        context.log,
        EXTRACT_LOAD_BLOCKS,
        streams=None if len(selected) == len(STREAMS) else selected,
    )
    raw_schema = load_settings().raw_schema
    for stream in selected:
        yield MaterializeResult(
            asset_key=raw_asset_key(stream),
            metadata={
                "rows_loaded": result.records_by_stream.get(stream, 0),
                "rows_in_table": warehouse.row_count(raw_schema, stream),
                "table": f"{raw_schema}.{stream}",
                "run_duration_seconds": round(result.duration_seconds, 2),
                "meltano_run_id": result.run_id,
            },
        )
