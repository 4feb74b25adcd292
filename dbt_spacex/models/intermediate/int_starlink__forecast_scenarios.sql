-- The forecast scenarios (one row each), parameterised by the project vars.
{%- set short = var('starlink_short_window_months') | int %}
{%- set long = var('starlink_long_window_months') | int %}
{%- set trend = var('starlink_trend_window_months') | int %}
{%- set cadence = var('starlink_cadence_trend_window_months') | int %}
{%- set recent = var('starlink_recent_window_months') | int %}
{%- set ceiling = var('starlink_cadence_ceiling_per_month') %}
{%- set decay_var = var('starlink_monthly_decay_rate', none) %}
{%- set lifetime_var = var('starlink_operational_lifetime_months', none) %}
{%- set per_launch_var = var('starlink_satellites_per_launch', none) %}
{%- set decay_text = 'a fixed ' ~ decay_var ~ ' of the fleet decaying per month (var starlink_monthly_decay_rate)'
      if decay_var is not none
      else 'the fleet decaying at the rate measured in the same window on the operational satellites (decayed / satellite-months in orbit, test versions excluded)' %}
{%- set lifetime_text = lifetime_var ~ ' months (var starlink_operational_lifetime_months)'
      if lifetime_var is not none
      else 'the Kaplan-Meier median age of the operational satellites that lived at least ' ~ var('starlink_operational_min_age_months') ~ ' months, measured at the cutoff (else ' ~ var('starlink_operational_lifetime_fallback_months') ~ ' months, with fewer than ' ~ var('starlink_lifetime_min_decays') ~ ' such decays or a survival still above 50%)' %}
{%- set per_launch_text = per_launch_var ~ ' satellites per launch (var starlink_satellites_per_launch)'
      if per_launch_var is not none
      else 'the satellites per launch of the trailing ' ~ recent ~ ' months' %}

with scenarios (
    scenario, decay_model, cadence_model, projection_method, window_months, per_launch_window_months,
    scenario_description
) as (

    values
        (
            'trailing_{{ short }}m', 'proportional', 'constant', 'closed_form', {{ short }}, {{ short }},
            'Launch cadence (Starlink launches per month, satellites per launch) of the trailing {{ short }} months, held constant; {{ decay_text }}.'
        ),
        (
            'trailing_{{ long }}m', 'proportional', 'constant', 'closed_form', {{ long }}, {{ long }},
            'Launch cadence of the trailing {{ long }} months, held constant; {{ decay_text }}.'
        ),
        (
            'linear_trend', 'net_trend', 'constant', 'closed_form', {{ trend }}, {{ trend }},
            'Least-squares line (regr_slope) through the daily in-orbit count of the trailing {{ trend }} months, extrapolated; decay is already inside the slope.'
        ),
        (
            'trailing_{{ short }}m_no_decay', 'none', 'constant', 'closed_form', {{ short }}, {{ short }},
            'Optimistic bound: the trailing {{ short }}-month launch cadence with no satellite ever decaying.'
        ),
        (
            'cadence_trend', 'proportional', 'trend_capped', 'monthly_path', {{ cadence }}, {{ recent }},
            'Starlink launches per month of each of the trailing {{ cadence }} months fitted with a least-squares line and extrapolated month by month, never above {{ ceiling }} launches per month (var starlink_cadence_ceiling_per_month) nor below 0; {{ per_launch_text }}; {{ decay_text }}.'
        ),
        (
            'cohort_lifetime', 'cohort_lifetime', 'constant', 'monthly_path', {{ short }}, {{ recent }},
            'Launch cadence of the trailing {{ short }} months held constant, {{ per_launch_text }}; every satellite (those in orbit included) retires at a fixed operational lifetime after its launch: {{ lifetime_text }}. Launches go on, so retired satellites are replaced and launches_to_target counts the replacement launches too.'
        )

)

select
    scenario,
    decay_model,
    cadence_model,
    projection_method,
    window_months,
    per_launch_window_months,
    scenario_description,
    {{ transformation_updated_at() }} as transformation_updated_at
from scenarios
