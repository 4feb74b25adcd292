"""Sensors: run the pipeline when an upstream source changed; report failed runs.

The change sensor polls cheaply, with the taps' own clients (their retries and errors):

* the SpaceX API: the latest launch's id and each collection's ``totalDocs`` from a
  ``POST /<resource>/query`` with ``limit: 1``;
* the satellite catalogue: the highest Starlink NORAD number (Space-Track: one ``limit/1`` SATCAT
  query, asked at most once per UTC day after 17:00 UTC, Space-Track's own rule; CelesTrak: the
  number of records). A new satellite means a new launch; a decay alone waits for the schedule.

Both fingerprints are the sensor's cursor; a run is requested only when one of them changed.
"""

import datetime as dt
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
from spacex_elt.settings import load_settings
from tap_satcat import daily_limit
from tap_satcat.client import SatcatError
from tap_satcat.stream_names import CELESTRAK_STREAM, SPACETRACK_STREAM
from tap_spacex.client import SpaceXAPIError
from tap_spacex.resources import RESOURCES


class UpstreamUnavailable(RuntimeError):
    pass


def upstream_fingerprint(api_url: str, **tap_config: object) -> dict[str, object]:
    """What identifies the API's current content, in one small request per collection.

    Asked with the tap's own client (its retries, backoff and error messages); ``tap_config``
    overrides the tap's settings (tests shorten the retries).
    """
    # The taps' modules import the Singer SDK: only a sensor's tick needs it, not every process
    # that loads the code location.
    from tap_spacex.tap import client_from_config

    fingerprint: dict[str, object] = {}
    client = client_from_config({**tap_config, "api_url": api_url})
    try:
        latest = client.get_object("launches/latest", stream="launches")
        fingerprint["latest_launch_id"] = latest["id"]
        for resource in RESOURCES:
            if resource.single_object:
                continue
            url = client.url_for(f"{resource.path}/query")
            body = {"query": {}, "options": {"limit": 1}}
            _, page = client.request_json("POST", url, json_body=body, stream=resource.name)
            if not isinstance(page, dict) or not isinstance(page.get("totalDocs"), int):
                raise SpaceXAPIError(f"stream {resource.name}: POST {url} has no totalDocs")
            fingerprint[f"{resource.name}_total"] = page["totalDocs"]
    except SpaceXAPIError as err:
        raise UpstreamUnavailable(str(err)) from err
    finally:
        client.close()
    return fingerprint


def catalogue_fingerprint(
    tap_config: dict[str, object], previous: dict[str, object] | None, now: dt.datetime
) -> dict[str, object]:
    """The catalogue's fingerprint, or ``previous`` when Space-Track's daily rule says wait."""
    from tap_satcat.tap import TapSatcat, resolve_source  # the SDK, as above

    source = resolve_source(tap_config).source
    tap = TapSatcat(config=tap_config, validate_config=False)
    try:
        if source == "spacetrack":
            last = daily_limit.parse_utc((previous or {}).get("checked_at"))
            if previous and not daily_limit.decide(now, last).allowed:
                return previous
            path = (
                f"/basicspacedata/query/class/satcat/SATNAME/~~{tap.settings['name_filter']}"
                "/orderby/NORAD_CAT_ID%20desc/limit/1/emptyresult/show"
            )
            rows = tap.spacetrack.get_json(path, stream=SPACETRACK_STREAM)
            latest = rows[0]["NORAD_CAT_ID"] if isinstance(rows, list) and rows else None
            return {"source": source, "latest_norad_id": latest, "checked_at": now.isoformat()}
        url = f"{str(tap.settings['celestrak_url']).rstrip('/')}/satcat/records.php"
        params = {"NAME": str(tap.settings["name_filter"]).upper(), "FORMAT": "JSON"}
        rows = tap.celestrak.get_json(url, stream=CELESTRAK_STREAM, params=params)
        return {"source": source, "records": len(rows) if isinstance(rows, list) else None}
    except (SatcatError, KeyError, TypeError) as err:
        raise UpstreamUnavailable(f"satellite catalogue ({source}): {err}") from err
    finally:
        for client in ("spacetrack", "celestrak"):
            if client in tap.__dict__:
                tap.__dict__[client].close()


def utcnow() -> dt.datetime:
    """The sensor's clock (a function, so tests can set the time of day)."""
    return dt.datetime.now(dt.timezone.utc)


def catalogue_tap_config() -> dict[str, object]:
    """tap-satcat's settings as Meltano passes them (spacex_elt.settings resolves them)."""
    c = load_settings().catalogue
    return {
        "spacetrack_url": c.spacetrack_url,
        "celestrak_url": c.celestrak_url,
        "spacetrack_identity": c.identity,
        "spacetrack_password": c.password,
    }


@sensor(
    name="spacex_api_changed",
    job=spacex_elt_job,
    minimum_interval_seconds=3600,
    # STOPPED by default: the daily schedule already refreshes, and the public API froze in 2022.
    # Turn it on (UI or `dagster sensor start`) to react within the hour to a live API change.
    default_status=DefaultSensorStatus.STOPPED,
    description="Requests a `spacex_elt` run when the SpaceX API's or the satellite catalogue's "
    "content changed.",
)
def spacex_api_changed(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    api_url = load_settings().api_url
    previous = json.loads(context.cursor) if context.cursor else {}
    try:
        fingerprint = upstream_fingerprint(api_url)
    except UpstreamUnavailable as err:
        return SkipReason(f"SpaceX API unreachable at {api_url}: {err}")
    try:
        catalogue = catalogue_fingerprint(
            catalogue_tap_config(), previous.get("catalogue"), utcnow()
        )
    except UpstreamUnavailable as err:
        return SkipReason(f"Satellite catalogue unreachable: {err}")
    cursor = json.dumps({"spacex": fingerprint, "catalogue": catalogue}, sort_keys=True)
    unchanged = previous.get("spacex") == fingerprint and (
        _without_check_time(previous.get("catalogue")) == _without_check_time(catalogue)
    )
    if unchanged:
        # The cursor still moves: it remembers when the catalogue was last asked.
        return SensorResult(
            skip_reason=f"No change upstream at {api_url} or in the catalogue since the last check",
            cursor=cursor,
        )
    run_key = hashlib.sha256(cursor.encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, tags={"spacex/trigger": "api_changed"})],
        cursor=cursor,
    )


def _without_check_time(fingerprint: object) -> object:
    if isinstance(fingerprint, dict):
        return {k: v for k, v in fingerprint.items() if k != "checked_at"}
    return fingerprint


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
