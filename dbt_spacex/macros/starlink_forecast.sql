{#
    starlink_months_after(date, months): the day `months` whole months after `date` (a negative
    count goes back), counted from the next day so that a month end stays a month end:
    2021-02-28 + 1 -> 2021-03-31, 2021-03-31 - 1 -> 2021-02-28, 2025-06-10 + 1 -> 2025-07-10.
    The forecast's month steps and the launch buckets both use it, so they line up.
#}
{% macro starlink_months_after(date, months) -%}
    (({{ date }} + 1 + make_interval(months => ({{ months }})::integer))::date - 1)
{%- endmacro %}
