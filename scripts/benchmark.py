#!/usr/bin/env python
"""Benchmark the EL(T) pipeline against its floors, on the snapshot and on synthetic scale-ups.

    spacex exec -- python scripts/benchmark.py [--scales 1,10,100] [--satcat-scales 1,10]
                                               [--quick] [--full] [--output FILE]

Both sources are measured, each at its own scales: the SpaceX API at ``--scales`` (starlink
multiplied N times by the mirror, new ids; the other 13 streams as recorded) and the satellite
catalogue at ``--satcat-scales`` (the mirror's ``satcat=N``: N times the recorded Space-Track
SATCAT, synthetic copies with unique NORAD ids). The catalogue has its own list because it is
already ~9,000 rows at x1 (x100 would be ~900,000). Scale N is one column: one mirror process
serving starlink xN if N is in ``--scales`` and the catalogue xN if N is in ``--satcat-scales``
(otherwise that source is as recorded and its steps are skipped). For every column it measures,
against its own embedded PostgreSQL (temp dir, free port, stopped at the end):

SpaceX API
floors   fetch   every collection with one httpx client (POST /query pages, tap's page size)
         copy    COPY of the same rows into PostgreSQL (id text primary key, doc jsonb)
product  tap     `tap-spacex --config` alone (records/s per stream, peak RSS), output recorded
         loader  `target-postgres` alone, fed the recorded tap output (time, peak RSS)
         EL      `meltano run tap-spacex target-postgres` into empty raw tables
         noop    EL again with unchanged data
catalogue (Space-Track SATCAT, the source dev reads)
floors   fetch   raw httpx: POST /ajaxauth/login, then the one SATCAT GET with the cookie
         copy    COPY of the same rows (norad_cat_id text primary key, doc jsonb)
product  tap     `tap-satcat --config` alone (the mirror, the dev account, daily limit off)
         loader  `target-postgres` alone, fed the recorded tap output
         EL      `meltano run tap-satcat target-postgres` into empty raw tables
both
floor    dbt     `dbt build` alone on the loaded raw tables (both sources')
product  job     `meltano run spacex_elt` (both ELs + dbt build), compared with the sum of the
                 floors: fetch + COPY of both sources + dbt
floor    SQL     every model's compiled SQL once, in DAG order, no tests, no dbt
product  Dagster the same job as `spacex run` runs it (`dagster job execute`), each step's own
                 time and what the run spends outside them; then again with nothing changed
         load    the code location's import in a fresh interpreter
                 (scripts/benchmark_orchestration.py)

It prints a table with the product/floor ratios and writes everything, with machine info, to
``docs/benchmark_results.json`` (or ``--output``). A step that fails (e.g. dbt while
the models are being edited) is recorded with its error instead of stopping the run.

Notes on method:
* Peak RSS is the resident memory of the measured process tree (the program and its children,
  e.g. meltano + tap + target), sampled every 50 ms with psutil. (``ru_maxrss`` from ``wait4``
  is not used: it includes the benchmark's own pages that fork() copies before exec.)
* The mirror runs in its own process (``api_mirror.process.spawn``, as for ``spacex mirror``),
  so it shares no GIL with the measured client. It sorts each query's result once and pages
  from that, so at x100 the benchmark measures the client, not the mirror.
* The full job runs after EL and dbt have loaded the same data, so its ELs upsert unchanged rows
  (full-table streams: the same work as into empty tables, plus the merge finding matches).
* Meltano runs with a private copy of ``.meltano`` (plugin venvs symlinked, system db copied)
  and dbt writes to a temp ``target/``, so the benchmark never disturbs the project's own state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import benchmark_orchestration as orchestration
import psutil

from api_mirror import process as mirror_process
from api_mirror.spacetrack.api import SESSION_COOKIE, TEST_IDENTITY, TEST_PASSWORD
from tap_satcat.tap import resolved_config as satcat_resolved_config
from tap_spacex.tap import resolved_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
MELTANO_DIR = ROOT / "meltano_project"
TARGET_BIN = MELTANO_DIR / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin"
PAGE_SIZE = resolved_config({})["page_size"]  # the tap's default, which meltano.yml keeps
NAME_FILTER = satcat_resolved_config({})["name_filter"]  # tap-satcat's default, ditto
#: The one Space-Track query tap-satcat sends (SpaceTrackSatcatStream.query_path).
SATCAT_QUERY = (
    f"/basicspacedata/query/class/satcat/SATNAME/~~{quote(NAME_FILTER, safe='')}"
    "/orderby/NORAD_CAT_ID%20asc/emptyresult/show"
)
STEP_TIMEOUT = 900
#: Above this scale only the floors, the taps and the loaders run (throughput and memory); the
#: Meltano runs add ~3 minutes at x10 and ~8 at x100; --full includes them (default < 10 min).
FULL_UP_TO = 1
#: Steps of the catalogue, stored under ``satcat_<step>`` beside the SpaceX API's ``<step>``.
SATCAT = "satcat_"


# -- helpers -------------------------------------------------------------------------------------
def loader_config(settings: Any, schema: str) -> dict[str, Any]:
    """target-postgres's config exactly as meltano.yml sets it, with this run's connection."""
    import yaml

    from spacex_elt.settings import runtime_env

    project = yaml.safe_load((MELTANO_DIR / "meltano.yml").read_text())
    (loader,) = [p for p in project["plugins"]["loaders"] if p["name"] == "target-postgres"]
    env = runtime_env(settings)
    config = {}
    for key, value in loader["config"].items():
        is_var = isinstance(value, str) and value.startswith("$")
        config[key] = env.get(value[1:], value) if is_var else value
    config["port"] = int(config["port"])
    config["default_target_schema"] = schema
    return config


def loader_executable() -> str:
    """The loader's executable as meltano.yml names it (the pinned release's wrapper)."""
    import yaml

    project = yaml.safe_load((MELTANO_DIR / "meltano.yml").read_text())
    (loader,) = [p for p in project["plugins"]["loaders"] if p["name"] == "target-postgres"]
    return str(loader.get("executable") or loader["name"])


def measure(
    cmd: list[str],
    *,
    env: dict,
    cwd: Path | None = None,
    stdin=None,
    stdout=None,
    timeout: float = STEP_TIMEOUT,
) -> dict[str, Any]:
    """Run one program as a direct child; wall seconds, exit code, peak RSS, stderr tail."""
    with tempfile.TemporaryFile(mode="w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=stdin or subprocess.DEVNULL,
            stdout=stdout or subprocess.DEVNULL,
            stderr=err,
            text=True,
        )
        deadline = started + timeout
        peak = 0
        try:
            watched = psutil.Process(proc.pid)
        except psutil.Error:
            watched = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if watched is not None:  # RSS of the process tree, sampled (after exec)
                try:
                    tree = [watched, *watched.children(recursive=True)]
                    peak = max(peak, sum(p.memory_info().rss for p in tree))
                except psutil.Error:
                    pass
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        log = err.read()
    return {
        "seconds": round(seconds, 3),
        "exit_code": proc.returncode,
        # Sampled tree RSS; not ru_maxrss, which counts the parent's pages copied by fork().
        "peak_rss_mb": round(peak / 2**20, 1),
        "log": log,
    }


def ok(result: dict[str, Any]) -> bool:
    return result.get("exit_code") == 0


def tail(log: str, lines: int = 15) -> str:
    return "\n".join(log.strip().splitlines()[-lines:])


def machine_info() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        import psutil

        ram_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


# -- floors ----------------------------------------------------------------------------------------
def floor_fetch(url: str) -> tuple[dict[str, Any], dict[str, list[dict]]]:
    import httpx

    from tap_spacex.resources import RESOURCES

    rows: dict[str, list[dict]] = {}
    started = time.perf_counter()
    with httpx.Client(timeout=60) as client:
        for item in RESOURCES:
            resource = item.name
            if item.single_object:
                rows[resource] = [client.get(f"{url}/{item.path}").raise_for_status().json()]
                continue
            docs, page = [], 1
            while True:
                body = {
                    "query": {},
                    "options": {"page": page, "limit": PAGE_SIZE, "sort": {"_id": "asc"}},
                }
                env = client.post(f"{url}/{item.path}/query", json=body).raise_for_status().json()
                docs.extend(env["docs"])
                if not env.get("hasNextPage") or not env["docs"]:
                    break
                page += 1
            rows[resource] = docs
    seconds = time.perf_counter() - started
    records = sum(len(v) for v in rows.values())
    return {
        "seconds": round(seconds, 3),
        "records": records,
        "records_per_s": round(records / seconds),
    }, rows


def floor_satcat_fetch(base_url: str) -> tuple[dict[str, Any], dict[str, list[dict]]]:
    """Space-Track's login and the one SATCAT query, with one raw httpx client (its cookies)."""
    import httpx

    started = time.perf_counter()
    with httpx.Client(timeout=60) as client:
        client.post(
            f"{base_url}/ajaxauth/login",
            data={"identity": TEST_IDENTITY, "password": TEST_PASSWORD},
        ).raise_for_status()
        if SESSION_COOKIE not in client.cookies:
            raise RuntimeError(f"Space-Track login at {base_url} set no session cookie")
        docs = client.get(f"{base_url}{SATCAT_QUERY}").raise_for_status().json()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "records": len(docs),
        "records_per_s": round(len(docs) / seconds),
    }, {"spacetrack_satcat": docs}


