-- Never built and never read (ephemeral): it exists for the order it gives `dbt build`. It depends
-- on every model and seed that is not one of the answer's marts (through those that nothing but
-- the answer's marts reads, listed below; a unit test keeps the list complete), and each of the
-- answer's marts depends on it. dbt runs a node only after its ancestors and their tests, and
-- skips every descendant of an error-severity failure, so one `dbt build` (the Dagster step's,
-- the Meltano job's, an analyst's) builds the answer's marts all together after everything else
-- has passed, or skips all of them and leaves them and the answer as the last good build left
-- them.
{%- set everything_else = [
    'starlink_authorisations', 'starlink_forecast_backtest', 'starlink_launch_cadence',
    'starlink_launches', 'starlink_quarantine', 'starlink_satellites',
    'stg_satcat__extract_provenance', 'stg_spacex__extract_provenance',
    'stg_spacex__capsules', 'stg_spacex__company', 'stg_spacex__cores', 'stg_spacex__crew',
    'stg_spacex__dragons', 'stg_spacex__history', 'stg_spacex__landpads',
    'stg_spacex__launch_cores', 'stg_spacex__launch_crew', 'stg_spacex__launch_payloads',
    'stg_spacex__launchpads', 'stg_spacex__payloads', 'stg_spacex__roadster',
    'stg_spacex__rockets', 'stg_spacex__ships',
] %}
{{ config(materialized='ephemeral') }}
{%- for name in everything_else %}
-- depends_on: {{ ref(name) }}
{%- endfor %}

select true as everything_else_passed
