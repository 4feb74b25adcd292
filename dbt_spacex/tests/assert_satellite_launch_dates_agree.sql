{{ config(severity = 'warn') }}
-- The launch's own date and Space-Track's LAUNCH_DATE should agree (a day apart at most, UTC vs
-- local). A mismatch is a warning: the marts use the launch's date (orbit_entry_date).
select satellite_id, launch_id, launch_date, spacetrack_launch_date
from {{ ref('starlink_satellites') }}
where abs(launch_date - spacetrack_launch_date) > 1
