-- One row per Space-Track SATCAT object (NORAD catalog number), typed and renamed. Zero rows when
-- the raw table is empty or does not exist yet (macro source_or_empty).
{%- set raw_columns = [
    ['norad_cat_id', 'bigint'], ['intldes', 'text'], ['object_type', 'text'], ['satname', 'text'],
    ['country', 'text'], ['launch', 'date'], ['site', 'text'], ['decay', 'date'],
    ['period', 'numeric'], ['inclination', 'numeric'], ['apogee', 'numeric'], ['perigee', 'numeric'],
    ['comment', 'text'], ['commentcode', 'text'], ['rcsvalue', 'text'], ['rcs_size', 'text'],
    ['file', 'text'], ['launch_year', 'text'], ['launch_num', 'text'], ['launch_piece', 'text'],
    ['current', 'text'], ['object_name', 'text'], ['object_id', 'text'], ['object_number', 'text'],
    ['_sdc_batched_at', 'timestamp'], ['_sdc_deleted_at', 'timestamp'],
] %}

with source as (

    select * from {{ source_or_empty('satcat_raw', 'spacetrack_satcat', raw_columns) }} as raw
    where _sdc_deleted_at is null

),

renamed as (

    select
        {{ satcat_cast('coalesce(norad_cat_id::text, object_number::text)', 'bigint') }}     as norad_cat_id,
        upper({{ satcat_cast('coalesce(intldes, object_id)', 'text') }})              as international_designator,
        {{ launch_part_of_designator('coalesce(intldes, object_id)') }}               as launch_id,
        {{ satcat_cast('launch_piece', 'text') }}                                     as launch_piece,
        {{ satcat_cast('coalesce(satname, object_name)', 'text') }}                   as object_name,
        upper({{ satcat_cast('object_type', 'text') }})                               as object_type,
        {{ satcat_cast('country', 'text') }}                                          as owner,
        {{ satcat_cast('site', 'text') }}                                             as launch_site,
        {{ satcat_cast('launch', 'date') }}                                           as launch_date,
        {{ satcat_cast('decay', 'date') }}                                            as decay_date,
        {{ satcat_cast('period', 'numeric') }}                                        as period_min,
        {{ satcat_cast('inclination', 'numeric') }}                                   as inclination_deg,
        {{ satcat_cast('apogee', 'numeric') }}                                        as apogee_km,
        {{ satcat_cast('perigee', 'numeric') }}                                       as perigee_km,
        {{ satcat_cast('rcsvalue', 'numeric') }}                                      as rcs_value,
        {{ satcat_cast('rcs_size', 'text') }}                                         as rcs_size,
        {{ satcat_cast('comment', 'text') }}                                          as comment,
        {{ satcat_cast('commentcode', 'text') }}                                      as comment_code,
        {{ satcat_cast('file', 'integer') }}                                          as file_number,
        upper({{ satcat_cast('current', 'text') }}) = 'Y'                             as is_current,
        _sdc_batched_at                                                               as loaded_at
    from source

),

deduplicated as (

    -- the loader upserts by NORAD id, so this keeps every row; it guards the grain all the same
    select distinct on (norad_cat_id) *
    from renamed
    where norad_cat_id is not null
    order by norad_cat_id asc, is_current desc, loaded_at desc nulls last

)

select
    norad_cat_id,
    international_designator,
    launch_id,
    launch_piece,
    object_name,
    object_type,
    object_type = 'PAYLOAD'                                             as is_payload,
    -- a Starlink satellite: a payload named STARLINK-* (the Tintin prototypes are not so named)
    object_type = 'PAYLOAD' and upper(object_name) like 'STARLINK%'     as is_starlink,
    owner,
    launch_site,
    launch_date,
    decay_date,
    decay_date is not null                                              as is_decayed,
    period_min,
    inclination_deg,
    apogee_km,
    perigee_km,
    rcs_value,
    rcs_size,
    comment,
    comment_code,
    file_number,
    is_current,
    loaded_at,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from deduplicated
