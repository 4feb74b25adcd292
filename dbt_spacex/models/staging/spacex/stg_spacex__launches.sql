with source as (

    select * from {{ source('spacex_raw', 'launches') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                          as launch_id,
        flight_number::integer                      as flight_number,
        name                                        as launch_name,
        date_utc,
        date_utc::date                              as launch_date,
        date_local,
        date_unix,
        date_precision,
        upcoming                                    as is_upcoming,
        success                                     as is_success,
        tbd                                         as is_tbd,
        net                                         as is_net,
        "window"::integer                           as window_seconds,
        rocket                                      as rocket_id,
        launchpad                                   as launchpad_id,
        static_fire_date_utc,
        details,
        auto_update                                 as is_auto_update,
        launch_library_id,
        coalesce(cardinality(payloads), 0)          as payload_count,
        coalesce(cardinality(cores), 0)             as core_count,
        coalesce(cardinality(crew), 0)              as crew_count,
        payloads                                    as payload_ids,
        ships                                       as ship_ids,
        capsules                                    as capsule_ids,
        {{ json_bool('fairings', 'reused') }}           as fairings_reused,
        {{ json_bool('fairings', 'recovery_attempt') }} as fairings_recovery_attempt,
        {{ json_bool('fairings', 'recovered') }}        as fairings_recovered,
        failures[1] ->> 'reason'                    as failure_reason,
        (failures[1] ->> 'time')::integer           as failure_time_seconds,
        (failures[1] ->> 'altitude')::numeric       as failure_altitude_km,
        links -> 'patch' ->> 'small'                as patch_image_url,
        links ->> 'webcast'                         as webcast_url,
        links ->> 'article'                         as article_url,
        links ->> 'wikipedia'                       as wikipedia_url,
        _sdc_batched_at                             as loaded_at,
        {{ transformation_updated_at() }}           as transformation_updated_at
    from source

)

select * from renamed
