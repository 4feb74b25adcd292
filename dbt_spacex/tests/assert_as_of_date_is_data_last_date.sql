-- The as-of date of every mart equals the data's own last date, recomputed here straight from the
-- raw tables (never current_date):
-- * when the satellite catalogue has Starlink rows (Space-Track's, else CelesTrak's): its latest
--   launch or decay date;
-- * otherwise the SpaceX API's: the latest of the last past launch date and the latest Space-Track
--   creation/decay date.
-- The catalogue tables may not exist: source_or_empty reads them as empty then.
{%- set spacetrack_columns = [
    ['launch', 'date'], ['decay', 'date'], ['satname', 'text'], ['object_type', 'text'],
    ['_sdc_deleted_at', 'timestamp'],
] %}
{%- set celestrak_columns = [
    ['launch_date', 'date'], ['decay_date', 'date'], ['object_name', 'text'], ['object_type', 'text'],
    ['_sdc_deleted_at', 'timestamp'],
] %}
with spacetrack as (

    select launch::date as launch_date, decay::date as decay_date
    from {{ source_or_empty('satcat_raw', 'spacetrack_satcat', spacetrack_columns) }} as raw
    where _sdc_deleted_at is null
        and upper(object_type::text) = 'PAYLOAD' and upper(satname::text) like 'STARLINK%'

),

celestrak as (

    select launch_date::date as launch_date, decay_date::date as decay_date
    from {{ source_or_empty('satcat_raw', 'celestrak_satcat', celestrak_columns) }} as raw
    where _sdc_deleted_at is null
        and upper(object_type::text) = 'PAY' and upper(object_name::text) like 'STARLINK%'

),

catalogue as (

    select * from spacetrack
    union all
    select * from celestrak where not exists (select 1 from spacetrack)

),

expected as (

    select case
        when exists (select 1 from catalogue) then
            (select greatest(max(launch_date), max(decay_date)) from catalogue)
        else greatest(
            (select max(date_utc)::date from {{ source('spacex_raw', 'launches') }}
                where not upcoming and _sdc_deleted_at is null),
            (select max(("spaceTrack" ->> 'CREATION_DATE')::timestamp)::date
                from {{ source('spacex_raw', 'starlink') }} where _sdc_deleted_at is null),
            (select max(("spaceTrack" ->> 'DECAY_DATE')::date)
                from {{ source('spacex_raw', 'starlink') }} where _sdc_deleted_at is null)
        )
    end as as_of_date

),

actual as (

    select 'starlink_42k_forecast' as model, as_of_date from {{ ref('starlink_42k_forecast') }}
    union all
    select 'starlink_forecast_path', as_of_date from {{ ref('starlink_forecast_path') }}
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
