-- One row per day from the first Starlink launch to the as-of date: the in-orbit series.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
select
    series_date,
    starlink_launches,
    satellites_launched,
    satellites_decayed,
    cumulative_starlink_launches,
    cumulative_satellites_launched,
    cumulative_satellites_decayed,
    satellites_in_orbit,
    satellite_source,
    {{ transformation_updated_at() }} as transformation_updated_at
from {{ ref('int_starlink__in_orbit_daily') }}
