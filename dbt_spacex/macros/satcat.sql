{#
    source_or_empty(source_name, table_name, columns): a relation to select from (as a subquery) that
    always has exactly `columns`, a list of [name, sql type] pairs.

    * The raw table exists: its columns of those names (a column the loader did not create reads as
      a typed null; the model casts every column itself, so text, date or timestamp all work).
    * The raw table does not exist (the extractor has never run, or another catalogue is
      configured): a typed empty select, so the model compiles, builds and returns zero rows.
    * In a unit test, source() is the fixture's CTE; it is used as it is (give every column).

    `source()` is always called, so the lineage (docs, Dagster) shows the source either way.
    Existence is checked at run time (adapter.get_relation), never at parse time.
#}
{% macro source_or_empty(source_name, table_name, columns) %}
    {%- set src = source(source_name, table_name) -%}
    {%- set relation = none -%}
    {%- if src.schema is none -%}
        {#- a unit test: source() is the fixture's CTE (it must give every column) -#}
        {{ return('(select * from ' ~ src ~ ')') }}
    {%- endif -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=src.database, schema=src.schema, identifier=src.identifier) -%}
    {%- endif -%}
    {%- if relation is not none -%}
        {%- set present = adapter.get_columns_in_relation(relation)
            | map(attribute='name') | map('lower') | list -%}
        (
        select
            {%- for name, type in columns %}
            {% if name in present %}{{ adapter.quote(name) }}{% else %}null::{{ type }}{% endif %} as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ relation }}
        )
    {%- else -%}
        (
        -- {{ src }} does not exist: no rows, same columns
        select
            {%- for name, type in columns %}
            null::{{ type }} as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        where false
        )
    {%- endif -%}
{% endmacro %}


{# A raw catalogue value as `type`: every value goes through text, blanks are null. #}
{% macro satcat_cast(column, type) -%}
    nullif(trim({{ column }}::text), '')::{{ type }}
{%- endmacro %}


{# The launch part of an international designator: '2019-029AV' -> '2019-029' (null if malformed). #}
{% macro launch_part_of_designator(column) -%}
    substring(upper(trim({{ column }}::text)) from '^([0-9]{4}-[0-9]{3})')
{%- endmacro %}