def floor_copy(
    pg, rows: dict[str, list[dict]], *, key: str = "id", schema: str = "bench_floor"
) -> dict[str, Any]:
    """COPY ``rows`` (table name -> documents) into ``(key text primary key, doc jsonb)``."""
    from spacex_elt import postgres

    records = sum(len(v) for v in rows.values())
    started = time.perf_counter()
    with postgres.connect(pg) as conn:
        conn.execute(f"drop schema if exists {schema} cascade")
        conn.execute(f"create schema {schema}")
        for resource, docs in rows.items():
            table = f'{schema}."{resource}"'
            conn.execute(f"create table {table} (id text primary key, doc jsonb)")
            with conn.cursor().copy(f"copy {table} (id, doc) from stdin") as cp:
                for doc in docs:
                    cp.write_row((str(doc[key]), json.dumps(doc)))
        conn.commit()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "records": records,
        "records_per_s": round(records / seconds),
    }


# -- product ---------------------------------------------------------------------------------------
METRIC = re.compile(r"METRIC: (\{.*\})")


def tap_stream_metrics(log: str) -> dict[str, dict[str, Any]]:
    streams: dict[str, dict[str, Any]] = {}
    for match in METRIC.finditer(log):
        try:
            metric = json.loads(match.group(1))
        except ValueError:
            continue
        stream = metric.get("tags", {}).get("stream")
        if not stream:
            continue
        entry = streams.setdefault(stream, {})
        if metric.get("metric") == "record_count":
            entry["records"] = entry.get("records", 0) + metric["value"]
        elif metric.get("metric") == "sync_duration":
            entry["seconds"] = round(metric["value"], 3)
    for entry in streams.values():
        if entry.get("seconds"):
            entry["records_per_s"] = round(entry.get("records", 0) / entry["seconds"])
    return streams


