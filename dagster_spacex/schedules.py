"""A daily run of the whole pipeline."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from dagster_spacex.jobs import spacex_elt_job

# RUNNING by default: it only fires while the Dagster daemon runs (`make dev`, docker compose).
daily_spacex_elt = ScheduleDefinition(
    name="daily_spacex_elt",
    job=spacex_elt_job,
    # After 17:00 UTC: Space-Track asks for SATCAT queries at most once a day, after 17:00 UTC.
    cron_schedule="30 17 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Refresh every asset daily at 17:30 UTC (after Space-Track's daily 17:00 UTC).",
)
