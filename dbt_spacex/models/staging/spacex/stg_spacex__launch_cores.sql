-- One row per first-stage core slot of a launch (launches.cores is a jsonb[] of objects).
-- Upcoming launches may have a slot whose core is not assigned yet (core_id null).
with launches as (

    select id, cores
    from {{ source('spacex_raw', 'launches') }}
    where _sdc_deleted_at is null

),

unnested as (

    select
        launches.id                                     as launch_id,
        slot.core_position::integer                     as core_position,
        slot.core
    from launches
    cross join lateral unnest(launches.cores) with ordinality as slot (core, core_position)

),

renamed as (

    select
        launch_id || '-' || core_position               as launch_core_id,
        launch_id,
        core_position,
        core ->> 'core'                                 as core_id,
        (core ->> 'flight')::integer                    as flight,
        {{ json_bool('core', 'reused') }}               as is_reused,
        {{ json_bool('core', 'gridfins') }}             as has_gridfins,
        {{ json_bool('core', 'legs') }}                 as has_legs,
        {{ json_bool('core', 'landing_attempt') }}      as landing_attempt,
        {{ json_bool('core', 'landing_success') }}      as landing_success,
        core ->> 'landing_type'                         as landing_type,
        core ->> 'landpad'                              as landpad_id,
        {{ transformation_updated_at() }}               as transformation_updated_at
    from unnested

)

select * from renamed
