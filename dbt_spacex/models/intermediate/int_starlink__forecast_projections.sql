{{ config(materialized='table') }}
-- The forecast arithmetic for every (cutoff date, scenario) run: when the fleet reaches the target,
-- how many launches that takes, and the fleet predicted at the as-of date.
-- closed_form scenarios: the formulas of macros/starlink_forecast.sql. monthly_path scenarios
-- (cadence_trend, cohort_lifetime): read off their path in int_starlink__forecast_paths, linearly
-- interpolated inside the month in which the path first reaches the target (or the as-of date).
-- A table: the forecast, the backtest and many tests read it, and as a view each of them would redo
-- the whole chain of forecast views.
with inputs as (

    select * from {{ ref('int_starlink__forecast_inputs') }}

),

paths as (

    select cutoff_date, scenario, month_index, predicted_in_orbit, cumulative_launches, is_at_target
    from {{ ref('int_starlink__forecast_paths') }}

),

first_at_target as (

    select paths.cutoff_date, paths.scenario, min(paths.month_index) as month_index
    from paths
    inner join inputs using (cutoff_date, scenario)
    where inputs.projection_method = 'monthly_path' and paths.is_at_target
    group by paths.cutoff_date, paths.scenario

),

path_outcomes as (

    -- month_index k is the first month at the target: interpolate between k - 1 and k
    select
        first_at_target.cutoff_date,
        first_at_target.scenario,
        case
            when first_at_target.month_index = 0 then 0
            else (first_at_target.month_index - 1)
                + (inputs.target_in_orbit - before.predicted_in_orbit)
                / nullif(reached.predicted_in_orbit - before.predicted_in_orbit, 0)
        end                                                             as path_months_to_target,
        case
            when first_at_target.month_index = 0 then 0
            else before.cumulative_launches
                + (reached.cumulative_launches - before.cumulative_launches)
                * (inputs.target_in_orbit - before.predicted_in_orbit)
                / nullif(reached.predicted_in_orbit - before.predicted_in_orbit, 0)
        end                                                             as path_launches_to_target
    from first_at_target
    inner join inputs using (cutoff_date, scenario)
    inner join paths as reached
        on reached.cutoff_date = first_at_target.cutoff_date
        and reached.scenario = first_at_target.scenario
        and reached.month_index = first_at_target.month_index
    left join paths as before
        on before.cutoff_date = first_at_target.cutoff_date
        and before.scenario = first_at_target.scenario
        and before.month_index = first_at_target.month_index - 1

),

path_at_as_of as (

    -- the path interpolated at the as-of date (months_to_as_of after the cutoff)
    select
        inputs.cutoff_date,
        inputs.scenario,
        lower_step.predicted_in_orbit
            + (upper_step.predicted_in_orbit - lower_step.predicted_in_orbit)
            * ((inputs.as_of_date - inputs.cutoff_date) / {{ days_per_month() }} - lower_step.month_index)
                                                                        as path_in_orbit_at_as_of,
        paths_first_month.predicted_in_orbit - inputs.satellites_in_orbit as path_net_first_month
    from inputs
    inner join paths as lower_step
        on lower_step.cutoff_date = inputs.cutoff_date
        and lower_step.scenario = inputs.scenario
        and lower_step.month_index = floor((inputs.as_of_date - inputs.cutoff_date) / {{ days_per_month() }})
    inner join paths as upper_step
        on upper_step.cutoff_date = inputs.cutoff_date
        and upper_step.scenario = inputs.scenario
        and upper_step.month_index = lower_step.month_index + 1
    left join paths as paths_first_month
        on paths_first_month.cutoff_date = inputs.cutoff_date
        and paths_first_month.scenario = inputs.scenario
        and paths_first_month.month_index = 1

),

