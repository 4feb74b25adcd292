-- One row per Starlink satellite, with the launch that carried it (from the satellite's own
-- `launch` link, never from launch names) and the date it entered orbit.
with satellites as (

    select * from {{ ref('stg_spacex__starlink') }}

),

launches as (

    select launch_id, launch_name, launch_date, is_upcoming
    from {{ ref('stg_spacex__launches') }}

),

joined as (

    select
        satellites.satellite_id,
        satellites.norad_cat_id,
        satellites.object_name,
        satellites.object_id,
        satellites.version,
        satellites.launch_id,
        launches.launch_name,
        launches.launch_date                                    as launch_date,
        satellites.launch_date                                  as spacetrack_launch_date,
        -- the date the satellite counts as launched: the launch's own date, else Space-Track's
        coalesce(launches.launch_date, satellites.launch_date)  as orbit_entry_date,
        satellites.decay_date,
        satellites.is_decayed,
        satellites.creation_date,
        satellites.epoch,
        satellites.periapsis_km,
        satellites.apoapsis_km,
        satellites.inclination_deg,
        satellites.period_min
    from satellites
    left join launches on launches.launch_id = satellites.launch_id

)

select
    *,
    {{ transformation_updated_at() }} as transformation_updated_at
from joined
