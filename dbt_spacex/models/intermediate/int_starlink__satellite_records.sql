-- One row per Starlink satellite RECORD, from ONE satellite source, each with the rule it breaks
-- (quarantine_rule, null when it is usable); int_starlink__satellites keeps the usable ones and
-- starlink_quarantine lists the others, so one bad upstream record is set aside and named instead
-- of failing the day's answer. The source:
-- * the satellite catalogue (int_starlink__catalogue_satellites) when it has any row: the launch is
--   the launch part of the international designator (2019-029AV -> 2019-029), the launch date and
--   decay date are the catalogue's;
-- * otherwise the SpaceX API's starlink records: the launch is the satellite's own `launch` link
--   (never the launch name), dated by that launch.
-- satellite_source says which. The choice is made on the data (row counts), at query time.
with api_satellites as (

    select * from {{ ref('stg_spacex__starlink') }}

),

launches as (

    select launch_id, launch_name, launch_date
    from {{ ref('stg_spacex__launches') }}

),

catalogue as (

    select * from {{ ref('int_starlink__catalogue_satellites') }}

),

choice as (

    select
        case when exists (select 1 from catalogue) then 'catalogue' else 'spacex_api' end as source_kind

),

designator_launches as (

    -- launch part of the international designator -> the SpaceX API launch, from the API's own
    -- satellites (only where that is unambiguous); it names catalogue launches up to the API's end
    select
        {{ launch_part_of_designator('object_id') }}   as designator_launch_id,
        min(launch_id)                                  as spacex_launch_id
    from api_satellites
    where object_id is not null
    group by 1
    having count(distinct launch_id) = 1

),

from_api as (

    select
        satellites.satellite_id,
        'spacex_api'::text                                      as satellite_source,
        satellites.norad_cat_id::bigint                         as norad_cat_id,
        satellites.object_name,
        satellites.object_id,
        satellites.version,
        satellites.launch_id,
        satellites.launch_id                                    as spacex_launch_id,
        -- the launch id while the API does not know the launch (a dangling link only warns)
        coalesce(launches.launch_name, satellites.launch_id)    as launch_name,
        launches.launch_date,
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
        satellites.period_min,
        satellites.loaded_at
    from api_satellites as satellites
    left join launches on launches.launch_id = satellites.launch_id
    where (select source_kind from choice) = 'spacex_api'

),

from_catalogue as (

    select
        catalogue.norad_cat_id::text                            as satellite_id,
        catalogue.catalogue_source                              as satellite_source,
        catalogue.norad_cat_id,
        catalogue.object_name,
        catalogue.international_designator                      as object_id,
        -- the catalogue has no hardware version: the SpaceX API's, matched on the NORAD id
        api_satellites.version,
        catalogue.launch_id,
        designator_launches.spacex_launch_id,
        coalesce(launches.launch_name, catalogue.launch_id)     as launch_name,
        catalogue.launch_date,
        catalogue.launch_date                                   as spacetrack_launch_date,
        catalogue.launch_date                                   as orbit_entry_date,
        catalogue.decay_date,
        catalogue.is_decayed,
        null::timestamp                                         as creation_date,
        null::timestamp                                         as epoch,
        catalogue.perigee_km                                    as periapsis_km,
        catalogue.apogee_km                                     as apoapsis_km,
        catalogue.inclination_deg,
        catalogue.period_min,
        catalogue.loaded_at
    from catalogue
    left join api_satellites on api_satellites.norad_cat_id = catalogue.norad_cat_id
    left join designator_launches on designator_launches.designator_launch_id = catalogue.launch_id
    left join launches on launches.launch_id = designator_launches.spacex_launch_id
    where (select source_kind from choice) = 'catalogue'

),

records as (

    select * from from_api
    union all
    select * from from_catalogue

)

select
    *,
    -- the first rule the record breaks; a record breaking none is a satellite
    case
        when launch_id is null then 'missing_launch'
        when orbit_entry_date is null then 'missing_launch_date'
        when decay_date < orbit_entry_date then 'decay_before_launch'
        -- (a missing flag disagrees too: the date says one thing, the flag nothing)
        when is_decayed is null or is_decayed <> (decay_date is not null) then 'decay_flag_disagrees'
    end                                                         as quarantine_rule,
    {{ transformation_updated_at() }}                           as transformation_updated_at
from records
