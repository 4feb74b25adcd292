"""`spacex run` turns Dagster's output into one line per step, and a failure into its cause."""

from __future__ import annotations

import io

from spacex_elt.run import report

PREFIX = "2026-11-28 23:25:21 +0000 - dagster - DEBUG - spacex_elt - 83be9b82 - 25266 - "
SUCCESS = [
    PREFIX + 'meltano_extract_load - STEP_START - Started execution of step "x".\n',
    "a Meltano line nobody needs on the terminal\n",
    PREFIX + 'meltano_extract_load - STEP_SUCCESS - Finished execution of step "x" in 9.4s.\n',
    "Done. PASS=476 WARN=0 ERROR=0 SKIP=0 NO-OP=1 TOTAL=477\n",
]
FAILURE = [
    PREFIX + 'dbt_spacex_models - STEP_START - Started execution of step "dbt_spacex_models".\n',
    PREFIX.replace("DEBUG", "ERROR") + "dbt_spacex_models - STEP_FAILURE - Execution failed.\n",
    "\n",
    "dagster_dbt.errors.DagsterDbtCliRuntimeError: dbt build failed with exit code 1.\n",
    "  Database Error in model stg_satcat__spacetrack\n",
    "Stack Trace:\n",
    '  File "execute_plan.py", line 243\n',
]


def test_steps_and_the_dbt_summary_reach_the_terminal_everything_reaches_the_log():
    out, log = io.StringIO(), io.StringIO()
    progress = report(SUCCESS, log, out, verbose=False)
    assert out.getvalue().splitlines() == [
        "  meltano_extract_load ...",
        "  meltano_extract_load done in 9.4s",
        "    dbt build: PASS=476 WARN=0 ERROR=0 SKIP=0 NO-OP=1 TOTAL=477",
    ]
    assert log.getvalue() == "".join(SUCCESS) and not progress.failed_steps


def test_a_failed_step_keeps_its_own_error_not_the_stack_trace():
    progress = report(FAILURE, io.StringIO(), io.StringIO(), verbose=False)
    assert progress.failed_steps == ["dbt_spacex_models"]
    assert progress.failure_lines == [
        "dagster_dbt.errors.DagsterDbtCliRuntimeError: dbt build failed with exit code 1.",
        "  Database Error in model stg_satcat__spacetrack",
    ]


def test_the_last_lines_name_the_failed_step_and_its_cause():
    """The job's failure hook logs one line per failed step: it ends the terminal report."""
    hook = (
        PREFIX.replace("DEBUG", "ERROR") + "meltano_extract_load - FAILED step "
        "meltano_extract_load: MeltanoRunError: tap-spacex: RetriesExhaustedError: stream "
        "capsules: POST https://api.spacexdata.com/v4/capsules/query failed after 6 attempts\n"
    )
    progress = report([*FAILURE, hook], io.StringIO(), io.StringIO(), verbose=False)
    assert progress.causes == [
        "meltano_extract_load: MeltanoRunError: tap-spacex: RetriesExhaustedError: stream "
        "capsules: POST https://api.spacexdata.com/v4/capsules/query failed after 6 attempts"
    ]


def test_long_steps_show_progress():
    line = PREFIX + "dbt_spacex_models - ASSET_MATERIALIZATION - Materialized value x.\n"
    out = io.StringIO()
    progress = report([line] * 25, io.StringIO(), out, verbose=False)
    assert progress.materialized == 25
    assert out.getvalue().splitlines() == [
        "    ... 10 assets materialized",
        "    ... 20 assets materialized",
    ]


def test_a_step_longer_than_a_minute_says_how_long_it_took():
    """Dagster writes a step of over a minute as "1m8s" (the dbt step usually is)."""
    line = PREFIX + 'dbt_spacex_models - STEP_SUCCESS - Finished execution of step "x" in 1m8s.\n'
    out = io.StringIO()
    report([line], io.StringIO(), out, verbose=False)
    assert out.getvalue().splitlines() == ["  dbt_spacex_models done in 1m8s"]
