{{ config(materialized='table') }}
-- Every forecast run's path, month by month: one row per (cutoff date, scenario, month_index), from
-- the cutoff (month_index 0 = the fleet at the cutoff) to December of var
-- starlink_forecast_horizon_year. Step k is the date cutoff + k calendar months; the model advances
-- k whole months. A table: the forecast (simulated scenarios), the path mart and the backtest read it.
--
-- * closed_form scenarios: the closed forms of macros/starlink_forecast.sql at t = k months (a
--   falling linear_trend stops at 0); launches: launches_per_month * k.
-- * cadence_trend: launches in month k = clamp(cadence_fitted_per_month + cadence_slope_per_month * k,
--   0, cadence_ceiling_per_month); inflow I_k = that * satellites_per_launch; proportional decay at
--   rate r solved exactly over each month with I_k constant within it:
--   N_k = N_(k-1) * exp(-r) + I_k * (1 - exp(-r)) / r   (N_(k-1) + I_k when r = 0).
-- * cohort_lifetime: constant inflow I; every satellite retires L = operational_lifetime_months
--   after its launch. N_k = (satellites in orbit at the cutoff still younger than L at step k)
--   + I * least(k, L) (the satellites launched in the last L months, launched evenly over the month).
{%- set horizon = var('starlink_forecast_horizon_year') | int %}

with recursive inputs as (

    select * from {{ ref('int_starlink__forecast_inputs') }}

),

steps as (

    select
        inputs.cutoff_date,
        inputs.scenario,
        inputs.decay_model,
        inputs.cadence_model,
        inputs.projection_method,
        inputs.satellites_in_orbit,
        inputs.target_in_orbit,
        inputs.launches_per_month,
        inputs.satellites_per_launch,
        inputs.satellites_launched_per_month,
        inputs.monthly_decay_rate,
        inputs.trend_satellites_per_month,
        inputs.cadence_slope_per_month,
        inputs.cadence_fitted_per_month,
        inputs.cadence_ceiling_per_month,
        inputs.operational_lifetime_months,
        k.month_index,
        (inputs.cutoff_date + make_interval(months => k.month_index))::date as path_date
    from inputs
    cross join lateral generate_series(
        0,
        ({{ horizon }} - extract(year from inputs.cutoff_date)::integer) * 12
            + 12 - extract(month from inputs.cutoff_date)::integer
    ) as k (month_index)

),

closed_form as (

    select
        cutoff_date,
        scenario,
        month_index,
        path_date,
        -- a falling trend line stops at an empty fleet
        greatest(0, {{ starlink_projected_in_orbit(
            'decay_model', 'satellites_in_orbit',
            'satellites_launched_per_month', 'monthly_decay_rate', 'trend_satellites_per_month',
            'month_index'
        ) }})::double precision                                     as predicted_in_orbit,
        (launches_per_month * month_index)::double precision        as cumulative_launches
    from steps
    where projection_method = 'closed_form'

),

cadence_steps as (

    select
        cutoff_date,
        scenario,
        month_index,
        path_date,
        satellites_in_orbit::double precision                       as in_orbit_at_cutoff,
        monthly_decay_rate::double precision                        as decay_rate,
        case
            when month_index = 0 then 0
            else greatest(0, least(
                cadence_ceiling_per_month,
                cadence_fitted_per_month + cadence_slope_per_month * month_index
            ))
        end::double precision                                       as launches_in_month,
        satellites_per_launch::double precision                     as satellites_per_launch
    from steps
    where cadence_model = 'trend_capped'

),

