"""The compose stack's end-to-end check, run by docker/deploy-test.sh inside `code-location`:

    docker compose exec -T code-location python - WEBSERVER_URL < docker/stack_check.py

1. launches the `spacex_elt` job through the webserver's GraphQL, as the UI's "Launch run" does
   (the daemon dequeues it, the code location runs it);
2. waits for it to succeed (or exits 1);
3. checks, in the stack's PostgreSQL (the SPACEX_PG_* variables of the container), that every raw
   table holds the mirror's records, that the marts are built, and that the answer the product
   prints is the forecast mart's;
4. checks that the run, its materializations and Meltano's run are stored in the Dagster and
   Meltano databases.

Runs inside the container because that is where the stack's names resolve, with either network
(a bridge, or the host network of docker/compose.local-engine.yml). Exit code 0 only if all hold.
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.parse import urlsplit

import psycopg
from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient
from sqlalchemy.engine import make_url

from api_mirror.spacex.snapshot import record_counts
from spacex_elt import cli
from spacex_elt.answer import ANSWER_MARTS
from spacex_elt.settings import load_settings

JOB = "spacex_elt"
LOCATION = "dagster_spacex"  # workspace.yaml's, docker/workspace.yaml's and pyproject.toml's
RUN_TIMEOUT_SECONDS = 20 * 60
DONE = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}


def launch(client: DagsterGraphQLClient) -> str:
    """The UI's "Launch run" of the job: the webserver's GraphQL `launchPipelineExecution` (the
    mutation the UI sends), through Dagster's own GraphQL client."""
    return client.submit_job_execution(
        JOB, repository_location_name=LOCATION, repository_name="__repository__"
    )


def wait_for(client: DagsterGraphQLClient, run_id: str) -> DagsterRunStatus:
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    last = None
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id)
        if status != last:
            last = status
            print(f"stack-check: run {run_id} {status.value}", flush=True)
        if status in DONE:
            return status
        time.sleep(5)
    raise AssertionError(f"run {run_id} not done after {RUN_TIMEOUT_SECONDS} s (last: {last})")


def scalar(conn: psycopg.Connection, statement: str, params: tuple = ()) -> object:
    row = conn.execute(statement, params).fetchone()
    assert row is not None, statement
    return row[0]


def check_warehouse(settings) -> dict:
    with psycopg.connect(settings.postgres.url()) as conn:
        for resource, expected in record_counts().items():
            table = f'{settings.raw_schema}."{resource}"'
            count = scalar(conn, f"select count(*) from {table}")
            assert count == expected, f"{table}: {count} rows, the mirror serves {expected}"
        print(f"stack-check: {settings.raw_schema}: every table holds the mirror's records")
        marts = f"{settings.dbt_schema}_marts"  # dbt's custom schema (dbt_project.yml)
        for mart in ANSWER_MARTS:
            count = scalar(conn, f'select count(*) from {marts}."{mart}"')
            assert isinstance(count, int) and count > 0, f"{marts}.{mart} is empty"
        forecast = conn.execute(
            f"select as_of_date, satellites_in_orbit, target_in_orbit "
            f"from {marts}.starlink_42k_forecast where scenario = 'headline'"
        ).fetchall()
    assert len(forecast) == 1, forecast
    as_of, in_orbit, target = forecast[0]
    print(f"stack-check: marts built; headline: {in_orbit} in orbit on {as_of}, target {target}")
    return {"as_of_date": as_of.isoformat(), "satellites_in_orbit": in_orbit, "target": target}


def check_answer(expected: dict) -> None:
    """`spacex answer --format json`, the product's own reader, says what the mart says."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["answer", "--format", "json"]) == 0
    answer = json.loads(out.getvalue())
    assert answer["as_of_date"] == expected["as_of_date"], answer["as_of_date"]
    assert answer["satellites_in_orbit"] == expected["satellites_in_orbit"]
    assert answer["target_in_orbit"] == expected["target"] == 42000
    (headline,) = [s for s in answer["scenarios"] if s["is_headline"]]
    assert headline["satellites_in_orbit"] == expected["satellites_in_orbit"], headline
    assert isinstance(headline["reaches_target_p50"], bool), headline
    # Every source the answer names is the stack's mirror, never a live API.
    mirror = {"spacex_api": "SPACEX_API_URL", "spacetrack_satcat": "SPACEX_SPACETRACK_URL"}
    for source in answer["sources"]:
        assert source["url"] == os.environ[mirror[source["key"]]], source
    when = headline["target_date_p50"] or f"not before {headline['horizon_year']}"
    print(f"stack-check: answer: {expected['target']} in orbit (P50): {when}")


def check_run_records(run_id: str) -> None:
    dagster = load_settings().postgres.url(os.environ["DAGSTER_PG_DB"])
    with psycopg.connect(dagster) as conn:
        status = scalar(conn, "select status from runs where run_id = %s", (run_id,))
        assert status == "SUCCESS", status
        materialized = scalar(
            conn,
            "select count(distinct asset_key) from event_logs "
            "where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
            (run_id,),
        )
        assert isinstance(materialized, int) and materialized >= len(ANSWER_MARTS), materialized
    meltano = make_url(os.environ["MELTANO_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(meltano.render_as_string(hide_password=False)) as conn:
        # Meltano's --run-id is the Dagster run id (issue 21, part 5): one row per `meltano run`.
        states = conn.execute(
            "select state from runs where run_id::text = %s", (run_id,)
        ).fetchall()
        assert states and {state for (state,) in states} == {"SUCCESS"}, states
    print(f"stack-check: {materialized} assets materialized; run stored in Dagster and Meltano")


def main(argv: list[str]) -> int:
    (url,) = argv
    webserver = urlsplit(url)
    client = DagsterGraphQLClient(webserver.hostname or "", port_number=webserver.port)
    run_id = launch(client)
    print(f"stack-check: launched {JOB} through the webserver: run {run_id}", flush=True)
    status = wait_for(client, run_id)
    if status != DagsterRunStatus.SUCCESS:
        print(f"stack-check: run {run_id} {status.value} (its events: the UI)", file=sys.stderr)
        return 1
    settings = load_settings()
    check_answer(check_warehouse(settings))
    check_run_records(run_id)
    print("stack-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
