-- The data's own last date (one row): the latest of the last past launch date, the latest
-- Space-Track CREATION_DATE and the latest DECAY_DATE. Every forecast is anchored here, never on
-- current_date: the snapshot (and the public API, frozen in late 2022) does not move with the clock.
with last_launch as (

    select max(launch_date) as last_past_launch_date
    from {{ ref('stg_spacex__launches') }}
    where not is_upcoming

),

last_spacetrack as (

    select
        max(creation_date)::date    as last_spacetrack_creation_date,
        max(decay_date)             as last_decay_date
    from {{ ref('stg_spacex__starlink') }}

)

select
    greatest(
        last_launch.last_past_launch_date,
        last_spacetrack.last_spacetrack_creation_date,
        last_spacetrack.last_decay_date
    )                                       as as_of_date,
    last_launch.last_past_launch_date,
    last_spacetrack.last_spacetrack_creation_date,
    last_spacetrack.last_decay_date,
    {{ transformation_updated_at() }}       as transformation_updated_at
from last_launch
cross join last_spacetrack
