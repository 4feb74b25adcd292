"""The answer to "when will 42,000 Starlink satellites be in orbit?", read from the dbt marts.

One reader serves the ``spacex answer`` command and the Dagster answer asset, so both say the same.
Every number comes from the marts (``starlink_42k_forecast``, ``starlink_forecast_path``,
``starlink_forecast_backtest``, ``starlink_in_orbit_daily``; ``starlink_source_reconciliation`` for
the SpaceX API's own last date when the catalogue is the satellite source): no forecast arithmetic
is done here, only reading, formatting and the choice of words. Where each source was read from,
when, how many records and, when the server said it serves a recording, the recording's date,
come from ``starlink_data_provenance``: what the taps recorded at load time (their
``extract_provenance`` stream), never constants or the current settings.
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
from spacex_elt.settings import Settings, load_settings

# The data is "stale" when its as-of date is further behind today than this.
STALE_AFTER_DAYS = 30

#: The marts the answer reads (the Dagster answer asset depends on exactly these).
ANSWER_MARTS = (
    "starlink_42k_forecast",
    "starlink_forecast_path",
    "starlink_forecast_backtest",
    "starlink_in_orbit_daily",
    "starlink_source_reconciliation",
    "starlink_data_provenance",
)

#: Space-Track's User Agreement asks that the source be named wherever its data is shown.
SPACETRACK_ATTRIBUTION = "Source: USSPACECOM via Space-Track.org"

SPACEX_API = "spacex_api"
SPACETRACK = "spacetrack_satcat"
CELESTRAK = "celestrak_satcat"
SOURCE_NAMES = {
    SPACEX_API: "SpaceX API",
    SPACETRACK: "Space-Track.org satellite catalogue (SATCAT)",
    CELESTRAK: "CelesTrak satellite catalogue (SATCAT)",
}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Source:
    """Where part of the answer's data came from, as the tap recorded it when it loaded it."""

    key: str  # spacex_api, spacetrack_satcat or celestrak_satcat
    name: str
    role: str  # what the answer takes from it
    url: str | None  # the base URL the loaded records were read from (None: not recorded)
    extracted_at: dt.datetime | None  # when that extract finished, UTC
    data_through: dt.date | None  # the source's own latest date in the data
    attribution: str | None = None
    #: what the server said it serves (a recording; None from a live API)
    recording: str | None = None
    recording_date: dt.date | None = None
    records: int | None = None  # records read by that extract

    @property
    def local_mirror(self) -> bool:
        return (urlsplit(self.url or "").hostname or "") in LOCAL_HOSTS

    def line(self) -> str:
        where = self.url or "source URL not recorded (loaded before provenance was kept)"
        if self.recording_date:
            where += f" (serves a recording of {self.recording_date}: {self.recording})"
        elif self.recording:
            where += f" (serves a recording: {self.recording})"
        through = f"data through {self.data_through}" if self.data_through else "data through n/a"
        extracted = (
            f"extracted {self.extracted_at:%Y-%m-%d %H:%M} UTC"
            if self.extracted_at
            else "extraction time n/a"
        )
        if self.records is not None:
            extracted += f", {self.records:,} records"
        text = f"{self.role}: {self.name}, {where}; {through}; {extracted}"
        return f"{text}. {self.attribution}" if self.attribution else text


