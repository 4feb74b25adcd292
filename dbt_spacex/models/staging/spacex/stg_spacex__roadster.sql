with source as (

    select * from {{ source('spacex_raw', 'roadster') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as roadster_id,
        name                                    as roadster_name,
        launch_date_utc,
        norad_id::integer                       as norad_id,
        launch_mass_kg,
        epoch_jd,
        orbit_type,
        apoapsis_au,
        periapsis_au,
        semi_major_axis_au,
        eccentricity,
        inclination                             as inclination_deg,
        longitude                               as longitude_deg,
        periapsis_arg                           as periapsis_arg_deg,
        period_days,
        speed_kph,
        earth_distance_km,
        mars_distance_km,
        wikipedia                               as wikipedia_url,
        video                                   as video_url,
        details,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