def tap_alone(cmd: list[str], config: dict[str, Any], work: Path, recorded: Path, env: dict):
    """Run a tap alone with ``config``; its output recorded to ``recorded`` for the loader."""
    config_file = work / f"{recorded.stem}_config.json"
    config_file.write_text(json.dumps(config))
    with recorded.open("w") as sink:
        tap = measure([*cmd, "--config", str(config_file)], env=env, stdout=sink)
    config_file.unlink()
    tap["output_mb"] = round(recorded.stat().st_size / 2**20, 1)
    tap["streams"] = tap_stream_metrics(tap["log"])
    tap["records"] = sum(s.get("records", 0) for s in tap["streams"].values())
    if tap["seconds"]:
        tap["records_per_s"] = round(tap["records"] / tap["seconds"])
    return tap


def loader_alone(settings, work: Path, recorded: Path, schema: str, env: dict) -> dict[str, Any]:
    """target-postgres alone (meltano.yml's config) into ``schema``, fed ``recorded``."""
    from spacex_elt import postgres

    target_cfg = work / "target_config.json"
    target_cfg.write_text(json.dumps(loader_config(settings, schema=schema)))
    with postgres.connect(settings.postgres, autocommit=True) as conn:
        conn.execute(f"drop schema if exists {schema} cascade")
    with recorded.open() as source:
        loader = measure(
            [str(TARGET_BIN / loader_executable()), "--config", str(target_cfg)],
            env=env,
            stdin=source,
        )
    recorded.unlink()
    return loader


