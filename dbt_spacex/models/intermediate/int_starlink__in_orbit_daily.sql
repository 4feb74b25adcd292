-- One row per day from the first Starlink launch to the as-of date: satellites launched and decayed
-- that day, running totals, and satellites in orbit at the end of the day.
with as_of as (

    select as_of_date, satellite_source from {{ ref('int_starlink__as_of_date') }}

),

satellites as (

    select satellite_id, launch_id, orbit_entry_date, decay_date
    from {{ ref('int_starlink__satellites') }}
    where orbit_entry_date <= (select as_of_date from as_of)

),

spine as (

    select generate_series(min(satellites.orbit_entry_date), as_of.as_of_date, interval '1 day')::date
        as series_date
    from satellites
    cross join as_of
    group by as_of.as_of_date

),

launched as (

    select
        orbit_entry_date                as series_date,
        count(distinct launch_id)       as starlink_launches,
        count(*)                        as satellites_launched
    from satellites
    group by orbit_entry_date

),

decayed as (

    select
        decay_date                      as series_date,
        count(*)                        as satellites_decayed
    from satellites
    where decay_date is not null
    group by decay_date

),

daily as (

    select
        spine.series_date,
        coalesce(launched.starlink_launches, 0)     as starlink_launches,
        coalesce(launched.satellites_launched, 0)   as satellites_launched,
        coalesce(decayed.satellites_decayed, 0)     as satellites_decayed
    from spine
    left join launched on launched.series_date = spine.series_date
    left join decayed on decayed.series_date = spine.series_date

),

cumulative as (

    select
        *,
        sum(starlink_launches) over (order by series_date)      as cumulative_starlink_launches,
        sum(satellites_launched) over (order by series_date)    as cumulative_satellites_launched,
        sum(satellites_decayed) over (order by series_date)     as cumulative_satellites_decayed
    from daily

)

select
    series_date,
    starlink_launches::integer                                          as starlink_launches,
    satellites_launched::integer                                        as satellites_launched,
    satellites_decayed::integer                                         as satellites_decayed,
    cumulative_starlink_launches::integer                               as cumulative_starlink_launches,
    cumulative_satellites_launched::integer                             as cumulative_satellites_launched,
    cumulative_satellites_decayed::integer                              as cumulative_satellites_decayed,
    (cumulative_satellites_launched - cumulative_satellites_decayed)::integer as satellites_in_orbit,
    (select satellite_source from as_of)                                as satellite_source,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from cumulative
