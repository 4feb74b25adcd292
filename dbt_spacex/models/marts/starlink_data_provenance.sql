-- Where the answer's data came from: one row per source (spacex_api, spacetrack_satcat,
-- celestrak_satcat) = that source's LATEST extract as its tap recorded it (extract_provenance),
-- by finished_at. The taps append one row per run, so earlier runs stay in the staging models.
-- No row for a source never loaded (or loaded before the taps recorded their provenance).
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
{%- set columns = [
    'extract_id', 'tap', 'tap_version', 'source', 'base_url', 'started_at', 'finished_at',
    'record_counts', 'records_total', 'recording', 'recording_date',
] %}

with extracts as (

    select {{ columns | join(', ') }} from {{ ref('stg_spacex__extract_provenance') }}
    union all
    select {{ columns | join(', ') }} from {{ ref('stg_satcat__extract_provenance') }}

),

ranked as (

    select
        *,
        -- latest first; a run without finished_at never beats a finished one; ties by id, so the
        -- choice is the same on every build
        row_number() over (
            partition by source
            order by finished_at desc nulls last, started_at desc nulls last, extract_id desc
        ) as recency
    from extracts
    where source is not null

)

select
    source,
    extract_id,
    tap,
    tap_version,
    base_url,
    started_at,
    finished_at,
    record_counts,
    records_total,
    recording,
    recording_date,
    {{ transformation_updated_at() }}   as transformation_updated_at
from ranked
where recency = 1
