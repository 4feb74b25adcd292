with source as (

    select * from {{ source('spacex_raw', 'ships') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as ship_id,
        name                                    as ship_name,
        legacy_id,
        model,
        type                                    as ship_type,
        roles,
        active                                  as is_active,
        imo,
        mmsi,
        abs,
        class,
        mass_kg,
        mass_lbs,
        year_built::integer                     as year_built,
        home_port,
        status,
        speed_kn,
        course_deg,
        latitude,
        longitude,
        last_ais_update,
        link                                    as marine_traffic_url,
        image                                   as image_url,
        launches                                as launch_ids,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
