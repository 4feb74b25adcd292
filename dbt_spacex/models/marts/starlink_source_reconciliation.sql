-- The two satellite sources side by side: one row per Starlink satellite present in both the SpaceX
-- API's starlink records and the satellite catalogue, matched on the NORAD catalog number
-- (spaceTrack.NORAD_CAT_ID = the catalogue's norad_cat_id), with each source's launch and decay
-- dates and flags where they disagree. Zero rows while the catalogue is not loaded.
-- The two sources end at different dates (the SpaceX API snapshot in 2021, the catalogue later), so
-- decays are compared up to the earlier of the two as-of dates (compared_as_of_date): a decay the
-- older source could not know about yet is not a disagreement.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
{%- set tolerance = var('starlink_reconciliation_tolerance_days') | int %}

with api as (

    select
        satellites.norad_cat_id::bigint                         as norad_cat_id,
        satellites.satellite_id,
        satellites.launch_id,
        satellites.version,
        satellites.object_name,
        satellites.object_id,
        coalesce(launches.launch_date, satellites.launch_date)  as launch_date,
        satellites.launch_date                                  as spacetrack_launch_date,
        satellites.decay_date,
        satellites.creation_date
    from {{ ref('stg_spacex__starlink') }} as satellites
    left join {{ ref('stg_spacex__launches') }} as launches
        on launches.launch_id = satellites.launch_id

),

catalogue as (

    -- the catalogue's usable records: those set aside (starlink_quarantine) have no dates to compare
    select catalogue.*
    from {{ ref('int_starlink__catalogue_satellites') }} as catalogue
    where not exists (
        select 1
        from {{ ref('int_starlink__satellite_records') }} as records
        where records.quarantine_rule is not null
            and records.satellite_source = catalogue.catalogue_source
            and records.norad_cat_id = catalogue.norad_cat_id
    )

),

api_as_of as (

    -- the SpaceX API's own last date (the rule of int_starlink__as_of_date for that source)
    select greatest(
        (select max(launch_date) from {{ ref('stg_spacex__launches') }} where not is_upcoming),
        (select max(creation_date)::date from api),
        (select max(decay_date) from api)
    ) as as_of_date

),

catalogue_as_of as (

    select greatest(max(launch_date), max(decay_date)) as as_of_date from catalogue

),

matched as (

    select
        catalogue.norad_cat_id,
        api.satellite_id                                        as spacex_satellite_id,
        api.launch_id                                           as spacex_launch_id,
        api.version                                             as spacex_version,
        catalogue.catalogue_source,
        catalogue.launch_id                                     as catalogue_launch_id,
        api.object_name                                         as spacex_object_name,
        catalogue.object_name                                   as catalogue_object_name,
        api.object_id                                           as spacex_international_designator,
        catalogue.international_designator                      as catalogue_international_designator,
        api.launch_date                                         as spacex_launch_date,
        api.spacetrack_launch_date                              as spacex_spacetrack_launch_date,
        catalogue.launch_date                                   as catalogue_launch_date,
        api.decay_date                                          as spacex_decay_date,
        catalogue.decay_date                                    as catalogue_decay_date,
        api_as_of.as_of_date                                    as spacex_as_of_date,
        catalogue_as_of.as_of_date                              as catalogue_as_of_date,
        least(api_as_of.as_of_date, catalogue_as_of.as_of_date) as compared_as_of_date
    from catalogue
    inner join api on api.norad_cat_id = catalogue.norad_cat_id
    cross join api_as_of
    cross join catalogue_as_of

),

flagged as (

    select
        *,
        catalogue_launch_date - spacex_launch_date              as launch_date_difference_days,
        catalogue_decay_date - spacex_decay_date                as decay_date_difference_days,
        coalesce(spacex_decay_date <= compared_as_of_date, false)    as spacex_decayed_by_compared_date,
        coalesce(catalogue_decay_date <= compared_as_of_date, false) as catalogue_decayed_by_compared_date
    from matched

)

select
    norad_cat_id,
    spacex_satellite_id,
    spacex_launch_id,
    spacex_version,
    catalogue_source,
    catalogue_launch_id,
    spacex_object_name,
    catalogue_object_name,
    spacex_international_designator,
    catalogue_international_designator,
    spacex_launch_date,
    spacex_spacetrack_launch_date,
    catalogue_launch_date,
    launch_date_difference_days,
    spacex_decay_date,
    catalogue_decay_date,
    decay_date_difference_days,
    spacex_as_of_date,
    catalogue_as_of_date,
    compared_as_of_date,
    spacex_decayed_by_compared_date,
    catalogue_decayed_by_compared_date,
    -- the flags: true = the sources agree
    coalesce(abs(launch_date_difference_days) <= {{ tolerance }}, false)   as launch_dates_agree,
    spacex_decayed_by_compared_date = catalogue_decayed_by_compared_date    as decay_status_agrees,
    case
        when spacex_decayed_by_compared_date and catalogue_decayed_by_compared_date
            then abs(decay_date_difference_days) <= {{ tolerance }}
        else spacex_decayed_by_compared_date = catalogue_decayed_by_compared_date
    end                                                                     as decay_dates_agree,
    coalesce(spacex_international_designator = catalogue_international_designator, false)
                                                                            as designators_agree,
    not (
        coalesce(abs(launch_date_difference_days) <= {{ tolerance }}, false)
        and spacex_decayed_by_compared_date = catalogue_decayed_by_compared_date
        and (not (spacex_decayed_by_compared_date and catalogue_decayed_by_compared_date)
             or abs(decay_date_difference_days) <= {{ tolerance }})
        and coalesce(spacex_international_designator = catalogue_international_designator, false)
    )                                                                       as has_disagreement,
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from flagged
