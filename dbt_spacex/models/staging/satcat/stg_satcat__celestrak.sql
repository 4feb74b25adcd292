-- One row per CelesTrak SATCAT object (NORAD catalog number), typed and renamed, in the same
-- vocabulary as stg_satcat__spacetrack. Zero rows when the raw table is empty or does not exist.
{%- set raw_columns = [
    ['norad_cat_id', 'bigint'], ['object_name', 'text'], ['object_id', 'text'], ['object_type', 'text'],
    ['ops_status_code', 'text'], ['owner', 'text'], ['launch_date', 'date'], ['launch_site', 'text'],
    ['decay_date', 'date'], ['period', 'numeric'], ['inclination', 'numeric'], ['apogee', 'numeric'],
    ['perigee', 'numeric'], ['rcs', 'numeric'], ['data_status_code', 'text'], ['orbit_center', 'text'],
    ['orbit_type', 'text'],
    ['_sdc_batched_at', 'timestamp'], ['_sdc_deleted_at', 'timestamp'],
] %}

with source as (

    select * from {{ source_or_empty('satcat_raw', 'celestrak_satcat', raw_columns) }} as raw
    where _sdc_deleted_at is null

),

renamed as (

    select
        {{ satcat_cast('norad_cat_id', 'bigint') }}                     as norad_cat_id,
        upper({{ satcat_cast('object_id', 'text') }})                   as international_designator,
        {{ launch_part_of_designator('object_id') }}                    as launch_id,
        substring(upper(trim(object_id::text)) from '^[0-9]{4}-[0-9]{3}([A-Z]+)$')
                                                                        as launch_piece,
        {{ satcat_cast('object_name', 'text') }}                        as object_name,
        upper({{ satcat_cast('object_type', 'text') }})                 as celestrak_object_type,
        {{ satcat_cast('ops_status_code', 'text') }}                    as ops_status_code,
        {{ satcat_cast('owner', 'text') }}                              as owner,
        {{ satcat_cast('launch_site', 'text') }}                        as launch_site,
        {{ satcat_cast('launch_date', 'date') }}                        as launch_date,
        {{ satcat_cast('decay_date', 'date') }}                         as decay_date,
        {{ satcat_cast('period', 'numeric') }}                          as period_min,
        {{ satcat_cast('inclination', 'numeric') }}                     as inclination_deg,
        {{ satcat_cast('apogee', 'numeric') }}                          as apogee_km,
        {{ satcat_cast('perigee', 'numeric') }}                         as perigee_km,
        {{ satcat_cast('rcs', 'numeric') }}                             as rcs_m2,
        {{ satcat_cast('data_status_code', 'text') }}                   as data_status_code,
        {{ satcat_cast('orbit_center', 'text') }}                       as orbit_center,
        {{ satcat_cast('orbit_type', 'text') }}                         as orbit_type,
        _sdc_batched_at                                                 as loaded_at
    from source

),

deduplicated as (

    -- the loader upserts by NORAD id, so this keeps every row; it guards the grain all the same
    select distinct on (norad_cat_id) *
    from renamed
    where norad_cat_id is not null
    order by norad_cat_id asc, loaded_at desc nulls last

)

select
    norad_cat_id,
    international_designator,
    launch_id,
    launch_piece,
    object_name,
    -- Space-Track's words for CelesTrak's codes, so both catalogues read alike downstream
    case celestrak_object_type
        when 'PAY' then 'PAYLOAD'
        when 'R/B' then 'ROCKET BODY'
        when 'DEB' then 'DEBRIS'
        when 'UNK' then 'UNKNOWN'
        else celestrak_object_type
    end                                                                 as object_type,
    celestrak_object_type,
    celestrak_object_type = 'PAY'                                       as is_payload,
    -- a Starlink satellite: a payload named STARLINK-* (the Tintin prototypes are not so named)
    celestrak_object_type = 'PAY' and upper(object_name) like 'STARLINK%' as is_starlink,
    ops_status_code,
    owner,
    launch_site,
    launch_date,
    decay_date,
    decay_date is not null                                              as is_decayed,
    period_min,
    inclination_deg,
    apogee_km,
    perigee_km,
    rcs_m2,
    data_status_code,
    orbit_center,
    orbit_type,
    loaded_at,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from deduplicated
