-- A satellite flagged DECAYED must have a DECAY_DATE (else the in-orbit series could not place
-- its decay), and a satellite with a DECAY_DATE must be flagged DECAYED.
select satellite_id, is_decayed, decay_date
from {{ ref('stg_spacex__starlink') }}
where is_decayed <> (decay_date is not null)
