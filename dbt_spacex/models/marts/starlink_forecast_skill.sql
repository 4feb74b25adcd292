-- How well each configuration of the forecast model did in the rolling-origin backtest, and which
-- one is the headline: one row per (configuration, horizon_months). The answer reads this mart for
-- the errors it states, so the ranking and the figures shown are the same numbers.
--
-- The rule: skill_score = the mean, over the horizons in var starlink_headline_horizons_months, of
-- (mean absolute % error + |mean signed % error|): a configuration that is biased pays twice. The
-- smallest score is the headline (ties: the name that sorts first). The band of the headline
-- (starlink_forecast_path) is made of the relative-error quantiles here.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
with backtest as (

    select configuration, cutoff_date, horizon_months, predicted_in_orbit, actual_in_orbit,
        error_pct, relative_error
    from {{ ref('starlink_forecast_backtest') }}
    where actual_in_orbit > 0

),

by_horizon as (

    select
        configuration,
        horizon_months,
        count(*)                                                        as cutoffs_scored,
        min(cutoff_date)                                                as first_cutoff_date,
        max(cutoff_date)                                                as last_cutoff_date,
        avg(abs(error_pct))                                             as mean_abs_pct_error,
        avg(error_pct)                                                  as mean_pct_error,
        percentile_cont(0.1) within group (order by relative_error)     as relative_error_p10,
        percentile_cont(0.5) within group (order by relative_error)     as relative_error_p50,
        percentile_cont(0.9) within group (order by relative_error)     as relative_error_p90
    from backtest
    group by configuration, horizon_months

),

scored as (

    select
        configuration,
        avg(mean_abs_pct_error + abs(mean_pct_error))                   as skill_score,
        count(*)                                                        as horizons_scored
    from by_horizon
    where horizon_months in ({{ var('starlink_headline_horizons_months') | join(', ') }})
    group by configuration

),

ranked as (

    select
        configurations.configuration,
        scored.skill_score,
        row_number() over (
            -- a configuration scored on fewer of the headline horizons ranks after those on all
            order by coalesce(scored.horizons_scored, 0) desc, scored.skill_score asc nulls last,
                configurations.configuration asc
        )                                                               as skill_rank
    from {{ ref('int_starlink__forecast_configurations') }} as configurations
    left join scored on scored.configuration = configurations.configuration

),

coverage as (

    -- the share of backtest outcomes inside the P10-P90 band built from those same errors
    select
        backtest.configuration,
        backtest.horizon_months,
        avg(case
            when backtest.actual_in_orbit between
                backtest.predicted_in_orbit * (1 + by_horizon.relative_error_p10)
                and backtest.predicted_in_orbit * (1 + by_horizon.relative_error_p90)
            then 1.0 else 0.0
        end)                                                            as band_coverage
    from backtest
    inner join by_horizon using (configuration, horizon_months)
    group by backtest.configuration, backtest.horizon_months

)

select
    by_horizon.configuration || ':' || by_horizon.horizon_months || 'm' as skill_id,
    by_horizon.configuration,
    configurations.configuration_description,
    by_horizon.horizon_months::integer                                  as horizon_months,
    by_horizon.horizon_months in ({{ var('starlink_headline_horizons_months') | join(', ') }})
                                                                        as in_headline_rule,
    by_horizon.cutoffs_scored::integer                                  as cutoffs_scored,
    by_horizon.first_cutoff_date,
    by_horizon.last_cutoff_date,
    round(by_horizon.mean_abs_pct_error::numeric, 2)                    as mean_abs_pct_error,
    round(by_horizon.mean_pct_error::numeric, 2)                        as mean_pct_error,
    by_horizon.relative_error_p10::double precision                     as relative_error_p10,
    by_horizon.relative_error_p50::double precision                     as relative_error_p50,
    by_horizon.relative_error_p90::double precision                     as relative_error_p90,
    round(coverage.band_coverage, 4)                                    as band_coverage,
    round(ranked.skill_score::numeric, 2)                               as skill_score,
    ranked.skill_rank::integer                                          as skill_rank,
    ranked.skill_rank = 1                                               as is_headline,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from by_horizon
inner join ranked using (configuration)
inner join coverage using (configuration, horizon_months)
inner join {{ ref('int_starlink__forecast_configurations') }} as configurations
    on configurations.configuration = by_horizon.configuration
