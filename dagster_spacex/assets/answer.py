"""The answer as an asset: the headline with its band, the Starship scenario, what it would take,
the backtest's skill, the sources and the chart,
in the Dagster UI (the same reader and renderer as ``spacex answer``).

It runs whenever the dbt step rebuilt the marts it reads, so it never shows an answer from
another run than its marts. If one of those marts' own tests failed in this run (they run after
the table changed, so they cannot stop it), the answer is still rebuilt from what the marts now
hold, says so in its metadata, and then fails the run naming the checks.
"""

import base64
from collections.abc import Iterator

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    AssetExecutionContext,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import get_asset_key_for_model

from dagster_spacex.assets.transform import dbt_spacex_models
from dagster_spacex.freshness import DAILY_FRESHNESS
from spacex_elt.answer import (
    ANSWER_MARTS,
    headline_text,
    load_answer,
    method_text,
    skill_markdown,
    stale_note,
    starship_text,
    to_json,
    what_it_takes_markdown,
)
from spacex_elt.settings import LOCAL_STATE_DIR

__all__ = ["ANSWER_MARTS", "starlink_42k_answer"]


@asset(
    name="starlink_42k_answer",
    group_name="answer",
    kinds={"python", "matplotlib"},
    deps=[get_asset_key_for_model([dbt_spacex_models], name) for name in ANSWER_MARTS],
    freshness_policy=DAILY_FRESHNESS,
    description="When will 42,000 Starlink satellites be in orbit? The P50 date with its P10-P90 "
    "band and the launches it takes (the configuration chosen by the backtest rule in "
    "starlink_forecast_skill), the Starship scenario, what it would take by each target year, "
    "the backtest's skill table, the sources with their attribution, and a chart of the "
    "in-orbit series with the band from starlink_forecast_path.",
)
def starlink_42k_answer(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    failed = failed_mart_checks(context)
    answer = load_answer()
    # matplotlib is imported by the step that draws, not by every process loading the code location
    from spacex_elt.chart import chart_bytes

    png = chart_bytes(answer, "png")
    chart_path = LOCAL_STATE_DIR / "answer" / "starlink_42k.png"
    chart_path.parent.mkdir(parents=True, exist_ok=True)
    chart_path.write_bytes(png)
    image = base64.b64encode(png).decode()
    summary = to_json(answer)
    headline = answer.headline
    sources_md = "\n".join(f"* {source.line()}" for source in answer.sources)
    note = stale_note(answer)
    if failed:
        note = (
            f"**Checks failed on the marts this answer reads: {', '.join(failed)}.** The "
            "answer below is what those marts now hold; do not rely on it until they pass.\n\n"
            + (note or "")
        )
    yield MaterializeResult(
        metadata={
            "as_of_date": str(answer.as_of_date),
            "satellite_source": answer.satellite_source,
            "satellites_in_orbit": answer.satellites_in_orbit,
            "headline_configuration": str(headline.get("configuration")),
            "target_date_p50": str(
                headline.get("target_date_p50") or f"not before {headline.get('horizon_year')}"
            ),
            "in_orbit_12m_p50": headline.get("in_orbit_12m_p50") or 0,
            "headline": MetadataValue.md(
                f"**Data as of {answer.as_of_date}**: {answer.satellites_in_orbit:,} in orbit"
                + (f"\n\n{note}" if note else "")
                + "\n\n"
                + headline_text(answer).replace("\n  ", "\n\n")
                + "\n\n"
                + (starship_text(answer) or "").replace("\n  ", "\n\n")
                + f"\n\n{method_text(answer)}"
            ),
            "what_it_takes": MetadataValue.md(what_it_takes_markdown(answer)),
            "backtest": MetadataValue.md(skill_markdown(answer)),
            "sources": MetadataValue.md(sources_md),
            "attribution": "; ".join(answer.attributions) or "none required",
            "chart": MetadataValue.md(f"![chart](data:image/png;base64,{image})"),
            "chart_path": MetadataValue.path(str(chart_path)),
            "answer": MetadataValue.json(summary),
            "stale": answer.stale,
            "failed_mart_checks": MetadataValue.json(failed),
        }
    )
    if failed:
        raise Failure(
            description="The answer was rebuilt from its marts, but error-severity checks on "
            f"them failed in this run: {', '.join(failed)}",
            metadata={"failed_mart_checks": MetadataValue.json(failed)},
        )


def failed_mart_checks(context: AssetExecutionContext) -> list[str]:
    """``mart:check`` for every error-severity check on an answer mart that failed in this run."""
    records = context.instance.get_records_for_run(
        context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed = []
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event else None
        if not isinstance(evaluation, AssetCheckEvaluation) or evaluation.passed:
            continue
        if evaluation.severity != AssetCheckSeverity.ERROR:
            continue
        if evaluation.asset_key.path[-1] in ANSWER_MARTS:
            failed.append(f"{evaluation.asset_key.path[-1]}:{evaluation.check_name}")
    return sorted(set(failed))
