{#
    transformation_updated_at(): the time this dbt invocation started (UTC), as a literal.

    Views are evaluated at query time, so `current_timestamp` in a view would tell when the view was
    read, not when it was built. dbt's `run_started_at` is the build time and is the same for every
    model of one `dbt build`, so all layers agree on it.
#}
{% macro transformation_updated_at() -%}
    cast('{{ run_started_at.isoformat() }}' as timestamp with time zone)
{%- endmacro %}


{# Average length of a calendar month in days (365.25 / 12): converts day spans to months. #}
{% macro days_per_month() -%}
    30.4375
{%- endmacro %}


{# Snake-case boolean from a jsonb field (null stays null). #}
{% macro json_bool(expr, key) -%}
    ({{ expr }} ->> '{{ key }}')::boolean
{%- endmacro %}


{# The API's `images` object ({"large": [url, ...]}) as a text[] of URLs (null when absent). #}
{% macro image_urls(column) -%}
    case
        when jsonb_typeof({{ column }}::jsonb -> 'large') = 'array'
            then array(select jsonb_array_elements_text({{ column }}::jsonb -> 'large'))
    end
{%- endmacro %}
