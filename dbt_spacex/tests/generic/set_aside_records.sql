{#
    set_aside_records: every row of the model is a failure. On a quarantine model (starlink_quarantine)
    it makes the records set aside visible: configured to warn from the first row and to fail the
    build only above a threshold, so a few bad upstream records never block the day's answer and
    many do, naming them.
#}
{% test set_aside_records(model) %}

select * from {{ model }}

{% endtest %}
