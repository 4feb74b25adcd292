"""Reliability of the EL step: real `meltano run tap-spacex target-postgres` against a real
PostgreSQL, with the local mirror misbehaving on purpose (throttling, 5xx, timeouts, broken bodies,
schema drift, empty collections), the database going away, bad configuration and overlapping runs.

Every case ends either with a correct load or with a clear error naming the cause, and afterwards
the raw tables hold exactly what a clean run holds: no duplicates, no loss of earlier good data.

Behaviours this file pins down (and documents):

* **Schema drift.** A document with a field the stream schema does not declare is *not* an error:
  the tap's JSON-schema validation allows extra properties, and the Singer SDK drops the field
  before emitting the record, logging ``Properties ('<field>',) were present in the '<stream>'
  stream but not found in catalog schema. Ignoring.`` So the new field is never loaded (no new
  column) but it is not silent either: the warning is in the run's log, and through Dagster on
  the raw asset (``dropped_fields`` metadata, the ``no_dropped_fields`` check: see
  ``test_dagster.py``). A value that becomes
  ``null`` in a nullable column is accepted and *overwrites* the previous value (upsert: the raw
  layer mirrors what the API said last); the next clean run restores it.
* **Empty collection.** ``{"docs": [], "totalDocs": 0}`` is a valid answer: the stream syncs zero
  records and the run succeeds. Existing rows are kept and none is marked deleted: a stream with
  zero records sends no ``ACTIVATE_VERSION`` (records that disappear upstream are soft-deleted
  only by a stream that read something to its end: test_soft_deletes_and_provenance.py).
* **Two runs at once** on the same database and the same Meltano project: see
  :func:`test_overlapping_runs_end_cleanly_without_duplicates` and
  :func:`test_two_runs_started_in_the_same_instant_through_dagster` (what happens is asserted
  there).

Meltano runs here use a private copy of the project's ``.meltano`` system directory (plugin venvs
symlinked, system database copied): ``meltano run`` writes the tap's catalog to the shared
``.meltano/run/tap-spacex/tap.properties.json``, so another ``meltano run`` with a *different*
stream selection in the same project at the same moment (a colleague's ``make run``) rewrites the
selection under our feet. The project itself (``meltano.yml``, the plugins) is the real one.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
from support.meltano import NullLog, output_of, run_meltano, start_meltano, tool_env
from support.sql import sql

from api_mirror.spacex.query import paginate
from api_mirror.spacex.snapshot import load_records, record_counts
from api_mirror.testing import fast_tap_env
from dagster_spacex.resources.meltano import parse_metric
from spacex_elt import postgres
from spacex_elt.meltano_dirs import private_meltano_dir
from spacex_elt.postgres import free_port
from spacex_elt.settings import Settings, load_settings
from tap_spacex.streams import PROVENANCE_STREAM

#: Small streams (crew spans 4 pages with page_size 5), so faults hit the paging too.
STREAMS = ("crew", "dragons", "rockets")
SNAPSHOT = record_counts()
RUN_TIMEOUT = 180  # seconds; no case may hang
SDC_COLUMNS = (
    "_sdc_extracted_at",
    "_sdc_received_at",
    "_sdc_batched_at",
    "_sdc_deleted_at",
    "_sdc_sequence",
    "_sdc_table_version",
    "_sdc_sync_started_at",
)


# -- helpers --------------------------------------------------------------------------------
class Runner:
    """`meltano run tap-spacex target-postgres` (:mod:`support.meltano`) in its own Meltano
    system folder, with this module's streams, the fast tap settings and a timeout."""

    def __init__(self, sys_dir: Path):
        self.base_env = {
            "MELTANO_SYS_DIR_ROOT": str(sys_dir),
            "TAP_SPACEX__SELECT": json.dumps([f"{s}.*" for s in STREAMS]),
            **fast_tap_env(page_size=5),
        }

    def env(self, settings: Settings, **extra: str) -> dict[str, str]:
        return tool_env(settings, {**self.base_env, **extra})

    def popen(self, settings: Settings, *flags: str, **extra: str) -> subprocess.Popen:
        return start_meltano(
            settings, "run", *flags, "tap-spacex", "target-postgres",
            extra_env={**self.base_env, **extra},
        )  # fmt: skip

    def run(self, settings: Settings, check: bool, **extra: str) -> str:
        result = run_meltano(
            settings, "run", "tap-spacex", "target-postgres",
            extra_env={**self.base_env, **extra}, check=check, timeout=RUN_TIMEOUT,
        )  # fmt: skip
        if not check:
            assert result.returncode != 0, "the run was expected to fail but succeeded"
        return output_of(result)

    def ok(self, settings: Settings, **extra: str) -> str:
        return self.run(settings, True, **extra)

    def fails(self, settings: Settings, **extra: str) -> str:
        return self.run(settings, False, **extra)


