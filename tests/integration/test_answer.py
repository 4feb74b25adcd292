"""`spacex answer`: the text, the JSON and the chart agree with the marts.

The session fixture ``built`` loads the SpaceX API only, so these tests see the SpaceX-API answer
(as of 2021-04-21, 1,374 in orbit). The catalogue's answer (Space-Track, with its attribution) is
rendered from an Answer built in Python in tests/unit/test_answer_text.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import struct

import pytest

from spacex_elt import cli
from spacex_elt.answer import load_answer

FORECAST_COLUMNS = (
    "scenario, as_of_date, satellites_in_orbit, launches_to_target, projected_date, is_headline, "
    "headline_rank, backtest_mean_abs_pct_error, satellite_source"
)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def marts(built) -> str:
    return f"{built.dbt_schema}_marts"


@pytest.fixture(scope="module")
def answer_json(built):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["answer", "--format", "json"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def forecast(marts, query) -> dict[str, dict]:
    cols = [c.strip() for c in FORECAST_COLUMNS.split(",")]
    rows = query(f"select {FORECAST_COLUMNS} from {marts}.starlink_42k_forecast")
    return {row[0]: dict(zip(cols, row, strict=True)) for row in rows}


def test_json_answer_matches_the_forecast_mart(answer_json, forecast):
    assert {
        "as_of_date",
        "satellite_source",
        "satellites_launched",
        "satellites_decayed",
        "satellites_in_orbit",
        "target_in_orbit",
        "headline_scenario",
        "scenarios",
        "backtest",
        "backtest_summary",
        "sources",
        "attribution",
        "stale",
    } <= answer_json.keys()
    first = next(iter(forecast.values()))
    assert answer_json["as_of_date"] == first["as_of_date"].isoformat() == "2021-04-21"
    assert answer_json["satellites_in_orbit"] == first["satellites_in_orbit"] == 1374
    assert answer_json["satellite_source"] == first["satellite_source"] == "spacex_api"
    assert answer_json["target_in_orbit"] == 42000
    by_name = {s["scenario"]: s for s in answer_json["scenarios"]}
    assert sorted(by_name) == sorted(forecast) and len(forecast) == 6
    for name, row in forecast.items():
        assert by_name[name]["launches_to_target"] == row["launches_to_target"]
        assert by_name[name]["projected_date"] == (
            row["projected_date"] and row["projected_date"].isoformat()
        )
    # the scenarios come headline first, in the mart's rank order
    assert [s["scenario"] for s in answer_json["scenarios"]] == sorted(
        forecast, key=lambda name: forecast[name]["headline_rank"]
    )
    # The snapshot is from 2021: far behind today, and the answer must say so.
    assert answer_json["stale"] is True


def test_json_headline_is_the_marts_headline(answer_json, forecast):
    (name,) = [name for name, row in forecast.items() if row["is_headline"]]
    headline = answer_json["headline_scenario"]
    row = forecast[name]
    assert headline["name"] == name
    assert headline["projected_date"] == (
        row["projected_date"] and row["projected_date"].isoformat()
    )
    assert headline["launches_to_target"] == row["launches_to_target"]
    assert headline["backtest_mean_abs_pct_error"] == pytest.approx(
        float(row["backtest_mean_abs_pct_error"])
    )
    assert headline["backtest_horizon_months"] == 12
    assert "smallest mean absolute percent error" in headline["rule"]
    assert "12, 24, 36, 48 months before the as-of date" in headline["rule"]


def test_json_backtest_is_the_mart_and_its_summary_adds_up(answer_json, marts, query):
    (count,) = query(f"select count(*) from {marts}.starlink_forecast_backtest")[0]
    assert len(answer_json["backtest"]) == count == 6 * 11
    # the summary, recomputed from the rows: mean absolute percent error per (scenario, horizon),
    # cutoffs whose actual fleet was 0 (no percent error) left out
    errors: dict[tuple[str, int], list[float]] = {}
    for row in answer_json["backtest"]:
        if row["abs_error_pct"] is not None:
            key = (row["scenario"], row["horizon_months"])
            errors.setdefault(key, []).append(row["abs_error_pct"])
    summary = {(r["scenario"], r["horizon_months"]): r for r in answer_json["backtest_summary"]}
    assert summary.keys() == {(r["scenario"], r["horizon_months"]) for r in answer_json["backtest"]}
    for key, values in errors.items():
        assert summary[key]["cutoffs_scored"] == len(values)
        # (the mean of values with 2 decimals, rounded to 2 decimals: within half a cent)
        assert summary[key]["mean_abs_error_pct"] == pytest.approx(
            sum(values) / len(values), abs=0.0051
        )


def test_json_sources_name_the_api_its_extraction_and_its_data(answer_json, built, query):
    """The source line is what the tap recorded when it loaded the data (its
    `extract_provenance` row), not today's settings."""
    from api_mirror.spacex.snapshot import record_counts

    (source,) = answer_json["sources"]
    assert source["key"] == "spacex_api" and source["name"] == "SpaceX API"
    assert source["url"] == built.api_url  # the session's mirror
    assert source["local_mirror"] is True
    assert source["recording_date"] == "2021-04-22"  # the mirror said so in its responses
    assert source["records"] == sum(record_counts().values())
    assert source["data_through"] == answer_json["as_of_date"]
    assert source["attribution"] is None and answer_json["attribution"] == []
    ((finished_at,),) = query(f"select max(finished_at) from {built.raw_schema}.extract_provenance")
    extracted = dt.datetime.fromisoformat(source["extracted_at"])
    assert extracted == finished_at.replace(tzinfo=dt.timezone.utc)


