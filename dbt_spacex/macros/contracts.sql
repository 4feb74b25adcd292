{#
    postgres__get_empty_schema_sql(columns): dbt's default__get_empty_schema_sql (the typed empty
    select a contract is compared with), without its warning that a `numeric` column declared
    without precision and scale may round.

    That warning is for warehouses whose bare NUMERIC means NUMERIC(38, 0). PostgreSQL's bare
    `numeric` is unconstrained: it stores every digit the query computed, never rounds. The marts
    declare their rates, months and errors as bare `numeric` on purpose, so the contract changes no
    value (the tests recompute them to 1e-9); a declared scale would round them. Without this
    override every build would warn once per contracted mart about a rounding that cannot happen.
    A column without data_type still fails the contract, as in dbt's own macro.
#}
{% macro postgres__get_empty_schema_sql(columns) %}
    {%- set col_err = [] -%}
    select
    {% for i in columns %}
      {%- set col = columns[i] -%}
      {%- if col['data_type'] is not defined -%}
        {%- do col_err.append(col['name']) -%}
      {%- endif -%}
      {% set col_name = adapter.quote(col['name']) if col.get('quote') else col['name'] %}
      {{ cast('null', col['data_type']) }} as {{ col_name }}{{ ", " if not loop.last }}
    {%- endfor -%}
    {%- if (col_err | length) > 0 -%}
      {{ exceptions.column_type_missing(column_names=col_err) }}
    {%- endif -%}
{% endmacro %}
