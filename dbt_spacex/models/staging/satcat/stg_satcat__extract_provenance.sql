-- One row per tap-satcat run that emitted records: which catalogue was read, from where and when
-- (macros/extract_provenance.sql; zero rows while the raw table does not exist).
{{ extract_provenance_staging('satcat_raw') }}
