-- The measured inputs of every forecast run: one row per (cutoff date, configuration). Only data
-- on or before the cutoff date is used, so a backtest run sees what was known at its cutoff.
--
-- Launches a month are counted in month-long buckets ending at the cutoff: bucket
-- month_offset = 1 - window .. 0 covers (cutoff - (1 - offset) months, cutoff + offset months],
-- whole calendar months when the cutoff is a month end. A 'constant' configuration holds their
-- mean; a 'trend' configuration fits a least-squares line (regr_slope / regr_intercept) through
-- (month_offset, launches) and extrapolates it. Either never goes above var
-- starlink_cadence_ceiling_per_month nor below 0 (int_starlink__forecast_paths).
{%- set per_launch_var = var('starlink_satellites_per_launch', none) %}

with cutoffs as (

    select cutoff_date, cutoff_kind, path_months, as_of_date, forecast_start_date
    from {{ ref('int_starlink__forecast_cutoffs') }}

),

configurations as (

    select configuration, cadence_model, window_months, configuration_description
    from {{ ref('int_starlink__forecast_configurations') }}

),

launches as (

    select launch_id, launch_date, satellites_carried
    from {{ ref('int_starlink__launches') }}

),

daily as (

    select series_date, cumulative_satellites_launched, cumulative_satellites_decayed, satellites_in_orbit
    from {{ ref('int_starlink__in_orbit_daily') }}

),

buckets as (

    select
        cutoffs.cutoff_date,
        configurations.configuration,
        offsets.month_offset,
        count(launches.launch_id)                                           as bucket_launches
    from cutoffs
    cross join configurations
    cross join lateral generate_series(1 - configurations.window_months, 0) as offsets (month_offset)
    left join launches
        on launches.launch_date
            > ({{ starlink_months_after('cutoffs.cutoff_date', 'offsets.month_offset - 1') }})
        and launches.launch_date
            <= ({{ starlink_months_after('cutoffs.cutoff_date', 'offsets.month_offset') }})
    group by cutoffs.cutoff_date, configurations.configuration, offsets.month_offset

),

cadence as (

    select
        cutoff_date,
        configuration,
        sum(bucket_launches)::integer                                       as window_launches,
        avg(bucket_launches)::numeric                                       as mean_launches_per_month,
        coalesce(regr_slope(bucket_launches, month_offset), 0)::numeric     as trend_slope_per_month,
        coalesce(regr_intercept(bucket_launches, month_offset), 0)::numeric as trend_fitted_per_month
    from buckets
    group by cutoff_date, configuration

),

per_launch as (

    select
        cutoffs.cutoff_date,
        count(launches.launch_id)                                           as recent_launches,
        sum(launches.satellites_carried)::numeric / nullif(count(launches.launch_id), 0)
                                                                            as measured_satellites_per_launch
    from cutoffs
    left join launches
        on launches.launch_date
            > {{ starlink_months_after('cutoffs.cutoff_date', -var('starlink_recent_window_months')) }}
        and launches.launch_date <= cutoffs.cutoff_date
    group by cutoffs.cutoff_date

),

fleet as (

    select
        cutoffs.cutoff_date,
        coalesce(daily.cumulative_satellites_launched, 0)                   as satellites_launched,
        coalesce(daily.cumulative_satellites_decayed, 0)                    as satellites_decayed,
        coalesce(daily.satellites_in_orbit, 0)                              as satellites_in_orbit
    from cutoffs
    left join daily on daily.series_date = cutoffs.cutoff_date

)

select
    cutoffs.cutoff_date,
    cutoffs.cutoff_kind,
    cutoffs.path_months,
    cutoffs.as_of_date,
    cutoffs.forecast_start_date,
    configurations.configuration,
    configurations.cadence_model,
    configurations.window_months,
    configurations.configuration_description,
    fleet.satellites_launched::integer                                      as satellites_launched,
    fleet.satellites_decayed::integer                                       as satellites_decayed,
    fleet.satellites_in_orbit::integer                                      as satellites_in_orbit,
    {{ var('starlink_target_in_orbit') }}::integer                          as target_in_orbit,
    cadence.window_launches,
    trim_scale(round(cadence.mean_launches_per_month, 6))                   as mean_launches_per_month,
    case when configurations.cadence_model = 'trend'
        then trim_scale(round(cadence.trend_slope_per_month, 6)) else 0 end as cadence_slope_per_month,
    -- launches a month at the cutoff: the mean, or the fitted line's value at the cutoff
    trim_scale(round(case configurations.cadence_model
        when 'trend' then cadence.trend_fitted_per_month
        else cadence.mean_launches_per_month
    end, 6))                                                                as cadence_at_cutoff_per_month,
    {{ var('starlink_cadence_ceiling_per_month') }}::numeric                as cadence_ceiling_per_month,
    per_launch.recent_launches::integer                                     as recent_launches,
    {%- if per_launch_var is not none %}
    {{ per_launch_var }}::numeric                                           as satellites_per_launch,
    {%- else %}
    trim_scale(round(coalesce(per_launch.measured_satellites_per_launch, 0), 6))
                                                                            as satellites_per_launch,
    {%- endif %}
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from cutoffs
cross join configurations
inner join cadence
    on cadence.cutoff_date = cutoffs.cutoff_date
    and cadence.configuration = configurations.configuration
inner join per_launch on per_launch.cutoff_date = cutoffs.cutoff_date
inner join fleet on fleet.cutoff_date = cutoffs.cutoff_date
