-- One row per launch that carried Starlink satellites (from the satellites themselves: their own launch
-- links, or the launch part of their international designators when the catalogue is the source).
with launches as (

    select * from {{ ref('int_starlink__launches') }}

),

launch_details as (

    select launch_id, flight_number, rocket_id, launchpad_id, is_success, date_utc
    from {{ ref('stg_spacex__launches') }}

),

as_of as (

    select as_of_date from {{ ref('int_starlink__as_of_date') }}

)

select
    launches.launch_id,
    launches.spacex_launch_id,
    launches.launch_name,
    launches.launch_date,
    launch_details.date_utc                     as launch_date_utc,
    launch_details.flight_number,
    launch_details.rocket_id,
    launch_details.launchpad_id,
    launch_details.is_success,
    launches.starlink_launch_number,
    launches.satellite_version,
    launches.satellites_carried,
    launches.satellites_in_orbit,
    launches.satellites_decayed,
    launches.satellite_source,
    as_of.as_of_date,
    {{ transformation_updated_at() }}           as transformation_updated_at
from launches
left join launch_details on launch_details.launch_id = launches.spacex_launch_id
cross join as_of
