with source as (

    select * from {{ source('spacex_raw', 'dragons') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as dragon_id,
        name                                    as dragon_name,
        type                                    as dragon_type,
        active                                  as is_active,
        crew_capacity::integer                  as crew_capacity,
        first_flight,
        dry_mass_kg,
        dry_mass_lb,
        sidewall_angle_deg,
        orbit_duration_yr,
        heat_shield ->> 'material'              as heat_shield_material,
        (launch_payload_mass ->> 'kg')::numeric as launch_payload_mass_kg,
        (return_payload_mass ->> 'kg')::numeric as return_payload_mass_kg,
        (height_w_trunk ->> 'meters')::numeric  as height_with_trunk_m,
        (diameter ->> 'meters')::numeric        as diameter_m,
        coalesce(cardinality(thrusters), 0)     as thruster_type_count,
        wikipedia                               as wikipedia_url,
        description,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