@dataclass
class Answer:
    as_of_date: dt.date
    satellite_source: str
    satellites_launched: int
    satellites_decayed: int
    satellites_in_orbit: int
    target_in_orbit: int
    #: starlink_42k_forecast, one row per scenario, headline first (by headline_rank)
    scenarios: list[dict[str, Any]]
    #: starlink_forecast_backtest, one row per (scenario, cutoff, horizon)
    backtest: list[dict[str, Any]]
    #: per (scenario, horizon): cutoffs scored, mean absolute and mean signed percent error
    backtest_summary: list[dict[str, Any]]
    sources: list[Source]
    #: starlink_in_orbit_daily: (date, satellites in orbit)
    series: list[tuple[dt.date, int]] = field(repr=False)
    #: starlink_forecast_path: scenario -> [(path date, predicted in orbit)], from the as-of date
    paths: dict[str, list[tuple[dt.date, float]]] = field(repr=False, default_factory=dict)
    days_behind_today: int = 0
    tables: str = ""

    @property
    def stale(self) -> bool:
        return self.days_behind_today > STALE_AFTER_DAYS

    @property
    def headline(self) -> dict[str, Any]:
        """The scenario the forecast mart marks ``is_headline`` (chosen there by rule)."""
        return next(
            (row for row in self.scenarios if row.get("is_headline")),
            min(self.scenarios, key=lambda row: row.get("headline_rank") or 0),
        )

    @property
    def attributions(self) -> list[str]:
        return [s.attribution for s in self.sources if s.attribution]

    @property
    def backtest_cutoff_months(self) -> list[int]:
        return sorted({int(row["months_before_as_of"]) for row in self.backtest})

    @property
    def headline_rule(self) -> str:
        horizon = self.headline.get("backtest_horizon_months")
        cutoffs = ", ".join(str(m) for m in self.backtest_cutoff_months) or "no"
        return (
            "the scenario with the smallest mean absolute percent error of its "
            f"{horizon}-month-ahead predictions in the backtest (the same method run from "
            f"{cutoffs} months before the as-of date; cutoffs whose actual fleet was 0 left "
            "out); ties go to the name that sorts first"
        )


# --- reading the marts ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _provenance(cur: psycopg.Cursor[Any], marts: str) -> dict[str, dict[str, Any]]:
    """source -> its latest extract as the tap recorded it (``starlink_data_provenance``)."""
    relation = f"{marts}.starlink_data_provenance"
    if not _relation_exists(cur, relation):
        return {}
    rows = cur.execute(f"select * from {relation}").fetchall()
    return {row["source"]: row for row in rows}


def _utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # loaded as UTC


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _source(
    provenance: dict[str, dict[str, Any]],
    key: str,
    role: str,
    data_through: dt.date | None,
    attribution: str | None = None,
) -> Source:
    row = provenance.get(key) or {}
    records = row.get("records_total")
    return Source(
        key,
        SOURCE_NAMES.get(key, key),
        role,
        row.get("base_url"),
        _utc(row.get("finished_at")),
        data_through,
        attribution,
        recording=row.get("recording"),
        recording_date=_as_date(row.get("recording_date")),
        records=None if records is None else int(records),
    )


def _relation_exists(cur: psycopg.Cursor[Any], name: str) -> bool:
    row = cur.execute("select to_regclass(%s) is not null as present", (name,)).fetchone()
    return bool(row and row["present"])


def _sources(
    cur: psycopg.Cursor[Any], marts: str, satellite_source: str, as_of: dt.date
) -> list[Source]:
    provenance = _provenance(cur, marts)
    if satellite_source == SPACEX_API:
        return [_source(provenance, SPACEX_API, "Satellites and launches", as_of)]
    catalogue = _source(
        provenance,
        satellite_source,
        "Satellites (launch and decay dates)",
        as_of,
        SPACETRACK_ATTRIBUTION if satellite_source == SPACETRACK else None,
    )
    # The SpaceX API still names the launches and gives the satellite versions (the decay rate
    # leaves out the v0.9 test batch); its own last date is in the reconciliation mart.
    spacex_through = None
    reconciliation = f"{marts}.starlink_source_reconciliation"
    if _relation_exists(cur, reconciliation):
        row = cur.execute(f"select max(spacex_as_of_date) as d from {reconciliation}").fetchone()
        spacex_through = row["d"] if row else None
    sources = [catalogue]
    if SPACEX_API in provenance or spacex_through:
        sources.append(
            _source(provenance, SPACEX_API, "Launch names and satellite versions", spacex_through)
        )
    return sources


