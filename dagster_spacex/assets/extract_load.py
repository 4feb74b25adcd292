"""One asset per raw table, all produced by one Meltano run of the job's extract-load pairs
(``tap-spacex target-postgres tap-satcat target-postgres``).

One run, not one per pair: runs in one Meltano project must not overlap (see the Meltano
resource), and it is the Meltano job's own step. Materializing a subset runs only the pairs with
a selected table, each limited to its selected streams.

Schema drift: a field the API sends that the stream's schema lacks is dropped by the tap (the
Singer SDK only logs a warning). Each raw asset reports such fields in its ``dropped_fields``
metadata and in its ``no_dropped_fields`` asset check, which warns (it does not fail the run: the
rows are loaded, only the new field is missing). The README's "Schema drift" says what to do.
"""

from collections.abc import Iterator
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    multi_asset,
)

from dagster_spacex.project import EXTRACT_LOADS, SATCAT_EL, SPACEX_EL, ExtractLoad
from dagster_spacex.resources.meltano import MeltanoResource
from dagster_spacex.resources.warehouse import WarehouseResource
from spacex_elt.settings import load_settings


def raw_asset_key(stream: str, el: ExtractLoad = SPACEX_EL) -> AssetKey:
    """The key dagster-dbt gives the dbt source table of the same name (lineage connects)."""
    return AssetKey([el.raw_source, stream])


#: Every raw asset, in the job's order.
RAW_ASSET_KEYS: tuple[AssetKey, ...] = tuple(
    raw_asset_key(stream, el) for el in EXTRACT_LOADS for stream in el.streams
)

#: The asset check on every raw asset: the API sent no field that the stream's schema lacks.
DROPPED_FIELDS_CHECK = "no_dropped_fields"
#: The asset check on every collection's raw asset: this run loaded at least one row.
ROWS_LOADED_CHECK = "rows_loaded"


def dropped_fields_check_spec(key: AssetKey) -> AssetCheckSpec:
    return AssetCheckSpec(
        DROPPED_FIELDS_CHECK,
        asset=key,
        description="Warns when the API sent fields that this stream's schema lacks: the tap "
        "dropped them (schema drift). Add them to the tap's schema (see the README, "
        '"Schema drift").',
    )


def dropped_fields_check_result(key: AssetKey, stream: str, fields: list[str]) -> AssetCheckResult:
    """Passes when nothing was dropped; otherwise a warning naming the fields."""
    return AssetCheckResult(
        asset_key=key,
        check_name=DROPPED_FIELDS_CHECK,
        passed=not fields,
        severity=AssetCheckSeverity.WARN,
        description=(
            f"The API sent fields that the `{stream}` schema lacks; they were dropped: "
            + ", ".join(fields)
            if fields
            else f"Every field the API sent is in the `{stream}` schema."
        ),
        metadata={"dropped_fields": MetadataValue.json({stream: fields} if fields else {})},
    )


def rows_loaded_check_spec(key: AssetKey) -> AssetCheckSpec:
    return AssetCheckSpec(
        ROWS_LOADED_CHECK,
        asset=key,
        description="Warns when this run loaded no row: an empty answer from an API that had "
        "data is more likely a fault than every record deleted (nothing is marked deleted then).",
    )


def rows_loaded_check_result(key: AssetKey, stream: str, rows: int) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=key,
        check_name=ROWS_LOADED_CHECK,
        passed=rows > 0,
        severity=AssetCheckSeverity.WARN,
        description=f"`{stream}`: {rows:,} rows loaded by this run",
        metadata={"rows_loaded": rows},
    )


def raw_schema(el: ExtractLoad) -> str:
    """The PostgreSQL schema the pair loads into (configurable; the source name is not)."""
    settings = load_settings()
    return settings.catalogue.raw_schema if el is SATCAT_EL else settings.raw_schema


def raw_schema_for(key: AssetKey) -> str:
    """The PostgreSQL schema of a raw asset's table."""
    return raw_schema(next(el for el in EXTRACT_LOADS if el.raw_source == key.path[0]))


def table_metadata(warehouse: WarehouseResource, schema: str, table: str) -> dict[str, Any]:
    """Dagster's standard table metadata: dagster/table_name, dagster/row_count and
    dagster/column_schema (what the UI shows natively and the schema-change check compares)."""
    # Written as the documented metadata keys: dagster's TableMetadataSet is not public API.
    metadata: dict[str, Any] = {"dagster/table_name": f"{schema}.{table}"}
    row_count = warehouse.row_count(schema, table)
    if row_count is not None:
        metadata["dagster/row_count"] = row_count
    columns = warehouse.columns(schema, table)
    if columns:
        metadata["dagster/column_schema"] = TableSchema(
            columns=[TableColumn(name, data_type) for name, data_type in columns]
        )
    return metadata


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
    check_specs=[
        *(dropped_fields_check_spec(key) for key in RAW_ASSET_KEYS),
        *(
            rows_loaded_check_spec(raw_asset_key(stream, el))
            for el in EXTRACT_LOADS
            for stream in el.collections
        ),
    ],
    can_subset=True,
)
def meltano_extract_load(
    context: AssetExecutionContext, meltano: MeltanoResource, warehouse: WarehouseResource
) -> Iterator[MaterializeResult | AssetCheckResult]:
    """Materializing a subset runs Meltano for just those streams."""
    selected: dict[str, set[str]] = {key.path[0]: set() for key in context.selected_asset_keys}
    for key in context.selected_asset_keys:
        selected[key.path[0]].add(key.path[-1])
    pairs = [el for el in EXTRACT_LOADS if el.raw_source in selected]
    result = meltano.run(
        context.log,
        [block for el in pairs for block in el.blocks],
        # one id finds the run in both Dagster and Meltano's run records (`meltano state`, its
        # system database): Meltano's run id is not unique per run, so a retry may share it
        run_id=context.run.run_id,
        select={
            el.extractor: sorted(selected[el.raw_source])
            for el in pairs
            if len(selected[el.raw_source]) < len(el.streams)
        },
    )
    checks = set(context.selected_asset_check_keys)
    for el in pairs:
        schema = raw_schema(el)
        for stream in sorted(selected[el.raw_source]):
            key = raw_asset_key(stream, el)
            dropped = result.dropped_fields.get(stream, [])
            rows = result.records_by_stream.get(stream, 0)
            yield MaterializeResult(
                asset_key=key,
                metadata={
                    **table_metadata(warehouse, schema, stream),
                    "rows_loaded": rows,
                    "run_duration_seconds": round(result.duration_seconds, 2),
                    "meltano_run_id": result.run_id,
                    "dropped_fields": MetadataValue.json({stream: dropped} if dropped else {}),
                },
            )
            if AssetCheckKey(key, DROPPED_FIELDS_CHECK) in checks:
                yield dropped_fields_check_result(key, stream, dropped)
            if AssetCheckKey(key, ROWS_LOADED_CHECK) in checks:
                yield rows_loaded_check_result(key, stream, rows)
