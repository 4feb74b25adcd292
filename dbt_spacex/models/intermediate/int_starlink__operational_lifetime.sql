-- The operational lifetime of a Starlink satellite as known at each cutoff date (one row per
-- cutoff), for the cohort_lifetime scenario.
--
-- Measured on the operational satellites (versions in var starlink_decay_excluded_versions left
-- out) launched on or before the cutoff that lived at least var starlink_operational_min_age_months
-- (younger decays are early failures, not the end of an operational life). The median age at decay
-- of only those that decayed is biased short while most of the fleet is still up (only the early
-- deaths have been seen: it gives 17 months in mid-2022), so the lifetime is the Kaplan-Meier median:
-- each satellite still in orbit counts as surviving at least its age at the cutoff (censored), and
-- the lifetime is the first age at which the estimated share still in orbit falls to 50% or below.
--
-- Applied: var starlink_operational_lifetime_months when set; else the Kaplan-Meier median when at
-- least var starlink_lifetime_min_decays such decays were seen and the survival fell to 50%; else
-- var starlink_operational_lifetime_fallback_months.
{%- set excluded = var('starlink_decay_excluded_versions', []) %}
{%- set lifetime_var = var('starlink_operational_lifetime_months', none) %}
{%- set min_age_days = var('starlink_operational_min_age_months') ~ ' * ' ~ days_per_month() %}

with cutoffs as (

    select cutoff_date from {{ ref('int_starlink__forecast_cutoffs') }}

),

operational as (

    select orbit_entry_date, decay_date
    from {{ ref('int_starlink__satellites') }}
    {%- if excluded | length > 0 %}
    where coalesce(version, '') not in ({% for v in excluded %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif %}

),

observations as (

    -- one row per (cutoff, satellite that reached the minimum age by the cutoff): days observed in
    -- orbit (to its decay, or to the cutoff while still up) and whether it decayed
    select
        cutoffs.cutoff_date,
        coalesce(operational.decay_date <= cutoffs.cutoff_date, false)     as decayed,
        case
            when operational.decay_date <= cutoffs.cutoff_date then operational.decay_date
            else cutoffs.cutoff_date
        end - operational.orbit_entry_date                                  as days_observed
    from cutoffs
    inner join operational on operational.orbit_entry_date <= cutoffs.cutoff_date

),

by_age as (

    select
        cutoff_date,
        days_observed,
        count(*) filter (where decayed)                                     as decays,
        count(*)                                                            as observed
    from observations
    where days_observed >= {{ min_age_days }}
    group by cutoff_date, days_observed

),

kaplan_meier as (

    select
        *,
        -- survival S(t) = product over decay ages <= t of (1 - decays / at risk)
        exp(sum(
            case
                when decays = 0 then 0
                when decays = at_risk then '-Infinity'::double precision
                else ln(1 - decays::double precision / at_risk)
            end
        ) over (partition by cutoff_date order by days_observed))           as survival
    from (
        select
            *,
            -- at risk at age t: observed at least t days
            sum(observed) over (partition by cutoff_date order by days_observed desc) as at_risk
        from by_age
    ) as with_risk

),

naive as (

    select
        cutoff_date,
        percentile_cont(0.5) within group (order by days_observed) / {{ days_per_month() }}
                                                                            as median_age_at_decay_months
    from observations
    where decayed and days_observed >= {{ min_age_days }}
    group by cutoff_date

),

measured as (

    select
        cutoffs.cutoff_date,
        coalesce(sum(kaplan_meier.decays), 0)                               as lifetime_decays,
        coalesce(sum(kaplan_meier.observed), 0)                             as lifetime_satellites,
        min(kaplan_meier.days_observed) filter (
            where kaplan_meier.decays > 0 and kaplan_meier.survival <= 0.5
        ) / {{ days_per_month() }}                                          as measured_lifetime_months
    from cutoffs
    left join kaplan_meier on kaplan_meier.cutoff_date = cutoffs.cutoff_date
    group by cutoffs.cutoff_date

)

select
    measured.cutoff_date,
    measured.lifetime_satellites::integer                                   as lifetime_satellites,
    measured.lifetime_decays::integer                                       as lifetime_decays,
    round(naive.median_age_at_decay_months::numeric, 4)                     as median_age_at_decay_months,
    round(measured.measured_lifetime_months::numeric, 4)                    as measured_lifetime_months,
    {%- if lifetime_var is not none %}
    {{ lifetime_var }}::numeric                                             as operational_lifetime_months,
    'var'                                                                   as lifetime_basis,
    {%- else %}
    case
        when measured.lifetime_decays >= {{ var('starlink_lifetime_min_decays') }}
            and measured.measured_lifetime_months is not null
            then round(measured.measured_lifetime_months::numeric, 4)
        else {{ var('starlink_operational_lifetime_fallback_months') }}::numeric
    end                                                                     as operational_lifetime_months,
    case
        when measured.lifetime_decays >= {{ var('starlink_lifetime_min_decays') }}
            and measured.measured_lifetime_months is not null
            then 'measured'
        else 'fallback'
    end                                                                     as lifetime_basis,
    {%- endif %}
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from measured
left join naive using (cutoff_date)
