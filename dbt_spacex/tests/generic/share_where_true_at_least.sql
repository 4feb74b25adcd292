{#
    Fails (one row) when the share of rows where `expression` is true is below `at_least` (0..1).
    A null counts as not true. An empty model passes (there is nothing to disagree about).
#}
{% test share_where_true_at_least(model, expression, at_least) %}

select
    count(*)                                                            as total_rows,
    count(*) filter (where coalesce(({{ expression }}), false))         as rows_true,
    {{ at_least }}::numeric                                             as required_share
from {{ model }}
having count(*) > 0
    and count(*) filter (where coalesce(({{ expression }}), false))
        < {{ at_least }}::numeric * count(*)

{% endtest %}
