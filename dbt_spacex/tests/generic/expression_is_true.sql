{#
    Fails for every row where `expression` is not true (false or null).
    Usable on a model (expression over its columns) or on a column (`column_name` is prefixed).
    Optional `where` in the test config filters the rows checked, as for built-in tests.
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ column_name ~ ' ' if column_name }}{{ expression }}), false)

{% endtest %}
