-- The forecast method run from earlier cutoff dates (as-of date minus var
-- starlink_backtest_months_before months) with only the data known then: the fleet each scenario
-- predicted var starlink_backtest_horizon_months months after the cutoff, against the actual fleet
-- on that date. One row per (scenario, cutoff_date, horizon_months); horizons that end after the
-- as-of date have no actual yet and are left out.
{%- set horizon_year = var('starlink_forecast_horizon_year') | int %}

with paths as (

    select * from {{ ref('int_starlink__forecast_paths') }}
    where cutoff_kind = 'backtest'

),

projections as (

    select * from {{ ref('int_starlink__forecast_projections') }}
    where cutoff_kind = 'backtest'

),

horizons as (

    select horizon_months
    from unnest(array[{{ var('starlink_backtest_horizon_months') | join(', ') }}]::integer[])
        as horizons (horizon_months)

),

actual as (

    select series_date, satellites_in_orbit
    from {{ ref('int_starlink__in_orbit_daily') }}

),

first_day as (

    select min(series_date) as first_series_date from actual

),

compared as (

    select
        projections.scenario,
        projections.cutoff_date,
        projections.months_before_as_of,
        horizons.horizon_months,
        paths.path_date                                             as evaluation_date,
        projections.as_of_date,
        projections.satellites_in_orbit                             as in_orbit_at_cutoff,
        projections.launches_per_month,
        projections.satellites_per_launch,
        projections.monthly_decay_rate,
        projections.net_satellites_per_month,
        round(paths.predicted_in_orbit)::integer                    as predicted_in_orbit,
        -- before the first Starlink launch the fleet is 0
        case
            when paths.path_date < first_day.first_series_date then 0
            else actual.satellites_in_orbit
        end                                                         as actual_in_orbit,
        -- the target date the run projected (null if never, or after the horizon year)
        case
            when extract(year from projections.projected_date) <= {{ horizon_year }}
                then projections.projected_date
        end                                                         as projected_date_at_cutoff
    from projections
    cross join horizons
    cross join first_day
    inner join paths
        on paths.cutoff_date = projections.cutoff_date
        and paths.scenario = projections.scenario
        and paths.month_index = horizons.horizon_months
    left join actual on actual.series_date = paths.path_date
    where paths.path_date <= projections.as_of_date

)

select
    scenario || ':' || cutoff_date || ':' || horizon_months || 'm'  as backtest_id,
    scenario,
    cutoff_date,
    months_before_as_of,
    horizon_months,
    evaluation_date,
    as_of_date,
    in_orbit_at_cutoff,
    launches_per_month,
    satellites_per_launch,
    monthly_decay_rate,
    net_satellites_per_month,
    predicted_in_orbit,
    actual_in_orbit,
    predicted_in_orbit - actual_in_orbit                            as error,
    abs(predicted_in_orbit - actual_in_orbit)                       as abs_error,
    round(100.0 * (predicted_in_orbit - actual_in_orbit) / nullif(actual_in_orbit, 0), 2)
                                                                    as error_pct,
    round(100.0 * abs(predicted_in_orbit - actual_in_orbit) / nullif(actual_in_orbit, 0), 2)
                                                                    as abs_error_pct,
    projected_date_at_cutoff,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from compared
