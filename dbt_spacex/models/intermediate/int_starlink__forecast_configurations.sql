-- The forecast model's configurations, one row each: how launches a month are measured and
-- extrapolated (every window of var starlink_cadence_windows_months x every cadence model of var
-- starlink_cadence_models). The rolling-origin backtest scores each one and the headline is the
-- best by a stated rule (starlink_forecast_skill); nothing else differs between them.
{%- set descriptions = {
    'constant': 'launches a month held at their mean over the trailing %s months',
    'trend': 'launches a month on the least-squares line through the monthly launch counts of the trailing %s months, extrapolated month by month',
} %}

with configurations (configuration, cadence_model, window_months, configuration_description) as (

    values
    {%- for model in var('starlink_cadence_models') %}
    {%- for window in var('starlink_cadence_windows_months') %}
        ('{{ model }}_{{ window }}m', '{{ model }}', {{ window | int }},
         '{{ descriptions[model] | format(window) }}'){% if not loop.last %},{% endif %}
    {%- endfor %}{% if not loop.last %},{% endif %}
    {%- endfor %}

)

select
    configuration,
    cadence_model,
    window_months,
    configuration_description,
    {{ transformation_updated_at() }} as transformation_updated_at
from configurations
