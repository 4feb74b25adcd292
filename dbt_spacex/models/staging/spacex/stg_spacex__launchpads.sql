with source as (

    select * from {{ source('spacex_raw', 'launchpads') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as launchpad_id,
        name                                    as launchpad_name,
        full_name,
        locality,
        region,
        timezone,
        latitude,
        longitude,
        launch_attempts::integer                as launch_attempts,
        launch_successes::integer               as launch_successes,
        status,
        details,
        rockets                                 as rocket_ids,
        launches                                as launch_ids,
        {{ image_urls('images') }}              as image_urls,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
