"""The answer as an asset: the forecast's scenarios as a table and the chart, in the Dagster UI."""

import base64

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_dbt import get_asset_key_for_model

from dagster_spacex.assets.transform import dbt_spacex_models
from dagster_spacex.freshness import DAILY_FRESHNESS
from spacex_elt.answer import load_answer, scenarios_markdown, to_json
from spacex_elt.chart import chart_bytes
from spacex_elt.settings import LOCAL_STATE_DIR

ANSWER_MARTS = ("starlink_42k_forecast", "starlink_forecast_backtest", "starlink_in_orbit_daily")


@asset(
    name="starlink_42k_answer",
    group_name="answer",
    kinds={"python", "matplotlib"},
    deps=[get_asset_key_for_model([dbt_spacex_models], name) for name in ANSWER_MARTS],
    freshness_policy=DAILY_FRESHNESS,
    description="When will 42,000 Starlink satellites be in orbit? The forecast mart's scenarios "
    "as a table and a chart of the in-orbit series with each scenario's projection.",
)
def starlink_42k_answer(context: AssetExecutionContext) -> MaterializeResult:
    answer = load_answer()
    png = chart_bytes(answer, "png")
    chart_path = LOCAL_STATE_DIR / "answer" / "starlink_42k.png"
    chart_path.parent.mkdir(parents=True, exist_ok=True)
    chart_path.write_bytes(png)
    image = base64.b64encode(png).decode()
    summary = to_json(answer)
    return MaterializeResult(
        metadata={
            "as_of_date": str(answer.as_of_date),
            "source": answer.source,
            "satellites_in_orbit": answer.satellites_in_orbit,
            "scenarios": MetadataValue.md(
                f"**Data as of {answer.as_of_date}** ({answer.source})\n\n"
                + scenarios_markdown(answer)
            ),
            "chart": MetadataValue.md(f"![chart](data:image/png;base64,{image})"),
            "chart_path": MetadataValue.path(str(chart_path)),
            "answer": MetadataValue.json(summary),
            "stale": answer.stale,
        }
    )
