with source as (

    select * from {{ source('spacex_raw', 'rockets') }}
    where _sdc_deleted_at is null

),

leo_payload as (

    select
        source.id,
        (weight ->> 'kg')::numeric as leo_payload_kg
    from source
    cross join lateral unnest(source.payload_weights) as weight
    where weight ->> 'id' = 'leo'

),

renamed as (

    select
        source.id                               as rocket_id,
        source.name                             as rocket_name,
        source.type                             as rocket_type,
        source.active                           as is_active,
        source.stages::integer                  as stages,
        source.boosters::integer                as boosters,
        source.cost_per_launch                  as cost_per_launch_usd,
        source.success_rate_pct,
        source.first_flight,
        source.country,
        source.company,
        (source.height ->> 'meters')::numeric   as height_m,
        (source.diameter ->> 'meters')::numeric as diameter_m,
        (source.mass ->> 'kg')::numeric         as mass_kg,
        leo_payload.leo_payload_kg,
        (source.first_stage ->> 'reusable')::boolean as first_stage_reusable,
        (source.engines ->> 'number')::integer  as first_stage_engines,
        source.engines ->> 'type'               as engine_type,
        source.first_stage,
        source.second_stage,
        source.engines,
        source.landing_legs,
        source.wikipedia                        as wikipedia_url,
        source.description,
        source._sdc_batched_at                  as loaded_at,
        {{ transformation_updated_at() }}       as transformation_updated_at
    from source
    left join leo_payload on leo_payload.id = source.id

)

select * from renamed
