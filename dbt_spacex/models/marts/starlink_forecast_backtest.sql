-- The forecast method run from earlier cutoff dates (as-of date minus var
-- starlink_backtest_months_before months), predicting the in-orbit count at the as-of date,
-- compared with the actual count. One row per (scenario, cutoff_date).
with projections as (

    select * from {{ ref('int_starlink__forecast_projections') }}
    where cutoff_kind = 'backtest'

),

actual as (

    select series_date, satellites_in_orbit
    from {{ ref('int_starlink__in_orbit_daily') }}

),

compared as (

    select
        projections.scenario,
        projections.cutoff_date,
        projections.months_before_as_of,
        projections.as_of_date,
        projections.satellites_in_orbit                             as in_orbit_at_cutoff,
        projections.launches_per_month,
        projections.satellites_per_launch,
        projections.monthly_decay_rate,
        projections.net_satellites_per_month,
        round(projections.predicted_in_orbit_at_as_of)::integer     as predicted_in_orbit,
        actual.satellites_in_orbit                                  as actual_in_orbit,
        projections.projected_date                                  as projected_date_at_cutoff
    from projections
    inner join actual on actual.series_date = projections.as_of_date

)

select
    scenario || ':' || cutoff_date                                  as backtest_id,
    scenario,
    cutoff_date,
    months_before_as_of,
    as_of_date,
    in_orbit_at_cutoff,
    launches_per_month,
    satellites_per_launch,
    monthly_decay_rate,
    net_satellites_per_month,
    predicted_in_orbit,
    actual_in_orbit,
    predicted_in_orbit - actual_in_orbit                            as error,
    round(100.0 * (predicted_in_orbit - actual_in_orbit) / nullif(actual_in_orbit, 0), 2)
                                                                    as error_pct,
    projected_date_at_cutoff,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from compared
