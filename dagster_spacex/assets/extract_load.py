"""One asset per raw table, all produced by one Meltano run of the job's extract-load pairs
(``tap-spacex target-postgres tap-satcat target-postgres``).

One run, not one per pair: runs in one Meltano project must not overlap (see the Meltano
resource), and it is the Meltano job's own step. Materializing a subset runs only the pairs with
a selected table, each limited to its selected streams.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from dagster_spacex.project import EXTRACT_LOADS, SATCAT_EL, SPACEX_EL, ExtractLoad
from dagster_spacex.resources.meltano import MeltanoResource
from dagster_spacex.resources.warehouse import WarehouseResource
from spacex_elt.settings import load_settings


def raw_asset_key(stream: str, el: ExtractLoad = SPACEX_EL) -> AssetKey:
    """The key dagster-dbt gives the dbt source table of the same name (lineage connects)."""
    return AssetKey([el.raw_source, stream])


def raw_schema(el: ExtractLoad) -> str:
    """The PostgreSQL schema the pair loads into (configurable; the source name is not)."""
    settings = load_settings()
    return settings.catalogue.raw_schema if el is SATCAT_EL else settings.raw_schema


@multi_asset(
    name="meltano_extract_load",
    specs=[
        AssetSpec(
            raw_asset_key(stream, el),
            group_name="raw",
            kinds={"meltano", "postgres"},
            description=f"Raw `{stream}` records from {el.upstream}, loaded by Meltano "
            f"({el.extractor} -> {el.loader}, upserted by primary key).",
        )
        for el in EXTRACT_LOADS
        for stream in el.streams
    ],
    can_subset=True,
)
def meltano_extract_load(
    context: AssetExecutionContext, meltano: MeltanoResource, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    """Materializing a subset runs Meltano for just those streams."""
    selected: dict[str, set[str]] = {key.path[0]: set() for key in context.selected_asset_keys}
    for key in context.selected_asset_keys:
        selected[key.path[0]].add(key.path[-1])
    pairs = [el for el in EXTRACT_LOADS if el.raw_source in selected]
    result = meltano.run(
        context.log,
        [block for el in pairs for block in el.blocks],
        select={
            el.extractor: sorted(selected[el.raw_source])
            for el in pairs
            if len(selected[el.raw_source]) < len(el.streams)
        },
    )
    for el in pairs:
        schema = raw_schema(el)
        for stream in sorted(selected[el.raw_source]):
            yield MaterializeResult(
                asset_key=raw_asset_key(stream, el),
                metadata={
                    "rows_loaded": result.records_by_stream.get(stream, 0),
                    "rows_in_table": warehouse.row_count(schema, stream),
                    "table": f"{schema}.{stream}",
                    "run_duration_seconds": round(result.duration_seconds, 2),
                    "meltano_run_id": result.run_id,
                },
            )
