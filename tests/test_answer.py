"""`spacex answer`: the text, the JSON and the chart agree with the marts."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import struct

import pytest

from spacex_elt import cli
from spacex_elt.answer import load_answer

FORECAST = "select * from spacex_marts.starlink_42k_forecast order by scenario"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def answer_json(built):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["answer", "--format", "json"]) == 0
    return json.loads(out.getvalue())


def test_json_answer_matches_the_forecast_mart(answer_json, query):
    rows = query(
        "select scenario, as_of_date, satellites_in_orbit, launches_to_target, projected_date "
        "from spacex_marts.starlink_42k_forecast order by scenario"
    )
    assert {
        "as_of_date",
        "source",
        "satellites_launched",
        "satellites_decayed",
        "satellites_in_orbit",
        "target_in_orbit",
        "scenarios",
        "backtest",
        "stale",
    } <= answer_json.keys()
    assert answer_json["as_of_date"] == rows[0][1].isoformat()
    assert answer_json["satellites_in_orbit"] == rows[0][2]
    assert answer_json["target_in_orbit"] == 42000
    by_name = {s["scenario"]: s for s in answer_json["scenarios"]}
    assert sorted(by_name) == [r[0] for r in rows]
    for scenario, _, _, launches_to_target, projected in rows:
        assert by_name[scenario]["launches_to_target"] == launches_to_target
        assert by_name[scenario]["projected_date"] == (projected and projected.isoformat())
    assert answer_json["backtest"], "the backtest rows are part of the answer"
    # The snapshot is from 2021: far behind today, and the answer must say so.
    assert answer_json["stale"] is True
    assert "snapshot" in answer_json["source"]


def test_satellite_counts_match_the_raw_snapshot(answer_json):
    from tap_spacex.snapshot import load_records

    as_of = dt.date.fromisoformat(answer_json["as_of_date"])
    sats = load_records("starlink")
    decayed = [
        s
        for s in sats
        if s["spaceTrack"]["DECAY_DATE"]
        and dt.date.fromisoformat(s["spaceTrack"]["DECAY_DATE"]) <= as_of
    ]
    assert answer_json["satellites_launched"] == len(sats) == 1445
    assert answer_json["satellites_decayed"] == len(decayed)
    assert answer_json["satellites_in_orbit"] == len(sats) - len(decayed)


def test_text_answer_names_date_source_and_staleness(built, capsys):
    assert cli.main(["answer"]) == 0
    text = capsys.readouterr().out
    answer = load_answer()
    assert f"Data as of {answer.as_of_date}" in text
    assert "stopped updating in 2022" in text
    for scenario in answer.scenarios:
        assert scenario["scenario"] in text
    # the headline names the earliest projected date and the scenario that never gets there
    assert "2058-10-25 (trailing_12m_no_decay, 713 more launches)" in text
    assert "never at the pace of trailing_24m" in text


def test_chart_files_are_written(built, tmp_path, capsys):
    png, svg, html = tmp_path / "a.png", tmp_path / "a.svg", tmp_path / "a.html"
    for path in (png, svg, html):
        assert cli.main(["answer", "--chart", str(path)]) == 0
    width, height = _png_size(png.read_bytes())
    assert (width, height) == (1100, 616)  # 10 x 5.6 inches at 110 dpi
    assert png.stat().st_size > 30_000  # a real plot, not an empty canvas
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert "<svg" in html.read_text()
    assert cli.main(["answer", "--chart", str(tmp_path / "a.gif")]) == 2
    assert "must end in .png, .svg or .html" in capsys.readouterr().err


def test_forecast_arithmetic_is_consistent(built, query):
    cols = [
        "scenario",
        "satellites_in_orbit",
        "target_in_orbit",
        "satellites_needed",
        "launches_needed",
        "satellites_per_launch",
    ]
    for row in query(f"select {', '.join(cols)} from spacex_marts.starlink_42k_forecast"):
        r = dict(zip(cols, row, strict=True))
        assert r["satellites_needed"] == r["target_in_orbit"] - r["satellites_in_orbit"]
        if r["satellites_per_launch"]:
            assert r["launches_needed"] >= math.ceil(
                r["satellites_needed"] / float(r["satellites_per_launch"])
            )


def test_the_analysts_example_queries_run_and_answer(built, query):
    from spacex_elt.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "analysts.md").read_text()
    blocks = [b.split("```")[0] for b in text.split("```sql")[1:]]
    assert len(blocks) == 3
    when, yearly, monthly = (query(sql.strip().rstrip(";")) for sql in blocks)
    assert len(when) >= 3 and when[0][-1] is not None  # the earliest projected date comes first
    assert [row[0] for row in yearly] == [2018, 2019, 2020, 2021]
    assert sum(row[2] for row in yearly) == 1445
    assert monthly[-2][1] > monthly[0][1]  # the fleet grew