def report_step(name: str, step: dict[str, Any]) -> None:
    line = f"  {name:<22} {step['seconds']:8.2f}s"
    if "records" in step:
        line += f"  {step['records']} records"
    if step.get("peak_rss_mb"):
        line += f"  rss {step['peak_rss_mb']} MB"
    if "exit_code" in step:
        line += f"  exit {step['exit_code']}"
    print(line, flush=True)
    for step_name, seconds in step.get("steps", {}).items():
        print(f"      {step_name:<30} {seconds:8.2f}s", flush=True)
    if "outside_steps_seconds" in step:
        outside = step["outside_steps_seconds"]
        print(f"      {'(outside the steps)':<30} {outside:8.2f}s", flush=True)


def run_scale(
    scale: int,
    work: Path,
    settings,
    base_env: dict,
    full: bool,
    spacex: bool = True,
    satcat: bool = True,
) -> dict[str, Any]:
    """One column: the SpaceX API's steps at starlink x``scale`` (if ``spacex``), the
    catalogue's at satcat x``scale`` (if ``satcat``), then (if ``full``) the Meltano runs."""
    from spacex_elt import postgres
    from spacex_elt.settings import DBT_PROJECT_DIR

    out: dict[str, Any] = {"scale": scale}
    mirror_scale = {}
    if spacex and scale > 1:
        mirror_scale["starlink"] = scale
    if satcat and scale > 1:
        mirror_scale["satcat"] = scale
    out["starlink_scale"] = scale if spacex else 1
    out["satcat_scale"] = scale if satcat else 1
    print(
        f"\n== x{scale}: starlink x{out['starlink_scale']}, catalogue x{out['satcat_scale']} ==",
        flush=True,
    )
    mirror = mirror_process.spawn(scale=mirror_scale or None)
    pg = settings.postgres
    try:
        env = {
            **base_env,
            "SPACEX_API_URL": mirror.url,
            "TAP_SPACEX_API_URL": mirror.url,
            # Space-Track and CelesTrak are both on the mirror's one port, at its base URL.
            "SPACEX_SPACETRACK_URL": mirror.base_url,
            "SPACEX_CELESTRAK_URL": mirror.base_url,
            "TAP_SATCAT_SPACETRACK_URL": mirror.base_url,
            "TAP_SATCAT_CELESTRAK_URL": mirror.base_url,
        }

        if spacex:
            fetch, rows = floor_fetch(mirror.url)
            out["records"] = fetch["records"]
            out["floor_fetch"] = fetch
            report_step("floor fetch", fetch)
            out["floor_copy"] = floor_copy(pg, rows)
            report_step("floor copy", out["floor_copy"])
            del rows

            # tap alone, output recorded for the loader
            recorded = work / f"tap_spacex_x{scale}.jsonl"
            out["tap"] = tap_alone(
                [str(BIN / "tap-spacex")],
                {"api_url": mirror.url, "page_size": PAGE_SIZE},
                work,
                recorded,
                env,
            )
            report_step("tap", out["tap"])
            # loader alone, fed the recorded output
            out["loader"] = loader_alone(settings, work, recorded, "bench_loader", env)
            report_step("loader", out["loader"])

        if satcat:
            fetch, rows = floor_satcat_fetch(mirror.base_url)
            out[SATCAT + "records"] = fetch["records"]
            out[SATCAT + "floor_fetch"] = fetch
            report_step("catalogue floor fetch", fetch)
            out[SATCAT + "floor_copy"] = floor_copy(
                pg, rows, key="NORAD_CAT_ID", schema="bench_satcat_floor"
            )
            report_step("catalogue floor copy", out[SATCAT + "floor_copy"])
            del rows

            recorded = work / f"tap_satcat_x{scale}.jsonl"
            config = {
                "spacetrack_url": mirror.base_url,
                "celestrak_url": mirror.base_url,
                "spacetrack_identity": TEST_IDENTITY,
                "spacetrack_password": TEST_PASSWORD,
                "enforce_daily_limit": False,
            }
            out[SATCAT + "tap"] = tap_alone([str(BIN / "tap-satcat")], config, work, recorded, env)
            report_step("catalogue tap", out[SATCAT + "tap"])
            out[SATCAT + "loader"] = loader_alone(
                settings, work, recorded, "bench_satcat_loader", env
            )
            report_step("catalogue loader", out[SATCAT + "loader"])

        if not full:
            out["skipped"] = "EL, full job, no-op rerun and dbt (run with --full to include them)"
            print(f"  (skipped: {out['skipped']})", flush=True)
            return out
        # EL of each source into empty raw tables, dbt alone, the full job, a no-op rerun
        catalogue = settings.catalogue.raw_schema
        with postgres.connect(pg, autocommit=True) as conn:
            for schema in (settings.raw_schema, catalogue, settings.dbt_schema):
                conn.execute(f"drop schema if exists {schema} cascade")
        meltano = [str(BIN / "meltano"), "run"]
        for name, args, counted in (
            ("el", ["tap-spacex", "target-postgres"], f"{settings.raw_schema}.starlink"),
            (SATCAT + "el", ["tap-satcat", "target-postgres"], f"{catalogue}.spacetrack_satcat"),
            ("floor_dbt", None, None),
            ("job", ["spacex_elt"], None),
            ("noop_el", ["tap-spacex", "target-postgres"], None),
        ):
            if args is None:  # dbt build alone, on what the two ELs loaded, as the jobs build
                # (unit tests left out: they run in CI, not in the jobs' builds). First, untimed,
                # dbt's parse with these settings into this run's fresh target folder: the jobs
                # build from the partial-parse state `make setup` leaves, not from nothing.
                subprocess.run(
                    [str(BIN / "dbt"), "parse"],
                    env=env,
                    cwd=DBT_PROJECT_DIR,
                    capture_output=True,
                    check=True,
                )
                dbt_build = [str(BIN / "dbt"), "build", "--exclude-resource-type", "unit_test"]
                out[name] = measure(dbt_build, env=env, cwd=DBT_PROJECT_DIR)
                out[name]["slowest_nodes"] = orchestration.slowest_nodes(work / "dbt_target")
            else:
                out[name] = measure(meltano + args, env=env, cwd=MELTANO_DIR)
            if counted and ok(out[name]):
                with postgres.connect(pg) as conn:
                    out[name]["raw_rows"] = conn.execute(
                        f"select count(*) from {counted}"
                    ).fetchone()[0]
            report_step(name, out[name])
        # The same job through Dagster, its no-op rerun, the SQL floor and the code location's load
        out["dagster_job"] = orchestration.dagster_job(measure, env, work)
        report_step("dagster job", out["dagster_job"])
        out["noop_dagster_job"] = orchestration.dagster_job(measure, env, work)
        report_step("no-op dagster job", out["noop_dagster_job"])
        try:
            out["floor_sql"] = orchestration.floor_sql(pg, env, work, DBT_PROJECT_DIR)
        except Exception as exc:  # recorded; the other steps' figures stand
            out["floor_sql"] = {
                "seconds": 0,
                "exit_code": 1,
                "error": f"{type(exc).__name__}: {exc}",
            }
        report_step("floor: SQL", out["floor_sql"])
        out["code_location"] = orchestration.code_location_load(env)
        report_step("code location load", out["code_location"])
    finally:
        mirror.stop()
        for value in out.values():  # keep logs short: only failures' tails
            if isinstance(value, dict) and "log" in value:
                log = value.pop("log")
                if not ok(value):
                    value["error"] = tail(log)
    return out


