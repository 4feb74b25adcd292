-- The dates the forecast method is run from: the as-of date itself (the forecast) and, for the
-- backtest, the as-of date minus each of var starlink_backtest_months_before months.
with as_of as (

    select as_of_date from {{ ref('int_starlink__as_of_date') }}

),

cutoffs as (

    select
        as_of_date                  as cutoff_date,
        0                           as months_before_as_of,
        'forecast'                  as cutoff_kind,
        as_of_date
    from as_of

    union all

    select
        (as_of.as_of_date - make_interval(months => months_before))::date,
        months_before,
        'backtest',
        as_of.as_of_date
    from as_of
    cross join unnest(array[{{ var('starlink_backtest_months_before') | join(', ') }}]::integer[])
        as backtest (months_before)

)

select
    *,
    {{ transformation_updated_at() }} as transformation_updated_at
from cutoffs
