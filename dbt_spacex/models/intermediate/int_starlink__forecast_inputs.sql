-- The measured inputs of every forecast run: one row per (cutoff date, scenario). Only data on or
-- before the cutoff date is used, so a backtest run sees what was known at its cutoff.
{%- set decay_var = var('starlink_monthly_decay_rate', none) %}
{%- set per_launch_var = var('starlink_satellites_per_launch', none) %}

with cutoffs as (

    select cutoff_date, months_before_as_of, cutoff_kind, as_of_date
    from {{ ref('int_starlink__forecast_cutoffs') }}

),

scenarios as (

    select
        scenario, decay_model, cadence_model, projection_method, window_months,
        per_launch_window_months, scenario_description
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
        scenarios.cadence_model,
        scenarios.projection_method,
        scenarios.window_months,
        scenarios.per_launch_window_months,
        scenarios.scenario_description,
        (cutoffs.cutoff_date - make_interval(months => scenarios.window_months))::date
            as window_start_date,
        (cutoffs.cutoff_date - make_interval(months => scenarios.per_launch_window_months))::date
            as per_launch_window_start_date
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

per_launch_window as (

    -- launches and satellites in the window that measures satellites per launch
    -- (per_launch_window_start_date, cutoff_date]; the scenario's own window unless it says otherwise
    select
        runs.cutoff_date,
        runs.scenario,
        count(launches.launch_id)                           as per_launch_window_launches,
        coalesce(sum(launches.satellites_carried), 0)       as per_launch_window_satellites
    from runs
    left join launches
        on launches.launch_date > runs.per_launch_window_start_date
        and launches.launch_date <= runs.cutoff_date
    group by runs.cutoff_date, runs.scenario

),

cadence_months as (

    -- cadence_trend only: Starlink launches in each month-long bucket of the window, bucket
    -- month_offset = -(window_months - 1) .. 0 covering (cutoff - (1 - offset) months, cutoff + offset months]
    select
        runs.cutoff_date,
        runs.scenario,
        buckets.month_offset,
        count(launches.launch_id)                           as bucket_launches
    from runs
    cross join lateral generate_series(1 - runs.window_months, 0) as buckets (month_offset)
    left join launches
        on launches.launch_date > (runs.cutoff_date + make_interval(months => buckets.month_offset - 1))::date
        and launches.launch_date <= (runs.cutoff_date + make_interval(months => buckets.month_offset))::date
    where runs.cadence_model = 'trend_capped'
    group by runs.cutoff_date, runs.scenario, buckets.month_offset

),

cadence_fit as (

    -- least-squares line through (month_offset, launches): the slope (launches per month gained
    -- per month) and the fitted launches per month of the bucket ending at the cutoff (offset 0)
    select
        cutoff_date,
        scenario,
        coalesce(regr_slope(bucket_launches, month_offset), 0)::numeric      as cadence_slope_per_month,
        coalesce(regr_intercept(bucket_launches, month_offset), 0)::numeric  as cadence_fitted_per_month
    from cadence_months
    group by cutoff_date, scenario

),

lifetime as (

    select cutoff_date, operational_lifetime_months, lifetime_basis, lifetime_decays
    from {{ ref('int_starlink__operational_lifetime') }}

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
    where coalesce(version, '') not in ({% for v in excluded %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
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
            / nullif(window_launches.window_launches, 0)                        as window_satellites_per_launch,
        per_launch_window.per_launch_window_launches,
        per_launch_window.per_launch_window_satellites::numeric
            / nullif(per_launch_window.per_launch_window_launches, 0)           as per_launch_window_satellites_per_launch,
        cadence_fit.cadence_slope_per_month,
        cadence_fit.cadence_fitted_per_month,
        lifetime.operational_lifetime_months,
        lifetime.lifetime_basis,
        lifetime.lifetime_decays,
        operational_decay.window_operational_decayed
            / nullif(operational_decay.window_operational_satellite_months, 0)  as observed_monthly_decay_rate
    from runs
    inner join fleet_at_cutoff using (cutoff_date, scenario)
    inner join window_launches using (cutoff_date, scenario)
    inner join window_series using (cutoff_date, scenario)
    inner join operational_decay using (cutoff_date, scenario)
    inner join per_launch_window using (cutoff_date, scenario)
    inner join lifetime using (cutoff_date)
    left join cadence_fit using (cutoff_date, scenario)

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
    satellites_launched::integer                            as satellites_launched,
    satellites_decayed::integer                             as satellites_decayed,
    satellites_in_orbit::integer                            as satellites_in_orbit,
    {{ var('starlink_target_in_orbit') }}::integer          as target_in_orbit,
    window_launches::integer                                as window_launches,
    window_satellites_launched::integer                     as window_satellites_launched,
    window_satellites_decayed::integer                      as window_satellites_decayed,
    window_satellite_months,
    launches_per_month,
    {%- if per_launch_var is not none %}
    {{ per_launch_var }}::numeric                           as satellites_per_launch,
    launches_per_month * {{ per_launch_var }}::numeric      as satellites_launched_per_month,
    {%- else %}
    case
        when per_launch_window_months = window_months then coalesce(window_satellites_per_launch, 0)
        else coalesce(per_launch_window_satellites_per_launch, 0)
    end                                                     as satellites_per_launch,
    case
        when per_launch_window_months = window_months then window_satellites_launched::numeric / window_months
        else launches_per_month * coalesce(per_launch_window_satellites_per_launch, 0)
    end                                                     as satellites_launched_per_month,
    {%- endif %}
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
    -- cadence_trend: the fitted line of launches per month, and its ceiling
    case when cadence_model = 'trend_capped' then trim_scale(round(cadence_slope_per_month, 10)) end
                                                            as cadence_slope_per_month,
    case when cadence_model = 'trend_capped' then trim_scale(round(cadence_fitted_per_month, 10)) end
                                                            as cadence_fitted_per_month,
    case when cadence_model = 'trend_capped' then {{ var('starlink_cadence_ceiling_per_month') }}::numeric end
                                                            as cadence_ceiling_per_month,
    -- cohort_lifetime: the operational lifetime applied and how it was set
    case when decay_model = 'cohort_lifetime' then operational_lifetime_months end
                                                            as operational_lifetime_months,
    case when decay_model = 'cohort_lifetime' then lifetime_basis end as lifetime_basis,
    case when decay_model = 'cohort_lifetime' then lifetime_decays end as lifetime_decays,
    {{ transformation_updated_at() }}                       as transformation_updated_at
from measured
