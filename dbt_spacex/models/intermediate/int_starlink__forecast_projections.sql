-- The forecast arithmetic for every (cutoff date, scenario) run: when the fleet reaches the target,
-- how many launches that takes, and (for the backtest) the fleet predicted at the as-of date.
-- Formulas in macros/starlink_forecast.sql.
with inputs as (

    select * from {{ ref('int_starlink__forecast_inputs') }}

),

rates as (

    select
        *,
        greatest(target_in_orbit - satellites_in_orbit, 0)             as satellites_needed,
        case decay_model
            when 'net_trend' then trend_satellites_per_month
            else satellites_launched_per_month - monthly_decay_rate * satellites_in_orbit
        end                                                             as net_satellites_per_month,
        case
            when decay_model = 'proportional' and monthly_decay_rate > 0
                then satellites_launched_per_month / monthly_decay_rate
        end                                                             as equilibrium_in_orbit,
        (as_of_date - cutoff_date) / {{ days_per_month() }}             as months_to_as_of
    from inputs

),

months as (

    select
        *,
        {{ starlink_months_to_target(
            'decay_model', 'satellites_in_orbit', 'target_in_orbit',
            'satellites_launched_per_month', 'monthly_decay_rate', 'trend_satellites_per_month'
        ) }}                                                            as months_to_target,
        {{ starlink_projected_in_orbit(
            'decay_model', 'satellites_in_orbit',
            'satellites_launched_per_month', 'monthly_decay_rate', 'trend_satellites_per_month',
            'months_to_as_of'
        ) }}                                                            as predicted_in_orbit_at_as_of
    from rates

)

select
    cutoff_date,
    months_before_as_of,
    cutoff_kind,
    as_of_date,
    scenario,
    scenario_description,
    decay_model,
    window_months,
    window_start_date,
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
    trim_scale(net_satellites_per_month)                                as net_satellites_per_month,
    trim_scale(equilibrium_in_orbit)                                    as equilibrium_in_orbit,
    satellites_needed,
    months_to_target is not null                                        as reaches_target,
    -- fewest launches that add satellites_needed satellites (losses not replaced): always finite
    ceil(satellites_needed / nullif(satellites_per_launch, 0))::integer as launches_needed,
    -- launches flown at the scenario's cadence until the target, replacements included
    ceil(months_to_target * launches_per_month)::integer                as launches_to_target,
    trim_scale(months_to_target)                                        as months_to_target,
    (cutoff_date + months_to_target * {{ days_per_month() }} * interval '1 day')::date
                                                                        as projected_date,
    -- trim_scale: drop trailing zeros of exact results (16.0000 -> 16)
    trim_scale(months_to_as_of)                                         as months_to_as_of,
    trim_scale(predicted_in_orbit_at_as_of)                             as predicted_in_orbit_at_as_of,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from months
