-- The forecast scenarios (one row each), parameterised by the project vars.
{%- set short = var('starlink_short_window_months') | int %}
{%- set long = var('starlink_long_window_months') | int %}
{%- set trend = var('starlink_trend_window_months') | int %}
{%- set decay_var = var('starlink_monthly_decay_rate', none) %}
{%- set decay_text = 'a fixed ' ~ decay_var ~ ' of the fleet decaying per month (var starlink_monthly_decay_rate)'
      if decay_var is not none
      else 'the fleet decaying at the rate measured in the same window on the operational satellites (decayed / satellite-months in orbit, test versions excluded)' %}

with scenarios (scenario, decay_model, window_months, scenario_description) as (

    values
        (
            'trailing_{{ short }}m', 'proportional', {{ short }},
            'Launch cadence (Starlink launches per month, satellites per launch) of the trailing {{ short }} months, held constant; {{ decay_text }}.'
        ),
        (
            'trailing_{{ long }}m', 'proportional', {{ long }},
            'Launch cadence of the trailing {{ long }} months, held constant; {{ decay_text }}.'
        ),
        (
            'linear_trend', 'net_trend', {{ trend }},
            'Least-squares line (regr_slope) through the daily in-orbit count of the trailing {{ trend }} months, extrapolated; decay is already inside the slope.'
        ),
        (
            'trailing_{{ short }}m_no_decay', 'none', {{ short }},
            'Optimistic bound: the trailing {{ short }}-month launch cadence with no satellite ever decaying.'
        )

)

select
    scenario,
    decay_model,
    window_months,
    scenario_description,
    {{ transformation_updated_at() }} as transformation_updated_at
from scenarios