def load_answer(settings: Settings | None = None, today: dt.date | None = None) -> Answer:
    """Read the forecast, path, backtest and in-orbit series marts."""
    s = settings or load_settings()
    marts = f"{s.dbt_schema}_marts"
    with connect(s.postgres) as conn, conn.cursor(row_factory=dict_row) as cur:
        try:
            scenarios = cur.execute(
                f"select * from {marts}.starlink_42k_forecast order by headline_rank, scenario"
            ).fetchall()
            paths = cur.execute(
                f"select scenario, path_date, predicted_in_orbit from {marts}."
                "starlink_forecast_path order by scenario, months_after_as_of"
            ).fetchall()
            backtest = cur.execute(
                f"select * from {marts}.starlink_forecast_backtest "
                "order by scenario, cutoff_date, horizon_months"
            ).fetchall()
            # avg() skips the null percent errors of cutoffs whose actual fleet was 0, as the
            # headline rule does
            summary = cur.execute(
                "select scenario, horizon_months, count(abs_error_pct) as cutoffs_scored, "
                "round(avg(abs_error_pct), 2) as mean_abs_error_pct, "
                "round(avg(error_pct), 2) as mean_error_pct "
                f"from {marts}.starlink_forecast_backtest group by scenario, horizon_months "
                "order by scenario, horizon_months"
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
        satellite_source = first.get("satellite_source") or SPACEX_API
        sources = _sources(cur, marts, satellite_source, as_of)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    drop = {"transformation_updated_at"}
    rank = {row["scenario"]: row["headline_rank"] for row in scenarios}
    by_scenario: dict[str, list[tuple[dt.date, float]]] = {row["scenario"]: [] for row in scenarios}
    for row in paths:
        by_scenario.setdefault(row["scenario"], []).append(
            (row["path_date"], float(row["predicted_in_orbit"]))
        )
    return Answer(
        as_of_date=as_of,
        satellite_source=satellite_source,
        satellites_launched=int(first["satellites_launched"]),
        satellites_decayed=int(first["satellites_decayed"]),
        satellites_in_orbit=int(first["satellites_in_orbit"]),
        target_in_orbit=int(first["target_in_orbit"]),
        scenarios=[{k: _plain(v) for k, v in row.items() if k not in drop} for row in scenarios],
        backtest=[{k: _plain(v) for k, v in row.items() if k not in drop} for row in backtest],
        backtest_summary=sorted(
            ({k: _plain(v) for k, v in row.items()} for row in summary),
            key=lambda row: (rank.get(row["scenario"], 0), row["horizon_months"]),
        ),
        sources=sources,
        series=[(row["series_date"], int(row["satellites_in_orbit"])) for row in series],
        paths=by_scenario,
        days_behind_today=(today - as_of).days,
        tables=f"schemas {s.raw_schema}, {s.catalogue.raw_schema}, {s.dbt_schema}_staging, "
        f"{s.dbt_schema}_intermediate, {marts} in "
        f"postgresql://{s.postgres.host}:{s.postgres.port}/{s.postgres.database}",
    )


# --- rendering ------------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _pct(value: Any, digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value):.{digits}f}%"


def _levels_off(row: dict[str, Any]) -> str:
    """Why a scenario never gets there, in words (from the mart's own equilibrium)."""
    equilibrium = row.get("equilibrium_in_orbit")
    if equilibrium is not None:
        return f"levels off at about {float(equilibrium):,.0f}"
    return "not there by the end of the forecast horizon"


def _never(row: dict[str, Any]) -> str:
    return f"never ({_levels_off(row)})"


def _cadence(row: dict[str, Any]) -> str:
    """Launches per month; a trend: the fitted rate now, its monthly change and its ceiling."""
    fitted = row.get("cadence_fitted_per_month")
    if row.get("cadence_model") == "trend_capped" and fitted is not None:
        slope = float(row.get("cadence_slope_per_month") or 0)
        ceiling = row.get("cadence_ceiling_per_month")
        text = f"{float(fitted):.2f}, {slope:+.2f} a month"
        return text + (f", at most {float(ceiling):g}" if ceiling is not None else "")
    return _fmt(row.get("launches_per_month"), 2)


def _losses(row: dict[str, Any]) -> str:
    if row.get("decay_model") == "cohort_lifetime":
        lifetime = row.get("operational_lifetime_months")
        basis = row.get("lifetime_basis")
        return f"retire at {_fmt(lifetime, 1)} months" + (f" ({basis})" if basis else "")
    if row.get("decay_model") == "net_trend":
        return "in the trend"
    rate = row.get("monthly_decay_rate")
    return "n/a" if rate is None else f"{float(rate):.2%} / month"


def scenarios_markdown(answer: Answer) -> str:
    """Every scenario as a markdown table, headline first (README and Dagster UI show it)."""
    horizon = answer.headline.get("backtest_horizon_months")
    lines = [
        "| rank | scenario | launches / month | satellites / launch | losses | "
        "launches to target | minimum launches (no losses) | projected date | "
        f"backtest error ({horizon} months) |",
        "|---:|---|---:|---:|---|---:|---:|---|---:|",
    ]
    for row in answer.scenarios:
        name = f"**{row['scenario']}** (headline)" if row.get("is_headline") else row["scenario"]
        reached = row.get("reaches_target") and row.get("projected_date")
        lines.append(
            f"| {row.get('headline_rank')} | {name} | {_cadence(row)} | "
            f"{_fmt(row.get('satellites_per_launch'), 1)} | {_losses(row)} | "
            f"{_fmt(row.get('launches_to_target')) if reached else 'never'} | "
            f"{_fmt(row.get('launches_needed'))} | "
            f"{row['projected_date'] if reached else _never(row)} | "
            f"{_pct(row.get('backtest_mean_abs_pct_error'), 2)} |"
        )
    return "\n".join(lines)


def backtest_markdown(answer: Answer) -> str:
    """Mean absolute percent error per scenario and horizon (mean signed error in brackets)."""
    horizons = sorted({int(row["horizon_months"]) for row in answer.backtest_summary})
    cells = {(r["scenario"], int(r["horizon_months"])): r for r in answer.backtest_summary}
    lines = [
        "| scenario | " + " | ".join(f"{h} months ahead" for h in horizons) + " |",
        "|---|" + "---:|" * len(horizons),
    ]
    for row in answer.scenarios:
        out = []
        for h in horizons:
            cell = cells.get((row["scenario"], h))
            if not cell or not cell.get("cutoffs_scored"):
                out.append("n/a")
                continue
            out.append(
                f"{_pct(cell['mean_abs_error_pct'])} ({float(cell['mean_error_pct']):+.1f}%, "
                f"n={cell['cutoffs_scored']})"
            )
        lines.append(f"| {row['scenario']} | " + " | ".join(out) + " |")
    return "\n".join(lines)


def headline_text(answer: Answer) -> str:
    """The headline scenario's answer, the rule that chose it and its backtest error."""
    row, target = answer.headline, answer.target_in_orbit
    if row.get("reaches_target") and row.get("projected_date"):
        said = (
            f"{target:,} in orbit on {row['projected_date']}, after "
            f"{_fmt(row.get('launches_to_target'))} more launches"
        )
    else:
        said = (
            f"never reaches {target:,} at this pace: the fleet {_levels_off(row)} "
            f"(the no-loss minimum would be {_fmt(row.get('launches_needed'))} launches)"
        )
    error = row.get("backtest_mean_abs_pct_error")
    cutoffs = row.get("backtest_cutoffs")
    return (
        f"Headline ({row['scenario']}): {said}.\n"
        f"  Chosen by rule, not by hand: {answer.headline_rule}.\n"
        f"  Its backtest error: {_pct(error, 2)} mean absolute error "
        f"{row.get('backtest_horizon_months')} months ahead, over {cutoffs} cutoff(s)."
    )


def range_text(answer: Answer) -> str:
    """The range of projected dates across the scenarios, and those that never get there."""
    reached = sorted(
        (row["projected_date"], row["scenario"], row.get("launches_to_target"))
        for row in answer.scenarios
        if row.get("reaches_target") and row.get("projected_date")
    )
    never = [
        row["scenario"]
        for row in answer.scenarios
        if row["scenario"] not in {r[1] for r in reached}
    ]
    count = len(answer.scenarios)
    if not reached:
        return f"Across the {count} scenarios: none reaches {answer.target_in_orbit:,}."
    (first, first_name, first_launches), (last, last_name, last_launches) = reached[0], reached[-1]
    text = (
        f"Across the {count} scenarios: {answer.target_in_orbit:,} in orbit between {first} "
        f"({first_name}, {_fmt(first_launches)} launches) and {last} ({last_name}, "
        f"{_fmt(last_launches)} launches)"
    )
    if never:
        text += f"; never at the pace of {', '.join(never)}"
    return text + "."


def stale_note(answer: Answer) -> str | None:
    if not answer.stale:
        return None
    why = ""
    if answer.satellite_source == SPACEX_API:
        why = " (the public SpaceX API stopped updating in 2022)"
    elif recorded := next(
        (s for s in answer.sources if s.key == answer.satellite_source and s.recording_date), None
    ):
        why = f" (the catalogue was read from a recording of {recorded.recording_date})"
    return (
        f"NOTE: the data is {answer.days_behind_today:,} days old{why}; the projection "
        "extrapolates from that date, not from today."
    )


def render_text(answer: Answer) -> str:
    out = [
        f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?",
        f"Data as of {answer.as_of_date} (the data's own last date, never today); satellites from "
        f"{SOURCE_NAMES.get(answer.satellite_source, answer.satellite_source)}",
    ]
    note = stale_note(answer)
    if note:
        out.append(note)
    out += [
        f"Satellites launched: {answer.satellites_launched:,}   decayed: "
        f"{answer.satellites_decayed:,}   in orbit: {answer.satellites_in_orbit:,}",
        "",
        headline_text(answer),
        range_text(answer),
        "",
        scenarios_markdown(answer),
    ]
    if answer.backtest_summary:
        months = ", ".join(str(m) for m in answer.backtest_cutoff_months)
        out += [
            "",
            f"Backtest: the same method run from {months} months before the as-of date, each "
            "run's predicted fleet compared with the actual one; mean absolute percent error "
            "(mean signed error: negative = under-predicted; n = cutoffs with a fleet above 0):",
            "",
            backtest_markdown(answer),
        ]
    out += ["", "Sources:"]
    out += [f"  {source.line()}" for source in answer.sources]
    out += ["", f'Tables: {answer.tables} (psql "$(spacex db url)")']
    return "\n".join(out)


def _source_json(source: Source) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in asdict(source).items()}
    data["local_mirror"] = source.local_mirror
    return data


