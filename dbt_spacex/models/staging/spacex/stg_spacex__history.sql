with source as (

    select * from {{ source('spacex_raw', 'history') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as history_event_id,
        title,
        event_date_utc,
        event_date_utc::date                    as event_date,
        details,
        links ->> 'article'                     as article_url,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
