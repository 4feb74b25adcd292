-- One row per (launch, payload) link from launches.payloads (text[] of payload ids).
with launches as (

    select id, payloads
    from {{ source('spacex_raw', 'launches') }}
    where _sdc_deleted_at is null

),

unnested as (

    select
        launches.id                     as launch_id,
        link.payload_id,
        link.payload_position::integer  as payload_position
    from launches
    cross join lateral unnest(launches.payloads) with ordinality as link (payload_id, payload_position)

)

select
    launch_id || '-' || payload_id      as launch_payload_id,
    launch_id,
    payload_id,
    payload_position,
    {{ transformation_updated_at() }}   as transformation_updated_at
from unnested