# -- report ---------------------------------------------------------------------------------
def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or not ok_or_floor(a) or not ok_or_floor(b) or not b.get("seconds"):
        return None
    return round(a["seconds"] / b["seconds"], 1)


def ok_or_floor(step: dict) -> bool:
    return "exit_code" not in step or step["exit_code"] == 0


def floors_sum(r: dict[str, Any], *keys: str) -> dict[str, float] | None:
    """The floors ``keys`` of one column added up (``None`` if one is missing or failed)."""
    steps = [r.get(key) for key in keys]
    if not all(step and ok_or_floor(step) for step in steps):
        return None
    return {"seconds": sum(step["seconds"] for step in steps)}  # type: ignore[index]


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for r in results:
        rows.append(
            {
                "scale": r["scale"],
                "records": r.get("records"),
                "satcat_records": r.get(SATCAT + "records"),
                "tap_vs_fetch": ratio(r.get("tap"), r.get("floor_fetch")),
                "loader_vs_copy": ratio(r.get("loader"), r.get("floor_copy")),
                "el_vs_fetch_plus_copy": ratio(
                    r.get("el"), floors_sum(r, "floor_fetch", "floor_copy")
                ),
                "satcat_tap_vs_fetch": ratio(r.get(SATCAT + "tap"), r.get(SATCAT + "floor_fetch")),
                "satcat_loader_vs_copy": ratio(
                    r.get(SATCAT + "loader"), r.get(SATCAT + "floor_copy")
                ),
                "satcat_el_vs_fetch_plus_copy": ratio(
                    r.get(SATCAT + "el"),
                    floors_sum(r, SATCAT + "floor_fetch", SATCAT + "floor_copy"),
                ),
                # The job loads both sources and builds: fetch + COPY of each, plus dbt.
                "job_vs_floors": ratio(
                    r.get("job"),
                    floors_sum(
                        r,
                        "floor_fetch",
                        "floor_copy",
                        SATCAT + "floor_fetch",
                        SATCAT + "floor_copy",
                        "floor_dbt",
                    ),
                ),
                "noop_vs_el": ratio(r.get("noop_el"), r.get("el")),
                "dagster_vs_meltano_job": ratio(r.get("dagster_job"), r.get("job")),
                "dbt_vs_sql_floor": ratio(r.get("floor_dbt"), r.get("floor_sql")),
                # `spacex run` against what its work costs: both fetches and COPYs, the models' SQL
                "dagster_job_vs_floors": ratio(
                    r.get("dagster_job"),
                    floors_sum(
                        r,
                        "floor_fetch",
                        "floor_copy",
                        SATCAT + "floor_fetch",
                        SATCAT + "floor_copy",
                        "floor_sql",
                    ),
                ),
                "noop_vs_dagster_job": ratio(r.get("noop_dagster_job"), r.get("dagster_job")),
            }
        )
    by_scale = {r["scale"]: r for r in results}

    def memory(low: int, high: int, procs: tuple[str, ...]) -> dict[str, Any] | None:
        if low not in by_scale or high not in by_scale:
            return None
        verdict = {}
        for proc in procs:
            a = by_scale[low].get(proc, {}).get("peak_rss_mb")
            b = by_scale[high].get(proc, {}).get("peak_rss_mb")
            if a and b:
                flat = b <= a * 1.5 + 50  # x10 more records may not cost x10 memory
                verdict[proc] = {f"x{low}_mb": a, f"x{high}_mb": b, "flat": flat}
        return verdict or None

    return {
        "ratios": rows,
        "memory_flat_x10_to_x100": memory(10, 100, ("tap", "loader")),
        "satcat_memory_flat_x1_to_x10": memory(1, 10, (SATCAT + "tap", SATCAT + "loader")),
    }