rates as (

    select
        *,
        greatest(target_in_orbit - satellites_in_orbit, 0)             as satellites_needed,
        case
            when projection_method = 'monthly_path' then path_at_as_of.path_net_first_month
            when decay_model = 'net_trend' then trend_satellites_per_month
            else satellites_launched_per_month - monthly_decay_rate * satellites_in_orbit
        end                                                             as net_satellites_per_month,
        case
            -- cadence_trend: the inflow it ends at (the ceiling if the fitted cadence rises, the
            -- fitted cadence if it is flat, 0 if it falls) / the decay rate
            when cadence_model = 'trend_capped' and monthly_decay_rate > 0
                then case
                    when cadence_slope_per_month > 0 then cadence_ceiling_per_month
                    when cadence_slope_per_month = 0 then greatest(0, least(cadence_ceiling_per_month, cadence_fitted_per_month))
                    else 0
                end * satellites_per_launch / monthly_decay_rate
            when decay_model = 'proportional' and monthly_decay_rate > 0
                then satellites_launched_per_month / monthly_decay_rate
            -- cohort_lifetime: the launches of one lifetime stay up
            when decay_model = 'cohort_lifetime'
                then satellites_launched_per_month * operational_lifetime_months
        end                                                             as equilibrium_in_orbit,
        (as_of_date - cutoff_date) / {{ days_per_month() }}             as months_to_as_of
    from inputs
    left join path_at_as_of using (cutoff_date, scenario)

),

months as (

    select
        *,
        case
            when projection_method = 'monthly_path' then path_outcomes.path_months_to_target
            else {{ starlink_months_to_target(
                'decay_model', 'satellites_in_orbit', 'target_in_orbit',
                'satellites_launched_per_month', 'monthly_decay_rate', 'trend_satellites_per_month'
            ) }}
        end                                                             as months_to_target,
        case
            when projection_method = 'monthly_path' then path_in_orbit_at_as_of
            else {{ starlink_projected_in_orbit(
                'decay_model', 'satellites_in_orbit',
                'satellites_launched_per_month', 'monthly_decay_rate', 'trend_satellites_per_month',
                'months_to_as_of'
            ) }}
        end                                                             as predicted_in_orbit_at_as_of
    from rates
    left join path_outcomes using (cutoff_date, scenario)

)

select
    cutoff_date,
    months_before_as_of,
    cutoff_kind,
    as_of_date,
    scenario,
    scenario_description,
    decay_model,
    cadence_model,
    projection_method,
    window_months,
    window_start_date,
    per_launch_window_months,
    satellites_launched,
    satellites_decayed,
    satellites_in_orbit,
    target_in_orbit,
    window_launches,
    window_satellites_launched,
    window_satellites_decayed,
    launches_per_month,
    satellites_per_launch,
    satellites_launched_per_month,
    monthly_decay_rate,
    cadence_slope_per_month,
    cadence_fitted_per_month,
    cadence_ceiling_per_month,
    operational_lifetime_months,
    lifetime_basis,
    trim_scale(net_satellites_per_month)                                as net_satellites_per_month,
    trim_scale(equilibrium_in_orbit)                                    as equilibrium_in_orbit,
    satellites_needed,
    months_to_target is not null                                        as reaches_target,
    -- fewest launches that add satellites_needed satellites (losses not replaced): always finite
    ceil(satellites_needed / nullif(satellites_per_launch, 0))::integer as launches_needed,
    -- launches flown at the scenario's cadence until the target, replacements included
    case
        when projection_method = 'monthly_path' then ceil(round(path_launches_to_target, 6))
        else ceil(months_to_target * launches_per_month)
    end::integer                                                        as launches_to_target,
    trim_scale(months_to_target)                                        as months_to_target,
    (cutoff_date + months_to_target * {{ days_per_month() }} * interval '1 day')::date
                                                                        as projected_date,
    -- trim_scale: drop trailing zeros of exact results (16.0000 -> 16)
    trim_scale(months_to_as_of)                                         as months_to_as_of,
    trim_scale(predicted_in_orbit_at_as_of)                             as predicted_in_orbit_at_as_of,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from months
