with source as (

    select * from {{ source('spacex_raw', 'cores') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as core_id,
        serial,
        block::integer                          as block,
        status,
        reuse_count::integer                    as reuse_count,
        rtls_attempts::integer                  as rtls_attempts,
        rtls_landings::integer                  as rtls_landings,
        asds_attempts::integer                  as asds_attempts,
        asds_landings::integer                  as asds_landings,
        last_update,
        launches                                as launch_ids,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