def to_json(answer: Answer) -> dict[str, Any]:
    row = answer.headline
    return {
        "question": f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?",
        "as_of_date": _plain(answer.as_of_date),
        "satellite_source": answer.satellite_source,
        "satellites_launched": answer.satellites_launched,
        "satellites_decayed": answer.satellites_decayed,
        "satellites_in_orbit": answer.satellites_in_orbit,
        "target_in_orbit": answer.target_in_orbit,
        "headline_scenario": {
            "name": row["scenario"],
            "reaches_target": row.get("reaches_target"),
            "projected_date": row.get("projected_date"),
            "launches_to_target": row.get("launches_to_target"),
            "launches_needed": row.get("launches_needed"),
            "equilibrium_in_orbit": row.get("equilibrium_in_orbit"),
            "backtest_mean_abs_pct_error": row.get("backtest_mean_abs_pct_error"),
            "backtest_horizon_months": row.get("backtest_horizon_months"),
            "backtest_cutoffs": row.get("backtest_cutoffs"),
            "rule": answer.headline_rule,
        },
        "range": range_text(answer),
        "scenarios": answer.scenarios,
        "backtest": answer.backtest,
        "backtest_summary": answer.backtest_summary,
        "sources": [_source_json(source) for source in answer.sources],
        "attribution": answer.attributions,
        "days_behind_today": answer.days_behind_today,
        "stale": answer.stale,
        "tables": answer.tables,
    }


def render_answer(fmt: str = "text", chart: str | None = None) -> str:
    answer = load_answer()
    if chart:
        from spacex_elt.chart import write_chart

        write_chart(answer, chart)
    if fmt == "json":
        return json.dumps(to_json(answer), indent=2)
    text = render_text(answer)
    return f"{text}\n\nChart written to {chart}" if chart else text
