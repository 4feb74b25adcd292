{#
    The forecast method, shared by the forecast (cutoff = as-of date) and the backtest (earlier
    cutoffs). Two fleet models:

    * proportional decay (cadence scenarios): dN/dt = I - r * N, with a constant inflow
      I = launches_per_month * satellites_per_launch and a constant fraction r of the fleet decaying
      per month. Closed form N(t) = E + (N0 - E) * exp(-r t) with the equilibrium E = I / r.
      The fleet never passes E, so when E <= target the target is never reached (months = null).
      With r = 0 it is linear: N(t) = N0 + I t.
    * net trend (linear_trend scenario): N(t) = N0 + slope * t, decay already in the slope.

    Every argument is a SQL expression; t is in months.
#}

{% macro starlink_months_to_target(decay_model, in_orbit, target, inflow, decay_rate, net_slope) -%}
    case
        when {{ in_orbit }} >= {{ target }} then 0
        when {{ decay_model }} = 'net_trend' then
            case when {{ net_slope }} > 0
                then ({{ target }} - {{ in_orbit }}) / {{ net_slope }}
            end
        when coalesce({{ decay_rate }}, 0) = 0 then
            case when {{ inflow }} > 0
                then ({{ target }} - {{ in_orbit }}) / {{ inflow }}
            end
        -- proportional decay: reachable only if the equilibrium inflow / rate exceeds the target
        when {{ inflow }} / {{ decay_rate }} > {{ target }} then
            ln(
                ({{ inflow }} / {{ decay_rate }} - {{ in_orbit }})
                / ({{ inflow }} / {{ decay_rate }} - {{ target }})
            ) / {{ decay_rate }}
    end
{%- endmacro %}


{% macro starlink_projected_in_orbit(decay_model, in_orbit, inflow, decay_rate, net_slope, months) -%}
    case
        when {{ decay_model }} = 'net_trend' then {{ in_orbit }} + {{ net_slope }} * {{ months }}
        when coalesce({{ decay_rate }}, 0) = 0 then {{ in_orbit }} + {{ inflow }} * {{ months }}
        else
            {{ inflow }} / {{ decay_rate }}
            + ({{ in_orbit }} - {{ inflow }} / {{ decay_rate }}) * exp(-{{ decay_rate }} * {{ months }})
    end
{%- endmacro %}
