"""Sensors: run the pipeline when the API changed; report failed runs.

The change sensor polls cheaply: the latest launch's id and each collection's ``totalDocs`` from a
``POST /<resource>/query`` with ``limit: 1``. That fingerprint is the sensor's cursor; a run is
requested only when it differs from the last one seen.
"""

import hashlib
import json
import os

import httpx
from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from dagster_spacex.jobs import spacex_elt_job
from dagster_spacex.project import STREAMS
from spacex_elt.settings import load_settings

SINGLE_OBJECTS = {"company", "roadster"}


class UpstreamUnavailable(RuntimeError):
    pass


def upstream_fingerprint(api_url: str, timeout: float = 10.0) -> dict[str, object]:
    """What identifies the API's current content, in len(STREAMS) - 1 small requests."""
    fingerprint: dict[str, object] = {}
    try:
        with httpx.Client(base_url=api_url, timeout=timeout) as client:
            latest = client.get("/launches/latest")
            latest.raise_for_status()
            fingerprint["latest_launch_id"] = latest.json().get("id")
            for stream in STREAMS:
                if stream in SINGLE_OBJECTS:
                    continue
                page = client.post(f"/{stream}/query", json={"query": {}, "options": {"limit": 1}})
                page.raise_for_status()
                fingerprint[f"{stream}_total"] = page.json()["totalDocs"]
    except (httpx.HTTPError, ValueError, KeyError, AttributeError) as err:
        raise UpstreamUnavailable(f"{type(err).__name__}: {err}") from err
    return fingerprint


@sensor(
    name="spacex_api_changed",
    job=spacex_elt_job,
    minimum_interval_seconds=3600,
    # STOPPED by default: the daily schedule already refreshes, and the public API froze in 2022.
    # Turn it on (UI or `dagster sensor start`) to react within the hour to a live API change.
    default_status=DefaultSensorStatus.STOPPED,
    description="Requests a `spacex_elt` run when the SpaceX API's content changed.",
)
def spacex_api_changed(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    api_url = load_settings().api_url
    try:
        fingerprint = upstream_fingerprint(api_url)
    except UpstreamUnavailable as err:
        return SkipReason(f"SpaceX API unreachable at {api_url}: {err}")
    cursor = json.dumps(fingerprint, sort_keys=True)
    if cursor == context.cursor:
        return SkipReason(f"No change upstream at {api_url} since the last check")
    run_key = hashlib.sha256(cursor.encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, tags={"spacex/trigger": "api_changed"})],
        cursor=cursor,
    )


@run_failure_sensor(
    name="spacex_run_failed",
    monitored_jobs=[spacex_elt_job],
    default_status=DefaultSensorStatus.RUNNING,
    description="Logs every failed `spacex_elt` run; posts to SPACEX_ALERT_WEBHOOK_URL if set.",
)
def spacex_run_failed(context: RunFailureSensorContext) -> None:
    run = context.dagster_run
    message = (
        f"spacex_elt run {run.run_id} failed: "
        f"{context.failure_event.message or 'see the run in the Dagster UI'}"
    )
    context.log.error(message)
    webhook = os.environ.get("SPACEX_ALERT_WEBHOOK_URL", "").strip()
    if webhook:
        try:
            httpx.post(webhook, json={"text": message, "run_id": run.run_id}, timeout=10)
        except httpx.HTTPError as err:
            context.log.error(f"Could not notify {webhook}: {err}")
