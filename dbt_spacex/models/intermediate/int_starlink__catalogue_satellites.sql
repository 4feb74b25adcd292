-- One row per Starlink satellite in the satellite catalogue: Space-Track's SATCAT when it has any
-- Starlink row, else CelesTrak's (only one catalogue is configured at a time). Zero rows when
-- neither is loaded; int_starlink__satellites then falls back to the SpaceX API's starlink records.
{%- set columns = [
    'norad_cat_id', 'international_designator', 'launch_id', 'launch_piece', 'object_name',
    'object_type', 'owner', 'launch_site', 'launch_date', 'decay_date', 'is_decayed', 'period_min',
    'inclination_deg', 'apogee_km', 'perigee_km', 'loaded_at',
] %}

with spacetrack as (

    select 'spacetrack_satcat'::text as catalogue_source, {{ columns | join(', ') }}
    from {{ ref('stg_satcat__spacetrack') }}
    where is_starlink

),

celestrak as (

    select 'celestrak_satcat'::text as catalogue_source, {{ columns | join(', ') }}
    from {{ ref('stg_satcat__celestrak') }}
    where is_starlink

),

chosen as (

    select * from spacetrack
    union all
    select * from celestrak
    where not exists (select 1 from spacetrack)

)

select
    *,
    {{ transformation_updated_at() }} as transformation_updated_at
from chosen
