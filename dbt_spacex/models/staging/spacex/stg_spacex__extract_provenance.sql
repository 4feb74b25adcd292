-- One row per tap-spacex run that emitted records: where and when the SpaceX API was read
-- (macros/extract_provenance.sql; zero rows while the raw table does not exist).
{{ extract_provenance_staging('spacex_raw') }}