def test_the_source_line_does_not_follow_later_settings(built, monkeypatch):
    """Run `spacex answer` later with other settings: it still names what was loaded."""
    from spacex_elt.answer import load_answer
    from spacex_elt.settings import load_settings

    monkeypatch.setenv("SPACEX_API_URL", "https://example.invalid/v4")
    (source,) = load_answer(load_settings()).sources
    assert source.url == built.api_url


def test_satellite_counts_match_the_raw_snapshot(answer_json):
    from api_mirror.spacex.snapshot import load_records

    as_of = dt.date.fromisoformat(answer_json["as_of_date"])
    sats = load_records("starlink")
    decayed = [
        s
        for s in sats
        if s["spaceTrack"]["DECAY_DATE"]
        and dt.date.fromisoformat(s["spaceTrack"]["DECAY_DATE"][:10]) <= as_of
    ]
    assert answer_json["satellites_launched"] == len(sats) == 1445
    assert answer_json["satellites_decayed"] == len(decayed)
    assert answer_json["satellites_in_orbit"] == len(sats) - len(decayed)


def test_text_answer_names_date_headline_rule_range_and_source(built, forecast, capsys):
    assert cli.main(["answer"]) == 0
    text = capsys.readouterr().out
    answer = load_answer()
    assert f"Data as of {answer.as_of_date}" in text
    assert "stopped updating in 2022" in text
    assert "Satellites launched: 1,445   decayed: 71   in orbit: 1,374" in text
    (name,) = [name for name, row in forecast.items() if row["is_headline"]]
    row = forecast[name]
    assert f"Headline ({name}): 42,000 in orbit on {row['projected_date']}, after " in text
    assert f"{row['launches_to_target']:,} more launches" in text
    assert "Chosen by rule, not by hand: the scenario with the smallest" in text
    assert f"Its backtest error: {float(row['backtest_mean_abs_pct_error']):.2f}%" in text
    # the range across scenarios: the earliest and the latest projected dates, and the never
    reached = sorted(
        (r["projected_date"], n) for n, r in forecast.items() if r["projected_date"] is not None
    )
    (first, first_name), (last, last_name) = reached[0], reached[-1]
    assert f"between {first} ({first_name}, " in text and f"and {last} ({last_name}, " in text
    never = [n for n, r in forecast.items() if r["projected_date"] is None]
    assert never and all(n in text.split("never at the pace of ")[1].split(".")[0] for n in never)
    # every scenario in the table and the backtest table
    for scenario in forecast:
        assert f"| {scenario} |" in text or f"**{scenario}** (headline)" in text
    assert "| scenario | 6 months ahead | 12 months ahead | 24 months ahead |" in text
    sources = text.split("Sources:")[1]
    assert f"Satellites and launches: SpaceX API, {built.api_url}" in sources
    assert "data through 2021-04-21" in sources
    assert "USSPACECOM" not in text  # no Space-Track data in this answer


def test_chart_draws_the_marts(built, marts, query):
    answer = load_answer()
    (days,) = query(f"select count(*) from {marts}.starlink_in_orbit_daily")[0]
    assert len(answer.series) == days
    counts = dict(
        query(f"select scenario, count(*) from {marts}.starlink_forecast_path group by scenario")
    )
    assert {name: len(path) for name, path in answer.paths.items()} == counts
    for path in answer.paths.values():
        assert path[0] == (answer.as_of_date, float(answer.satellites_in_orbit))


def test_chart_files_are_written(built, tmp_path, capsys):
    png, svg, html = tmp_path / "a.png", tmp_path / "a.svg", tmp_path / "a.html"
    for path in (png, svg, html):
        assert cli.main(["answer", "--chart", str(path)]) == 0
    assert f"Chart written to {html}" in capsys.readouterr().out
    width, height = _png_size(png.read_bytes())
    assert (width, height) == (1320, 990)  # 12 x 9 inches at 110 dpi
    assert png.stat().st_size > 60_000  # a real plot, not an empty canvas
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "in orbit (data)" in text and "target: 42,000 in orbit" in text
    assert "(HEADLINE)" in text
    assert "Satellites and launches: SpaceX API" in text
    assert "<svg" in html.read_text()
    assert cli.main(["answer", "--chart", str(tmp_path / "a.gif")]) == 2
    assert "must end in .png, .svg or .html" in capsys.readouterr().err


def test_the_analysts_example_queries_run_and_answer(built, query):
    from spacex_elt.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "analysts.md").read_text()
    blocks = [b.split("```")[0] for b in text.split("```sql")[1:]]
    assert len(blocks) == 3
    when, yearly, monthly = (query(sql.strip().rstrip(";")) for sql in blocks)
    assert len(when) == 6 and when[0][-1] is not None  # the headline comes first
    assert [row[0] for row in yearly] == [2018, 2019, 2020, 2021]
    assert sum(row[2] for row in yearly) == 1445
    assert monthly[-2][1] > monthly[0][1]  # the fleet grew
