{#
    extract_provenance_staging(source_name): the staging select of one tap's `extract_provenance`
    table (source `source_name`). Both taps write the same columns, so stg_spacex__extract_provenance
    and stg_satcat__extract_provenance are this one select over their own source.

    One row per tap run (the loader upserts by extract_id; deleted rows dropped), typed:
    timestamps stay `timestamp` in UTC as target-postgres loads every date-time, `recording_date`
    becomes a date whether the loader stored a date or ISO text, and `records_total` adds up
    `record_counts` (stream name -> records emitted). The table is newer than the others and may not
    exist yet: source_or_empty then gives zero rows with the same columns.
#}
{% macro extract_provenance_staging(source_name) %}
{%- set raw_columns = [
    ['extract_id', 'text'], ['tap', 'text'], ['tap_version', 'text'], ['source', 'text'],
    ['base_url', 'text'], ['started_at', 'timestamp'], ['finished_at', 'timestamp'],
    ['record_counts', 'jsonb'], ['recording', 'text'], ['recording_date', 'date'],
    ['_sdc_batched_at', 'timestamp'], ['_sdc_deleted_at', 'timestamp'],
] %}

with raw_extracts as (

    select * from {{ source_or_empty(source_name, 'extract_provenance', raw_columns) }} as raw
    where _sdc_deleted_at is null

),

renamed as (

    select
        nullif(trim(extract_id::text), '')                  as extract_id,
        tap::text                                           as tap,
        tap_version::text                                   as tap_version,
        source::text                                        as source,
        base_url::text                                      as base_url,
        started_at::timestamp                               as started_at,
        finished_at::timestamp                              as finished_at,
        record_counts::jsonb                                as record_counts,
        recording::text                                     as recording,
        nullif(trim(recording_date::text), '')::date        as recording_date,
        _sdc_batched_at                                     as loaded_at
    from raw_extracts

),

deduplicated as (

    -- the loader upserts by extract_id, so this keeps every row; it guards the grain all the same
    select distinct on (extract_id) *
    from renamed
    where extract_id is not null
    order by extract_id, loaded_at desc nulls last

)

select
    extract_id,
    tap,
    tap_version,
    source,
    base_url,
    started_at,
    finished_at,
    record_counts,
    -- every stream's records added up (whole numbers only; null when record_counts is no object)
    case when jsonb_typeof(record_counts) = 'object' then (
        select coalesce(sum(counts.value::bigint), 0)
        from jsonb_each_text(record_counts) as counts
        where counts.value ~ '^[0-9]+$'
    ) end::bigint                                           as records_total,
    recording,
    recording_date,
    loaded_at,
    {{ transformation_updated_at() }}                       as transformation_updated_at
from deduplicated
{% endmacro %}