cadence_fleet (cutoff_date, scenario, month_index, in_orbit) as (

    -- the month-by-month recursion (no closed form once the cadence changes every month)
    select cutoff_date, scenario, month_index, in_orbit_at_cutoff
    from cadence_steps
    where month_index = 0

    union all

    select
        fleet.cutoff_date,
        fleet.scenario,
        next_step.month_index,
        case
            when next_step.decay_rate > 0 then
                fleet.in_orbit * exp(-next_step.decay_rate)
                + next_step.launches_in_month * next_step.satellites_per_launch
                    * (1 - exp(-next_step.decay_rate)) / next_step.decay_rate
            else fleet.in_orbit + next_step.launches_in_month * next_step.satellites_per_launch
        end
    from cadence_fleet as fleet
    inner join cadence_steps as next_step
        on next_step.cutoff_date = fleet.cutoff_date
        and next_step.scenario = fleet.scenario
        and next_step.month_index = fleet.month_index + 1

),

cadence_trend as (

    select
        cadence_steps.cutoff_date,
        cadence_steps.scenario,
        cadence_steps.month_index,
        cadence_steps.path_date,
        cadence_fleet.in_orbit                                      as predicted_in_orbit,
        sum(cadence_steps.launches_in_month) over (
            partition by cadence_steps.cutoff_date, cadence_steps.scenario
            order by cadence_steps.month_index
        )                                                           as cumulative_launches
    from cadence_steps
    inner join cadence_fleet using (cutoff_date, scenario, month_index)

),

cohort_runs as (

    select distinct cutoff_date, scenario, operational_lifetime_months
    from steps
    where decay_model = 'cohort_lifetime'

),

cohort_retirements as (

    -- satellites in orbit at the cutoff, by the first step at which they are past the lifetime
    -- (alive while age < L; one already past it at the cutoff retires at step 1)
    select
        cohort_runs.cutoff_date,
        cohort_runs.scenario,
        greatest(1, ceil(
            cohort_runs.operational_lifetime_months
            - (cohort_runs.cutoff_date - satellites.orbit_entry_date) / {{ days_per_month() }}
        ))::integer                                                 as retirement_month_index,
        count(*)                                                    as satellites_retiring
    from cohort_runs
    inner join {{ ref('int_starlink__satellites') }} as satellites
        on satellites.orbit_entry_date <= cohort_runs.cutoff_date
        and (satellites.decay_date is null or satellites.decay_date > cohort_runs.cutoff_date)
    group by 1, 2, 3

),

cohort_lifetime as (

    select
        steps.cutoff_date,
        steps.scenario,
        steps.month_index,
        steps.path_date,
        (
            steps.satellites_in_orbit
            - coalesce(sum(cohort_retirements.satellites_retiring) over (
                partition by steps.cutoff_date, steps.scenario
                order by steps.month_index
            ), 0)
            + steps.satellites_launched_per_month
                * least(steps.month_index, steps.operational_lifetime_months)
        )::double precision                                         as predicted_in_orbit,
        (steps.launches_per_month * steps.month_index)::double precision as cumulative_launches
    from steps
    left join cohort_retirements
        on cohort_retirements.cutoff_date = steps.cutoff_date
        and cohort_retirements.scenario = steps.scenario
        and cohort_retirements.retirement_month_index = steps.month_index
    where steps.decay_model = 'cohort_lifetime'

),

paths as (

    select * from closed_form
    union all
    select * from cadence_trend
    union all
    select * from cohort_lifetime

)

select
    paths.cutoff_date,
    inputs.months_before_as_of,
    inputs.cutoff_kind,
    inputs.as_of_date,
    paths.scenario,
    paths.month_index,
    paths.path_date,
    -- 2 decimals, trailing zeros dropped (1150.00 -> 1150)
    trim_scale(round(paths.predicted_in_orbit::numeric, 2))         as predicted_in_orbit,
    trim_scale(round(paths.cumulative_launches::numeric, 2))        as cumulative_launches,
    inputs.target_in_orbit,
    paths.predicted_in_orbit >= inputs.target_in_orbit              as is_at_target,
    {{ transformation_updated_at() }}                               as transformation_updated_at
from paths
inner join inputs using (cutoff_date, scenario)
