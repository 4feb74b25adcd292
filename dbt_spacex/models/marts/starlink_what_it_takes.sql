-- What it would take to have var starlink_target_in_orbit satellites in orbit by the end of each
-- year in var starlink_what_it_takes_target_years, with the losses by age measured at the forecast
-- start (int_starlink__as_of_date.forecast_start_date; int_starlink__survival): one row per
-- (target year, launch class).
--
-- Month by month from the as-of date, with M months to the end of the target year and a constant
-- L launches a month of p satellites each:
--   fleet(M) = sum over satellites in orbit at the as-of date of S(a + M - 1) / S(a - 1)
--            + L * p * sum over j = -1 .. M - 2 of S(j)           (S(-1) = 1)
-- where a is a satellite's age in completed months at the as-of date and S the survival curve; a
-- satellite launched in month k of M is in orbit at the end of month M with S(M - k - 1). The
-- fleet is linear in L, so the launches a month needed are
--   L = (target - survivors) / (p * sum of S),
-- 0 when the survivors alone are at the target. The steady state holds the target with
--   target / (mean life in months * p) launches a month, mean life = sum over j >= 0 of S(j).
-- Falcon 9-class: p measured (satellites per Starlink launch in the var starlink_recent_window_months
-- before the as-of date); Starship-class: p = var starlink_starship_satellites_per_launch.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
{%- set max_age = var('starlink_survival_max_age_months') %}

with as_of as (

    -- the forecast's start (the last day the data is complete), where its survival curve is known
    select as_of_date, forecast_start_date as start_date from {{ ref('int_starlink__as_of_date') }}

),

curve as (

    select survival.age_months, survival.survival
    from {{ ref('int_starlink__survival') }} as survival
    inner join as_of on as_of.start_date = survival.cutoff_date

    union all

    select -1, 1.0

),

in_orbit as (

    select
        floor((as_of.start_date - satellites.orbit_entry_date) / {{ days_per_month() }})::integer
            as age_months
    from {{ ref('int_starlink__satellites') }} as satellites
    cross join as_of
    where satellites.orbit_entry_date <= as_of.start_date
        and (satellites.decay_date is null or satellites.decay_date > as_of.start_date)

),

recent_launches as (

    select
        sum(launches.satellites_carried)::numeric / nullif(count(*), 0)    as satellites_per_launch,
        count(*)                                                            as launches
    from {{ ref('int_starlink__launches') }} as launches
    cross join as_of
    where launches.launch_date <= as_of.start_date
        and launches.launch_date
            > {{ starlink_months_after('as_of.start_date', -var('starlink_recent_window_months')) }}

),

mean_life as (

    select sum(survival)::numeric as mean_life_months from curve where age_months >= 0

),

targets as (

    select
        target.target_year,
        make_date(target.target_year, 12, 31)                               as target_date,
        (target.target_year - extract(year from as_of.start_date)::integer) * 12
            + 12 - extract(month from as_of.start_date)::integer            as months_to_target
    from as_of
    cross join unnest(array[{{ var('starlink_what_it_takes_target_years') | join(', ') }}]::integer[])
        as target (target_year)

),

survivors as (

    -- the satellites in orbit at the as-of date still up at the end of the target year
    select
        targets.target_year,
        count(*)                                                            as satellites_in_orbit,
        coalesce(sum(later.survival / nullif(now.survival, 0)), 0)::numeric as surviving
    from targets
    cross join in_orbit
    inner join curve as now on now.age_months = least(in_orbit.age_months - 1, {{ max_age }})
    inner join curve as later
        on later.age_months = least(in_orbit.age_months + targets.months_to_target - 1, {{ max_age }})
    group by targets.target_year

),

launched_survival as (

    -- the expected satellites still up at the end of the target year per satellite launched a month
    -- (survival past the curve's last age is that at it, as in int_starlink__forecast_paths)
    select
        targets.target_year,
        sum(curve.survival)::numeric                                        as survival_sum
    from targets
    cross join lateral generate_series(-1, targets.months_to_target - 2) as launched (age_months)
    inner join curve on curve.age_months = least(launched.age_months, {{ max_age }})
    group by targets.target_year

),

classes as (

    select
        'falcon_9' as launch_class, satellites_per_launch, 'measured' as satellites_per_launch_basis
    from recent_launches

    union all

    select 'starship', {{ var('starlink_starship_satellites_per_launch') }}::numeric, 'var'

),

needed as (

    select
        targets.target_year,
        targets.target_date,
        targets.months_to_target,
        classes.launch_class,
        classes.satellites_per_launch,
        classes.satellites_per_launch_basis,
        survivors.satellites_in_orbit,
        survivors.surviving,
        launched_survival.survival_sum,
        mean_life.mean_life_months,
        greatest({{ var('starlink_target_in_orbit') }} - survivors.surviving, 0)
            / nullif(classes.satellites_per_launch * launched_survival.survival_sum, 0)
                                                                            as launches_per_month
    from targets
    cross join classes
    cross join mean_life
    inner join survivors on survivors.target_year = targets.target_year
    inner join launched_survival on launched_survival.target_year = targets.target_year
    where targets.months_to_target >= 1

)

select
    (select as_of_date from as_of)                                          as as_of_date,
    target_year,
    target_date,
    months_to_target,
    launch_class,
    satellites_per_launch,
    satellites_per_launch_basis,
    {{ var('starlink_target_in_orbit') }}::integer                          as target_in_orbit,
    satellites_in_orbit::integer                                            as satellites_in_orbit_as_of,
    surviving                                                               as as_of_fleet_surviving,
    launches_per_month                                                      as launches_per_month_needed,
    launches_per_month * months_to_target                                   as launches_needed,
    launches_per_month * months_to_target * satellites_per_launch           as satellites_launched_needed,
    mean_life_months,
    {{ var('starlink_target_in_orbit') }}
        / nullif(mean_life_months * satellites_per_launch, 0)               as steady_state_launches_per_month,
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from needed
