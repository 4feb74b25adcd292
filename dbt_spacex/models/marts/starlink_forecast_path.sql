-- Each scenario's projected path, month by month, from the as-of month until the month it reaches
-- var starlink_target_in_orbit (that month included) or, if it never does, December of var
-- starlink_forecast_horizon_year. One row per (scenario, month). The chart and the answer read it
-- instead of recomputing the fleet models.
with paths as (

    select * from {{ ref('int_starlink__forecast_paths') }}
    where cutoff_kind = 'forecast'

),

forecast as (

    select scenario, is_headline, satellite_source
    from {{ ref('starlink_42k_forecast') }}

),

last_step as (

    select
        scenario,
        coalesce(min(month_index) filter (where is_at_target), max(month_index)) as last_month_index
    from paths
    group by scenario

)

select
    paths.scenario || ':' || to_char(paths.path_date, 'YYYY-MM')    as path_id,
    paths.scenario,
    date_trunc('month', paths.path_date)::date                      as month,
    paths.path_date,
    paths.month_index                                               as months_after_as_of,
    paths.predicted_in_orbit,
    paths.cumulative_launches,
    paths.target_in_orbit,
    paths.is_at_target                                              as reaches_target,
    forecast.is_headline,
    paths.as_of_date,
    forecast.satellite_source,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from paths
inner join last_step
    on last_step.scenario = paths.scenario
    and paths.month_index <= last_step.last_month_index
inner join forecast on forecast.scenario = paths.scenario
