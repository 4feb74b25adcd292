"""The answer's text, JSON and chart, rendered from an Answer built in Python (no database).

The integration tests (tests/integration/test_answer.py) read a warehouse the session fixture
loaded from the SpaceX API only; here the answer is the catalogue's (as of 2025-06-18, 7,721 in
orbit, Space-Track as the satellite source), so the attribution Space-Track requires and the
wording of a headline that never reaches the target are covered too.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from spacex_elt.answer import (
    ANSWER_MARTS,
    SPACETRACK_ATTRIBUTION,
    Answer,
    Source,
    render_text,
    to_json,
)

# Imported here, at collection, not inside a test: matplotlib may build its font cache on first
# import (with a subprocess); rendering itself starts no process.
from spacex_elt.chart import build_figure, chart_bytes, scenario_styles  # noqa: E402

AS_OF = dt.date(2025, 6, 18)
EXTRACTED = dt.datetime(2025, 6, 21, 17, 5, tzinfo=dt.timezone.utc)

# (scenario, rank, launches/month, sats/launch, decay model, method, rate, equilibrium,
#  launches to target, minimum launches, projected date, 12-month backtest MAPE)
SCENARIOS = [
    ("trailing_24m", 1, 7.71, 23.17, "proportional", "closed_form", 0.0057, 31084.1, None, 1480,
     None, 8.75),
    ("cohort_lifetime", 2, 8.25, 22.92, "cohort_lifetime", "monthly_path", 0.0085, 11442.9, None,
     1496, None, 9.47),
    ("trailing_12m_no_decay", 3, 8.25, 22.92, "none", "closed_form", 0.0, None, 1496, 1496,
     "2040-07-27", 10.70),
    ("linear_trend", 4, 8.25, 22.92, "net_trend", "closed_form", 0.0085, None, 2255, 1496,
     "2048-03-27", 11.28),
    ("trailing_12m", 5, 8.25, 22.92, "proportional", "closed_form", 0.0085, 22198.5, None, 1496,
     None, 11.31),
    ("cadence_trend", 6, 7.71, 22.92, "proportional", "monthly_path", 0.0057, 47860.5, 4024, 1496,
     "2053-07-24", 22.87),
]  # fmt: skip


def _scenario(values: tuple, source: str) -> dict:
    name, rank, lpm, spl, model, method, rate, eq, to_target, needed, date, mape = values
    return {
        "scenario": name,
        "as_of_date": AS_OF.isoformat(),
        "satellite_source": source,
        "satellites_launched": 8848,
        "satellites_decayed": 1127,
        "satellites_in_orbit": 7721,
        "target_in_orbit": 42000,
        "launches_per_month": lpm,
        "satellites_per_launch": spl,
        "decay_model": model,
        "cadence_model": "trend_capped" if name == "cadence_trend" else "constant",
        "projection_method": method,
        "monthly_decay_rate": rate,
        "cadence_slope_per_month": 0.143 if name == "cadence_trend" else None,
        "cadence_fitted_per_month": 9.353 if name == "cadence_trend" else None,
        "cadence_ceiling_per_month": 12 if name == "cadence_trend" else None,
        "operational_lifetime_months": 60.5175 if model == "cohort_lifetime" else None,
        "lifetime_basis": "measured" if model == "cohort_lifetime" else None,
        "equilibrium_in_orbit": eq,
        "reaches_target": date is not None,
        "launches_needed": needed,
        "launches_to_target": to_target,
        "projected_date": date,
        "is_headline": rank == 1,
        "headline_rank": rank,
        "backtest_horizon_months": 12,
        "backtest_mean_abs_pct_error": mape,
        "backtest_cutoffs": 4,
    }


def catalogue_answer(source: str = "spacetrack_satcat", days_behind: int = 300) -> Answer:
    """A catalogue-mode answer shaped like load_answer's (values as the marts give them)."""
    scenarios = [_scenario(values, source) for values in SCENARIOS]
    backtest, summary = [], []
    for row in scenarios:
        for months, cutoff in ((12, dt.date(2024, 6, 18)), (24, dt.date(2023, 6, 18))):
            backtest.append(
                {
                    "scenario": row["scenario"],
                    "cutoff_date": cutoff.isoformat(),
                    "months_before_as_of": months,
                    "horizon_months": 12,
                    "predicted_in_orbit": 7000,
                    "actual_in_orbit": 7721,
                    "error": -721,
                    "abs_error_pct": 9.34,
                    "error_pct": -9.34,
                }
            )
        for horizon in (6, 12, 24):
            summary.append(
                {
                    "scenario": row["scenario"],
                    "horizon_months": horizon,
                    "cutoffs_scored": 4 if horizon < 24 else 3,
                    "mean_abs_error_pct": row["backtest_mean_abs_pct_error"],
                    "mean_error_pct": -1.5,
                }
            )
    satellites = Source(
        source,
        "Space-Track.org satellite catalogue (SATCAT)"
        if source == "spacetrack_satcat"
        else "CelesTrak satellite catalogue (SATCAT)",
        "Satellites (launch and decay dates)",
        "https://www.space-track.org" if source == "spacetrack_satcat" else "https://celestrak.org",
        EXTRACTED,
        AS_OF,
        SPACETRACK_ATTRIBUTION if source == "spacetrack_satcat" else None,
        records=8848,
    )
    spacex = Source(
        "spacex_api",
        "SpaceX API",
        "Launch names and satellite versions",
        "http://127.0.0.1:18765/v4",
        EXTRACTED,
        dt.date(2021, 4, 21),
        recording="SpaceX API recording (r/SpaceX API)",
        recording_date=dt.date(2021, 4, 22),
        records=1924,
    )
    series = [(dt.date(2019, 5, 24) + dt.timedelta(days=30 * i), 60 + 40 * i) for i in range(0, 74)]
    series.append((AS_OF, 7721))
    months = [divmod(2025 * 12 + 5 + k, 12) for k in range(300)]  # June 2025 onwards
    paths = {
        row["scenario"]: [
            (dt.date(year, month + 1, 18), 7721.0 + (100 + 10 * i) * k)
            for k, (year, month) in enumerate(months)
        ]
        for i, row in enumerate(scenarios)
    }
    return Answer(
        as_of_date=AS_OF,
        satellite_source=source,
        satellites_launched=8848,
        satellites_decayed=1127,
        satellites_in_orbit=7721,
        target_in_orbit=42000,
        scenarios=scenarios,
        backtest=backtest,
        backtest_summary=summary,
        sources=[satellites, spacex],
        series=series,
        paths=paths,
        days_behind_today=days_behind,
        tables="schemas spacex_raw, satcat_raw, spacex_marts",
    )