def print_table(results: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    steps = [
        ("floor_fetch", "floor: fetch (httpx)"),
        ("floor_copy", "floor: COPY"),
        ("tap", "tap-spacex alone"),
        ("loader", "loader alone"),
        ("el", "EL (meltano run)"),
        ("noop_el", "no-op EL rerun"),
        (SATCAT + "floor_fetch", "cat. floor: fetch"),
        (SATCAT + "floor_copy", "cat. floor: COPY"),
        (SATCAT + "tap", "tap-satcat alone"),
        (SATCAT + "loader", "cat. loader alone"),
        (SATCAT + "el", "cat. EL (meltano)"),
        ("floor_dbt", "floor: dbt build"),
        ("job", "full job (2 EL+dbt)"),
        ("floor_sql", "floor: models' SQL"),
        ("dagster_job", "Dagster job"),
        ("noop_dagster_job", "no-op Dagster job"),
        ("code_location", "code location load"),
    ]
    head = f"{'step':<22}" + "".join(f"{'x' + str(r['scale']):>24}" for r in results)
    print("\n" + head)
    for key, label in (("records", "SpaceX records"), (SATCAT + "records", "catalogue records")):
        print(f"{label:<22}" + "".join(f"{r.get(key, '-'):>24}" for r in results))
    for key, label in steps:
        cells = []
        for r in results:
            step = r.get(key)
            if not step:
                cells.append("-")
                continue
            cell = f"{step['seconds']:.1f}s"
            if step.get("records_per_s"):
                cell += f" {step['records_per_s']}/s"
            if step.get("peak_rss_mb"):
                cell += f" {step['peak_rss_mb']:.0f}MB"
            if "exit_code" in step and step["exit_code"] != 0:
                cell += " FAILED"
            cells.append(cell)
        print(f"{label:<22}" + "".join(f"{c:>24}" for c in cells))
    print("\nratios (product / floor):")
    for row in summary["ratios"]:
        print(
            "  x{scale}: SpaceX: tap/fetch {tap_vs_fetch}  loader/COPY {loader_vs_copy}  "
            "EL/(fetch+COPY) {el_vs_fetch_plus_copy}  no-op/EL {noop_vs_el}\n"
            "       catalogue: tap/fetch {satcat_tap_vs_fetch}  "
            "loader/COPY {satcat_loader_vs_copy}  EL/(fetch+COPY) {satcat_el_vs_fetch_plus_copy}\n"
            "       job/(fetch+COPY of both + dbt) {job_vs_floors}\n"
            "       Dagster job/Meltano job {dagster_vs_meltano_job}  dbt build/SQL floor "
            "{dbt_vs_sql_floor}  Dagster job/(fetch+COPY of both + SQL floor) "
            "{dagster_job_vs_floors}  no-op/Dagster job {noop_vs_dagster_job}".format(**row)
        )
    print("\nslowest tap streams (records/s):")
    for r in results:
        streams = {
            **r.get("tap", {}).get("streams", {}),
            **r.get(SATCAT + "tap", {}).get("streams", {}),
        }
        top = sorted(streams.items(), key=lambda kv: -kv[1].get("seconds", 0))[:3]
        print(
            f"  x{r['scale']}: "
            + ", ".join(
                f"{name} {s.get('records', 0)} in {s.get('seconds', 0)}s "
                f"({s.get('records_per_s')}/s)"
                for name, s in top
            )
        )
    for key, what in (
        ("memory_flat_x10_to_x100", "x10 -> x100 (needs scales 10 and 100)"),
        ("satcat_memory_flat_x1_to_x10", "x1 -> x10 (needs satcat scales 1 and 10)"),
    ):
        verdict = summary[key]
        if verdict is None:
            print(f"\nmemory {what}: not measured")
            continue
        for proc, v in verdict.items():
            low, high = (f"{k} {mb} MB" for k, mb in v.items() if k != "flat")
            print(
                f"\nmemory {proc}: {low} -> {high}: {'FLAT' if v['flat'] else 'GROWS with data'}",
                end="",
            )
        print()
    for r in results:
        for key, step in r.items():
            if isinstance(step, dict) and step.get("error"):
                print(f"\nx{r['scale']} {key} failed:\n{step['error']}")


def scale_list(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="starlink scale factors (1,10,100)")
    parser.add_argument(
        "--satcat-scales",
        default="1,10",
        help="satellite catalogue scale factors (1,10); empty: the catalogue is not measured",
    )
    parser.add_argument("--quick", action="store_true", help="only the snapshot (x1, both)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark_results.json"))
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"also EL/job/no-op/dbt above x{FULL_UP_TO} (adds minutes per scale)",
    )
    args = parser.parse_args(argv)
    scales = [1] if args.quick else scale_list(args.scales)
    satcat_scales = [1] if args.quick else scale_list(args.satcat_scales)

    from spacex_elt import postgres
    from spacex_elt.settings import load_settings, subprocess_env

    work = Path(tempfile.mkdtemp(prefix="spacex-bench-"))
    settings = load_settings(
        {
            "SPACEX_PG_MODE": "embedded",
            "SPACEX_PG_HOST": "127.0.0.1",
            "SPACEX_PG_PORT": str(postgres.free_port()),
            "SPACEX_PG_DATA_DIR": str(work / "pgdata"),
            "SPACEX_PG_DATABASE": "spacex_bench",
        }
    )
    from spacex_elt.meltano_dirs import private_meltano_dir

    sys_dir = private_meltano_dir(work / "meltano")
    base_env = {
        **subprocess_env(settings),
        "MELTANO_SYS_DIR_ROOT": str(sys_dir),
        "DBT_TARGET_PATH": str(work / "dbt_target"),
        "DBT_LOG_PATH": str(work / "dbt_logs"),
    }
    server = postgres.EmbeddedPostgres(settings.postgres)
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    print(f"benchmark: PostgreSQL on 127.0.0.1:{settings.postgres.port}, work dir {work}")
    server.start()
    try:
        for scale in sorted(set(scales) | set(satcat_scales)):
            try:
                full = args.full or scale <= FULL_UP_TO
                sources = {"spacex": scale in scales, "satcat": scale in satcat_scales}
                results.append(run_scale(scale, work, settings, base_env, full, **sources))
            except Exception as exc:  # record and go on with the next scale
                results.append({"scale": scale, "error": f"{type(exc).__name__}: {exc}"})
                print(f"  x{scale} failed: {exc}", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    complete = [r for r in results if "error" not in r]
    summary = summarize(complete)
    print_table(complete, summary)
    report = {
        "machine": machine_info(),
        "settings": {
            "page_size": PAGE_SIZE,
            "scales": scales,
            "satcat_scales": satcat_scales,
            "satcat_name_filter": NAME_FILTER,
        },
        "total_seconds": round(time.perf_counter() - started, 1),
        "results": results,
        "summary": summary,
    }
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output} (total {report['total_seconds']}s)")
    return 0 if len(complete) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
