-- One row per Starlink satellite: identity, launch, decay status and time in orbit at the as-of date,
-- from the satellite source int_starlink__satellites chose (column satellite_source).
with satellites as (

    select * from {{ ref('int_starlink__satellites') }}

),

as_of as (

    select as_of_date from {{ ref('int_starlink__as_of_date') }}

)

select
    satellites.satellite_id,
    satellites.norad_cat_id,
    satellites.object_name,
    satellites.object_id,
    satellites.version,
    satellites.launch_id,
    satellites.spacex_launch_id,
    satellites.launch_name,
    satellites.launch_date,
    satellites.spacetrack_launch_date,
    satellites.orbit_entry_date,
    satellites.decay_date,
    satellites.is_decayed,
    not satellites.is_decayed                                       as is_in_orbit,
    coalesce(satellites.decay_date, as_of.as_of_date) - satellites.orbit_entry_date
                                                                    as days_in_orbit,
    satellites.periapsis_km,
    satellites.apoapsis_km,
    satellites.inclination_deg,
    satellites.period_min,
    satellites.epoch                                                as spacetrack_epoch,
    satellites.creation_date                                        as spacetrack_creation_date,
    satellites.satellite_source,
    as_of.as_of_date,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from satellites
cross join as_of
