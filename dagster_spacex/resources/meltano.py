"""Run Meltano as a subprocess and stream its structured (JSON) logs into Dagster.

This replaces ``dagster-meltano`` (see the README's "Why not dagster-meltano"): a small, explicit
wrapper around ``meltano --log-format=json run``. Each JSON log line becomes a Dagster log event at
the same level; the tap's Singer ``record_count`` metrics are summed per stream so the assets can
report how many rows each stream delivered; a failed run raises with its last error lines. Fields
the tap dropped because its schema lacks them (the Singer SDK's "... not found in catalog schema.
Ignoring." warning) are collected per stream, so the raw assets can show schema drift.

Runs in one Meltano system folder never overlap: they would share the tap's catalog file
(``run/tap-spacex/``), and Meltano's own "already running" guard only sees a run once it has
registered, so two started in the same instant can both pass it and then break each other's
catalog. An exclusive ``flock`` on ``<system folder>/run/spacex-elt.lock`` makes the second one
fail at once with a message naming the first (the failure sensor reports it; the next run goes
ahead).
"""

from __future__ import annotations

import ast
import fcntl
import json
import os
import re
import subprocess
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from dagster import ConfigurableResource, Failure, MetadataValue

from spacex_elt.settings import MELTANO_PROJECT_DIR, TOOLS_DIR, subprocess_env
from tap_common.stream_names import PROVENANCE_STREAM

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


class MeltanoBusyError(Failure):
    """Another run holds this Meltano system folder; nothing was started."""


def lock_path(env: dict[str, str], project_dir: str | Path) -> Path:
    """The lock file in the Meltano system folder ``meltano`` will use with ``env``.

    Meltano's system folder is ``$MELTANO_SYS_DIR_ROOT`` (relative to the project) or
    ``<project>/.meltano``.
    """
    sys_dir = Path(project_dir) / env.get("MELTANO_SYS_DIR_ROOT", ".meltano")
    return sys_dir / "run" / "spacex-elt.lock"


def _holder(handle: Any) -> str:
    """What the lock's holder wrote (it writes just after locking: give it a moment)."""
    for _ in range(20):
        handle.seek(0)
        if text := handle.read().strip():
            return text
        time.sleep(0.05)
    return "holder unknown"


