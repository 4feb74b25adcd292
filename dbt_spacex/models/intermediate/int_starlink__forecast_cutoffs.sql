-- The dates the forecast model is run from, one row each:
-- * 'forecast': the forecast start (int_starlink__as_of_date.forecast_start_date, the last day the
--   data is complete), its path run to December of var starlink_forecast_horizon_year;
-- * 'backtest': every month end with at least var starlink_backtest_min_history_months of data
--   before it (from the first satellite's orbit entry) and at least the shortest backtest horizon
--   before the forecast start, so it can be scored. Its path runs only to the longest horizon.
{%- set horizons = var('starlink_backtest_horizon_months') %}
{%- set shortest = horizons | min %}
{%- set longest = horizons | max %}
{%- set horizon_year = var('starlink_forecast_horizon_year') | int %}

with as_of as (

    select as_of_date, forecast_start_date from {{ ref('int_starlink__as_of_date') }}

),

first_day as (

    select min(orbit_entry_date) as first_orbit_entry_date
    from {{ ref('int_starlink__satellites') }}

),

month_ends as (

    -- the last day of every month from the first one with enough history
    select (month_start + interval '1 month - 1 day')::date as cutoff_date
    from first_day
    cross join as_of
    cross join generate_series(
        date_trunc('month', first_day.first_orbit_entry_date
            + make_interval(months => {{ var('starlink_backtest_min_history_months') }})),
        date_trunc('month', as_of.forecast_start_date),
        interval '1 month'
    ) as months (month_start)

),

cutoffs as (

    select
        forecast_start_date                     as cutoff_date,
        'forecast'                              as cutoff_kind,
        ({{ horizon_year }} - extract(year from forecast_start_date)::integer) * 12
            + 12 - extract(month from forecast_start_date)::integer
                                                as path_months,
        as_of_date,
        forecast_start_date
    from as_of

    union all

    select
        month_ends.cutoff_date,
        'backtest',
        {{ longest }},
        as_of.as_of_date,
        as_of.forecast_start_date
    from month_ends
    cross join first_day
    cross join as_of
    where month_ends.cutoff_date
            >= first_day.first_orbit_entry_date
                + make_interval(months => {{ var('starlink_backtest_min_history_months') }})
        and (month_ends.cutoff_date + make_interval(months => {{ shortest }}))::date
            <= as_of.forecast_start_date

)

select
    cutoff_date,
    cutoff_kind,
    path_months,
    as_of_date,
    forecast_start_date,
    {{ transformation_updated_at() }} as transformation_updated_at
from cutoffs
