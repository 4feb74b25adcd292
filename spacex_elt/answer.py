"""The answer to "when will 42,000 Starlink satellites be in orbit?", read from the dbt marts.

One reader serves the ``spacex answer`` command and the Dagster answer asset, so both say the same.
Every number comes from the marts (``starlink_42k_forecast``, ``starlink_forecast_path``,
``starlink_forecast_skill``, ``starlink_what_it_takes``, ``starlink_in_orbit_daily``, the
authorisations seed; ``starlink_source_reconciliation`` for the SpaceX API's own last date when the
catalogue is the satellite source): no forecast arithmetic is done here, only reading, formatting
and the choice of words. Where each source was read from,
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

#: Cutoffs scored at the longest headline horizon below which the band is not trusted (the dbt
#: test assert_forecast_is_backtested_on_enough_cutoffs warns at the same number).
MIN_CUTOFFS_AT_LONGEST = 24

# The data is "stale" when its as-of date is further behind today than this.
STALE_AFTER_DAYS = 30

#: The marts the answer reads (the Dagster answer asset depends on exactly these).
ANSWER_MARTS = (
    "starlink_42k_forecast",
    "starlink_forecast_path",
    "starlink_forecast_skill",
    "starlink_what_it_takes",
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
class PathPoint:
    """One month-step of a scenario's path (``starlink_forecast_path``)."""

    date: dt.date
    predicted: float
    p10: float
    p50: float
    p90: float
    cumulative_launches: float


