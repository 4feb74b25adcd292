{# Fails if `column_name` (a date) has gaps or duplicates: max - min + 1 must equal the row count. #}
{% test is_contiguous_daily(model, column_name) %}

select
    min({{ column_name }}) as first_date,
    max({{ column_name }}) as last_date,
    count(*) as row_count,
    count(distinct {{ column_name }}) as distinct_dates
from {{ model }}
having max({{ column_name }}) - min({{ column_name }}) + 1 <> count(*)
    or count(distinct {{ column_name }}) <> count(*)

{% endtest %}
