#!/usr/bin/env python
"""Benchmark the EL(T) pipeline against its floors, on the snapshot and on synthetic scale-ups.

    spacex exec -- python scripts/benchmark.py [--scales 1,10,100] [--quick] [--output FILE]

For every scale N (starlink multiplied N times by the mirror, new ids; the other 13 streams as
recorded) it measures, against its own embedded PostgreSQL (temp dir, free port, stopped at the
end) and its own mirror process:

floors   fetch   every collection with one httpx client (POST /query pages, tap's page size)
         copy    COPY of the same rows into PostgreSQL (id text primary key, doc jsonb)
         dbt     `dbt build` alone on the loaded raw tables
product  tap     `tap-spacex --config` alone (records/s per stream, peak RSS), output recorded
         loader  `target-postgres` alone, fed the recorded tap output (time, peak RSS)
         EL      `meltano run tap-spacex target-postgres` into empty raw tables
         job     `meltano run spacex_elt` (EL + dbt build)
         noop    EL again with unchanged data

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

import psutil

from api_mirror import process as mirror_process
from tap_spacex.tap import resolved_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
MELTANO_DIR = ROOT / "meltano_project"
TARGET_BIN = MELTANO_DIR / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin"
PAGE_SIZE = resolved_config({})["page_size"]  # the tap's default, which meltano.yml keeps
STEP_TIMEOUT = 900
#: Above this scale only the floors, the tap and the loader run (throughput and memory); the
#: Meltano runs add ~3 minutes at x10 and ~8 at x100; --full includes them (default < 10 min).
FULL_UP_TO = 1


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


def floor_copy(pg, rows: dict[str, list[dict]]) -> dict[str, Any]:
    from spacex_elt import postgres

    records = sum(len(v) for v in rows.values())
    started = time.perf_counter()
    with postgres.connect(pg) as conn:
        conn.execute("drop schema if exists bench_floor cascade")
        conn.execute("create schema bench_floor")
        for resource, docs in rows.items():
            conn.execute(f'create table bench_floor."{resource}" (id text primary key, doc jsonb)')
            with conn.cursor().copy(f'copy bench_floor."{resource}" (id, doc) from stdin') as cp:
                for doc in docs:
                    cp.write_row((doc["id"], json.dumps(doc)))
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


def run_scale(
    scale: int, work: Path, settings, base_env: dict, sys_dir: Path, full: bool
) -> dict[str, Any]:
    from spacex_elt import postgres
    from spacex_elt.settings import DBT_PROJECT_DIR

    out: dict[str, Any] = {"scale": scale}
    print(f"\n== starlink x{scale} ==", flush=True)
    mirror = mirror_process.spawn(scale={"starlink": scale} if scale > 1 else None)
    try:
        env = {**base_env, "SPACEX_API_URL": mirror.url, "TAP_SPACEX_API_URL": mirror.url}

        fetch, rows = floor_fetch(mirror.url)
        out["records"] = fetch["records"]
        out["floor_fetch"] = fetch
        print(f"  floor fetch   {fetch['seconds']:8.2f}s  {fetch['records']} records", flush=True)
        out["floor_copy"] = floor_copy(settings.postgres, rows)
        print(f"  floor copy    {out['floor_copy']['seconds']:8.2f}s", flush=True)
        del rows

        # tap alone, output recorded for the loader
        config = work / "tap_config.json"
        config.write_text(json.dumps({"api_url": mirror.url, "page_size": PAGE_SIZE}))
        recorded = work / f"tap_output_x{scale}.jsonl"
        with recorded.open("w") as sink:
            tap = measure([str(BIN / "tap-spacex"), "--config", str(config)], env=env, stdout=sink)
        tap["output_mb"] = round(recorded.stat().st_size / 2**20, 1)
        tap["streams"] = tap_stream_metrics(tap["log"])
        tap["records"] = sum(s.get("records", 0) for s in tap["streams"].values())
        if tap["seconds"]:
            tap["records_per_s"] = round(tap["records"] / tap["seconds"])
        out["tap"] = tap
        print(f"  tap           {tap['seconds']:8.2f}s  rss {tap['peak_rss_mb']} MB", flush=True)

        # loader alone, fed the recorded output
        target_cfg = work / "target_config.json"
        pg = settings.postgres
        target_cfg.write_text(json.dumps(loader_config(settings, schema="bench_loader")))
        with postgres.connect(pg, autocommit=True) as conn:
            conn.execute("drop schema if exists bench_loader cascade")
        with recorded.open() as source:
            loader = measure(
                [str(TARGET_BIN / "target-postgres"), "--config", str(target_cfg)],
                env=env,
                stdin=source,
            )
        out["loader"] = loader
        print(
            f"  loader        {loader['seconds']:8.2f}s  rss {loader['peak_rss_mb']} MB", flush=True
        )
        recorded.unlink()

        if not full:
            out["skipped"] = "EL, full job, no-op rerun and dbt (run with --full to include them)"
            print(f"  (skipped: {out['skipped']})", flush=True)
            return out
        # EL into empty raw tables, the full job, a no-op rerun
        with postgres.connect(pg, autocommit=True) as conn:
            conn.execute(f"drop schema if exists {settings.raw_schema} cascade")
            conn.execute(f"drop schema if exists {settings.dbt_schema} cascade")
        meltano = [str(BIN / "meltano"), "run"]
        for name, args in (
            ("el", ["tap-spacex", "target-postgres"]),
            ("job", ["spacex_elt"]),
            ("noop_el", ["tap-spacex", "target-postgres"]),
        ):
            out[name] = measure(meltano + args, env=env, cwd=MELTANO_DIR)
            print(
                f"  {name:<13} {out[name]['seconds']:8.2f}s  exit {out[name]['exit_code']}",
                flush=True,
            )
            if name == "el":
                with postgres.connect(pg) as conn:
                    out["el"]["raw_rows"] = conn.execute(
                        f"select count(*) from {settings.raw_schema}.starlink"
                    ).fetchone()[0]
                # dbt build alone, on what EL loaded
                out["floor_dbt"] = measure(
                    [str(BIN / "dbt"), "build"], env=env, cwd=DBT_PROJECT_DIR
                )
                print(
                    f"  floor dbt     {out['floor_dbt']['seconds']:8.2f}s  "
                    f"exit {out['floor_dbt']['exit_code']}",
                    flush=True,
                )
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


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for r in results:
        rows.append(
            {
                "scale": r["scale"],
                "records": r["records"],
                "tap_vs_fetch": ratio(r.get("tap"), r.get("floor_fetch")),
                "loader_vs_copy": ratio(r.get("loader"), r.get("floor_copy")),
                "el_vs_fetch_plus_copy": ratio(
                    r.get("el"),
                    {"seconds": r["floor_fetch"]["seconds"] + r["floor_copy"]["seconds"]},
                ),
                "job_vs_floors": ratio(
                    r.get("job"),
                    {
                        "seconds": r["floor_fetch"]["seconds"]
                        + r["floor_copy"]["seconds"]
                        + r.get("floor_dbt", {}).get("seconds", 0)
                    },
                )
                if ok_or_floor(r.get("floor_dbt", {}))
                else None,
                "noop_vs_el": ratio(r.get("noop_el"), r.get("el")),
            }
        )
    verdict = None
    by_scale = {r["scale"]: r for r in results}
    if 10 in by_scale and 100 in by_scale:
        verdict = {}
        for proc in ("tap", "loader"):
            a = by_scale[10].get(proc, {}).get("peak_rss_mb")
            b = by_scale[100].get(proc, {}).get("peak_rss_mb")
            if a and b:
                flat = b <= a * 1.5 + 50  # x10 more records may not cost x10 memory
                verdict[proc] = {"x10_mb": a, "x100_mb": b, "flat": flat}
    return {"ratios": rows, "memory_flat_x10_to_x100": verdict}


def print_table(results: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    steps = [
        ("floor_fetch", "floor: fetch (httpx)"),
        ("floor_copy", "floor: COPY"),
        ("floor_dbt", "floor: dbt build"),
        ("tap", "tap alone"),
        ("loader", "loader alone"),
        ("el", "EL (meltano run)"),
        ("job", "full job (EL+dbt)"),
        ("noop_el", "no-op EL rerun"),
    ]
    head = f"{'step':<22}" + "".join(f"{'x' + str(r['scale']):>22}" for r in results)
    print("\n" + head)
    print(f"{'records':<22}" + "".join(f"{r['records']:>22}" for r in results))
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
        print(f"{label:<22}" + "".join(f"{c:>22}" for c in cells))
    print("\nratios (product / floor):")
    for row in summary["ratios"]:
        print(
            "  x{scale}: tap/fetch {tap_vs_fetch}  loader/COPY {loader_vs_copy}  "
            "EL/(fetch+COPY) {el_vs_fetch_plus_copy}  job/(fetch+COPY+dbt) {job_vs_floors}  "
            "no-op/EL {noop_vs_el}".format(**row)
        )
    print("\nslowest tap streams (records/s):")
    for r in results:
        streams = r.get("tap", {}).get("streams", {})
        top = sorted(streams.items(), key=lambda kv: -kv[1].get("seconds", 0))[:3]
        print(
            f"  x{r['scale']}: "
            + ", ".join(
                f"{name} {s.get('records', 0)} in {s.get('seconds', 0)}s "
                f"({s.get('records_per_s')}/s)"
                for name, s in top
            )
        )
    verdict = summary["memory_flat_x10_to_x100"]
    if verdict is None:
        print("\nmemory x10 -> x100: not measured (needs scales 10 and 100)")
    else:
        for proc, v in verdict.items():
            print(
                f"\nmemory {proc}: x10 {v['x10_mb']} MB -> x100 {v['x100_mb']} MB: "
                f"{'FLAT' if v['flat'] else 'GROWS with data'}",
                end="",
            )
        print()
    for r in results:
        for key, step in r.items():
            if isinstance(step, dict) and step.get("error"):
                print(f"\nx{r['scale']} {key} failed:\n{step['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="starlink scale factors (1,10,100)")
    parser.add_argument("--quick", action="store_true", help="only the snapshot (x1)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark_results.json"))
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"also EL/job/no-op/dbt above x{FULL_UP_TO} (adds minutes per scale)",
    )
    args = parser.parse_args(argv)
    scales = [1] if args.quick else [int(s) for s in args.scales.split(",") if s.strip()]

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
        for scale in scales:
            try:
                full = args.full or scale <= FULL_UP_TO
                results.append(run_scale(scale, work, settings, base_env, sys_dir, full))
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
        "settings": {"page_size": PAGE_SIZE, "scales": scales},
        "total_seconds": round(time.perf_counter() - started, 1),
        "results": results,
        "summary": summary,
    }
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output} (total {report['total_seconds']}s)")
    return 0 if len(complete) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