def _tables(settings: Settings, schema: str = "spacex_raw") -> set[str]:
    rows = sql(
        settings,
        "select table_name from information_schema.tables where table_schema = %s",
        (schema,),
    )
    return {name for (name,) in rows}


def counts(settings: Settings, schema: str = "spacex_raw") -> dict[str, tuple[int, int]]:
    """stream -> (rows, distinct ids) for the streams this module loads (absent: (0, 0))."""
    present = _tables(settings, schema)
    out = {}
    for stream in STREAMS:
        if stream in present:
            out[stream] = sql(
                settings, f'select count(*), count(distinct id) from {schema}."{stream}"'
            )[0]
        else:
            out[stream] = (0, 0)
    return out


def expected_counts() -> dict[str, tuple[int, int]]:
    return {stream: (SNAPSHOT[stream], SNAPSHOT[stream]) for stream in STREAMS}


def contents(settings: Settings, stream: str, schema: str = "spacex_raw") -> dict[str, str]:
    """id -> the row as JSON without Singer's _sdc_* bookkeeping columns (the data itself)."""
    drop = " ".join(f"- '{c}'" for c in SDC_COLUMNS)
    rows = sql(settings, f'select id, (to_jsonb(t) {drop})::text from {schema}."{stream}" t')
    return dict(rows)


def all_contents(settings: Settings) -> dict[str, dict[str, str]]:
    return {stream: contents(settings, stream) for stream in STREAMS}


def queries(mirror, since: int, resource: str) -> int:
    """POST /<resource>/query requests the mirror saw since request_log index ``since``."""
    return sum(
        1 for _, path, _ in mirror.request_log[since:] if path.endswith(f"/{resource}/query")
    )


def page_body(docs: list[dict]) -> str:
    """One page holding every doc, as the real API's POST /query answers (the mirror's envelope)."""
    return json.dumps(paginate(docs, {"limit": 100}))


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    return Runner(private_meltano_dir(tmp_path_factory.mktemp("meltano_sys")))


@pytest.fixture(scope="module")
def baseline(settings: Settings, runner: Runner) -> dict[str, dict[str, str]]:
    """One clean load of STREAMS into the session database; returns the loaded contents."""
    runner.ok(settings)
    assert counts(settings) == expected_counts()
    return all_contents(settings)


def assert_clean(settings: Settings, baseline: dict[str, dict[str, str]]) -> None:
    """The raw tables hold exactly what a clean run holds."""
    assert counts(settings) == expected_counts()
    assert all_contents(settings) == baseline


# -- re-running -----------------------------------------------------------------------------
def test_rerun_never_duplicates(settings, runner, baseline):
    runner.ok(settings)  # the second run of the same data (the first is the baseline)
    assert_clean(settings, baseline)
    # target-postgres declares the stream's key as the table's primary key (upsert by id).
    for stream in STREAMS:
        pk = sql(
            settings,
            """select a.attname from pg_index i
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
               where i.indrelid = %s::regclass and i.indisprimary""",
            (f'spacex_raw."{stream}"',),
        )
        assert pk == [("id",)], f"{stream}: primary key {pk}"


