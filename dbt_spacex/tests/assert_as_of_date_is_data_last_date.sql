-- The as-of date of every mart equals the data's own last date, recomputed here straight from the
-- raw tables: the latest of the last past launch date and the latest Space-Track creation/decay date.
-- (It must never be current_date.)
with expected as (

    select greatest(
        (select max(date_utc)::date from {{ source('spacex_raw', 'launches') }}
            where not upcoming and _sdc_deleted_at is null),
        (select max(("spaceTrack" ->> 'CREATION_DATE')::timestamp)::date
            from {{ source('spacex_raw', 'starlink') }} where _sdc_deleted_at is null),
        (select max(("spaceTrack" ->> 'DECAY_DATE')::date)
            from {{ source('spacex_raw', 'starlink') }} where _sdc_deleted_at is null)
    ) as as_of_date

),

actual as (

    select 'starlink_42k_forecast' as model, as_of_date from {{ ref('starlink_42k_forecast') }}
    union all
    select 'starlink_forecast_backtest', as_of_date from {{ ref('starlink_forecast_backtest') }}
    union all
    select 'starlink_satellites', as_of_date from {{ ref('starlink_satellites') }}
    union all
    select 'starlink_launches', as_of_date from {{ ref('starlink_launches') }}
    union all
    select 'starlink_in_orbit_daily', max(series_date) from {{ ref('starlink_in_orbit_daily') }}

)

select actual.model, actual.as_of_date, expected.as_of_date as expected_as_of_date
from actual
cross join expected
where actual.as_of_date is distinct from expected.as_of_date
