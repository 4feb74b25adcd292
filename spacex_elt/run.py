"""``spacex run``: the `spacex_elt` Dagster job with a short progress report on the terminal.

Dagster's own output (about 2,500 lines, most of them DEBUG events) goes to a log file whose path
is printed; the terminal gets one line per step as it starts and ends, dbt's test summary, and, if
the run fails, the failed step's own error (not only "Run ... resulted in failure").
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from spacex_elt.settings import LOCAL_STATE_DIR, subprocess_env

JOB = "spacex_elt"
PROGRESS_EVERY = 10
COMMAND = ["job", "execute", "-m", "dagster_spacex.definitions", "-j", JOB]
_EVENT = re.compile(r" - (?P<step>[\w.]+) - (?P<event>STEP_START|STEP_SUCCESS|STEP_FAILURE) - ")
_CAUSE = re.compile(r"FAILED step (?P<step>[\w.]+): (?P<why>.*)")
#: Dagster's durations: 533ms, 2.1s, 4m52s, 1h4m (dagster_shared format_duration)
_DURATION = re.compile(r" in (?P<took>[\d.]+m?s|\d+m\d+s|\d+h\d+m)\.")
#: Where a failure's own explanation ends in Dagster's output.
_TRACE_START = ("Stack Trace:", "The above exception")


@dataclass
class Progress:
    """What the terminal is told while a run's output streams past."""

    out: TextIO
    failed_steps: list[str] = field(default_factory=list)
    failure_lines: list[str] = field(default_factory=list)
    #: "<step>: <its own error>", from the job's failure hook (dagster_spacex.hooks)
    causes: list[str] = field(default_factory=list)
    materialized: int = 0
    _collecting: bool = False

    def feed(self, line: str) -> None:
        if (cause := _CAUSE.search(line)) and len(self.causes) < 5:
            self.causes.append(f"{cause['step']}: {cause['why'].strip()}")
        if self._collecting:
            if line.startswith(_TRACE_START) or _EVENT.search(line) or " - RUN_" in line:
                self._collecting = False
            elif line.strip() and len(self.failure_lines) < 25:
                self.failure_lines.append(line.rstrip())
                return
        if " - ASSET_MATERIALIZATION - " in line:
            # A progress indication during the long steps (dbt builds ~40 models).
            self.materialized += 1
            if self.materialized % PROGRESS_EVERY == 0:
                self._say(f"    ... {self.materialized} assets materialized")
            return
        match = _EVENT.search(line)
        if match:
            step, event = match["step"], match["event"]
            if event == "STEP_START":
                self._say(f"  {step} ...")
            elif event == "STEP_SUCCESS":
                took = _DURATION.search(line)
                self._say(f"  {step} done" + (f" in {took['took']}" if took else ""))
            else:
                self.failed_steps.append(step)
                self._say(f"  {step} FAILED")
                self._collecting = True
        elif line.startswith("Done. PASS="):
            self._say(f"    dbt build: {line.strip()[len('Done. ') :]}")

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def log_path(now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return LOCAL_STATE_DIR / "logs" / f"run-{stamp}.log"


def _lines(proc: subprocess.Popen[str]) -> Iterator[str]:
    assert proc.stdout is not None
    yield from proc.stdout


def report(lines: Iterable[str], log: TextIO, out: TextIO, verbose: bool) -> Progress:
    progress = Progress(out)
    for line in lines:
        log.write(line)
        if verbose:
            out.write(line)
        progress.feed(line)
    return progress


def run_job(verbose: bool = False, out: TextIO = sys.stdout) -> int:
    """Run the job; return its exit code after saying how it went."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    dagster = str(Path(sys.executable).with_name("dagster"))
    print(f"Running the {JOB} job (full log: {path})", file=out, flush=True)
    started = time.monotonic()
    with path.open("w") as log:
        proc = subprocess.Popen(
            [dagster, *COMMAND],
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        progress = report(_lines(proc), log, out, verbose)
        code = proc.wait()
    took = time.monotonic() - started
    if code == 0:
        print(f"The {JOB} job succeeded in {took:.0f} s.", file=out, flush=True)
        return 0
    steps = ", ".join(progress.failed_steps) or "before any step ran"
    print(f"The {JOB} job FAILED (step: {steps}) after {took:.0f} s.", file=out)
    for line in progress.failure_lines[-15:]:
        print(f"  | {line}", file=out)
    for cause in progress.causes:
        print(f"Cause: {cause}", file=out)
    print(f"More in {path}", file=out, flush=True)
    return code or 1
