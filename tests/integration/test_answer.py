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
def forecast(marts, query_dicts) -> dict[str, dict]:
    rows = query_dicts(f"select * from {marts}.starlink_42k_forecast")
    return {row["scenario"]: row for row in rows}


def _iso(value):
    return value.isoformat() if value is not None else None


def test_json_answer_matches_the_forecast_mart(answer_json, forecast):
    assert {
        "as_of_date",
        "forecast_start_date",
        "satellite_source",
        "satellites_launched",
        "satellites_decayed",
        "satellites_in_orbit",
        "in_orbit_at_start",
        "target_in_orbit",
        "authorised_in_orbit",
        "headline",
        "method",
        "scenarios",
        "skill",
        "what_it_takes",
        "authorisations",
        "sources",
        "attribution",
        "stale",
    } <= answer_json.keys()
    row = forecast["headline"]
    assert answer_json["as_of_date"] == row["as_of_date"].isoformat() == "2021-04-21"
    assert answer_json["forecast_start_date"] == row["forecast_start_date"].isoformat()
    assert answer_json["satellites_in_orbit"] == row["satellites_in_orbit"] == 1374
    assert answer_json["in_orbit_at_start"] == row["in_orbit_at_start"]
    assert answer_json["satellite_source"] == row["satellite_source"] == "spacex_api"
    assert answer_json["target_in_orbit"] == 42000
    assert answer_json["authorised_in_orbit"] == row["authorised_in_orbit"] == 19408
    # the headline first, then the Starship scenario
    assert [s["scenario"] for s in answer_json["scenarios"]] == ["headline", "with_starship"]
    for scenario in answer_json["scenarios"]:
        mart = forecast[scenario["scenario"]]
        for column in ("target_date_p50", "target_date_early", "target_date_late"):
            assert scenario[column] == _iso(mart[column]), column
        assert scenario["launches_to_target_p50"] == mart["launches_to_target_p50"]
    # The snapshot is from 2021: far behind today, and the answer must say so.
    assert answer_json["stale"] is True


def test_json_headline_is_the_marts_headline(answer_json, forecast):
    headline, row = answer_json["headline"], forecast["headline"]
    assert headline["configuration"] == row["configuration"]
    for column in ("target_date_p50", "target_date_early", "target_date_late", "date_12m",
                   "authorised_date_p50"):  # fmt: skip
        assert headline[column] == _iso(row[column]), column
    for column in ("launches_to_target_p50", "launches_to_target_early",
                   "launches_to_target_late", "launches_needed_without_losses"):  # fmt: skip
        assert headline[column] == row[column], column
    assert headline["in_orbit_12m"] == {q: row[f"in_orbit_12m_{q}"] for q in ("p10", "p50", "p90")}
    assert headline["skill_score"] == pytest.approx(float(row["skill_score"]))
    assert "smallest skill score" in headline["rule"] and "12 and 24-month" in headline["rule"]


def test_json_skill_is_the_skill_mart(answer_json, marts, query_dicts):
    rows = query_dicts(f"select * from {marts}.starlink_forecast_skill")
    assert len(answer_json["skill"]) == len(rows) > 0
    by_key = {(r["configuration"], r["horizon_months"]): r for r in rows}
    for row in answer_json["skill"]:
        mart = by_key[(row["configuration"], row["horizon_months"])]
        assert row["mean_abs_pct_error"] == pytest.approx(float(mart["mean_abs_pct_error"]))
        assert row["skill_rank"] == mart["skill_rank"]
    # headline first, as the rule ranked them
    assert answer_json["skill"][0]["is_headline"] is True
    assert [r["skill_rank"] for r in answer_json["skill"]] == sorted(
        r["skill_rank"] for r in answer_json["skill"]
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


def test_text_answer_names_date_band_rule_and_source(built, forecast, capsys):
    assert cli.main(["answer"]) == 0
    text = capsys.readouterr().out
    answer = load_answer()
    assert f"Data as of {answer.as_of_date}" in text
    assert "stopped updating in 2022" in text
    assert "Satellites launched: 1,445   decayed: 71   in orbit: 1,374" in text
    row = forecast["headline"]
    month = row["target_date_p50"].strftime("%Y-%m")
    assert f"Answer ({row['configuration']}, the backtest's choice): 42,000 in orbit in " in text
    assert f"{month}, after {row['launches_to_target_p50']:,} launches (P50)" in text
    twelve = (row["in_orbit_12m_p50"], row["in_orbit_12m_p10"], row["in_orbit_12m_p90"])
    assert f"in 12 months ({row['date_12m']}): {twelve[0]:,} in orbit " in text
    assert f"(P10-P90 {twelve[1]:,}-{twelve[2]:,})" in text
    assert f"authorised total ({row['authorised_in_orbit']:,})" in text
    assert "With Starship (from 2027-07" in text
    assert "Method: one fleet model." in text and "measured from the SpaceX API" in text
    assert "Chosen by rule, not by hand: the configuration with the smallest skill score" in text
    assert "| by the end of | launch class |" in text
    assert f"| 1 | **{row['configuration']}** (headline) |" in text
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
        first = path[0]
        assert (first.date, first.p50) == (answer.forecast_start_date, answer.in_orbit_at_start)


def test_chart_files_are_written(built, tmp_path, capsys):
    png, svg, html = tmp_path / "a.png", tmp_path / "a.svg", tmp_path / "a.html"
    for path in (png, svg, html):
        assert cli.main(["answer", "--chart", str(path)]) == 0
    assert f"Chart written to {html}" in capsys.readouterr().out
    width, height = _png_size(png.read_bytes())
    assert (width, height) == (1320, 1045)  # 12 x 9.5 inches at 110 dpi
    assert png.stat().st_size > 60_000  # a real plot, not an empty canvas
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "in orbit (data)" in text and "target: 42,000 in orbit" in text
    assert "P10-P90 band" in text and "authorised today (FCC): 19,408" in text
    assert "with Starship (P50)" in text
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
    assert len(when) == 2 and when[0][0] == "headline"  # the headline comes first
    assert [row[0] for row in yearly] == [2018, 2019, 2020, 2021]
    assert sum(row[2] for row in yearly) == 1445
    assert monthly[-2][1] > monthly[0][1]  # the fleet grew
