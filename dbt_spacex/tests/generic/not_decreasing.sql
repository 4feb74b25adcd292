{#
    Fails for every row where `column_name` is lower than on the previous row in `order_by` order
    (within each `partition_by` group when given).
#}
{% test not_decreasing(model, column_name, order_by, partition_by=none) %}

with ordered as (

    select
        {{ order_by }} as order_key,
        {{ column_name }} as current_value,
        lag({{ column_name }}) over (
            {% if partition_by %}partition by {{ partition_by }} {% endif %}order by {{ order_by }}
        ) as previous_value
    from {{ model }}

)

select *
from ordered
where current_value < previous_value

{% endtest %}