def test_text_names_as_of_counts_headline_rule_and_range():
    text = render_text(catalogue_answer())
    assert "Data as of 2025-06-18" in text
    assert "Satellites launched: 8,848   decayed: 1,127   in orbit: 7,721" in text
    # the headline never gets there: say so, with the level it settles at and the no-loss minimum
    assert (
        "Headline (trailing_24m): never reaches 42,000 at this pace: the fleet levels off at "
        "about 31,084 (the no-loss minimum would be 1,480 launches)." in text
    )
    assert (
        "Chosen by rule, not by hand: the scenario with the smallest mean absolute percent " in text
    )
    assert "12-month-ahead predictions in the backtest" in text
    assert "run from 12, 24 months before the as-of date" in text
    assert (
        "Its backtest error: 8.75% mean absolute error 12 months ahead, over 4 cutoff(s)." in text
    )
    assert (
        "Across the 6 scenarios: 42,000 in orbit between 2040-07-27 (trailing_12m_no_decay, "
        "1,496 launches) and 2053-07-24 (cadence_trend, 4,024 launches); never at the pace of "
        "trailing_24m, cohort_lifetime, trailing_12m." in text
    )
    assert "NOTE: the data is 300 days old" in text


def test_text_table_has_every_scenario_headline_first():
    text = render_text(catalogue_answer())
    table = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [line.split("|")[2].strip() for line in table] == [
        "**trailing_24m** (headline)",
        "cohort_lifetime",
        "trailing_12m_no_decay",
        "linear_trend",
        "trailing_12m",
        "cadence_trend",
    ]
    assert "retire at 60.5 months (measured)" in table[1]
    assert "| 2040-07-27 |" in table[2] and "| 1,496 |" in table[2]
    assert "never (levels off at about 31,084)" in table[0]
    assert "9.35, +0.14 a month, at most 12" in table[5]  # the rising cadence, in words
    backtest = text.split("Backtest:")[1]
    assert "| 6 months ahead | 12 months ahead | 24 months ahead |" in backtest
    assert "| trailing_24m | 8.8% (-1.5%, n=4) | 8.8% (-1.5%, n=4) | 8.8% (-1.5%, n=3) |" in (
        backtest
    )


def test_text_sources_carry_the_space_track_attribution():
    text = render_text(catalogue_answer())
    lines = [line.strip() for line in text.split("Sources:")[1].strip().splitlines()]
    satellites = lines[0]
    assert satellites.startswith("Satellites (launch and decay dates): Space-Track.org")
    assert "https://www.space-track.org" in satellites
    assert "data through 2025-06-18" in satellites
    assert "extracted 2025-06-21 17:05 UTC, 8,848 records" in satellites
    assert satellites.endswith("Source: USSPACECOM via Space-Track.org")
    assert lines[1].startswith("Launch names and satellite versions: SpaceX API")
    assert (
        "http://127.0.0.1:18765/v4 (serves a recording of 2021-04-22: SpaceX API recording "
        "(r/SpaceX API))" in lines[1]
    )
    assert "data through 2021-04-21" in lines[1]
    assert text.count("USSPACECOM") == 1


