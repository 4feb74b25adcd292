-- Starlink launch cadence per calendar month (with trailing 6/12/24-month averages) and per year.
with daily as (

    select * from {{ ref('int_starlink__in_orbit_daily') }}

),

as_of as (

    select as_of_date from {{ ref('int_starlink__as_of_date') }}

),

monthly as (

    select
        date_trunc('month', series_date)::date      as period_start,
        sum(starlink_launches)::integer             as starlink_launches,
        sum(satellites_launched)::integer           as satellites_launched,
        sum(satellites_decayed)::integer            as satellites_decayed,
        max(cumulative_satellites_launched)::integer as cumulative_satellites_launched,
        (array_agg(satellites_in_orbit order by series_date desc))[1]::integer
                                                    as satellites_in_orbit_at_end
    from daily
    group by 1

),

{%- set windows = [6, 12, 24] %}

monthly_trailing as (

    select
        'month'                                     as period_grain,
        period_start,
        extract(year from period_start)::integer    as period_year,
        starlink_launches,
        satellites_launched,
        satellites_decayed,
        satellites_launched::numeric / nullif(starlink_launches, 0) as satellites_per_launch,
        cumulative_satellites_launched,
        satellites_in_orbit_at_end,
        1                                           as months_in_period
        {%- for n in windows %},
        sum(starlink_launches) over trailing_{{ n }}::numeric / {{ n }}
                                                    as trailing_{{ n }}m_launches_per_month,
        sum(satellites_launched) over trailing_{{ n }}::numeric
            / nullif(sum(starlink_launches) over trailing_{{ n }}, 0)
                                                    as trailing_{{ n }}m_satellites_per_launch
        {%- endfor %}
    from monthly
    window
        {%- for n in windows %}
        trailing_{{ n }} as (
            order by period_start rows between {{ n - 1 }} preceding and current row
        ){{ ',' if not loop.last }}
        {%- endfor %}

),

yearly as (

    select
        'year'                                      as period_grain,
        date_trunc('year', period_start)::date      as period_start,
        period_year,
        sum(starlink_launches)::integer             as starlink_launches,
        sum(satellites_launched)::integer           as satellites_launched,
        sum(satellites_decayed)::integer            as satellites_decayed,
        sum(satellites_launched)::numeric / nullif(sum(starlink_launches), 0) as satellites_per_launch,
        max(cumulative_satellites_launched)         as cumulative_satellites_launched,
        (array_agg(satellites_in_orbit_at_end order by period_start desc))[1] as satellites_in_orbit_at_end,
        count(*)::integer                           as months_in_period
        {%- for n in windows %},
        null::numeric                               as trailing_{{ n }}m_launches_per_month,
        null::numeric                               as trailing_{{ n }}m_satellites_per_launch
        {%- endfor %}
    from monthly_trailing
    group by period_year, date_trunc('year', period_start)

),

unioned as (

    select * from monthly_trailing
    union all
    select * from yearly

)

select
    period_grain || ':' || to_char(period_start, 'YYYY-MM')     as period_id,
    unioned.period_grain,
    unioned.period_start,
    unioned.period_year,
    (case unioned.period_grain
        when 'month' then (unioned.period_start + interval '1 month - 1 day')
        else (unioned.period_start + interval '1 year - 1 day')
    end)::date > as_of.as_of_date                               as is_partial_period,
    unioned.months_in_period,
    unioned.starlink_launches,
    unioned.satellites_launched,
    unioned.satellites_decayed,
    unioned.satellites_per_launch,
    unioned.starlink_launches::numeric / unioned.months_in_period as launches_per_month,
    unioned.cumulative_satellites_launched,
    unioned.satellites_in_orbit_at_end,
    {%- for n in windows %}
    unioned.trailing_{{ n }}m_launches_per_month,
    unioned.trailing_{{ n }}m_satellites_per_launch,
    {%- endfor %}
    {{ transformation_updated_at() }}                           as transformation_updated_at
from unioned
cross join as_of
