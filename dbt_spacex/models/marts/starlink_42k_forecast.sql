-- THE answer: one row per scenario, run from the as-of date: when will var starlink_target_in_orbit
-- (42,000) Starlink satellites be in orbit, and how many launches will it take?
-- The arithmetic lives in int_starlink__forecast_projections (shared with the backtest).
-- The headline scenario is chosen by a fixed rule from the backtest, never by hand: the smallest
-- mean absolute percent error at the var starlink_headline_horizon_months horizon across the
-- backtest cutoffs (rows with an actual fleet of 0 have no percent error and are left out);
-- scenarios without any such row rank last; ties are broken by scenario name.
{%- set headline_horizon = var('starlink_headline_horizon_months') | int %}

with projections as (

    select * from {{ ref('int_starlink__forecast_projections') }}
    where cutoff_kind = 'forecast'

),

backtest_scores as (

    select
        scenario,
        avg(100.0 * abs_error / actual_in_orbit)        as backtest_mean_abs_pct_error,
        count(*)                                        as backtest_cutoffs
    from {{ ref('starlink_forecast_backtest') }}
    where horizon_months = {{ headline_horizon }}
        and actual_in_orbit > 0
    group by scenario

),

ranked as (

    select
        projections.scenario,
        backtest_scores.backtest_mean_abs_pct_error,
        coalesce(backtest_scores.backtest_cutoffs, 0)   as backtest_cutoffs,
        row_number() over (
            order by backtest_scores.backtest_mean_abs_pct_error asc nulls last, projections.scenario
        )                                               as headline_rank
    from projections
    left join backtest_scores using (scenario)

)

select
    projections.scenario,
    projections.scenario_description,
    projections.as_of_date,
    (select satellite_source from {{ ref('int_starlink__as_of_date') }})   as satellite_source,
    projections.satellites_launched,
    projections.satellites_decayed,
    projections.satellites_in_orbit,
    projections.target_in_orbit,
    projections.window_months,
    projections.window_start_date,
    projections.launches_per_month,
    projections.satellites_per_launch,
    projections.decay_model,
    projections.cadence_model,
    projections.projection_method,
    projections.monthly_decay_rate,
    projections.cadence_slope_per_month,
    projections.cadence_fitted_per_month,
    projections.cadence_ceiling_per_month,
    projections.operational_lifetime_months,
    projections.lifetime_basis,
    projections.net_satellites_per_month,
    projections.equilibrium_in_orbit,
    projections.satellites_needed,
    projections.reaches_target,
    projections.launches_needed,
    projections.launches_to_target,
    projections.months_to_target,
    projections.projected_date,
    ranked.headline_rank = 1                                        as is_headline,
    ranked.headline_rank::integer                                   as headline_rank,
    {{ headline_horizon }}::integer                                 as backtest_horizon_months,
    round(ranked.backtest_mean_abs_pct_error, 2)                    as backtest_mean_abs_pct_error,
    ranked.backtest_cutoffs::integer                                as backtest_cutoffs,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from projections
inner join ranked using (scenario)