def test_celestrak_needs_no_space_track_attribution():
    answer = catalogue_answer(source="celestrak_satcat")
    text = render_text(answer)
    assert "CelesTrak satellite catalogue" in text and "USSPACECOM" not in text
    assert to_json(answer)["attribution"] == []


def test_json_keys_headline_and_sources():
    data = to_json(catalogue_answer())
    json.dumps(data)  # serializable as it is
    assert {
        "as_of_date",
        "satellites_in_orbit",
        "headline_scenario",
        "scenarios",
        "sources",
        "backtest",
    } <= data.keys()
    assert (data["as_of_date"], data["satellites_in_orbit"]) == ("2025-06-18", 7721)
    assert data["satellite_source"] == "spacetrack_satcat"
    headline = data["headline_scenario"]
    assert headline["name"] == "trailing_24m"
    assert headline["projected_date"] is None and headline["launches_to_target"] is None
    assert headline["reaches_target"] is False
    assert headline["backtest_mean_abs_pct_error"] == 8.75
    assert headline["rule"].startswith("the scenario with the smallest mean absolute percent")
    assert [s["scenario"] for s in data["scenarios"]][0] == "trailing_24m"
    assert len(data["scenarios"]) == 6
    satellites, spacex = data["sources"]
    assert satellites == {
        "key": "spacetrack_satcat",
        "name": "Space-Track.org satellite catalogue (SATCAT)",
        "role": "Satellites (launch and decay dates)",
        "url": "https://www.space-track.org",
        "extracted_at": "2025-06-21T17:05:00+00:00",
        "data_through": "2025-06-18",
        "attribution": "Source: USSPACECOM via Space-Track.org",
        "recording": None,
        "recording_date": None,
        "records": 8848,
        "local_mirror": False,
    }
    assert spacex["attribution"] is None and spacex["local_mirror"] is True
    assert spacex["recording_date"] == "2021-04-22"
    assert data["attribution"] == ["Source: USSPACECOM via Space-Track.org"]
    assert data["stale"] is True


def test_a_headline_that_reaches_the_target():
    answer = catalogue_answer()
    for row in answer.scenarios:
        row["is_headline"] = row["scenario"] == "linear_trend"
    text = render_text(answer)
    assert "Headline (linear_trend): 42,000 in orbit on 2048-03-27, after 2,255 more launches." in (
        text
    )
    assert to_json(answer)["headline_scenario"]["projected_date"] == "2048-03-27"


def test_fresh_data_has_no_stale_note():
    assert "NOTE:" not in render_text(catalogue_answer(days_behind=3))


def test_a_source_loaded_before_provenance_was_kept_says_so():
    """No load-time record: the answer says the URL is unknown; it never guesses from settings."""
    source = Source("spacex_api", "SpaceX API", "Satellites and launches", None, None, AS_OF)
    assert "source URL not recorded" in source.line() and "extraction time n/a" in source.line()


def test_the_answer_reads_the_path_mart():
    assert "starlink_forecast_path" in ANSWER_MARTS


def test_chart_shows_every_scenario_the_target_and_the_attribution():
    answer = catalogue_answer()
    styles = scenario_styles(answer)
    assert len({s["color"] for s in styles.values()}) == 6  # a colour for every scenario
    assert styles["trailing_24m"]["linewidth"] > styles["linear_trend"]["linewidth"]
    fig = build_figure(answer)
    full, zoom = fig.axes
    # the zoomed panel ends a few years after the as-of date and is scaled to what it shows
    assert zoom.get_xlim()[1] < full.get_xlim()[1]
    assert zoom.get_ylim()[1] < answer.target_in_orbit
    svg = chart_bytes(answer, "svg").decode()
    assert "Source: USSPACECOM via Space-Track.org" in svg
    for row in answer.scenarios:
        assert row["scenario"] in svg
    assert "target: 42,000 in orbit" in svg and "in orbit (data)" in svg
    png = chart_bytes(answer, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"USSPACECOM via Space-Track.org" in png


@pytest.mark.parametrize("name", ["chart.gif", "chart"])
def test_chart_path_must_be_png_svg_or_html(tmp_path, name):
    from spacex_elt.chart import write_chart

    with pytest.raises(ValueError, match="must end in .png, .svg or .html"):
        write_chart(catalogue_answer(), tmp_path / name)