# -- transient failures: retried, the load completes -----------------------------------------
def test_throttling_429_with_and_without_retry_after(settings, runner, baseline, mirror):
    mirror.faults.add(status=429, times=2, path_contains="/crew/query", retry_after=0.2)
    # no Retry-After: backoff
    mirror.faults.add(status=429, times=2, path_contains="/rockets/query")
    start = len(mirror.request_log)
    output = runner.ok(settings)
    assert_clean(settings, baseline)
    assert queries(mirror, start, "crew") == 2 + 4  # two 429s, then pages 1..4 (page_size 5)
    assert queries(mirror, start, "rockets") == 2 + 1
    assert queries(mirror, start, "dragons") == 1
    assert "HTTP 429; retry 1/5 in 0.20s" in output  # Retry-After honoured
    assert "HTTP 429; retry 2/5 in 0.20s" in output
    assert len(re.findall(r"stream rockets: POST \S+/rockets/query: HTTP 429; retry", output)) == 2


def test_5xx_burst_then_success(settings, runner, baseline, mirror):
    mirror.faults.add(status=503, times=3, path_contains="/crew/query")
    start = len(mirror.request_log)
    output = runner.ok(settings)
    assert_clean(settings, baseline)
    assert queries(mirror, start, "crew") == 3 + 4
    assert "stream crew: POST" in output and "HTTP 503; retry 3/5" in output


def test_5xx_beyond_max_retries_fails_clearly_and_keeps_good_data(
    settings, runner, baseline, mirror
):
    mirror.faults.add(status=503, times=10, path_contains="/rockets/query")
    start = len(mirror.request_log)
    output = runner.fails(settings, TAP_SPACEX_MAX_RETRIES="1")
    url = f"{mirror.url}/rockets/query"
    assert f"stream rockets: POST {url} failed after 2 attempts; last error: HTTP 503" in output
    assert queries(mirror, start, "rockets") == 2
    assert_clean(settings, baseline)


def test_timeouts_are_retried(settings, runner, baseline, mirror):
    mirror.faults.add(delay=2.5, times=2, path_contains="/rockets/query")
    start = len(mirror.request_log)
    output = runner.ok(settings, TAP_SPACEX_REQUEST_TIMEOUT="1")
    assert_clean(settings, baseline)
    assert queries(mirror, start, "rockets") == 3
    assert output.count("stream rockets: POST") >= 2 and "timeout (ReadTimeout)" in output


# -- broken bodies --------------------------------------------------------------------------
def test_truncated_body_is_retried(settings, runner, baseline, mirror):
    mirror.faults.add(truncate=True, times=1, path_contains="/crew/query")
    start = len(mirror.request_log)
    output = runner.ok(settings)
    assert_clean(settings, baseline)
    assert queries(mirror, start, "crew") == 1 + 4
    assert "stream crew: POST" in output and "connection error (RemoteProtocolError" in output


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"not_json": True}, "returned a body that is not JSON (text/html"),
        (
            {"wrong_shape": True},
            "page 1 returned list, expected a paging object with a 'docs' list",
        ),
    ],
    ids=["not-json", "wrong-shape"],
)
def test_unusable_body_fails_at_once_and_keeps_good_data(
    settings, runner, baseline, mirror, fault, message
):
    mirror.faults.add(times=1, path_contains="/rockets/query", **fault)
    start = len(mirror.request_log)
    output = runner.fails(settings)
    assert f"stream rockets: POST {mirror.url}/rockets/query" in output
    assert message in output
    assert queries(mirror, start, "rockets") == 1  # not retried
    assert_clean(settings, baseline)


