with source as (

    select * from {{ source('spacex_raw', 'payloads') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as payload_id,
        launch                                  as launch_id,
        name                                    as payload_name,
        type                                    as payload_type,
        reused                                  as is_reused,
        customers,
        norad_ids,
        nationalities,
        manufacturers,
        mass_kg,
        mass_lbs,
        orbit,
        reference_system,
        regime,
        longitude,
        semi_major_axis_km,
        eccentricity,
        periapsis_km,
        apoapsis_km,
        inclination_deg,
        period_min,
        lifespan_years,
        epoch,
        mean_motion,
        raan,
        arg_of_pericenter,
        mean_anomaly,
        dragon ->> 'capsule'                    as dragon_capsule_id,
        (dragon ->> 'mass_returned_kg')::numeric as dragon_mass_returned_kg,
        (dragon ->> 'flight_time_sec')::numeric as dragon_flight_time_sec,
        {{ json_bool('dragon', 'water_landing') }} as dragon_water_landing,
        {{ json_bool('dragon', 'land_landing') }}  as dragon_land_landing,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
