-- One row per Starlink satellite, from ONE satellite source (int_starlink__satellite_records:
-- the SpaceX API's starlink records, or the satellite catalogue whenever it has any row), only the
-- records that break no rule: the others are set aside in starlink_quarantine, never counted.
select
    satellite_id,
    satellite_source,
    norad_cat_id,
    object_name,
    object_id,
    version,
    launch_id,
    spacex_launch_id,
    launch_name,
    launch_date,
    spacetrack_launch_date,
    orbit_entry_date,
    decay_date,
    is_decayed,
    creation_date,
    epoch,
    periapsis_km,
    apoapsis_km,
    inclination_deg,
    period_min,
    transformation_updated_at
from {{ ref('int_starlink__satellite_records') }}
where quarantine_rule is null
