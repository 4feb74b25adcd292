"""The answer to "when will 42,000 Starlink satellites be in orbit?", read from the dbt marts.

One reader serves the ``spacex answer`` command and the Dagster answer asset, so both say the same.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import dict_row

from spacex_elt.postgres import connect
from spacex_elt.settings import LIVE_API_URL, Settings, load_settings

# The data is "stale" when its as-of date is further behind today than this.
STALE_AFTER_DAYS = 30


@dataclass
class Answer:
    as_of_date: dt.date
    source: str
    satellites_launched: int
    satellites_decayed: int
    satellites_in_orbit: int
    target_in_orbit: int
    scenarios: list[dict[str, Any]]
    backtest: list[dict[str, Any]]
    series: list[tuple[dt.date, int]] = field(repr=False)
    days_behind_today: int = 0
    tables: str = ""

    @property
    def stale(self) -> bool:
        return self.days_behind_today > STALE_AFTER_DAYS


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def describe_source(settings: Settings) -> str:
    host = urlsplit(settings.api_url).hostname or ""
    if settings.api_url.rstrip("/") == LIVE_API_URL:
        return f"live SpaceX API ({settings.api_url})"
    if host in ("127.0.0.1", "localhost", "::1"):
        return (
            "recorded snapshot of the SpaceX API (2021-04-22), served by the local mirror "
            f"at {settings.api_url}"
        )
    return f"SpaceX API at {settings.api_url}"


def load_answer(settings: Settings | None = None, today: dt.date | None = None) -> Answer:
    """Read the forecast, backtest and in-orbit series marts."""
    s = settings or load_settings()
    marts = f"{s.dbt_schema}_marts"
    with connect(s.postgres) as conn, conn.cursor(row_factory=dict_row) as cur:
        try:
            scenarios = cur.execute(
                f"select * from {marts}.starlink_42k_forecast order by scenario"
            ).fetchall()
            backtest = cur.execute(
                f"select * from {marts}.starlink_forecast_backtest order by scenario, cutoff_date"
            ).fetchall()
            series = cur.execute(
                f"select series_date, satellites_in_orbit from {marts}.starlink_in_orbit_daily "
                "order by series_date"
            ).fetchall()
        except psycopg.errors.UndefinedTable as err:
            raise LookupError(f"{err.diag.message_primary}: run the pipeline first") from None
    if not scenarios:
        raise LookupError(f"{marts}.starlink_42k_forecast is empty: run the pipeline first")
    first = scenarios[0]
    as_of = first["as_of_date"]
    today = today or dt.datetime.now(dt.timezone.utc).date()
    drop = {"transformation_updated_at"}
    return Answer(
        as_of_date=as_of,
        source=describe_source(s),
        satellites_launched=int(first["satellites_launched"]),
        satellites_decayed=int(first["satellites_decayed"]),
        satellites_in_orbit=int(first["satellites_in_orbit"]),
        target_in_orbit=int(first["target_in_orbit"]),
        scenarios=[{k: _plain(v) for k, v in row.items() if k not in drop} for row in scenarios],
        backtest=[{k: _plain(v) for k, v in row.items() if k not in drop} for row in backtest],
        series=[(row["series_date"], int(row["satellites_in_orbit"])) for row in series],
        days_behind_today=(today - as_of).days,
        tables=f"schemas {s.raw_schema}, {s.dbt_schema}_staging, {s.dbt_schema}_intermediate, "
        f"{marts} in postgresql://{s.postgres.host}:{s.postgres.port}/{s.postgres.database}",
    )


def to_json(answer: Answer) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in asdict(answer).items() if k != "series"}
    data["stale"] = answer.stale
    return data


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def scenarios_markdown(answer: Answer) -> str:
    """The scenarios as a markdown table (the README and the Dagster UI show it)."""
    lines = [
        "| scenario | launches / month | satellites / launch | monthly decay | "
        "launches to target | minimum launches (no losses) | projected date |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in answer.scenarios:
        decay = row.get("monthly_decay_rate")
        lines.append(
            f"| {row['scenario']} | {_fmt(row.get('launches_per_month'), 2)} | "
            f"{_fmt(row.get('satellites_per_launch'), 1)} | "
            f"{'n/a' if decay is None else f'{decay:.2%}'} | "
            f"{_fmt(row.get('launches_to_target')) if row.get('reaches_target') else 'never'} | "
            f"{_fmt(row.get('launches_needed'))} | "
            f"{row.get('projected_date') or 'never (levels off below target)'} |"
        )
    return "\n".join(lines)


def headline(answer: Answer) -> str:
    """One sentence: the range of projected dates, and the scenarios that never get there."""
    reached = sorted(
        (row["projected_date"], row["scenario"], row.get("launches_to_target"))
        for row in answer.scenarios
        if row.get("projected_date")
    )
    never = [row["scenario"] for row in answer.scenarios if not row.get("projected_date")]
    if not reached:
        return f"No scenario reaches {answer.target_in_orbit:,} satellites in orbit."
    (first, first_name, first_launches), (last, last_name, last_launches) = reached[0], reached[-1]
    text = (
        f"{answer.target_in_orbit:,} in orbit between {first} ({first_name}, "
        f"{_fmt(first_launches)} more launches) and {last} ({last_name}, {_fmt(last_launches)})"
    )
    if never:
        text += f"; never at the pace of {', '.join(never)}"
    return text + "."


def render_text(answer: Answer) -> str:
    out = [
        f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?",
        f"Data as of {answer.as_of_date} — source: {answer.source}",
    ]
    if answer.stale:
        out.append(
            f"NOTE: the data is {answer.days_behind_today:,} days old (the public SpaceX API "
            "stopped updating in 2022); the projection extrapolates from that date, not from today."
        )
    out += [
        f"Satellites launched: {answer.satellites_launched:,}   decayed: "
        f"{answer.satellites_decayed:,}   in orbit: {answer.satellites_in_orbit:,}",
        "",
        headline(answer),
        "",
        scenarios_markdown(answer),
    ]
    if answer.backtest:
        out += ["", "Backtest (same method on data cut earlier, predicting the as-of count):"]
        for row in answer.backtest:
            out.append(
                f"  {row['scenario']:<14} cut {row['cutoff_date']}: predicted "
                f"{_fmt(row.get('predicted_in_orbit'), 0)} vs actual "
                f"{_fmt(row.get('actual_in_orbit'), 0)} ({_fmt(row.get('error_pct'), 1)}%)"
            )
    out += ["", f'Tables: {answer.tables} (psql "$(spacex db url)")']
    return "\n".join(out)


def render_answer(fmt: str = "text", chart: str | None = None) -> str:
    answer = load_answer()
    if chart:
        from spacex_elt.chart import write_chart

        write_chart(answer, chart)
    if fmt == "json":
        return json.dumps(to_json(answer), indent=2)
    text = render_text(answer)
    return f"{text}\n\nChart written to {chart}" if chart else text
