-- THE answer: one row per scenario, run from the as-of date: when will var starlink_target_in_orbit
-- (42,000) Starlink satellites be in orbit, and how many launches will it take?
-- The arithmetic lives in int_starlink__forecast_projections (shared with the backtest).
with projections as (

    select * from {{ ref('int_starlink__forecast_projections') }}
    where cutoff_kind = 'forecast'

)

select
    scenario,
    scenario_description,
    as_of_date,
    satellites_launched,
    satellites_decayed,
    satellites_in_orbit,
    target_in_orbit,
    window_months,
    window_start_date,
    launches_per_month,
    satellites_per_launch,
    decay_model,
    monthly_decay_rate,
    net_satellites_per_month,
    equilibrium_in_orbit,
    satellites_needed,
    reaches_target,
    launches_needed,
    launches_to_target,
    months_to_target,
    projected_date,
    {{ transformation_updated_at() }} as transformation_updated_at
from projections
