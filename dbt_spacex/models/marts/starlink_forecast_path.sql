-- The answer's paths, month by month from the forecast start to December of var
-- starlink_forecast_horizon_year: one row per (scenario, month). 'headline' is the headline
-- configuration (starlink_forecast_skill) on the measured data; 'with_starship' the same from var
-- starlink_starship_from_month with Starship-class launches. Each has its prediction band.
--
-- The band: P10 / P50 / P90 = the predicted fleet x (1 + the backtest's relative-error quantile)
-- of the headline configuration at that horizon. Between the backtest horizons (and from 0 at the
-- start) the quantiles are interpolated linearly in ln(1 + q); past the longest horizon H,
-- ln(1 + q) grows with the square root of the horizon, as the error of a random walk does, until
-- one mean life L of a satellite, and stays there: ln(1 + q(h)) = ln(1 + q(H)) * sqrt(min(h, L) / H).
-- After one mean life the fleet has been replaced and no longer remembers its start, so its
-- error is that of the launch rate, which stops compounding. A stated rule: the backtest cannot
-- measure errors longer than its own history. P50 is the model corrected by its median error.
-- A band fleet above the model's needs more launches than the model's path flies (or fewer
-- losses): launches_p* attribute the difference to launches, scaling the path's launches by the
-- factor the survivors of its new satellites must grow by, so a date is never cheaper than its
-- fleet.
-- One of the answer's marts: built only after everything else passed (int_starlink__answer_gate).
-- depends_on: {{ ref('int_starlink__answer_gate') }}
with skill as (

    select configuration, horizon_months, relative_error_p10, relative_error_p50, relative_error_p90
    from {{ ref('starlink_forecast_skill') }}
    where is_headline

),

headline as (

    -- the backtest's headline; data too short for any backtest cutoff (less than var
    -- starlink_backtest_min_history_months plus the shortest horizon) falls back to var
    -- starlink_fallback_configuration, with no band (P10 = P50 = P90 = the model)
    select coalesce(
        (select min(configuration) from skill),
        '{{ var("starlink_fallback_configuration") }}'
    ) as configuration

),

quantiles as (

    select
        horizon_months,
        ln(1 + relative_error_p10)                                      as log_p10,
        ln(1 + relative_error_p50)                                      as log_p50,
        ln(1 + relative_error_p90)                                      as log_p90
    from skill

    union all

    select 0, 0, 0, 0

),

authorised as (

    select sum(satellites)::integer as authorised_in_orbit
    from {{ ref('starlink_authorisations') }}
    where counts_toward_authorised

),

mean_life as (

    -- expected months in orbit of a new satellite (the sum of the survival curve at the start)
    select sum(survival.survival) as mean_life_months
    from {{ ref('int_starlink__survival') }} as survival
    inner join {{ ref('int_starlink__as_of_date') }} as as_of
        on as_of.forecast_start_date = survival.cutoff_date

),

as_of as (

    select as_of_date, forecast_start_date, satellite_source
    from {{ ref('int_starlink__as_of_date') }}

),

paths as (

    select
        case paths.scenario when 'data' then 'headline' else paths.scenario end as scenario,
        paths.configuration,
        paths.month_index,
        paths.path_date,
        paths.launches_in_month,
        paths.satellites_per_launch,
        paths.cumulative_launches,
        paths.survivors_of_cutoff_fleet,
        paths.survivors_of_new_launches,
        paths.predicted_in_orbit
    from {{ ref('int_starlink__forecast_paths') }} as paths
    inner join headline on headline.configuration = paths.configuration
    where paths.cutoff_kind = 'forecast'

),

banded as (

    select
        paths.*,
        case
            when below.horizon_months = paths.month_index or above.horizon_months is null then 0.0
            else (paths.month_index - below.horizon_months)::double precision
                / (above.horizon_months - below.horizon_months)
        end                                                             as weight,
        below.horizon_months                                            as below_horizon,
        below.log_p10 as below_p10, below.log_p50 as below_p50, below.log_p90 as below_p90,
        coalesce(above.log_p10, below.log_p10)                          as above_p10,
        coalesce(above.log_p50, below.log_p50)                          as above_p50,
        coalesce(above.log_p90, below.log_p90)                          as above_p90,
        -- past the longest horizon: the square-root growth, until one mean life
        case
            when above.horizon_months is null and below.horizon_months > 0
                then sqrt(greatest(1.0, least(paths.month_index, mean_life.mean_life_months)
                    / below.horizon_months))
            else 1.0
        end                                                             as growth
    from paths
    cross join mean_life
    cross join lateral (
        select * from quantiles where quantiles.horizon_months <= paths.month_index
        order by quantiles.horizon_months desc limit 1
    ) as below
    left join lateral (
        select * from quantiles where quantiles.horizon_months > paths.month_index
        order by quantiles.horizon_months limit 1
    ) as above on true

),

band as (

    select
        *,
        predicted_in_orbit * exp(growth * (below_p10 + weight * (above_p10 - below_p10))) as in_orbit_p10,
        predicted_in_orbit * exp(growth * (below_p50 + weight * (above_p50 - below_p50))) as in_orbit_p50,
        predicted_in_orbit * exp(growth * (below_p90 + weight * (above_p90 - below_p90))) as in_orbit_p90
    from banded

)

select
    band.scenario || ':' || to_char(band.path_date, 'YYYY-MM-DD')       as path_id,
    band.scenario,
    band.scenario = 'headline'                                          as is_headline,
    band.configuration,
    date_trunc('month', band.path_date)::date                          as month,
    band.path_date,
    band.month_index::integer                                           as months_after_start,
    round(band.launches_in_month::numeric, 4)                           as launches_in_month,
    round(band.satellites_per_launch::numeric, 4)                       as satellites_per_launch,
    round(band.cumulative_launches::numeric, 4)                         as cumulative_launches,
    round(band.predicted_in_orbit::numeric, 2)                          as predicted_in_orbit,
    round(band.in_orbit_p10::numeric, 2)                                as in_orbit_p10,
    round(band.in_orbit_p50::numeric, 2)                                as in_orbit_p50,
    round(band.in_orbit_p90::numeric, 2)                                as in_orbit_p90,
    -- the launches each band fleet takes: the path's launches scaled by the factor its new
    -- satellites must grow by to make that fleet (the start fleet's survivors are what they are)
    round((band.cumulative_launches * greatest(0, (band.in_orbit_p10 - band.survivors_of_cutoff_fleet)
        / nullif(band.survivors_of_new_launches, 0)))::numeric, 4)      as launches_p10,
    round((band.cumulative_launches * greatest(0, (band.in_orbit_p50 - band.survivors_of_cutoff_fleet)
        / nullif(band.survivors_of_new_launches, 0)))::numeric, 4)      as launches_p50,
    round((band.cumulative_launches * greatest(0, (band.in_orbit_p90 - band.survivors_of_cutoff_fleet)
        / nullif(band.survivors_of_new_launches, 0)))::numeric, 4)      as launches_p90,
    {{ var('starlink_target_in_orbit') }}::integer                      as target_in_orbit,
    authorised.authorised_in_orbit,
    band.in_orbit_p50 >= {{ var('starlink_target_in_orbit') }}          as reaches_target_p50,
    band.in_orbit_p50 >= authorised.authorised_in_orbit                 as above_authorised_p50,
    as_of.as_of_date,
    as_of.forecast_start_date,
    as_of.satellite_source,
    {{ transformation_updated_at() }}                                   as transformation_updated_at
from band
cross join authorised
cross join as_of
