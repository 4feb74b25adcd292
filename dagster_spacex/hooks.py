"""What a failed step says last: one or two lines naming the step and its own cause.

Dagster's `dagster job execute` ends a failed run with "Run ... resulted in failure"; the step's
error is many screens up, among its stack trace. This hook logs, when a step fails, the step and
the first line of its error (for an extract-load, the tap's own final error, see
:class:`~dagster_spacex.resources.meltano.MeltanoRunError`) and where to read more, so they are
among the last lines of the run's output (only the run's own end follows).
"""

from dagster import Failure, HookContext, failure_hook

from spacex_elt.settings import LOCAL_STATE_DIR


def cause_of(exc: BaseException | None) -> str:
    """The first line of a step's error: a Failure's description, else the exception itself."""
    if exc is None:
        return "no error was recorded"
    text = exc.description if isinstance(exc, Failure) and exc.description else str(exc)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first}"[:400]


@failure_hook(name="say_why_the_step_failed")
def say_why_the_step_failed(context: HookContext) -> None:
    context.log.error(
        f"FAILED step {context.step_key}: {cause_of(context.op_exception)}\n"
        f"More: the step's error above, the Dagster UI (run {context.run_id}), or "
        f"{LOCAL_STATE_DIR / 'logs'} for `spacex run`."
    )
