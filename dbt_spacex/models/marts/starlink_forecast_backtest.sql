-- The rolling-origin backtest: the forecast model re-run from every backtest cutoff (a month end,
-- int_starlink__forecast_cutoffs) with only the data known then, its fleet var
-- starlink_backtest_horizon_months months later compared with the actual fleet that day. One row
-- per (configuration, cutoff_date, horizon_months); horizons ending after the forecast start (the
-- last day the data is complete) have no actual yet and are left out.
with paths as (

    select cutoff_date, configuration, month_index, path_date, predicted_in_orbit
    from {{ ref('int_starlink__forecast_paths') }}
    where cutoff_kind = 'backtest' and scenario = 'data'

),

inputs as (

    select
        cutoff_date, configuration, forecast_start_date, satellites_in_orbit,
        cadence_at_cutoff_per_month, cadence_slope_per_month, satellites_per_launch
    from {{ ref('int_starlink__forecast_inputs') }}
    where cutoff_kind = 'backtest'

),

actual as (

    select series_date, satellites_in_orbit
    from {{ ref('int_starlink__in_orbit_daily') }}

),

compared as (

    select
        paths.configuration,
        paths.cutoff_date,
        paths.month_index                                               as horizon_months,
        paths.path_date                                                 as evaluation_date,
        inputs.satellites_in_orbit                                      as in_orbit_at_cutoff,
        inputs.cadence_at_cutoff_per_month,
        inputs.cadence_slope_per_month,
        inputs.satellites_per_launch,
        paths.predicted_in_orbit,
        actual.satellites_in_orbit                                      as actual_in_orbit
    from paths
    inner join inputs
        on inputs.cutoff_date = paths.cutoff_date
        and inputs.configuration = paths.configuration
    inner join actual on actual.series_date = paths.path_date
    where paths.month_index in ({{ var('starlink_backtest_horizon_months') | join(', ') }})
        and paths.path_date <= inputs.forecast_start_date

)

select
    configuration || ':' || cutoff_date || ':' || horizon_months || 'm' as backtest_id,
    configuration,
    cutoff_date,
    horizon_months::integer                                             as horizon_months,
    evaluation_date,
    in_orbit_at_cutoff::integer                                         as in_orbit_at_cutoff,
    cadence_at_cutoff_per_month::numeric                                as cadence_at_cutoff_per_month,
    cadence_slope_per_month::numeric                                    as cadence_slope_per_month,
    satellites_per_launch::numeric                                      as satellites_per_launch,
    round(predicted_in_orbit::numeric, 2)                               as predicted_in_orbit,
    actual_in_orbit::integer                                            as actual_in_orbit,
    round((predicted_in_orbit - actual_in_orbit)::numeric, 2)           as error,
    -- signed: negative = under-predicted
    (100 * (predicted_in_orbit - actual_in_orbit) / nullif(actual_in_orbit, 0))::double precision
                                                                        as error_pct,
    -- what the band is made of: the actual fleet relative to the predicted one, minus 1
    (actual_in_orbit / nullif(predicted_in_orbit, 0) - 1)::double precision
                                                                        as relative_error,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from compared
