-- THE answer: when will var starlink_target_in_orbit (42,000) Starlink satellites be in orbit,
-- and how many launches will it take? One row per scenario of starlink_forecast_path: 'headline'
-- (the headline configuration on the measured data, chosen by rule in starlink_forecast_skill)
-- and 'with_starship'. Read off the paths, never recomputed:
-- * target_date_p50 / _early / _late: the first month-step at which the P50 / P90 / P10 fleet is
--   at the target (the P90 fleet gets there first); null = not before the horizon year;
-- * launches_to_target_*: the launches that band's fleet takes from the forecast start until then,
--   replacements of lost satellites included (starlink_forecast_path.launches_p*);
-- * launches_needed_without_losses (headline only, at its satellites per launch): the fewest
--   launches that add the satellites still missing if none were ever lost, the lower bound.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
with paths as (

    select * from {{ ref('starlink_forecast_path') }}

),

inputs as (

    select configuration, satellites_launched, satellites_decayed, satellites_in_orbit,
        cadence_at_cutoff_per_month, cadence_slope_per_month, cadence_ceiling_per_month,
        satellites_per_launch, window_months, cadence_model, configuration_description
    from {{ ref('int_starlink__forecast_inputs') }}
    where cutoff_kind = 'forecast'

),

as_of_fleet as (

    -- the fleet on the as-of date itself (the data's last date), as the series counts it
    select cumulative_satellites_launched, cumulative_satellites_decayed, satellites_in_orbit
    from {{ ref('int_starlink__in_orbit_daily') }}
    where series_date = (select as_of_date from {{ ref('int_starlink__as_of_date') }})

),

skill as (

    select configuration, skill_score, sum(cutoffs_scored) as backtest_outcomes,
        max(cutoffs_scored) filter (where horizon_months = {{ var('starlink_headline_horizons_months') | max }})
            as cutoffs_at_longest_headline_horizon
    from {{ ref('starlink_forecast_skill') }}
    where is_headline
    group by configuration, skill_score

),

set_aside as (

    -- records of the satellite source in use that the answer could not use (starlink_quarantine)
    select count(*)::integer as satellites_set_aside from {{ ref('starlink_quarantine') }}

),

backtest_cutoffs as (

    select count(distinct cutoff_date) as backtest_cutoffs
    from {{ ref('starlink_forecast_backtest') }}

),

firsts as (

    select
        scenario,
        min(path_date) filter (where in_orbit_p50 >= target_in_orbit)                as target_date_p50,
        min(path_date) filter (where in_orbit_p90 >= target_in_orbit)                as target_date_early,
        min(path_date) filter (where in_orbit_p10 >= target_in_orbit)                as target_date_late,
        min(path_date) filter (where in_orbit_p50 >= authorised_in_orbit)            as authorised_date_p50,
        max(path_date)                                                               as horizon_date
    from paths
    group by scenario

),

at_firsts as (

    select
        firsts.*,
        p50.launches_p50                                                             as launches_to_target_p50,
        early.launches_p90                                                           as launches_to_target_early,
        late.launches_p10                                                            as launches_to_target_late
    from firsts
    left join paths as p50 on p50.scenario = firsts.scenario and p50.path_date = firsts.target_date_p50
    left join paths as early on early.scenario = firsts.scenario and early.path_date = firsts.target_date_early
    left join paths as late on late.scenario = firsts.scenario and late.path_date = firsts.target_date_late

),

twelve_months as (

    select scenario, path_date, in_orbit_p10, in_orbit_p50, in_orbit_p90
    from paths
    where months_after_start = 12

),

start as (

    select * from paths where months_after_start = 0

)

select
    start.scenario,
    start.is_headline,
    start.configuration,
    case start.scenario
        when 'headline' then 'The headline configuration on the measured data: ' || inputs.configuration_description
            || ', at most ' || trim_scale(inputs.cadence_ceiling_per_month) || ' launches a month, '
            || 'satellites per launch of the trailing {{ var("starlink_recent_window_months") }} months, '
            || 'losses by age (Kaplan-Meier with a Weibull tail).'
        else 'from {{ var("starlink_starship_from_month") }} every launch carries '
            || '{{ var("starlink_starship_satellites_per_launch") }} satellites (Starship-class), '
            || 'at the headline''s cadence.'
    end                                                                             as scenario_description,
    start.as_of_date,
    start.forecast_start_date,
    start.satellite_source,
    as_of_fleet.cumulative_satellites_launched::integer                             as satellites_launched,
    as_of_fleet.cumulative_satellites_decayed::integer                              as satellites_decayed,
    as_of_fleet.satellites_in_orbit::integer                                        as satellites_in_orbit,
    inputs.satellites_in_orbit::integer                                             as in_orbit_at_start,
    set_aside.satellites_set_aside,
    start.target_in_orbit,
    start.authorised_in_orbit,
    inputs.cadence_model,
    inputs.window_months::integer                                                   as window_months,
    inputs.cadence_at_cutoff_per_month::numeric                                     as launches_per_month_at_start,
    inputs.cadence_slope_per_month::numeric                                         as launches_per_month_slope,
    inputs.cadence_ceiling_per_month::numeric                                       as launches_per_month_ceiling,
    inputs.satellites_per_launch::numeric                                           as satellites_per_launch,
    at_firsts.target_date_p50 is not null                                           as reaches_target_p50,
    at_firsts.target_date_p50,
    at_firsts.target_date_early,
    at_firsts.target_date_late,
    ceil(at_firsts.launches_to_target_p50)::integer                                 as launches_to_target_p50,
    ceil(at_firsts.launches_to_target_early)::integer                               as launches_to_target_early,
    ceil(at_firsts.launches_to_target_late)::integer                                as launches_to_target_late,
    case when start.is_headline then ceil(greatest(start.target_in_orbit - inputs.satellites_in_orbit, 0)
        / nullif(inputs.satellites_per_launch, 0)) end::integer                     as launches_needed_without_losses,
    at_firsts.authorised_date_p50,
    twelve_months.path_date                                                         as date_12m,
    round(twelve_months.in_orbit_p10)::integer                                      as in_orbit_12m_p10,
    round(twelve_months.in_orbit_p50)::integer                                      as in_orbit_12m_p50,
    round(twelve_months.in_orbit_p90)::integer                                      as in_orbit_12m_p90,
    at_firsts.horizon_date,
    {{ var('starlink_forecast_horizon_year') }}::integer                            as horizon_year,
    skill.skill_score is not null                                                   as band_is_backtested,
    '{{ var("starlink_headline_horizons_months") | join(" and ") }}'::text         as skill_horizons_months,
    skill.skill_score,
    backtest_cutoffs.backtest_cutoffs::integer                                      as backtest_cutoffs,
    -- (one line: the name is longer than the alignment column)
    skill.cutoffs_at_longest_headline_horizon::integer as cutoffs_at_longest_headline_horizon,
    {{ transformation_updated_at() }}                                               as transformation_updated_at
from start
inner join inputs on inputs.configuration = start.configuration
inner join at_firsts on at_firsts.scenario = start.scenario
left join twelve_months on twelve_months.scenario = start.scenario
cross join as_of_fleet
cross join set_aside
cross join backtest_cutoffs
left join skill on skill.configuration = start.configuration
