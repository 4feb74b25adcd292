-- The measured inputs of every forecast run: one row per (cutoff date, scenario). Only data on or
-- before the cutoff date is used, so a backtest run sees what was known at its cutoff.
{%- set decay_var = var('starlink_monthly_decay_rate', none) %}

with cutoffs as (

    select cutoff_date, months_before_as_of, cutoff_kind, as_of_date
    from {{ ref('int_starlink__forecast_cutoffs') }}

),

scenarios as (

    select scenario, decay_model, window_months, scenario_description
    from {{ ref('int_starlink__forecast_scenarios') }}

),

daily as (

    select * from {{ ref('int_starlink__in_orbit_daily') }}

),

launches as (

    select launch_id, launch_date, satellites_carried
    from {{ ref('int_starlink__launches') }}

),

runs as (

    select
        cutoffs.cutoff_date,
        cutoffs.months_before_as_of,
        cutoffs.cutoff_kind,
        cutoffs.as_of_date,
        scenarios.scenario,
        scenarios.decay_model,
        scenarios.window_months,
        scenarios.scenario_description,
        (cutoffs.cutoff_date - make_interval(months => scenarios.window_months))::date
            as window_start_date
    from cutoffs
    cross join scenarios

),

fleet_at_cutoff as (

    -- the latest series day on or before the cutoff (0 satellites before the first launch)
    select
        runs.cutoff_date,
        runs.scenario,
        coalesce(max(daily.cumulative_satellites_launched), 0)  as satellites_launched,
        coalesce(max(daily.cumulative_satellites_decayed), 0)   as satellites_decayed
    from runs
    left join daily on daily.series_date <= runs.cutoff_date
    group by runs.cutoff_date, runs.scenario

),

window_launches as (

    -- launches in the window (window_start_date, cutoff_date]
    select
        runs.cutoff_date,
        runs.scenario,
        count(launches.launch_id)                           as window_launches,
        coalesce(sum(launches.satellites_carried), 0)       as window_satellites_launched
    from runs
    left join launches
        on launches.launch_date > runs.window_start_date
        and launches.launch_date <= runs.cutoff_date
    group by runs.cutoff_date, runs.scenario

),

window_series as (

    select
        runs.cutoff_date,
        runs.scenario,
        coalesce(sum(daily.satellites_decayed), 0)          as window_satellites_decayed,
        -- satellite-months spent in orbit during the window (days before the first launch count 0)
        coalesce(sum(daily.satellites_in_orbit), 0) / {{ days_per_month() }}
                                                            as window_satellite_months,
        -- slope of the daily in-orbit count, in satellites per month
        regr_slope(daily.satellites_in_orbit, daily.series_date - runs.window_start_date)::numeric
            * {{ days_per_month() }}                        as trend_satellites_per_month
    from runs
    left join daily
        on daily.series_date > runs.window_start_date
        and daily.series_date <= runs.cutoff_date
    group by runs.cutoff_date, runs.scenario

),

operational_satellites as (

    -- the fleet whose losses set the decay assumption (var starlink_decay_excluded_versions)
    select launch_date, decay_date
    from {{ ref('int_starlink__satellites') }}
    {%- set excluded = var('starlink_decay_excluded_versions', []) %}
    {%- if excluded | length > 0 %}
    where version not in ({% for v in excluded %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif %}

),

operational_decay as (

    -- decays and satellite-months of the operational fleet in the window (window_start, cutoff];
    -- a satellite counts on day d when launch_date <= d < decay_date, as in the daily series
    select
        runs.cutoff_date,
        runs.scenario,
        count(*) filter (
            where operational_satellites.decay_date > runs.window_start_date
            and operational_satellites.decay_date <= runs.cutoff_date
        )                                                   as window_operational_decayed,
        coalesce(sum(greatest(
            least(coalesce(operational_satellites.decay_date, runs.cutoff_date + 1),
                  runs.cutoff_date + 1)
            - greatest(operational_satellites.launch_date, runs.window_start_date + 1),
            0
        )), 0)::numeric / {{ days_per_month() }}            as window_operational_satellite_months
    from runs
    left join operational_satellites
        on operational_satellites.launch_date <= runs.cutoff_date
    group by runs.cutoff_date, runs.scenario

),

measured as (

    select
        runs.*,
        fleet_at_cutoff.satellites_launched,
        fleet_at_cutoff.satellites_decayed,
        fleet_at_cutoff.satellites_launched - fleet_at_cutoff.satellites_decayed as satellites_in_orbit,
        window_launches.window_launches,
        window_launches.window_satellites_launched,
        window_series.window_satellites_decayed,
        window_series.window_satellite_months,
        window_series.trend_satellites_per_month,
        window_launches.window_launches::numeric / runs.window_months          as launches_per_month,
        window_launches.window_satellites_launched::numeric
            / nullif(window_launches.window_launches, 0)                        as satellites_per_launch,
        operational_decay.window_operational_decayed
            / nullif(operational_decay.window_operational_satellite_months, 0)  as observed_monthly_decay_rate
    from runs
    inner join fleet_at_cutoff using (cutoff_date, scenario)
    inner join window_launches using (cutoff_date, scenario)
    inner join window_series using (cutoff_date, scenario)
    inner join operational_decay using (cutoff_date, scenario)

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
    satellites_launched::integer                            as satellites_launched,
    satellites_decayed::integer                             as satellites_decayed,
    satellites_in_orbit::integer                            as satellites_in_orbit,
    {{ var('starlink_target_in_orbit') }}::integer          as target_in_orbit,
    window_launches::integer                                as window_launches,
    window_satellites_launched::integer                     as window_satellites_launched,
    window_satellites_decayed::integer                      as window_satellites_decayed,
    window_satellite_months,
    launches_per_month,
    coalesce(satellites_per_launch, 0)                      as satellites_per_launch,
    window_satellites_launched::numeric / window_months     as satellites_launched_per_month,
    coalesce(observed_monthly_decay_rate, 0)                as observed_monthly_decay_rate,
    -- the decay assumption applied by the fleet model
    case decay_model
        when 'none' then 0
        {%- if decay_var is not none %}
        when 'proportional' then {{ decay_var }}::numeric
        {%- endif %}
        else coalesce(observed_monthly_decay_rate, 0)
    end                                                     as monthly_decay_rate,
    coalesce(trend_satellites_per_month, 0)                 as trend_satellites_per_month,
    {{ transformation_updated_at() }}                       as transformation_updated_at
from measured