# -- schema drift -------------------------------------------------------------------------------
def test_schema_drift_new_field_ignored_with_warning_nulls_accepted(
    settings, runner, baseline, mirror
):
    """New field: dropped by the schema, with a warning in the log (never a new column, never
    silent). Nulls where values were: accepted (the columns are nullable) and loaded as NULL."""
    dragons = load_records("dragons")
    drifted = []
    for doc in dragons:
        doc = dict(doc, warp_drive={"enabled": True})  # a field the schema does not know
        drifted.append(doc)
    drifted[0]["description"] = None
    drifted[0]["crew_capacity"] = None
    mirror.faults.add(status=200, times=1, path_contains="/dragons/query", body=page_body(drifted))
    output = runner.ok(settings)
    assert (
        "Properties ('warp_drive',) were present in the 'dragons' stream but not found in "
        "catalog schema. Ignoring." in output
    )
    columns = sql(
        settings,
        "select column_name from information_schema.columns "
        "where table_schema = 'spacex_raw' and table_name = 'dragons'",
    )
    assert "warp_drive" not in {c for (c,) in columns}
    assert counts(settings) == expected_counts()  # no record lost, none duplicated
    nulled = sql(
        settings,
        "select description, crew_capacity from spacex_raw.dragons where id = %s",
        (dragons[0]["id"],),
    )
    assert nulled == [(None, None)]
    other = contents(settings, "dragons")[dragons[1]["id"]]
    assert other == baseline["dragons"][dragons[1]["id"]]  # the other record is unchanged
    # The next clean run restores the values (and leaves the shared database as we found it).
    runner.ok(settings)
    assert_clean(settings, baseline)


# -- empty collection ---------------------------------------------------------------------------
def test_empty_collection_loads_nothing_and_deletes_nothing(settings, runner, baseline, mirror):
    mirror.faults.add(status=200, times=1, path_contains="/dragons/query", body=page_body([]))
    # JSON logs: the tap's structured record_count metrics carry their stream
    result = run_meltano(
        settings, "--log-format=json", "run", "tap-spacex", "target-postgres",
        extra_env=runner.base_env, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    entries = [json.loads(line) for line in output_of(result).splitlines() if line.startswith("{")]
    tap_counts = [parse_metric(e) for e in entries if e.get("producer")]
    synced = dict(m for m in tap_counts if m)
    assert synced == {"crew": 17, "dragons": 0, "rockets": 4}  # zero dragons in this run
    # No ACTIVATE_VERSION for zero records: the two dragons are still there, unchanged, unmarked.
    assert_clean(settings, baseline)
    live = "select count(*) from spacex_raw.dragons where _sdc_deleted_at is null"
    assert sql(settings, live) == [(2,)]


# -- bad configuration: a clear error before any data moves ------------------------------------
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TAP_SPACEX_LAUNCHES_API_VERSION": "v9"}, "v9"),
        ({"TAP_SPACEX_PAGE_SIZE": "0"}, "page_size"),
    ],
    ids=["launches_api_version=v9", "page_size=0"],
)
def test_invalid_setting_fails_before_any_request(settings, runner, baseline, mirror, env, message):
    start = len(mirror.request_log)
    output = runner.fails(settings, **env)
    assert message in output
    assert re.search(r"(?i)config|setting|valid", output)
    assert mirror.request_log[start:] == []  # the API was never called
    assert_clean(settings, baseline)


def test_unreachable_api_fails_clearly(settings, runner, baseline):
    dead = f"http://127.0.0.1:{free_port()}/v4"
    output = runner.fails(settings, TAP_SPACEX_API_URL=dead, TAP_SPACEX_MAX_RETRIES="1")
    assert re.search(
        rf"stream \w+: POST {re.escape(dead)}/\w+/query failed after 2 attempts; "
        r"last error: connection error \(ConnectError",
        output,
    )
    assert_clean(settings, baseline)


def test_wrong_database_password_fails_clearly(settings, runner, baseline):
    output = runner.fails(settings, TARGET_POSTGRES_PASSWORD="wrong")
    assert 'password authentication failed for user "postgres"' in output
    assert_clean(settings, baseline)


def test_fractional_seconds_settings_from_the_environment(settings, runner, baseline):
    """Meltano passes env-set settings as strings; the tap takes "0.01" as 0.01 seconds."""
    runner.ok(settings, TAP_SPACEX_BACKOFF_BASE="0.01", TAP_SPACEX_BACKOFF_MAX="0.05")
    assert_clean(settings, baseline)


