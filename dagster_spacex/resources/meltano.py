"""Run Meltano as a subprocess and stream its structured (JSON) logs into Dagster.

This replaces ``dagster-meltano`` (see the README's "Why not dagster-meltano"): a small, explicit
wrapper around ``meltano --log-format=json run``. Each JSON log line becomes a Dagster log event at
the same level; the tap's Singer ``record_count`` metrics are summed per stream so the assets can
report how many rows each stream delivered; a failed run raises with its last error lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from dagster import ConfigurableResource, Failure, MetadataValue

from spacex_elt.settings import MELTANO_PROJECT_DIR, subprocess_env

LEVELS = {
    "debug": "debug",
    "info": "info",
    "warning": "warning",
    "error": "error",
    "critical": "critical",
    "exception": "error",
}


class MeltanoRunError(Failure):
    """``meltano run`` exited non-zero; the description holds its last error lines."""


@dataclass
class MeltanoRunResult:
    run_id: str
    duration_seconds: float
    records_by_stream: dict[str, int] = field(default_factory=dict)


def parse_metric(event: str) -> tuple[str, int] | None:
    """``METRIC: {"metric": "record_count", "value": 21, "tags": {"stream": "x"}}`` -> (x, 21)."""
    if not event.startswith("METRIC: "):
        return None
    try:
        metric = json.loads(event[len("METRIC: ") :])
    except json.JSONDecodeError:
        return None
    if metric.get("metric") != "record_count" or metric.get("type") != "counter":
        return None
    stream = (metric.get("tags") or {}).get("stream")
    return (stream, int(metric.get("value", 0))) if stream else None


def meltano_job_tasks(job: str, project_dir: Path = MELTANO_PROJECT_DIR) -> list[str]:
    """The blocks of a Meltano job in ``meltano.yml``, e.g. ``['tap-spacex', ...]``."""
    config = yaml.safe_load((project_dir / "meltano.yml").read_text())
    for entry in config.get("jobs") or []:
        if entry.get("name") == job:
            tasks = entry.get("tasks") or []
            return [block for task in tasks for block in str(task).split()]
    raise KeyError(f"meltano.yml defines no job named {job!r}")


class MeltanoResource(ConfigurableResource):
    """Runs ``meltano`` from this virtualenv inside the project's Meltano folder."""

    project_dir: str = str(MELTANO_PROJECT_DIR)
    extra_env: dict[str, str] = {}

    def _executable(self) -> str:
        return str(Path(sys.executable).with_name("meltano"))

    def run(
        self,
        log: Any,
        blocks: Sequence[str],
        streams: Iterable[str] | None = None,
    ) -> MeltanoRunResult:
        """``meltano run <blocks>``, limited to ``streams`` (Meltano's select) when given."""
        run_id = str(uuid.uuid4())
        env = {**subprocess_env(), **self.extra_env}
        if streams is not None:
            # Meltano reads a plugin's `select` extra from <NAMESPACE>__SELECT.
            env["TAP_SPACEX__SELECT"] = json.dumps([f"{s}.*" for s in sorted(streams)])
        cmd = [self._executable(), "--log-format=json", "run", "--run-id", run_id, *blocks]
        log.info(f"Running `meltano run {' '.join(blocks)}` (Meltano run id {run_id})")
        started = time.monotonic()
        records: dict[str, int] = defaultdict(int)
        errors: deque[str] = deque(maxlen=12)
        with subprocess.Popen(
            cmd,
            cwd=self.project_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                self._forward(log, line.rstrip("\n"), records, errors)
            returncode = proc.wait()
        duration = time.monotonic() - started
        if returncode != 0:
            detail = "\n".join(errors) or "(no error lines were logged)"
            raise MeltanoRunError(
                description=f"`meltano run {' '.join(blocks)}` failed with exit code "
                f"{returncode} (Meltano run id {run_id}). Last errors:\n{detail}",
                metadata={"meltano_run_id": run_id, "last_errors": MetadataValue.text(detail)},
            )
        return MeltanoRunResult(run_id, duration, dict(records))

    @staticmethod
    def _forward(log: Any, line: str, records: dict[str, int], errors: deque[str]) -> None:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if line.strip():
                log.info(line)
            return
        if not isinstance(entry, dict):
            log.info(line)
            return
        event = str(entry.get("event", ""))
        source = entry.get("name") or entry.get("string_id") or "meltano"
        metric = parse_metric(event) if source == "tap-spacex" else None
        if metric:
            records[metric[0]] += metric[1]
            log.debug(f"[{source}] {event}")
            return
        level = LEVELS.get(str(entry.get("level", "info")).lower(), "info")
        message = f"[{source}] {event}"
        if level in ("error", "critical") or "Traceback" in event or "Error" in event:
            errors.append(message)
        getattr(log, level)(message)
