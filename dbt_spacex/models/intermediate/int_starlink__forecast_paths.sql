-- The fleet model, month by month: one row per (cutoff date, configuration, scenario,
-- month_index 0 .. path_months). Step k is starlink_months_after(cutoff, k); month_index 0 is the
-- fleet at the cutoff. Backtest cutoffs run only to the longest backtest horizon; the forecast
-- cutoff runs to December of var starlink_forecast_horizon_year.
--
--   in orbit at step m = sum over satellites in orbit at the cutoff of S(a + m - 1) / S(a - 1)
--                      + sum over k = 1 .. m of launches(k) * satellites per launch(k) * S(m - k - 1)
--
-- with S the survival curve known at the cutoff (int_starlink__survival; S(-1) = 1, and S past
-- its last age is S there), a a satellite's age in completed months at the cutoff, and a satellite
-- launched in month k in orbit at the end of month m with S(m - k - 1) (the month-end convention
-- of int_starlink__survival). Launches in month k (k >= 1): the configuration's launches a month
-- at the cutoff plus its slope times k ('constant': slope 0), never below 0 nor above var
-- starlink_cadence_ceiling_per_month.
--
-- Scenarios: 'data' (everything measured) at every cutoff; 'with_starship' at the forecast cutoff
-- only: from var starlink_starship_from_month on, every launch carries var
-- starlink_starship_satellites_per_launch satellites at the same cadence (and, for want of data on
-- the new satellites, the measured survival).
{%- set max_age = var('starlink_survival_max_age_months') | int %}

with inputs as (

    select * from {{ ref('int_starlink__forecast_inputs') }}

),

curve as (

    select cutoff_date, age_months, survival from {{ ref('int_starlink__survival') }}

    union all

    select distinct cutoff_date, -1, 1.0::double precision from {{ ref('int_starlink__survival') }}

),

scenarios as (

    select inputs.*, scenario.scenario
    from inputs
    cross join (values ('data'), ('with_starship')) as scenario (scenario)
    where scenario.scenario = 'data' or inputs.cutoff_kind = 'forecast'

),

steps as (

    select
        scenarios.cutoff_date,
        scenarios.cutoff_kind,
        scenarios.configuration,
        scenarios.scenario,
        k.month_index,
        {{ starlink_months_after('scenarios.cutoff_date', 'k.month_index') }}   as path_date,
        case
            when k.month_index = 0 then 0
            else greatest(0, least(
                scenarios.cadence_ceiling_per_month,
                scenarios.cadence_at_cutoff_per_month + scenarios.cadence_slope_per_month * k.month_index
            ))
        end::double precision                                               as launches_in_month,
        case
            when scenarios.scenario = 'with_starship'
                and date_trunc('month', {{ starlink_months_after('scenarios.cutoff_date', 'k.month_index') }})
                    >= to_date('{{ var("starlink_starship_from_month") }}', 'YYYY-MM')
                then {{ var('starlink_starship_satellites_per_launch') }}
            else scenarios.satellites_per_launch
        end::double precision                                               as satellites_per_launch
    from scenarios
    cross join lateral generate_series(0, scenarios.path_months) as k (month_index)

),

runs as (

    -- each cutoff's path length (the same for every configuration)
    select distinct cutoff_date, path_months from inputs

),

fleet_ages as (

    -- the satellites in orbit at each cutoff, by age in completed months
    select
        cutoffs.cutoff_date,
        floor((cutoffs.cutoff_date - satellites.orbit_entry_date) / {{ days_per_month() }})::integer
                                                                            as age_months,
        count(*)                                                            as satellites
    from runs as cutoffs
    inner join {{ ref('int_starlink__satellites') }} as satellites
        on satellites.orbit_entry_date <= cutoffs.cutoff_date
        and (satellites.decay_date is null or satellites.decay_date > cutoffs.cutoff_date)
    group by 1, 2

),

survivors as (

    -- the cutoff's fleet still in orbit at each step (the same for every configuration)
    select
        fleet_ages.cutoff_date,
        k.month_index,
        sum(fleet_ages.satellites * at_end.survival / nullif(at_start.survival, 0)) as survivors
    from fleet_ages
    inner join runs
        on runs.cutoff_date = fleet_ages.cutoff_date
    cross join lateral generate_series(0, runs.path_months) as k (month_index)
    inner join curve as at_start
        on at_start.cutoff_date = fleet_ages.cutoff_date
        and at_start.age_months = least(fleet_ages.age_months - 1, {{ max_age }})
    inner join curve as at_end
        on at_end.cutoff_date = fleet_ages.cutoff_date
        and at_end.age_months = least(fleet_ages.age_months + k.month_index - 1, {{ max_age }})
    group by fleet_ages.cutoff_date, k.month_index

),

cohort_ages as materialized (

    -- each step with every month launched before it and those satellites' age at that step.
    -- Materialized, so the survival curve is then looked up by (cutoff, age): left to itself the
    -- planner joined the curve to the launches first, and built every (step, launch, age) row
    -- before filtering (minutes instead of seconds on the SpaceX API's data).
    select
        at_step.cutoff_date,
        at_step.configuration,
        at_step.scenario,
        at_step.month_index,
        launched.launches_in_month * launched.satellites_per_launch                as launched,
        least(at_step.month_index - launched.month_index - 1, {{ max_age }})       as age_months
    from steps as at_step
    inner join steps as launched
        on launched.cutoff_date = at_step.cutoff_date
        and launched.configuration = at_step.configuration
        and launched.scenario = at_step.scenario
        and launched.month_index between 1 and at_step.month_index

),

arrivals as (

    -- the satellites launched after the cutoff still in orbit at each step
    select
        cohort_ages.cutoff_date,
        cohort_ages.configuration,
        cohort_ages.scenario,
        cohort_ages.month_index,
        sum(cohort_ages.launched * curve.survival)                                  as arrivals
    from cohort_ages
    inner join curve
        on curve.cutoff_date = cohort_ages.cutoff_date
        and curve.age_months = cohort_ages.age_months
    group by cohort_ages.cutoff_date, cohort_ages.configuration, cohort_ages.scenario, cohort_ages.month_index

)

select
    steps.cutoff_date,
    steps.cutoff_kind,
    steps.configuration,
    steps.scenario,
    steps.month_index,
    steps.path_date,
    steps.launches_in_month,
    steps.satellites_per_launch,
    sum(steps.launches_in_month) over run_so_far                            as cumulative_launches,
    sum(steps.launches_in_month * steps.satellites_per_launch) over run_so_far
                                                                            as cumulative_satellites_launched,
    coalesce(survivors.survivors, 0)                                        as survivors_of_cutoff_fleet,
    coalesce(arrivals.arrivals, 0)                                          as survivors_of_new_launches,
    coalesce(survivors.survivors, 0) + coalesce(arrivals.arrivals, 0)       as predicted_in_orbit,
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from steps
left join survivors
    on survivors.cutoff_date = steps.cutoff_date
    and survivors.month_index = steps.month_index
left join arrivals
    on arrivals.cutoff_date = steps.cutoff_date
    and arrivals.configuration = steps.configuration
    and arrivals.scenario = steps.scenario
    and arrivals.month_index = steps.month_index
window run_so_far as (
    partition by steps.cutoff_date, steps.configuration, steps.scenario
    order by steps.month_index
)
