"""The orchestration side of the benchmark (issue 22): what the main job spends beside its work.

Measured on the warehouse the benchmark has just loaded, side by side with ``meltano run
spacex_elt`` and ``dbt build`` (scripts/benchmark.py):

* ``dagster_job``   the Dagster job as ``spacex run`` runs it (``dagster job execute``), with a
                    private ``DAGSTER_HOME``; each step's own duration is read from its events,
                    and what is left of the wall time is the run's start-up and step start-ups;
* ``noop_dagster_job`` the same job again with nothing changed upstream;
* ``floor_sql``     every dbt model's compiled SQL executed once, in DAG order, without tests or
                    dbt: what building the models costs PostgreSQL itself;
* ``code_location`` ``import dagster_spacex.definitions`` in a fresh interpreter (best of 3):
                    what every process that loads the code location pays before it does anything.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacex_elt.run import COMMAND as DAGSTER_JOB  # what `spacex run` runs

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: "... - <step> - STEP_SUCCESS - Finished execution of step "<step>" in 4m52s." (Dagster's
#: format_duration: 533ms, 2.1s, 4m52s, 1h4m)
_STEP_DONE = re.compile(r" - (?P<step>[\w.]+) - STEP_SUCCESS - .* in (?P<took>[\dhms.]+)\.")
_PART = re.compile(r"([\d.]+)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def step_seconds(log: str) -> dict[str, float]:
    """Each step's own duration, from Dagster's STEP_SUCCESS events."""
    steps = {}
    for match in _STEP_DONE.finditer(log):
        took = sum(float(n) * _UNIT[unit] for n, unit in _PART.findall(match["took"]))
        steps[match["step"]] = round(took, 3)
    return steps


def dagster_job(measure: Callable[..., dict[str, Any]], env: dict, work: Path) -> dict[str, Any]:
    """The Dagster job, timed from the command to its end; steps and start-up overhead split out."""
    home = work / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(ROOT / "dagster_spacex" / "dagster.yaml", home / "dagster.yaml")
    result = measure([str(BIN / "dagster"), *DAGSTER_JOB], env={**env, "DAGSTER_HOME": str(home)})
    steps = step_seconds(result.get("log", ""))
    result["steps"] = steps
    if steps:
        result["outside_steps_seconds"] = round(result["seconds"] - sum(steps.values()), 3)
    return result


def code_location_load(env: dict, repeat: int = 3) -> dict[str, Any]:
    """Seconds to import the code location in a fresh interpreter (the best of ``repeat``)."""
    probe = (
        "import time; t = time.perf_counter(); import dagster_spacex.definitions; "
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return {"seconds": round(min(times), 3), "all_seconds": [round(t, 3) for t in times]}


def _model_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's models in an order where each comes after the models it reads."""
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen:
            return
        seen.add(uid)
        for dep in models[uid]["depends_on"]["nodes"]:
            if dep in models:
                visit(dep)
        order.append(uid)

    for uid in sorted(models):
        visit(uid)
    return [models[uid] for uid in order]


def floor_sql(pg: Any, env: dict, work: Path, dbt_dir: Path) -> dict[str, Any]:
    """Every model's compiled SQL once, in DAG order: tables built, views created, no tests.

    The SQL is dbt's own (``dbt compile``, not timed), run against the relations ``dbt build``
    left, each table rebuilt as a new one and swapped in (as dbt does), in one connection.
    """
    from spacex_elt import postgres

    target = work / "floor_sql_target"
    subprocess.run(
        [str(BIN / "dbt"), "compile", "--target-path", str(target), "--quiet"],
        cwd=dbt_dir,
        env=env,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((target / "manifest.json").read_text())
    models = _model_order(manifest)
    started = time.perf_counter()
    took: dict[str, float] = {}
    with postgres.connect(pg, autocommit=True) as conn:
        for node in models:
            # beside the model's own relation, which its readers keep reading
            relation = f'"{node["schema"]}"."{node["alias"]}__floor"'
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            began = time.perf_counter()
            conn.execute(f"create {kind} {relation} as {node['compiled_code']}")
            conn.execute(f"drop {kind} {relation}")
            took[node["name"]] = round(time.perf_counter() - began, 3)
    slowest = sorted(took.items(), key=lambda kv: -kv[1])[:8]
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "models": len(models),
        "slowest_models": [{"model": name, "seconds": sec} for name, sec in slowest],
    }


def slowest_nodes(target: Path, most: int = 15) -> list[dict[str, Any]]:
    """The dbt invocation's slowest models and tests (its run_results.json), slowest first."""
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
    except (OSError, KeyError, ValueError):
        return []
    ranked = sorted(results, key=lambda r: -r.get("execution_time", 0))[:most]
    return [{"node": r["unique_id"], "seconds": round(r["execution_time"], 3)} for r in ranked]