@dataclass
class Answer:
    as_of_date: dt.date
    forecast_start_date: dt.date
    satellite_source: str
    satellites_launched: int
    satellites_decayed: int
    satellites_in_orbit: int
    in_orbit_at_start: int
    target_in_orbit: int
    authorised_in_orbit: int
    #: starlink_42k_forecast, one row per scenario, the headline first
    scenarios: list[dict[str, Any]]
    #: starlink_forecast_skill, one row per (configuration, horizon), by skill rank
    skill: list[dict[str, Any]]
    #: starlink_what_it_takes, one row per (target year, launch class)
    what_it_takes: list[dict[str, Any]]
    #: the authorisations seed, by date
    authorisations: list[dict[str, Any]]
    sources: list[Source]
    #: starlink_in_orbit_daily: (date, satellites in orbit)
    series: list[tuple[dt.date, int]] = field(repr=False)
    #: starlink_forecast_path: scenario -> its month-steps from the forecast start
    paths: dict[str, list[PathPoint]] = field(repr=False, default_factory=dict)
    days_behind_today: int = 0
    tables: str = ""
    #: records of the satellite source set aside as unusable (starlink_quarantine)
    satellites_set_aside: int = 0
    quarantine_table: str = "starlink_quarantine"

    @property
    def set_aside_note(self) -> str | None:
        """``3 catalogue records set aside as unusable (see spacex_marts.starlink_quarantine)``."""
        if not self.satellites_set_aside:
            return None
        kind = "SpaceX API" if self.satellite_source == SPACEX_API else "catalogue"
        return (
            f"{self.satellites_set_aside:,} {kind} record(s) set aside as unusable (see "
            f"{self.quarantine_table}): in no count here"
        )

    @property
    def stale(self) -> bool:
        return self.days_behind_today > STALE_AFTER_DAYS

    @property
    def headline(self) -> dict[str, Any]:
        """The data-driven scenario (``is_headline`` in the forecast mart)."""
        return next((row for row in self.scenarios if row.get("is_headline")), self.scenarios[0])

    @property
    def starship(self) -> dict[str, Any] | None:
        return next((row for row in self.scenarios if row["scenario"] == "with_starship"), None)

    @property
    def attributions(self) -> list[str]:
        return [s.attribution for s in self.sources if s.attribution]

    @property
    def headline_skill(self) -> list[dict[str, Any]]:
        """The headline configuration's backtest rows, by horizon."""
        name = self.headline.get("configuration")
        return [row for row in self.skill if row["configuration"] == name]

    @property
    def headline_rule(self) -> str:
        horizons = self.headline.get("skill_horizons_months") or "headline"
        return (
            "the configuration with the smallest skill score, the mean over the "
            f"{horizons}-month horizons of (mean absolute % error + |mean signed % "
            "error|) of its rolling-origin backtest, so a biased configuration pays twice; ties go "
            "to the name that sorts first"
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


def _rows(cur: psycopg.Cursor[Any], sql: str) -> list[dict[str, Any]]:
    drop = {"transformation_updated_at"}
    return [{k: _plain(v) for k, v in row.items() if k not in drop} for row in cur.execute(sql)]


def load_answer(settings: Settings | None = None, today: dt.date | None = None) -> Answer:
    """Read the forecast, path, skill, what-it-takes, series and authorisation tables."""
    s = settings or load_settings()
    marts = f"{s.dbt_schema}_marts"
    seeds = f"{s.dbt_schema}_seeds"
    with connect(s.postgres) as conn, conn.cursor(row_factory=dict_row) as cur:
        try:
            scenarios = _rows(
                cur,
                f"select * from {marts}.starlink_42k_forecast order by is_headline desc, scenario",
            )
            skill = _rows(
                cur,
                f"select * from {marts}.starlink_forecast_skill "
                "order by skill_rank, horizon_months",
            )
            what_it_takes = _rows(
                cur,
                f"select * from {marts}.starlink_what_it_takes order by target_year, launch_class",
            )
            paths = cur.execute(
                "select scenario, path_date, predicted_in_orbit, in_orbit_p10, in_orbit_p50, "
                f"in_orbit_p90, cumulative_launches from {marts}.starlink_forecast_path "
                "order by scenario, months_after_start"
            ).fetchall()
            series = cur.execute(
                f"select series_date, satellites_in_orbit from {marts}.starlink_in_orbit_daily "
                "order by series_date"
            ).fetchall()
            authorisations = _rows(
                cur, f"select * from {seeds}.starlink_authorisations order by decision_date"
            )
        except psycopg.errors.UndefinedTable as err:
            raise LookupError(f"{err.diag.message_primary}: run the pipeline first") from None
        if not scenarios:
            raise LookupError(f"{marts}.starlink_42k_forecast is empty: run the pipeline first")
        first = scenarios[0]
        as_of = _as_date(first["as_of_date"]) or dt.date.min
        satellite_source = first.get("satellite_source") or SPACEX_API
        sources = _sources(cur, marts, satellite_source, as_of)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    by_scenario: dict[str, list[PathPoint]] = {row["scenario"]: [] for row in scenarios}
    for row in paths:
        by_scenario.setdefault(row["scenario"], []).append(
            PathPoint(
                row["path_date"],
                float(row["predicted_in_orbit"]),
                float(row["in_orbit_p10"]),
                float(row["in_orbit_p50"]),
                float(row["in_orbit_p90"]),
                float(row["cumulative_launches"]),
            )
        )
    return Answer(
        as_of_date=as_of,
        forecast_start_date=_as_date(first["forecast_start_date"]) or as_of,
        satellite_source=satellite_source,
        satellites_launched=int(first["satellites_launched"]),
        satellites_decayed=int(first["satellites_decayed"]),
        satellites_in_orbit=int(first["satellites_in_orbit"]),
        in_orbit_at_start=int(first["in_orbit_at_start"]),
        target_in_orbit=int(first["target_in_orbit"]),
        authorised_in_orbit=int(first["authorised_in_orbit"]),
        scenarios=scenarios,
        skill=skill,
        what_it_takes=what_it_takes,
        authorisations=authorisations,
        sources=sources,
        series=[(row["series_date"], int(row["satellites_in_orbit"])) for row in series],
        paths=by_scenario,
        days_behind_today=(today - as_of).days,
        satellites_set_aside=int(first.get("satellites_set_aside") or 0),
        quarantine_table=f"{marts}.starlink_quarantine",
        tables=f"schemas {s.raw_schema}, {s.catalogue.raw_schema}, {s.dbt_schema}_staging, "
        f"{s.dbt_schema}_intermediate, {marts}, {seeds} in "
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


def _int(value: Any) -> str:
    return "n/a" if value is None else f"{round(float(value)):,}"


def _month(value: Any) -> str | None:
    day = _as_date(value)
    return f"{day:%Y-%m}" if day else None


def _reached(answer: Answer, row: dict[str, Any], which: str) -> str:
    """``2031-09, after 886 launches`` or ``not before 2060``."""
    month = _month(row.get(f"target_date_{which}"))
    if not month:
        return f"not before {row.get('horizon_year')}"
    return f"{month}, after {_int(row.get(f'launches_to_target_{which}'))} launches"


def _levels(answer: Answer, scenario: str) -> str:
    """Where the scenario's P50 path ends, with its band (the fleet the launch rate can hold)."""
    path = answer.paths.get(scenario) or []
    if not path:
        return "no path"
    end = path[-1]
    return f"{end.p50:,.0f} in orbit in {end.date:%Y} (P10-P90 {end.p10:,.0f}-{end.p90:,.0f})"


def scenario_text(answer: Answer, row: dict[str, Any]) -> list[str]:
    """A scenario's dates, launches, 12-month band and the authorised total, in lines."""
    target = f"{answer.target_in_orbit:,}"
    p50 = _month(row.get("target_date_p50"))
    if p50:
        said = f"{target} in orbit in {_reached(answer, row, 'p50')} (P50)"
    else:
        said = (
            f"{target} not reached before {row.get('horizon_year')} (P50): the fleet levels off, "
            f"{_levels(answer, row['scenario'])}"
        )
    authorised = _month(row.get("authorised_date_p50"))
    return [
        said,
        f"earliest (P90 fleet): {_reached(answer, row, 'early')}; latest (P10 fleet): "
        f"{_reached(answer, row, 'late')}",
        f"in 12 months ({row.get('date_12m')}): {_int(row.get('in_orbit_12m_p50'))} in orbit "
        f"(P10-P90 {_int(row.get('in_orbit_12m_p10'))}-{_int(row.get('in_orbit_12m_p90'))})",
        f"the authorised total ({answer.authorised_in_orbit:,}) is passed at P50 "
        + (f"in {authorised}" if authorised else f"not before {row.get('horizon_year')}"),
    ]


def method_text(answer: Answer) -> str:
    """The method in one paragraph, with the measured inputs of the headline."""
    row = answer.headline
    skill = answer.headline_skill
    longest = max((int(r["horizon_months"]) for r in skill), default=None)
    cutoffs = row.get("backtest_cutoffs") or 0
    data = "the catalogue" if answer.satellite_source != SPACEX_API else "the SpaceX API"
    thin = ""
    scored = row.get("cutoffs_at_longest_headline_horizon") or 0
    if row.get("band_is_backtested") and scored < MIN_CUTOFFS_AT_LONGEST:
        thin = (
            f" CAUTION: only {scored or 'none'} of the {cutoffs} cutoffs could be scored at the "
            "longest horizon the rule weighs: the data is too short to calibrate the band, which "
            "is then far narrower than the real uncertainty."
        )
    if row.get("band_is_backtested"):
        chosen = (
            f"Chosen by rule, not by hand: {answer.headline_rule}, over {cutoffs} month-end "
            "cutoffs. The P10-P90 band is the backtest's own errors: the 10th, 50th and 90th "
            "percentile of actual / predicted at each horizon, interpolated between horizons and "
            f"grown with the square root of the horizon past {longest} months, up to one mean "
            "satellite life; P50 is the model corrected by its median error."
        )
    else:
        chosen = (
            "The data is too short for a backtest (no month-end cutoff with enough history "
            "before it), so this is the default configuration (dbt var "
            "starlink_fallback_configuration) alone, with no band."
        )
    slope = float(row.get("launches_per_month_slope") or 0)
    start_rate = float(row.get("launches_per_month_at_start") or 0)
    cadence = (
        f"{start_rate:.2f} launches a month at the start, {slope:+.2f} a month (the line through "
        f"the last {row.get('window_months')} months' launch counts)"
        if row.get("cadence_model") == "trend"
        else f"{start_rate:.2f} launches a month (the mean of the last "
        f"{row.get('window_months')} months)"
    )
    return (
        f"Method: one fleet model. Satellites in orbit survive by age on a Kaplan-Meier curve "
        f"measured from {data} (right-censored, test batches left out) with a fitted Weibull "
        f"tail past the ages it has seen; new satellites arrive as launches a month x "
        f"satellites per launch. Headline configuration {row['configuration']}: {cadence}, at "
        f"most {_fmt(row.get('launches_per_month_ceiling'), 0)}, "
        f"{float(row.get('satellites_per_launch') or 0):.1f} satellites a launch. It starts on "
        f"{answer.forecast_start_date}, the last launch {data} has named "
        f"({answer.in_orbit_at_start:,} in orbit then): new objects are named days after "
        f"launch, so the fleet on the as-of date misses its last launches. {chosen}{thin}"
    )


def skill_markdown(answer: Answer) -> str:
    """Mean absolute % error (bias, n) per configuration and horizon, by skill rank."""
    horizons = sorted({int(r["horizon_months"]) for r in answer.skill})
    cells = {(r["configuration"], int(r["horizon_months"])): r for r in answer.skill}
    configurations: list[dict[str, Any]] = []
    for row in answer.skill:
        if row["configuration"] not in {c["configuration"] for c in configurations}:
            configurations.append(row)
    lines = [
        "| rank | configuration | skill score | "
        + " | ".join(f"{h} months ahead" for h in horizons)
        + " |",
        "|---:|---|---:|" + "---:|" * len(horizons),
    ]
    for conf in configurations:
        name = conf["configuration"]
        shown = f"**{name}** (headline)" if conf.get("is_headline") else name
        out = []
        for h in horizons:
            cell = cells.get((name, h))
            out.append(
                f"{float(cell['mean_abs_pct_error']):.1f}% ({float(cell['mean_pct_error']):+.1f}%, "
                f"n={cell['cutoffs_scored']})"
                if cell and cell.get("mean_abs_pct_error") is not None
                else "n/a"
            )
        lines.append(
            f"| {conf.get('skill_rank')} | {shown} | {_fmt(conf.get('skill_score'), 2)} | "
            + " | ".join(out)
            + " |"
        )
    return "\n".join(lines)


def what_it_takes_markdown(answer: Answer) -> str:
    """Launches a month needed by each target year, per launch class, and the steady state."""
    lines = [
        "| by the end of | launch class | satellites / launch | launches / month | launches "
        "in all | steady state (launches / month) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in answer.what_it_takes:
        lines.append(
            f"| {row['target_year']} | {row['launch_class']} | "
            f"{float(row['satellites_per_launch']):.1f} | "
            f"{float(row['launches_per_month_needed']):.1f} | {_int(row['launches_needed'])} | "
            f"{float(row['steady_state_launches_per_month']):.1f} |"
        )
    return "\n".join(lines)


def authorisations_text(answer: Answer) -> list[str]:
    return [
        f"  {row['authority']} {row['generation']} {row['status']} {row['decision_date']}: "
        f"{int(row['satellites']):,}{' (counts)' if row['counts_toward_authorised'] else ''} "
        f"- {row['source_url']}"
        for row in answer.authorisations
    ]


def headline_text(answer: Answer) -> str:
    """The headline's answer in lines (text, the Dagster UI)."""
    row = answer.headline
    lines = scenario_text(answer, row)
    text = f"Answer ({row['configuration']}, the backtest's choice): {lines[0]}.\n"
    text += "".join(f"  {line}.\n" for line in lines[1:])
    text += (
        f"  Fewest launches possible (no satellite ever lost): "
        f"{_int(row.get('launches_needed_without_losses'))}."
    )
    return text


def starship_text(answer: Answer) -> str | None:
    row = answer.starship
    if not row:
        return None
    lines = scenario_text(answer, row)
    described = str(row["scenario_description"]).rstrip(".")
    return f"With Starship ({described}): {lines[0]}.\n" + "".join(
        f"  {line}.\n" for line in lines[1:]
    ).rstrip("\n")


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
    ]
    if answer.set_aside_note:
        out.append(f"NOTE: {answer.set_aside_note}.")
    out += [
        "",
        headline_text(answer),
    ]
    starship = starship_text(answer)
    if starship:
        out += [starship]
    out += ["", method_text(answer)]
    if answer.what_it_takes:
        out += [
            "",
            f"What it would take to have {answer.target_in_orbit:,} in orbit, with the losses "
            "measured (launches a month from the forecast start, replacements included):",
            "",
            what_it_takes_markdown(answer),
        ]
    if answer.skill:
        out += [
            "",
            "Backtest: every configuration re-run from every month-end cutoff with the data "
            "known then; mean absolute % error (mean signed error: negative = under-predicted; "
            "n = cutoffs):",
            "",
            skill_markdown(answer),
        ]
    if answer.authorisations:
        out += ["", f"Authorised total {answer.authorised_in_orbit:,} (rows marked 'counts'):"]
        out += authorisations_text(answer)
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
        "forecast_start_date": _plain(answer.forecast_start_date),
        "satellite_source": answer.satellite_source,
        "satellites_launched": answer.satellites_launched,
        "satellites_decayed": answer.satellites_decayed,
        "satellites_in_orbit": answer.satellites_in_orbit,
        "in_orbit_at_start": answer.in_orbit_at_start,
        "satellites_set_aside": answer.satellites_set_aside,
        "set_aside_note": answer.set_aside_note,
        "target_in_orbit": answer.target_in_orbit,
        "authorised_in_orbit": answer.authorised_in_orbit,
        "headline": {
            "configuration": row.get("configuration"),
            "target_date_p50": row.get("target_date_p50"),
            "target_date_early": row.get("target_date_early"),
            "target_date_late": row.get("target_date_late"),
            "launches_to_target_p50": row.get("launches_to_target_p50"),
            "launches_to_target_early": row.get("launches_to_target_early"),
            "launches_to_target_late": row.get("launches_to_target_late"),
            "launches_needed_without_losses": row.get("launches_needed_without_losses"),
            "date_12m": row.get("date_12m"),
            "in_orbit_12m": {
                "p10": row.get("in_orbit_12m_p10"),
                "p50": row.get("in_orbit_12m_p50"),
                "p90": row.get("in_orbit_12m_p90"),
            },
            "authorised_date_p50": row.get("authorised_date_p50"),
            "horizon_year": row.get("horizon_year"),
            "band_is_backtested": row.get("band_is_backtested"),
            "skill_score": row.get("skill_score"),
            "backtest_cutoffs": row.get("backtest_cutoffs"),
            "rule": answer.headline_rule,
            "text": headline_text(answer),
        },
        "method": method_text(answer),
        "scenarios": answer.scenarios,
        "skill": answer.skill,
        "what_it_takes": answer.what_it_takes,
        "authorisations": answer.authorisations,
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
