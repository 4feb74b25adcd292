"""Freshness: the marts should be rebuilt at least daily (the schedule does it at 06:00 UTC)."""

from __future__ import annotations

import datetime as dt

from dagster import build_last_update_freshness_checks, build_sensor_for_freshness_checks

from dagster_spacex.assets.answer import starlink_42k_answer

# The check measures when the answer was last rebuilt, not how old the API's data is: the public
# API froze in 2022, which the answer itself reports as its as-of date.
freshness_checks = build_last_update_freshness_checks(
    assets=[starlink_42k_answer], lower_bound_delta=dt.timedelta(hours=26)
)
freshness_checks_sensor = build_sensor_for_freshness_checks(
    freshness_checks=freshness_checks, name="answer_freshness_checks"
)