# -- PostgreSQL goes away in the middle of a run ---------------------------------------------
def test_postgres_stopped_mid_run_then_recovers(tmp_path, runner, mirror):
    own = load_settings(
        {
            "SPACEX_PG_MODE": "embedded",
            "SPACEX_PG_HOST": "127.0.0.1",
            "SPACEX_PG_PORT": str(free_port()),
            "SPACEX_PG_DATA_DIR": str(tmp_path / "pgdata"),
            "SPACEX_PG_DATABASE": "spacex_outage",
            "SPACEX_API_URL": mirror.url,
        }
    )
    server = postgres.EmbeddedPostgres(own.postgres)
    server.start()
    try:
        runner.ok(own)
        good = all_contents(own)
        assert counts(own) == expected_counts()

        # crew and dragons arrive quickly, then rockets is slow: stop the server meanwhile.
        mirror.faults.add(delay=3, times=2, path_contains="/rockets/query")
        start = len(mirror.request_log)
        stopped = threading.Event()

        def stop_when_rockets_requested() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if queries(mirror, start, "rockets"):
                    server.stop()
                    stopped.set()
                    return
                time.sleep(0.05)

        stopper = threading.Thread(target=stop_when_rockets_requested, daemon=True)
        stopper.start()
        output = runner.fails(own)
        stopper.join(timeout=90)
        assert stopped.is_set()
        assert re.search(
            r"(?i)connection refused|server closed the connection|terminating connection|"
            r"could not connect|connection .* failed",
            output,
        ), output[-3000:]

        server.start()
        assert counts(own) == expected_counts()  # the earlier good data survived the outage
        assert all_contents(own) == good
        runner.ok(own)
        assert counts(own) == expected_counts()
        assert all_contents(own) == good
    finally:
        server.stop()


# -- two runs at once ------------------------------------------------------------------------
#: How a forced run may fail when another one races it in PostgreSQL (each has its own Meltano
#: folder, so there is no catalog race, and ``--force`` skips Meltano's guard).
CONFLICT = re.compile(
    r"(?i)UniqueViolation|duplicate key value|already exists|DeadlockDetected|deadlock detected"
)


def _communicate(proc: subprocess.Popen) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError("a concurrent meltano run hung") from None
    return proc.returncode, out


