-- Survival of a Starlink satellite by age, as known at each cutoff date: one row per (cutoff date,
-- age in completed months since orbit entry, 0 .. var starlink_survival_max_age_months).
--
-- survival = the share of satellites still in orbit after `age_months` + 1 months, i.e. S(a) is the
-- product over ages j <= a of (1 - decays in month j / satellites at risk in month j), the
-- Kaplan-Meier estimator on whole months. A satellite still in orbit at the cutoff is right-censored
-- at its age then (it counts as at risk in the month it is censored, the usual convention when a
-- censoring and a decay fall in the same interval), so only data known at the cutoff is used.
-- A satellite in orbit at age a survives t more months with S(a + t) / S(a); one launched k months
-- after the cutoff is in orbit m months later with S(m - k - 1) (S(-1) = 1).
--
-- Beyond the observed ages the curve has a parametric tail. Few satellites are old, so the
-- Kaplan-Meier estimate is kept only while at least var starlink_survival_min_at_risk satellites
-- are at risk; past that last reliable age the hazard is a Weibull's, fitted by least squares on
-- ln(-ln S) = k ln(a + 1) - k ln(lambda) over the reliable ages of at least
-- var starlink_survival_fit_min_age_months (the early failures of the first months follow another
-- law than wear-out and would bend the fit), continued from the last reliable value so the curve
-- has no jump. Weibull because its hazard may rise with age (shape k > 1: wear-out, propellant and
-- planned de-orbits at end of design life), which a constant rate cannot express.
-- Versions in var starlink_decay_excluded_versions (test batches de-orbited on purpose) are left out.
{%- set excluded = var('starlink_decay_excluded_versions', []) %}
{%- set max_age = var('starlink_survival_max_age_months') %}
{%- set excluded_sql = [] %}
{%- for v in excluded %}{% do excluded_sql.append("'" ~ v ~ "'") %}{% endfor %}

with cutoffs as (

    select cutoff_date from {{ ref('int_starlink__forecast_cutoffs') }}

),

satellites as (

    select orbit_entry_date, decay_date
    from {{ ref('int_starlink__satellites') }}
    where orbit_entry_date is not null
    {%- if excluded | length > 0 %}
        and coalesce(version, '') not in ({{ excluded_sql | join(', ') }})
    {%- endif %}

),

observations as (

    -- one row per (cutoff, satellite launched by then): completed months observed, and whether it
    -- decayed by the cutoff
    select
        cutoffs.cutoff_date,
        coalesce(satellites.decay_date <= cutoffs.cutoff_date, false)       as decayed,
        floor(
            (least(coalesce(satellites.decay_date, cutoffs.cutoff_date), cutoffs.cutoff_date)
                - satellites.orbit_entry_date) / {{ days_per_month() }}
        )::integer                                                          as age_months
    from cutoffs
    inner join satellites on satellites.orbit_entry_date <= cutoffs.cutoff_date

),

ages as (

    select cutoffs.cutoff_date, age.age_months
    from cutoffs
    cross join generate_series(0, {{ max_age }}) as age (age_months)

),

by_age as (

    select
        ages.cutoff_date,
        ages.age_months,
        count(observations.age_months) filter (where observations.decayed)   as decays,
        count(observations.age_months)                                        as ended
    from ages
    left join observations
        on observations.cutoff_date = ages.cutoff_date
        and observations.age_months = ages.age_months
    group by ages.cutoff_date, ages.age_months

),

kaplan_meier as (

    select
        *,
        exp(sum(
            case
                when decays = 0 then 0
                when decays = at_risk then '-Infinity'::double precision
                else ln(1 - decays::double precision / at_risk)
            end
        ) over (partition by cutoff_date order by age_months))              as km_survival
    from (
        select
            *,
            -- at risk in month a: observed for at least a completed months
            sum(ended) over (partition by cutoff_date order by age_months desc) as at_risk
        from by_age
    ) as with_risk

),

reliable as (

    select
        cutoff_date,
        max(age_months) filter (where at_risk >= {{ var('starlink_survival_min_at_risk') }})
                                                                            as last_reliable_age_months
    from kaplan_meier
    group by cutoff_date

),

fit as (

    select
        kaplan_meier.cutoff_date,
        regr_slope(ln(-ln(km_survival)), ln(age_months + 1))                 as weibull_shape,
        regr_intercept(ln(-ln(km_survival)), ln(age_months + 1))             as weibull_intercept,
        count(*)                                                            as fit_points
    from kaplan_meier
    inner join reliable on reliable.cutoff_date = kaplan_meier.cutoff_date
    where kaplan_meier.age_months between {{ var('starlink_survival_fit_min_age_months') }}
            and reliable.last_reliable_age_months
        and km_survival > 0 and km_survival < 1
    group by kaplan_meier.cutoff_date

),

anchored as (

    select
        reliable.cutoff_date,
        -- no reliable age at all (too few satellites yet): the tail starts at birth
        coalesce(reliable.last_reliable_age_months, -1)                     as last_reliable_age_months,
        coalesce(kaplan_meier.km_survival, 1)                               as last_reliable_survival,
        fit.weibull_shape,
        exp(-fit.weibull_intercept / nullif(fit.weibull_shape, 0))          as weibull_scale_months,
        coalesce(fit.fit_points, 0)                                         as fit_points
    from reliable
    left join kaplan_meier
        on kaplan_meier.cutoff_date = reliable.cutoff_date
        and kaplan_meier.age_months = reliable.last_reliable_age_months
    left join fit on fit.cutoff_date = reliable.cutoff_date

)

select
    kaplan_meier.cutoff_date,
    kaplan_meier.age_months,
    kaplan_meier.at_risk::integer                                           as at_risk,
    kaplan_meier.decays::integer                                            as decays,
    kaplan_meier.km_survival                                                as kaplan_meier_survival,
    case
        when kaplan_meier.age_months <= anchored.last_reliable_age_months then kaplan_meier.km_survival
        -- too few decays to fit a shape: the hazard stays flat at nothing (no losses assumed)
        when anchored.weibull_shape is null or anchored.weibull_shape <= 0
            then anchored.last_reliable_survival
        else anchored.last_reliable_survival * exp(
            power((anchored.last_reliable_age_months + 1) / anchored.weibull_scale_months,
                  anchored.weibull_shape)
            - power((kaplan_meier.age_months + 1) / anchored.weibull_scale_months,
                    anchored.weibull_shape)
        )
    end                                                                     as survival,
    case
        when kaplan_meier.age_months <= anchored.last_reliable_age_months then 'kaplan_meier'
        else 'weibull_tail'
    end                                                                     as survival_basis,
    anchored.last_reliable_age_months,
    anchored.weibull_shape,
    anchored.weibull_scale_months,
    anchored.fit_points::integer                                            as weibull_fit_points,
    {{ transformation_updated_at() }}                                       as transformation_updated_at
from kaplan_meier
inner join anchored on anchored.cutoff_date = kaplan_meier.cutoff_date
