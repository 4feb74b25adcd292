with source as (

    select * from {{ source('spacex_raw', 'capsules') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as capsule_id,
        serial,
        type                                    as capsule_type,
        dragon                                  as dragon_id,
        status,
        reuse_count::integer                    as reuse_count,
        water_landings::integer                 as water_landings,
        land_landings::integer                  as land_landings,
        last_update,
        launches                                as launch_ids,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