def _run_two_at_once(runners: list[Runner], settings: Settings, *flags: str, **env: str) -> list:
    procs = [runner.popen(settings, *flags, **env) for runner in runners]
    try:
        outputs = [_communicate(proc) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for code, out in outputs:
        if code != 0:  # a failure must name the conflict
            assert CONFLICT.search(out), "\n".join(out.splitlines()[-40:])
    return outputs


def _keep_one_slow_answer(faults) -> None:
    """Keep a 1-second delay queued, so whichever run asks next waits."""
    if not faults.pending():
        faults.add(delay=1)


def _conflicts(outputs: list) -> list:
    return [(code, (m := CONFLICT.search(out)) and m[0]) for code, out in outputs]


def test_overlapping_runs_end_cleanly_without_duplicates(
    settings, runner, baseline, mirror, tmp_path
):
    """Two `meltano run tap-spacex target-postgres` overlapping on the same database and the same
    Meltano project. Documented behaviour (asserted):

    1. Plain (a run starts while another is loading): Meltano's own job guard refuses the second
       at once ("Another 'dev:tap-spacex-to-target-postgres' pipeline is already running ... or
       ignore this check using the '--force' option", exit 1) while the first loads normally.
       The guard only sees a run once it has registered, so here the second starts once the
       first is fetching (and the first is held there until the second has ended); runs started
       in the *same instant* are the Dagster resource's job (see
       :func:`test_two_runs_started_in_the_same_instant_through_dagster`).
    2. With ``--force`` and separate Meltano system dirs (both really run, into a schema that
       does not exist yet, so they race to create the schema and the tables): each either
       succeeds or fails with PostgreSQL's error naming the conflict (unique violation /
       "already exists" while creating the same table or its temp tables).

    In every case both end (timeout), the tables never hold a duplicate and keep their primary
    key, no session or lock is left behind, and a run afterwards succeeds with the snapshot's
    counts.
    """
    # 1. Plain, on the existing raw tables. The first run is held in its requests (one slow
    #    answer after another) for as long as the second is alive, so it is surely running when
    #    the second checks, however slow this machine is.
    seen = len(mirror.request_log)
    first = runner.popen(settings)
    second = None
    try:
        deadline = time.monotonic() + 60
        while len(mirror.request_log) == seen and time.monotonic() < deadline:
            _keep_one_slow_answer(mirror.faults)
            time.sleep(0.05)
        second = runner.popen(settings)
        while second.poll() is None and time.monotonic() < deadline + RUN_TIMEOUT:
            _keep_one_slow_answer(mirror.faults)
            time.sleep(0.05)
        mirror.faults.clear()
        plain = [_communicate(second), _communicate(first)]
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [code for code, _ in plain] == [1, 0], _conflicts(plain)
    assert "pipeline is already running" in plain[0][1]
    _assert_nothing_left_behind(settings)
    assert_clean(settings, baseline)

    # 2. Forced, on a fresh schema.
    schema = "spacex_raw_concurrent"
    sql(settings, f"drop schema if exists {schema} cascade")
    env = {"TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema}
    try:
        # Each forced run has its own Meltano system dir, so they race only in PostgreSQL (in one
        # dir they would also race on the catalog file).
        other = Runner(private_meltano_dir(tmp_path / "other"))
        forced = _run_two_at_once([runner, other], settings, "--force", **env)
        for stream in _tables(settings, schema) & set(STREAMS):
            rows, ids = sql(
                settings, f'select count(*), count(distinct id) from {schema}."{stream}"'
            )[0]
            assert rows == ids <= SNAPSHOT[stream]  # never a duplicate, whatever happened
        _assert_nothing_left_behind(settings)

        runner.ok(settings, **env)  # a subsequent run always succeeds
        assert counts(settings, schema) == expected_counts()
        for stream in STREAMS:
            assert contents(settings, stream, schema) == baseline[stream]
        _assert_nothing_left_behind(settings)
    finally:
        sql(settings, f"drop schema if exists {schema} cascade")
    print("concurrent runs (exit code, conflict named):", _conflicts(plain), _conflicts(forced))


def test_two_runs_started_in_the_same_instant_through_dagster(settings, runner, baseline):
    """Dagster's Meltano resource locks the Meltano system folder: of two runs started together
    (a scheduled run and a manual one), one loads and the other fails at once, naming the first,
    without starting Meltano (which would race on the shared catalog file)."""
    from dagster_spacex.resources.meltano import MeltanoBusyError, MeltanoResource

    resource = MeltanoResource(extra_env=runner.env(settings))
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = resource.run(
                NullLog(), ["tap-spacex", "target-postgres"], streams=STREAMS
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RUN_TIMEOUT)
    busy = [r for r in results if isinstance(r, MeltanoBusyError)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(busy) == 1 and len(done) == 1, results
    assert "Another Meltano run is using" in busy[0].description
    assert "Meltano run id " + done[0].run_id in busy[0].description
    # the resource always selects the run's provenance too (one record)
    assert done[0].records_by_stream == {
        **{s: SNAPSHOT[s] for s in STREAMS},
        PROVENANCE_STREAM: 1,
    }
    _assert_nothing_left_behind(settings)
    assert_clean(settings, baseline)


def _assert_nothing_left_behind(settings: Settings) -> None:
    """No other client session on the database (so no lock, no open transaction) once both end."""
    statement = """
        select a.pid, a.state, a.query, l.locktype, l.mode, l.granted
        from pg_stat_activity a left join pg_locks l on l.pid = a.pid
        where a.datname = current_database() and a.pid <> pg_backend_pid()
          and a.backend_type = 'client backend'
    """
    deadline = time.monotonic() + 10
    while True:
        left = sql(settings, statement)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # backends of exited clients take a moment to go
    assert left == []
    ungranted = sql(settings, "select count(*) from pg_locks where not granted")
    assert ungranted == [(0,)]
