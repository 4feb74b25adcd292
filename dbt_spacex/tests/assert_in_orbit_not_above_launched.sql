-- Invariant: never more satellites in orbit than launched, never a negative fleet (series + forecast).
select 'starlink_in_orbit_daily' as model, series_date::text as row_key,
       satellites_in_orbit, cumulative_satellites_launched as satellites_launched
from {{ ref('starlink_in_orbit_daily') }}
where satellites_in_orbit > cumulative_satellites_launched or satellites_in_orbit < 0

union all

select 'starlink_42k_forecast', scenario, satellites_in_orbit, satellites_launched
from {{ ref('starlink_42k_forecast') }}
where satellites_in_orbit > satellites_launched or satellites_in_orbit < 0

union all

select 'starlink_launches', launch_id, satellites_in_orbit, satellites_carried
from {{ ref('starlink_launches') }}
where satellites_in_orbit > satellites_carried or satellites_in_orbit < 0
