with source as (

    select * from {{ source('spacex_raw', 'company') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                      as company_id,
        name                                    as company_name,
        founder,
        founded::integer                        as founded_year,
        employees::integer                      as employees,
        vehicles::integer                       as vehicles,
        launch_sites::integer                   as launch_sites,
        test_sites::integer                     as test_sites,
        ceo,
        cto,
        coo,
        cto_propulsion,
        valuation                               as valuation_usd,
        headquarters ->> 'address'              as headquarters_address,
        headquarters ->> 'city'                 as headquarters_city,
        headquarters ->> 'state'                as headquarters_state,
        links ->> 'website'                     as website_url,
        summary,
        _sdc_batched_at                         as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source

)

select * from renamed