@contextmanager
def exclusive_run(path: Path, run_id: str) -> Iterator[None]:
    """Hold ``path`` exclusively for one run, or raise :class:`MeltanoBusyError` at once.

    ``flock`` is released by the kernel when the process dies, so a crashed run never leaves a
    stale lock behind; the file's text (pid, run id) only serves the error message.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            raise MeltanoBusyError(
                description=f"Another Meltano run is using {path.parent.parent} ({holder}); "
                "runs in one Meltano project must not overlap (they share the tap's catalog "
                "file). Nothing was started: run again once it has finished.",
                metadata={"lock_file": str(path), "holder": holder},
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, Meltano run id {run_id}")
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class MeltanoRunResult:
    run_id: str
    duration_seconds: float
    records_by_stream: dict[str, int] = field(default_factory=dict)
    #: Fields present in the API's records but not in the stream's schema, which the tap dropped.
    dropped_fields: dict[str, list[str]] = field(default_factory=dict)


#: The Singer SDK's warning for record fields its catalog schema lacks (singer_sdk.helpers._typing:
#: "Properties ('images',) were present in the 'landpads' stream but not found in catalog schema.
#: Ignoring."; older SDKs: "Property 'images' was present ...").
_DROPPED = re.compile(
    r"Propert(?:ies (?P<many>\(.*?\)) were|y '(?P<one>[^']+)' was) present in the "
    r"'(?P<stream>[^']+)' stream but not found in catalog schema"
)


def parse_dropped_fields(message: str) -> tuple[str, list[str]] | None:
    """The SDK's "not found in catalog schema" warning -> (stream, [field, ...]), else None.

    Nested fields come dotted (``links.foo``), as the SDK names them.
    """
    match = _DROPPED.search(message)
    if not match:
        return None
    if match["one"] is not None:
        return match["stream"], [match["one"]]
    try:
        names = ast.literal_eval(match["many"])
    except (ValueError, SyntaxError):
        names = match["many"].strip("()").replace("'", "").split(",")
    if isinstance(names, str):
        names = [names]
    return match["stream"], [str(n).strip() for n in names if str(n).strip()]


def parse_metric(entry: dict[str, Any]) -> tuple[str, int] | None:
    """A Singer ``record_count`` counter in one Meltano JSON log entry -> (stream, count).

    A tap with the ``structured-logging`` capability sends it as ``metric_info``; other plugins'
    lines arrive as text, ``METRIC: {"metric": "record_count", "value": 21, ...}``.
    """
    metric = entry.get("metric_info")
    if not isinstance(metric, dict):
        event = str(entry.get("event", ""))
        if not event.startswith("METRIC: "):
            return None
        try:
            metric = json.loads(event[len("METRIC: ") :])
        except json.JSONDecodeError:
            return None
    if not isinstance(metric, dict):
        return None
    if metric.get("metric") != "record_count" or metric.get("type") != "counter":
        return None
    stream = (metric.get("tags") or {}).get("stream")
    return (stream, int(metric.get("value", 0))) if stream else None


def select_patterns(streams: Iterable[str]) -> list[str]:
    """Meltano select patterns for ``streams``, always with the provenance stream (both taps
    name it alike): a run of some streams still records where their records came from."""
    return [f"{name}.*" for name in sorted({*streams, PROVENANCE_STREAM})]


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
        return str(TOOLS_DIR / "meltano")

    def run(
        self,
        log: Any,
        blocks: Sequence[str],
        streams: Iterable[str] | None = None,
        select: Mapping[str, Iterable[str]] | None = None,
        run_id: str | None = None,
    ) -> MeltanoRunResult:
        """``meltano run <blocks>``, limited to some streams (Meltano's select) when given.

        ``select`` maps extractors to their streams; ``streams`` is the same for the first
        block, the extractor of an extract-load pair. ``run_id`` is Meltano's ``--run-id`` (a
        UUID; the Dagster run's, so one id finds the run in both), else a new one.
        """
        run_id = str(uuid.UUID(run_id)) if run_id else str(uuid.uuid4())
        env = {**subprocess_env(), **self.extra_env}
        chosen = dict(select or {})
        if streams is not None:
            chosen[blocks[0]] = streams
        for extractor, names in chosen.items():
            # Meltano reads a plugin's `select` extra from <PLUGIN_NAME>__SELECT.
            variable = extractor.upper().replace("-", "_") + "__SELECT"
            env[variable] = json.dumps(select_patterns(names))
        cmd = [self._executable(), "--log-format=json", "run", "--run-id", run_id, *blocks]
        log.info(f"Running `meltano run {' '.join(blocks)}` (Meltano run id {run_id})")
        started = time.monotonic()
        records: dict[str, int] = defaultdict(int)
        dropped: dict[str, set[str]] = defaultdict(set)
        errors: deque[str] = deque(maxlen=12)
        exceptions: list[str] = []
        with (
            exclusive_run(lock_path(env, self.project_dir), run_id),
            subprocess.Popen(
                cmd,
                cwd=self.project_dir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            ) as proc,
        ):
            assert proc.stdout is not None
            for line in proc.stdout:
                self._forward(log, line.rstrip("\n"), records, errors, dropped, exceptions)
            returncode = proc.wait()
        duration = time.monotonic() - started
        if returncode != 0:
            detail = "\n".join(errors) or "(no error lines were logged)"
            # First line: the plugin's own final error (what users need), then the context.
            cause = exceptions[-1] if exceptions else (errors[-1] if errors else "no error logged")
            raise MeltanoRunError(
                description=f"{cause}\n`meltano run {' '.join(blocks)}` failed with exit code "
                f"{returncode} (Meltano run id {run_id}). Last errors:\n{detail}",
                metadata={
                    "meltano_run_id": run_id,
                    "cause": MetadataValue.text(cause),
                    "last_errors": MetadataValue.text(detail),
                },
            )
        dropped_fields = {stream: sorted(names) for stream, names in sorted(dropped.items())}
        if dropped_fields:
            log.warning(
                "Schema drift: the tap dropped fields its schemas lack: "
                + json.dumps(dropped_fields)
            )
        return MeltanoRunResult(run_id, duration, dict(records), dropped_fields)

    @staticmethod
    def _forward(
        log: Any,
        line: str,
        records: dict[str, int],
        errors: deque[str],
        dropped: dict[str, set[str]] | None = None,
        exceptions: list[str] | None = None,
    ) -> None:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if dropped is not None and (found := parse_dropped_fields(line)):
                dropped.setdefault(found[0], set()).update(found[1])
            if line.strip():
                log.info(line)
            return
        if not isinstance(entry, dict):
            log.info(line)
            return
        event = str(entry.get("event", ""))
        source = entry.get("name") or entry.get("string_id") or "meltano"
        # Count what the extractors produced (the loader reports the same records again).
        metric = parse_metric(entry) if entry.get("producer") else None
        if metric:
            records[metric[0]] += metric[1]
            log.debug(f"[{source}] {event}")
            return
        if dropped is not None and (found := parse_dropped_fields(event)):
            dropped.setdefault(found[0], set()).update(found[1])
        # A plugin with structured logging reports its fatal exception as an object.
        failure = entry.get("plugin_exception")
        if exceptions is not None and isinstance(failure, dict):
            exceptions.append(f"{source}: {failure.get('type')}: {failure.get('message')}")
        level = LEVELS.get(str(entry.get("level", "info")).lower(), "info")
        message = f"[{source}] {event}"
        if level in ("error", "critical") or "Traceback" in event or "Error" in event:
            errors.append(message)
        getattr(log, level)(message)
