-- Every satellite is counted once, whichever mart is read: satellites carried by the Starlink
-- launches, the daily series at the as-of date and the forecast all agree with the satellites mart.
with satellites as (

    select
        count(*) as launched,
        count(*) filter (where is_decayed) as decayed,
        count(*) filter (where not is_decayed) as in_orbit
    from {{ ref('starlink_satellites') }}

),

launches as (

    select sum(satellites_carried) as launched, sum(satellites_in_orbit) as in_orbit
    from {{ ref('starlink_launches') }}

),

series as (

    select cumulative_satellites_launched as launched, cumulative_satellites_decayed as decayed,
           satellites_in_orbit as in_orbit
    from {{ ref('starlink_in_orbit_daily') }}
    order by series_date desc
    limit 1

),

forecast as (

    select distinct satellites_launched as launched, satellites_decayed as decayed,
           satellites_in_orbit as in_orbit
    from {{ ref('starlink_42k_forecast') }}

)

select 'launches' as compared, launches.launched, launches.in_orbit, null::bigint as decayed
from launches, satellites
where launches.launched <> satellites.launched or launches.in_orbit <> satellites.in_orbit
union all
select 'series', series.launched, series.in_orbit, series.decayed
from series, satellites
where (series.launched, series.in_orbit, series.decayed)
    <> (satellites.launched, satellites.in_orbit, satellites.decayed)
union all
select 'forecast', forecast.launched, forecast.in_orbit, forecast.decayed
from forecast, satellites
where (forecast.launched, forecast.in_orbit, forecast.decayed)
    <> (satellites.launched, satellites.in_orbit, satellites.decayed)
