with source as (

    select * from {{ source('spacex_raw', 'crew') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as crew_id,
        name                                    as crew_name,
        agency,
        status,
        image                                   as image_url,
        wikipedia                               as wikipedia_url,
        launches                                as launch_ids,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
