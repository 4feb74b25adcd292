-- The upstream satellite records the answer cannot use, set aside and named: one row per record of
-- the satellite source in use that breaks a rule of int_starlink__satellite_records (a missing
-- launch or launch date, a decay before the launch, a decay flag without a date). They are not in
-- the satellites, the in-orbit series or the forecast. Its test set_aside_records warns from the
-- first record and fails the build (before the answer's marts change) above var
-- starlink_quarantine_error_if records.
select
    satellite_source || ':' || satellite_id                         as quarantine_id,
    satellite_source,
    satellite_id,
    norad_cat_id,
    object_name,
    quarantine_rule,
    launch_id,
    orbit_entry_date,
    decay_date,
    is_decayed,
    loaded_at,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from {{ ref('int_starlink__satellite_records') }}
where quarantine_rule is not null
