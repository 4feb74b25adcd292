"""Freshness: the marts and the answer should be rebuilt daily, by the daily schedule
(``daily_spacex_elt`` in ``dagster_spacex/schedules.py``, which holds its time).

This measures when the tables were last rebuilt, not how old the API's data is: the public API froze
in 2022, and the answer states its own as-of date and says when that is stale.
"""

import datetime as dt

from dagster import FreshnessPolicy

DAILY_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=dt.timedelta(hours=30), warn_window=dt.timedelta(hours=26)
)
