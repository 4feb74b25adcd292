-- One row per launch that carried Starlink satellites, found from the satellites themselves (so
-- rideshares such as Transporter-1 count, and the count is of satellites, not payloads): their own
-- `launch` links (SpaceX API) or the launch part of their international designators (catalogue).
with satellites as (

    select * from {{ ref('int_starlink__satellites') }}

),

as_of as (

    select as_of_date from {{ ref('int_starlink__as_of_date') }}

),

per_launch as (

    select
        satellites.launch_id,
        min(satellites.satellite_source)                                    as satellite_source,
        min(satellites.spacex_launch_id)                                    as spacex_launch_id,
        min(satellites.launch_name)                                         as launch_name,
        min(satellites.orbit_entry_date)                                    as launch_date,
        count(*)                                                            as satellites_carried,
        count(*) filter (where satellites.decay_date <= as_of.as_of_date)   as satellites_decayed,
        min(satellites.version)                                             as min_version,
        max(satellites.version)                                             as max_version
    from satellites
    cross join as_of
    group by satellites.launch_id

)

select
    launch_id,
    spacex_launch_id,
    satellite_source,
    launch_name,
    launch_date,
    satellites_carried::integer                             as satellites_carried,
    satellites_decayed::integer                             as satellites_decayed,
    (satellites_carried - satellites_decayed)::integer      as satellites_in_orbit,
    case
        when min_version = max_version then min_version
        when min_version is not null then 'mixed'
    end                                                     as satellite_version,
    row_number() over (order by launch_date, launch_id)::integer as starlink_launch_number,
    {{ transformation_updated_at() }}                       as transformation_updated_at
from per_launch
