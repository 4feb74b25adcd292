"""The docker compose deployment, exercised without containers (no image can be built here).

Every service of docker-compose.yml but PostgreSQL runs as a process with the command, the
configuration and the health check compose gives it, on the session's throw-away PostgreSQL:
`docker/dagster.yaml` copied unchanged into DAGSTER_HOME (its variables pointing at that server),
`docker/workspace.yaml` with only the code location's address changed, `docker/init_databases.py`,
the code location (`dagster api grpc`), the webserver and the daemon. A run is launched the way
the UI launches one (the webserver's GraphQL), queued, dequeued by the daemon and executed by the
code location (DefaultRunLauncher); a schedule tick is evaluated by the code location; Meltano
keeps its system database in PostgreSQL. The assertions read PostgreSQL's own tables.

Not exercised: what only containers add (the image build, the network, the volumes, the non-root
user); tests/unit/test_project_config.py checks those files' structure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import yaml
from dagster import AssetKey, DagsterInstance, DagsterRunStatus
from support.meltano import BIN, output_of, tool_env

from api_mirror.spacex.snapshot import record_counts
from spacex_elt import postgres
from spacex_elt.postgres import free_port
from spacex_elt.settings import PROJECT_ROOT, Settings

DOCKER = PROJECT_ROOT / "docker"
DAGSTER_DB = "dagster"  # compose's defaults for DAGSTER_PG_DB and MELTANO_PG_DB
MELTANO_DB = "meltano"
COMPANY = AssetKey(["spacex_raw", "company"])
SCHEDULE = "daily_spacex_elt"


@dataclass
class Deployment:
    settings: Settings
    home: Path
    env: dict[str, str]
    workspace: Path
    grpc_port: int
    webserver_port: int
    scheduled_run_id: str = ""
    launched_run_id: str = ""
    logs: dict[str, Path] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    one_shots: set[str] = field(default_factory=set)
    timeline: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def mark(self, stage: str) -> None:
        self.timeline.append(f"{time.monotonic() - self.started:6.1f} s  {stage}")

    def sql(self, database: str, statement: str, params: tuple = ()) -> list[tuple]:
        with postgres.connect(self.settings.postgres, database, autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description is not None else []

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """A command in the deployment's environment; a failure shows its output."""
        result = subprocess.run(
            [str(BIN / args[0]), *args[1:]],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"`{' '.join(args)[:300]}`:\n{output_of(result)[-4000:]}"
        return result

    @contextmanager
    def service(self, name: str, *args: str, one_shot: bool = False) -> Iterator[subprocess.Popen]:
        """A process in its own process group; stopped, with its children, afterwards. A service
        runs until then; a one-shot is waited for with :meth:`finish`."""
        log = self.home.parent / f"{name}.log"
        self.logs[name] = log
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(BIN / args[0]), *args[1:]],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        if one_shot:
            self.one_shots.add(name)
        try:
            yield process
        finally:
            self.processes.pop(name, None)
            _stop(process)

    def wait(self, what: str, condition: Callable[[], bool], timeout: float = 120) -> None:
        """Until ``condition()``; fails at once, with the services' logs, if a service exits."""
        deadline = time.monotonic() + timeout
        while not condition():
            exited = [
                name
                for name, p in self.processes.items()
                if name not in self.one_shots and p.poll() is not None
            ]
            if exited or time.monotonic() > deadline:
                reason = f"{', '.join(exited)} exited" if exited else "timed out"
                raise AssertionError(f"{reason} waiting for {what}\n{self.log_tails()}")
            time.sleep(0.3)

    def log_tails(self) -> str:
        return "\n".join(
            [
                f"--- {name} ---\n{path.read_text(errors='replace')[-3000:]}"
                for name, path in self.logs.items()
            ]
            + ["--- timeline ---", *self.timeline]
        )

    def finish(self, process: subprocess.Popen, timeout: float = 120) -> None:
        """Wait for a one-shot started with :meth:`service`; it must succeed."""
        name = next(n for n, p in self.processes.items() if p is process)
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{name} timed out\n{self.log_tails()}") from None
        assert returncode == 0, f"{name} failed ({returncode})\n{self.log_tails()}"
        del self.processes[name]

    def output(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in list(self.processes.values()):
            _stop(process)

    def run_status(self, run_id: str) -> str | None:
        rows = self.sql(DAGSTER_DB, "select status from runs where run_id = %s", (run_id,))
        return rows[0][0] if rows else None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _workspace(path: Path, port: int) -> Path:
    """docker/workspace.yaml with only the code location's address changed."""
    workspace = yaml.safe_load((DOCKER / "workspace.yaml").read_text())
    (entry,) = workspace["load_from"]
    assert entry["grpc_server"] == {
        "host": "code-location",
        "port": 4000,
        "location_name": "dagster_spacex",
    }
    entry["grpc_server"].update(host="127.0.0.1", port=port)
    path.write_text(yaml.safe_dump(workspace))
    return path


def _environment(settings: Settings, home: Path) -> dict[str, str]:
    """What compose gives the Dagster services, pointing at the session's PostgreSQL."""
    pg = settings.postgres
    auth = f"{quote(pg.user, safe='')}:{quote(pg.password, safe='')}"
    return tool_env(
        settings,
        {
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_HOST": pg.host,
            "DAGSTER_PG_PORT": str(pg.port),
            "DAGSTER_PG_USER": pg.user,
            "DAGSTER_PG_PASSWORD": pg.password,
            "DAGSTER_PG_DB": DAGSTER_DB,
            "MELTANO_DATABASE_URI": f"postgresql+psycopg://{auth}@{pg.host}:{pg.port}/{MELTANO_DB}",
        },
    )


# Two iterations of the daemon's scheduler, through the code location: now (the schedule is
# RUNNING by default, so its state is stored from now on) and at its next time, 17:30 UTC (a tick:
# the code location evaluates the schedule and the run is queued). The queued run is then
# cancelled (this test does not run the whole job), before the daemon starts: the daemon's own next
# tick is a day later. Dagster's internal API: the daemon itself would wait until 17:30.
SCHEDULER_ITERATIONS = """
import datetime, logging
from dagster import DagsterInstance, RunsFilter
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon import daemon  # noqa: F401  (imported first, as dagster-daemon does)
from dagster._scheduler.scheduler import launch_scheduled_runs

logging.basicConfig(level=logging.INFO)
now = datetime.datetime.now(datetime.timezone.utc)
due = now.replace(hour=17, minute=30, second=0, microsecond=0)
if due <= now:
    due += datetime.timedelta(days=1)
with DagsterInstance.get() as instance:
    target = WorkspaceFileTarget(paths=[{workspace!r}])
    with WorkspaceProcessContext(instance, target) as context:
        logger = logging.getLogger("scheduler")
        for end in (now, due + datetime.timedelta(seconds=1)):
            list(launch_scheduled_runs(context, logger, end, iteration_times={{}}))
    (run,) = instance.get_runs(RunsFilter(tags={{"dagster/schedule_name": "daily_spacex_elt"}}))
    assert run.status.value == "QUEUED", run.status
    instance.report_run_canceled(run, "cancelled by tests/integration/test_deployment.py")
    print("SCHEDULED RUN", run.run_id, flush=True)
"""

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


def _launch(deployment: Deployment) -> str:
    """The UI's "Materialize" of `spacex_raw/company` (no checks): the webserver queues it."""
    params = {
        "selector": {
            "repositoryLocationName": "dagster_spacex",
            "repositoryName": "__repository__",
            "jobName": "spacex_elt",
            "assetSelection": [{"path": COMPANY.path}],
            "assetCheckSelection": [],
        },
        # No run config: the job runs its steps in the run's own process (dagster_spacex/jobs.py).
        "runConfigData": {},
    }
    response = httpx.post(
        f"http://127.0.0.1:{deployment.webserver_port}/graphql",
        json={"query": LAUNCH, "variables": {"params": params}},
        timeout=60,
    )
    launched = response.json()["data"]["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


@pytest.fixture(scope="module")
def deployment(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """The deployment, up, in compose's order where it matters, with one launched run finished."""
    root = tmp_path_factory.mktemp("deployment")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copyfile(DOCKER / "dagster.yaml", home / "dagster.yaml")  # the checked-in file as is
    grpc_port = webserver_port = free_port()
    while webserver_port == grpc_port:
        webserver_port = free_port()
    deployment = Deployment(
        settings,
        home,
        _environment(settings, home),
        _workspace(root / "workspace.yaml", grpc_port),
        grpc_port,
        webserver_port,
    )
    ws = str(deployment.workspace)
    init = ["python", str(DOCKER / "init_databases.py")]
    with ExitStack() as services:
        # compose's code-location command, on 127.0.0.1 instead of 0.0.0.0; it loads while the
        # databases are prepared (compose waits for both before it starts the webserver).
        grpc = ["dagster", "api", "grpc", "-m", "dagster_spacex.definitions"]
        grpc += ["-h", "127.0.0.1", "-p", str(grpc_port)]
        services.enter_context(deployment.service("code-location", *grpc))
        deployment.run(*init)
        deployment.mark("databases ready")
        deployment.wait("the code location", lambda: _port_open(grpc_port))
        deployment.mark("code location serving")
        webserver = ["dagster-webserver", "-h", "127.0.0.1", "-p", str(webserver_port), "-w", ws]
        services.enter_context(deployment.service("webserver", *webserver))
        script = SCHEDULER_ITERATIONS.format(workspace=ws)
        tick = services.enter_context(
            deployment.service("scheduler", "python", "-c", script, one_shot=True)
        )
        health = f"http://127.0.0.1:{webserver_port}/server_info"  # compose's health check
        deployment.wait("the webserver", lambda: _http_ok(health))
        deployment.mark("webserver up")
        run_id = deployment.launched_run_id = _launch(deployment)  # queued: no daemon yet
        deployment.mark("run queued")
        deployment.finish(tick, timeout=180)
        scheduled = re.search(r"SCHEDULED RUN (\S+)", deployment.output("scheduler"))
        assert scheduled, deployment.log_tails()
        deployment.scheduled_run_id = scheduled.group(1)
        deployment.mark("schedule ticked")
        services.enter_context(deployment.service("daemon", "dagster-daemon", "run", "-w", ws))
        # init again, as compose does on every `up`, while everything runs
        again = services.enter_context(deployment.service("init-again", *init, one_shot=True))
        terminal = ("SUCCESS", "FAILURE", "CANCELED")
        deployment.wait("the launched run", lambda: deployment.run_status(run_id) in terminal)
        deployment.mark("launched run finished")
        deployment.finish(again)
        deployment.mark("init ran again")
        try:
            yield deployment
        finally:
            deployment.stop_all()  # all at once: quicker than one by one


@pytest.fixture(scope="module")
def instance(deployment: Deployment) -> Iterator[DagsterInstance]:
    """The instance as every Dagster process of the deployment loads it."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in deployment.env.items():
            if name.startswith("DAGSTER_"):
                patch.setenv(name, value)
        with DagsterInstance.get() as loaded:
            yield loaded


def test_init_creates_the_instance_and_meltano_databases_apart_from_the_warehouse(deployment):
    databases = {name for (name,) in deployment.sql("postgres", "select datname from pg_database")}
    assert {deployment.settings.postgres.database, DAGSTER_DB, MELTANO_DB} <= databases
    tables = "select table_name from information_schema.tables where table_schema = 'public'"
    dagster_tables = {name for (name,) in deployment.sql(DAGSTER_DB, tables)}
    assert {"runs", "event_logs", "instigators", "job_ticks", "alembic_version"} <= dagster_tables
    meltano_tables = {name for (name,) in deployment.sql(MELTANO_DB, tables)}
    assert {"runs", "state", "alembic_version"} <= meltano_tables
    # Both tools have a `runs` and an `alembic_version` table: one database each.
    warehouse = {name for (name,) in deployment.sql(deployment.settings.postgres.database, tables)}
    assert not warehouse & {"runs", "event_logs", "alembic_version"}
    # It ran again while everything was up (compose runs it on every `up`): nothing to do.
    assert "tables created or upgraded" in deployment.output("init-again")


def test_the_checked_in_instance_keeps_everything_in_postgres(instance):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
    from dagster_postgres.schedule_storage import PostgresScheduleStorage

    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1


def test_a_run_launched_from_the_webserver_runs_in_the_code_location_and_is_stored(
    deployment, instance, query
):
    run = instance.get_run_by_id(deployment.launched_run_id)
    assert run is not None
    assert run.status == DagsterRunStatus.SUCCESS, deployment.log_tails()
    # In PostgreSQL's own tables: the run, its materialization event, the asset.
    assert deployment.run_status(run.run_id) == "SUCCESS"
    (materializations,) = deployment.sql(
        DAGSTER_DB,
        "select count(*) from event_logs where run_id = %s "
        "and dagster_event_type = 'ASSET_MATERIALIZATION' and asset_key = %s",
        (run.run_id, COMPANY.to_string()),
    )[0]
    assert materializations == 1
    event = instance.get_latest_materialization_event(COMPANY)
    assert event is not None and event.run_id == run.run_id
    assert event.asset_materialization.metadata["rows_loaded"].value == record_counts()["company"]
    assert query('select count(*) from spacex_raw."company"')[0][0] == record_counts()["company"]
    # Queued by the webserver, dequeued by the daemon, started by the code location's server.
    events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
    types = [e.event_type_value for e in events]
    assert types.index("PIPELINE_ENQUEUED") < types.index("PIPELINE_STARTING"), types
    assert any("Started process for run" in (e.message or "") for e in events)
    # Its stdout/stderr where compose's `dagster-storage` volume is, and nothing else in
    # DAGSTER_HOME: the rest of it can be the image's, with dagster.yaml mounted read-only.
    assert list((deployment.home / "storage" / run.run_id).glob("compute_logs/*.out"))
    assert {path.name for path in deployment.home.iterdir()} == {"dagster.yaml", "storage"}
    # The webserver reads it back from PostgreSQL.
    answer = httpx.post(
        f"http://127.0.0.1:{deployment.webserver_port}/graphql",
        json={
            "query": "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
            "variables": {"id": run.run_id},
        },
        timeout=30,
    ).json()
    assert answer["data"]["runOrError"]["status"] == "SUCCESS"


def test_a_schedule_tick_is_stored_in_postgres(deployment):
    (status,) = deployment.sql(
        DAGSTER_DB,
        "select status from instigators where instigator_type = 'SCHEDULE' "
        "and instigator_body like %s",
        (f'%"{SCHEDULE}"%',),
    )[0]
    assert status == "DECLARED_IN_CODE"  # running by default (dagster_spacex/schedules.py)
    ticks = deployment.sql(
        DAGSTER_DB, "select status, tick_body from job_ticks where type = 'SCHEDULE'"
    )
    assert [status for status, _ in ticks] == ["SUCCESS"]
    assert deployment.scheduled_run_id in ticks[0][1]
    tags = deployment.sql(
        DAGSTER_DB,
        "select key, value from run_tags where run_id = %s",
        (deployment.scheduled_run_id,),
    )
    assert dict(tags)["dagster/schedule_name"] == SCHEDULE
    # cancelled while queued: the daemon ran only the launched run
    assert deployment.run_status(deployment.scheduled_run_id) == "CANCELED"


def test_meltano_keeps_its_runs_in_postgres(deployment):
    # job_name is the state id (`dev:tap-spacex-to-target-postgres`), state the outcome
    runs = deployment.sql(MELTANO_DB, "select job_name, state from runs")
    assert any("tap-spacex" in name and state == "SUCCESS" for name, state in runs), runs


def test_the_code_location_and_the_daemon_pass_their_health_checks(deployment):
    """compose's health checks, run against the live processes (both at once)."""
    code = ["dagster", "api", "grpc-health-check", "-p", str(deployment.grpc_port)]
    daemon = ["dagster-daemon", "liveness-check"]
    with ExitStack() as checks:
        started = [
            checks.enter_context(deployment.service(name, *command, one_shot=True))
            for name, command in (("grpc-health-check", code), ("liveness-check", daemon))
        ]
        for process in started:
            deployment.finish(process)
    assert "Daemon live" in deployment.output("liveness-check")
    beats = deployment.sql(DAGSTER_DB, "select daemon_type from daemon_heartbeats")
    assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR"} <= {name for (name,) in beats}
