-- The data's own last date (one row). Every forecast is anchored here, never on current_date: the
-- snapshots (and the public SpaceX API, frozen in late 2022) do not move with the clock.
-- * satellites from the SpaceX API: the latest of the last past launch date, the latest Space-Track
--   CREATION_DATE and the latest DECAY_DATE;
-- * satellites from the satellite catalogue: the catalogue's latest launch or decay date.
-- forecast_start_date is where the forecast starts: the last launch date the data has named.
-- Space-Track names new objects only days after their launch, so the fleet "as of" the latest
-- decay date misses the launches of its last days; on the last named launch date it is complete.
with last_launch as (

    select max(launch_date) as last_past_launch_date
    from {{ ref('stg_spacex__launches') }}
    where not is_upcoming

),

last_satellite as (

    select
        min(satellite_source)           as satellite_source,
        max(orbit_entry_date)           as last_satellite_launch_date,
        max(creation_date)::date        as last_spacetrack_creation_date,
        max(decay_date)                 as last_decay_date
    from {{ ref('int_starlink__satellites') }}

),

dated as (

    select
        case
            when last_satellite.satellite_source in ('spacetrack_satcat', 'celestrak_satcat') then
                greatest(last_satellite.last_satellite_launch_date, last_satellite.last_decay_date)
            else
                greatest(
                    last_launch.last_past_launch_date,
                    last_satellite.last_spacetrack_creation_date,
                    last_satellite.last_decay_date
                )
        end                                 as as_of_date,
        last_satellite.*,
        last_launch.last_past_launch_date
    from last_launch
    cross join last_satellite

)

select
    as_of_date,
    least(last_satellite_launch_date, as_of_date) as forecast_start_date,
    satellite_source,
    last_past_launch_date,
    last_satellite_launch_date,
    last_spacetrack_creation_date,
    last_decay_date,
    {{ transformation_updated_at() }}       as transformation_updated_at
from dated
