with source as (

    select * from {{ source('spacex_raw', 'landpads') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as landpad_id,
        name                                    as landpad_name,
        full_name,
        type                                    as landpad_type,
        locality,
        region,
        latitude,
        longitude,
        landing_attempts::integer               as landing_attempts,
        landing_successes::integer              as landing_successes,
        status,
        details,
        wikipedia                               as wikipedia_url,
        launches                                as launch_ids,
        {{ image_urls('images') }}              as image_urls,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
