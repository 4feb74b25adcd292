"""The answer's text, JSON and chart, rendered from an Answer built in Python (no database).

The integration tests (tests/integration/test_answer.py) read a warehouse the session fixture
loaded from the SpaceX API only; here the answer is the catalogue's (as of 2025-06-18, 7,721 in
orbit, Space-Track as the satellite source, the forecast starting on 2025-06-10 with 7,734 in
orbit), so the attribution Space-Track requires, the wording of a headline whose P50 never
reaches the target and the backtested band are covered too. The rows are shaped as load_answer
gives them: the marts' columns, dates as ISO strings, numerics as floats.
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
    PathPoint,
    Source,
    render_text,
    to_json,
)

# Imported here, at collection, not inside a test: matplotlib may build its font cache on first
# import (with a subprocess); rendering itself starts no process.
from spacex_elt.chart import attribution_text, build_figure, chart_bytes, write_chart  # noqa: E402

AS_OF = dt.date(2025, 6, 18)
START = dt.date(2025, 6, 10)
EXTRACTED = dt.datetime(2025, 6, 21, 17, 5, tzinfo=dt.timezone.utc)
STARSHIP_DESCRIPTION = (
    "from 2027-07 every launch carries 50 satellites (Starship-class), at the headline's cadence."
)

HEADLINE_P50 = "P50 (trend_24m, chosen by the backtest): not before 2060; earliest (P90) Sep 2031"
STARSHIP_P50 = "with Starship (P50): not before 2060; earliest (P90) Apr 2029"
BAND = "P10-P90 band (the backtest's own errors)"


def _scenario(source: str, **values: object) -> dict:
    """A starlink_42k_forecast row: the headline's values, overridden by ``values``."""
    row = {
        "scenario": "headline",
        "is_headline": True,
        "configuration": "trend_24m",
        "scenario_description": "the headline configuration, chosen by the backtest.",
        "as_of_date": AS_OF.isoformat(),
        "forecast_start_date": START.isoformat(),
        "satellite_source": source,
        "satellites_launched": 8848,
        "satellites_decayed": 1127,
        "satellites_in_orbit": 7721,
        "in_orbit_at_start": 7734,
        "target_in_orbit": 42000,
        "authorised_in_orbit": 19408,
        "cadence_model": "trend",
        "window_months": 24,
        "launches_per_month_at_start": 9.72,
        "launches_per_month_slope": 0.171304,
        "launches_per_month_ceiling": 12.0,
        "satellites_per_launch": 25.757576,
        "reaches_target_p50": False,
        "target_date_p50": None,
        "target_date_early": "2031-09-10",
        "target_date_late": None,
        "launches_to_target_p50": None,
        "launches_to_target_early": 886,
        "launches_to_target_late": None,
        "launches_needed_without_losses": 1331,
        "authorised_date_p50": "2036-05-10",
        "date_12m": "2026-06-10",
        "in_orbit_12m_p10": 9219,
        "in_orbit_12m_p50": 10067,
        "in_orbit_12m_p90": 13565,
        "horizon_date": "2060-12-10",
        "horizon_year": 2060,
        "band_is_backtested": True,
        "skill_score": 20.22,
        "skill_horizons_months": "12 and 24",
        "backtest_cutoffs": 46,
        "cutoffs_at_longest_headline_horizon": 34,
    }
    row.update(values)
    return row


# (configuration, skill score, {horizon: (mean abs % error, mean signed % error, cutoffs)}),
# by skill rank; the score is the mean over 12 and 24 months of (MAE% + |bias%|).
SKILL = [
    ("trend_24m", 20.22, {3: (1.9, -0.8, 58), 6: (3.4, -1.9, 55), 12: (6.1, -3.2, 46),
                          24: (17.8, -13.34, 34)}),
    ("trend_12m", 22.41, {3: (2.1, -0.4, 58), 6: (3.9, -1.1, 55), 12: (7.4, -2.6, 46),
                          24: (19.2, -15.62, 34)}),
    ("constant_12m", 27.35, {3: (2.6, -1.7, 58), 6: (4.8, -3.6, 55), 12: (9.2, -7.9, 46),
                             24: (24.1, -23.5, 34)}),
    ("trend_6m", 29.9, {3: (2.4, 0.6, 58), 6: (4.7, 1.2, 55), 12: (10.8, 3.1, 46),
                        24: (29.3, 16.6, 34)}),
    ("constant_24m", 31.16, {3: (3.2, -2.9, 58), 6: (6.0, -5.7, 55), 12: (11.5, -11.2, 46),
                             24: (26.4, -25.22, 34)}),
    ("constant_6m", 33.42, {3: (2.8, -1.2, 58), 6: (5.2, -3.3, 55), 12: (10.4, -8.8, 46),
                            24: (29.1, -18.38, 34)}),
]  # fmt: skip

# (target year, months to target, launch class, satellites / launch, launches / month needed,
#  launches needed, steady state)
WHAT_IT_TAKES = [
    (2030, 66, "falcon_9", 25.757576, 31.2, 2059.2, 14.8),
    (2030, 66, "starship", 50.0, 16.1, 1062.6, 7.6),
    (2035, 126, "falcon_9", 25.757576, 20.4, 2570.4, 14.8),
    (2035, 126, "starship", 50.0, 10.5, 1323.0, 7.6),
    (2040, 186, "falcon_9", 25.757576, 17.6, 3273.6, 14.8),
    (2040, 186, "starship", 50.0, 9.1, 1692.6, 7.6),
    (2050, 306, "falcon_9", 25.757576, 16.0, 4896.0, 14.8),
    (2050, 306, "starship", 50.0, 8.2, 2509.2, 7.6),
]

FCC_GEN1 = "https://fcc.report/IBFS/SAT-MOD-20181108-00083/1666723"
ITU = "https://spacenews.com/spacex-submits-paperwork-for-30000-more-starlink-satellites/"
FCC_GEN2 = "https://www.broadbandbreakfast.com/fcc-approves-7-500-more-starlink-gen2-satellites/"
# (id, authority, generation, status, satellites, decision date, counts, source URL)
AUTHORISATIONS = [
    ("fcc_da_19_342", "FCC", "gen1", "authorised", 4409, "2019-04-26", False, FCC_GEN1),
    ("fcc_21_48", "FCC", "gen1", "authorised", 4408, "2021-04-27", True, FCC_GEN1),
    ("itu_2019_10", "ITU", "gen2", "filed", 30000, "2019-10-07", False, ITU),
    ("fcc_gen2_2022_12", "FCC", "gen2", "authorised", 7500, "2022-12-01", True, FCC_GEN2),
    ("fcc_gen2_2026_01", "FCC", "gen2", "authorised", 7500, "2026-01-09", True, FCC_GEN2),
]

# scenario -> (date, predicted, p10, p50, p90, cumulative launches), from the forecast start to
# December of the horizon year.
PATHS = {
    "headline": [
        (START, 7734.0, 7734.0, 7734.0, 7734.0, 0.0),
        (dt.date(2026, 6, 10), 10380.0, 9219.0, 10067.0, 13565.0, 128.0),
        (dt.date(2031, 9, 10), 23010.0, 14120.0, 22140.0, 42000.0, 886.0),
        (dt.date(2036, 5, 10), 20130.0, 12350.0, 19408.0, 36740.0, 1572.0),
        (dt.date(2045, 12, 10), 27400.0, 16830.0, 26410.0, 51250.0, 2950.0),
        (dt.date(2060, 12, 10), 29700.0, 17500.0, 28650.0, 56500.0, 5110.0),
    ],
    "with_starship": [
        (START, 7734.0, 7734.0, 7734.0, 7734.0, 0.0),
        (dt.date(2026, 6, 10), 10380.0, 9219.0, 10067.0, 13565.0, 128.0),
        (dt.date(2028, 12, 10), 20110.0, 13940.0, 19408.0, 36020.0, 410.0),
        (dt.date(2029, 4, 10), 22030.0, 15210.0, 21260.0, 42000.0, 538.0),
        (dt.date(2045, 12, 10), 37900.0, 24120.0, 36580.0, 71300.0, 2950.0),
        (dt.date(2060, 12, 10), 40800.0, 25910.0, 39370.0, 76600.0, 5110.0),
    ],
}


def _skill() -> list[dict]:
    rows = []
    for rank, (name, score, horizons) in enumerate(SKILL, start=1):
        for horizon, (mae, bias, cutoffs) in horizons.items():
            rows.append(
                {
                    "skill_id": f"{name}:{horizon}m",
                    "configuration": name,
                    "configuration_description": f"launches a month over {name}",
                    "horizon_months": horizon,
                    "in_headline_rule": horizon in (12, 24),
                    "cutoffs_scored": cutoffs,
                    "first_cutoff_date": "2021-05-31",
                    "last_cutoff_date": "2025-05-31",
                    "mean_abs_pct_error": mae,
                    "mean_pct_error": bias,
                    "relative_error_p10": -0.08 * horizon / 12,
                    "relative_error_p50": 0.03 * horizon / 12,
                    "relative_error_p90": 0.35 * horizon / 12,
                    "band_coverage": 0.8,
                    "skill_score": score,
                    "skill_rank": rank,
                    "is_headline": rank == 1,
                }
            )
    return rows


def _what_it_takes() -> list[dict]:
    return [
        {
            "as_of_date": AS_OF.isoformat(),
            "target_year": year,
            "target_date": f"{year}-12-31",
            "months_to_target": months,
            "launch_class": launch_class,
            "satellites_per_launch": per_launch,
            "satellites_per_launch_basis": "measured" if launch_class == "falcon_9" else "var",
            "target_in_orbit": 42000,
            "satellites_in_orbit_as_of": 7721,
            "as_of_fleet_surviving": 3120.5,
            "launches_per_month_needed": per_month,
            "launches_needed": needed,
            "satellites_launched_needed": needed * per_launch,
            "mean_life_months": 110.2,
            "steady_state_launches_per_month": steady,
        }
        for year, months, launch_class, per_launch, per_month, needed, steady in WHAT_IT_TAKES
    ]


def _authorisations() -> list[dict]:
    keys = (
        "authorisation_id",
        "authority",
        "generation",
        "status",
        "satellites",
        "decision_date",
        "counts_toward_authorised",
        "source_url",
    )
    return [dict(zip(keys, row, strict=True), note="") for row in AUTHORISATIONS]


def catalogue_answer(
    source: str = "spacetrack_satcat", days_behind: int = 300, **headline: object
) -> Answer:
    """A catalogue-mode answer shaped like load_answer's; ``headline`` overrides its columns."""
    scenarios = [
        _scenario(source, **headline),
        _scenario(
            source,
            scenario="with_starship",
            is_headline=False,
            scenario_description=STARSHIP_DESCRIPTION,
            target_date_early="2029-04-10",
            launches_to_target_early=538,
            authorised_date_p50="2028-12-10",
        ),
    ]
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
    series = [(dt.date(2019, 5, 24) + dt.timedelta(days=30 * i), 60 + 100 * i) for i in range(74)]
    series.append((AS_OF, 7721))
    return Answer(
        as_of_date=AS_OF,
        forecast_start_date=START,
        satellite_source=source,
        satellites_launched=8848,
        satellites_decayed=1127,
        satellites_in_orbit=7721,
        in_orbit_at_start=7734,
        target_in_orbit=42000,
        authorised_in_orbit=19408,
        scenarios=scenarios,
        skill=_skill(),
        what_it_takes=_what_it_takes(),
        authorisations=_authorisations(),
        sources=[satellites, spacex],
        series=series,
        paths={name: [PathPoint(*point) for point in path] for name, path in PATHS.items()},
        days_behind_today=days_behind,
        tables="schemas spacex_raw, satcat_raw, spacex_marts",
    )


# --- the text -------------------------------------------------------------------------------------


def test_text_names_the_as_of_date_the_counts_and_the_forecast_start():
    text = render_text(catalogue_answer())
    assert text.startswith("When will 42,000 Starlink satellites be in orbit?\n")
    assert (
        "Data as of 2025-06-18 (the data's own last date, never today); satellites from "
        "Space-Track.org satellite catalogue (SATCAT)" in text
    )
    assert "Satellites launched: 8,848   decayed: 1,127   in orbit: 7,721" in text
    assert (
        "It starts on 2025-06-10, the last launch the catalogue has named (7,734 in orbit then)"
        in text
    )


def test_text_headline_that_never_reaches_the_target():
    text = render_text(catalogue_answer())
    assert (
        "Answer (trend_24m, the backtest's choice): 42,000 not reached before 2060 (P50): the "
        "fleet levels off, 28,650 in orbit in 2060 (P10-P90 17,500-56,500).\n" in text
    )
    assert (
        "  earliest (P90 fleet): 2031-09, after 886 launches; latest (P10 fleet): not before "
        "2060.\n" in text
    )
    assert "  in 12 months (2026-06-10): 10,067 in orbit (P10-P90 9,219-13,565).\n" in text
    assert "  the authorised total (19,408) is passed at P50 in 2036-05.\n" in text
    assert "  Fewest launches possible (no satellite ever lost): 1,331.\n" in text


def test_text_starship_scenario():
    text = render_text(catalogue_answer())
    starship = text.split("With Starship (")[1].split("\n\n")[0]
    assert starship.startswith(
        "from 2027-07 every launch carries 50 satellites (Starship-class), at the headline's "
        "cadence): 42,000 not reached before 2060 (P50): the fleet levels off, 39,370 in orbit "
        "in 2060 (P10-P90 25,910-76,600).\n"
    )
    assert "earliest (P90 fleet): 2029-04, after 538 launches" in starship
    assert "the authorised total (19,408) is passed at P50 in 2028-12." in starship
    assert text.index("Answer (trend_24m") < text.index("With Starship (") < text.index("Method:")


def test_a_headline_that_reaches_the_target_gives_the_month_and_the_launches():
    answer = catalogue_answer(
        reaches_target_p50=True, target_date_p50="2044-03-10", launches_to_target_p50=2412
    )
    text = render_text(answer)
    assert (
        "Answer (trend_24m, the backtest's choice): 42,000 in orbit in 2044-03, after 2,412 "
        "launches (P50).\n" in text
    )
    assert "levels off" not in text.split("With Starship")[0]
    headline = to_json(answer)["headline"]
    assert (headline["target_date_p50"], headline["launches_to_target_p50"]) == ("2044-03-10", 2412)
    assert headline["text"].startswith("Answer (trend_24m, the backtest's choice): 42,000 in orbit")


def test_the_headline_is_the_is_headline_row_whatever_the_order():
    answer = catalogue_answer()
    answer.scenarios.reverse()
    assert answer.headline["scenario"] == "headline"
    assert answer.starship is not None and answer.starship["scenario"] == "with_starship"
    assert to_json(answer)["headline"]["configuration"] == "trend_24m"


def test_text_method_names_the_inputs_and_the_headline_rule():
    text = render_text(catalogue_answer())
    method = next(line for line in text.splitlines() if line.startswith("Method:"))
    assert (
        "Headline configuration trend_24m: 9.72 launches a month at the start, +0.17 a month "
        "(the line through the last 24 months' launch counts), at most 12, 25.8 satellites a "
        "launch." in method
    )
    assert (
        "Chosen by rule, not by hand: the configuration with the smallest skill score, the mean "
        "over the 12 and 24-month horizons of (mean absolute % error + |mean signed % error|) of "
        "its rolling-origin backtest, so a biased configuration pays twice; ties go to the name "
        "that sorts first, over 46 month-end cutoffs." in method
    )
    assert "The P10-P90 band is the backtest's own errors" in method
    assert "square root of the horizon past 24 months" in method


def test_text_method_without_a_backtest_says_there_is_no_band():
    text = render_text(catalogue_answer(band_is_backtested=False))
    assert "The data is too short for a backtest" in text
    assert "starlink_fallback_configuration) alone, with no band." in text
    assert "The P10-P90 band is" not in text and "Chosen by rule" not in text


def test_text_what_it_takes_table():
    text = render_text(catalogue_answer())
    assert "What it would take to have 42,000 in orbit, with the losses measured" in text
    table = text.split("What it would take")[1].split("Backtest:")[0]
    rows = [line for line in table.splitlines() if re.match(r"\| \d{4} \|", line)]
    assert len(rows) == 8
    assert rows[0] == "| 2030 | falcon_9 | 25.8 | 31.2 | 2,059 | 14.8 |"
    assert rows[1] == "| 2030 | starship | 50.0 | 16.1 | 1,063 | 7.6 |"
    assert rows[-1] == "| 2050 | starship | 50.0 | 8.2 | 2,509 | 7.6 |"


def test_text_skill_table_has_every_configuration_headline_first():
    text = render_text(catalogue_answer())
    backtest = text.split("Backtest:")[1].split("Authorised total")[0]
    assert (
        "| rank | configuration | skill score | 3 months ahead | 6 months ahead | "
        "12 months ahead | 24 months ahead |" in backtest
    )
    table = [line for line in backtest.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [line.split("|")[2].strip() for line in table] == [
        "**trend_24m** (headline)",
        "trend_12m",
        "constant_12m",
        "trend_6m",
        "constant_24m",
        "constant_6m",
    ]
    assert table[0] == (
        "| 1 | **trend_24m** (headline) | 20.22 | 1.9% (-0.8%, n=58) | 3.4% (-1.9%, n=55) | "
        "6.1% (-3.2%, n=46) | 17.8% (-13.3%, n=34) |"
    )
    assert table[5].startswith("| 6 | constant_6m | 33.42 |")


def test_text_authorisations_with_their_sources():
    text = render_text(catalogue_answer())
    assert "Authorised total 19,408 (rows marked 'counts'):" in text
    rows = text.split("Authorised total 19,408 (rows marked 'counts'):\n")[1].split("\n\n")[0]
    assert rows.splitlines() == [
        f"  FCC gen1 authorised 2019-04-26: 4,409 - {FCC_GEN1}",
        f"  FCC gen1 authorised 2021-04-27: 4,408 (counts) - {FCC_GEN1}",
        f"  ITU gen2 filed 2019-10-07: 30,000 - {ITU}",
        f"  FCC gen2 authorised 2022-12-01: 7,500 (counts) - {FCC_GEN2}",
        f"  FCC gen2 authorised 2026-01-09: 7,500 (counts) - {FCC_GEN2}",
    ]


def test_text_sources_carry_the_space_track_attribution():
    text = render_text(catalogue_answer())
    lines = [line.strip() for line in text.split("Sources:")[1].strip().splitlines()]
    satellites = lines[0]
    assert satellites.startswith("Satellites (launch and decay dates): Space-Track.org")
    assert "https://www.space-track.org" in satellites
    assert "data through 2025-06-18" in satellites
    assert "extracted 2025-06-21 17:05 UTC, 8,848 records" in satellites
    assert satellites.endswith(SPACETRACK_ATTRIBUTION)
    assert lines[1].startswith("Launch names and satellite versions: SpaceX API")
    assert (
        "http://127.0.0.1:18765/v4 (serves a recording of 2021-04-22: SpaceX API recording "
        "(r/SpaceX API))" in lines[1]
    )
    assert "data through 2021-04-21" in lines[1]
    assert text.count(SPACETRACK_ATTRIBUTION) == 1
    assert "Tables: schemas spacex_raw, satcat_raw, spacex_marts" in text


def test_celestrak_needs_no_space_track_attribution():
    answer = catalogue_answer(source="celestrak_satcat")
    text = render_text(answer)
    assert "satellites from CelesTrak satellite catalogue (SATCAT)" in text
    assert "USSPACECOM" not in text and "Space-Track" not in text
    assert to_json(answer)["attribution"] == []
    assert "USSPACECOM" not in chart_bytes(answer, "svg").decode()


def test_stale_data_says_so():
    text = render_text(catalogue_answer(days_behind=300))
    assert (
        "NOTE: the data is 300 days old; the projection extrapolates from that date, not from "
        "today." in text
    )
    # right after the as-of line, before the counts
    assert text.splitlines()[2].startswith("NOTE:")


def test_stale_data_read_from_a_catalogue_recording_names_its_date():
    answer = catalogue_answer(days_behind=400)
    answer.sources[0].recording = "Space-Track SATCAT recording"
    answer.sources[0].recording_date = dt.date(2025, 6, 21)
    assert (
        "NOTE: the data is 400 days old (the catalogue was read from a recording of 2025-06-21)"
        in render_text(answer)
    )


def test_fresh_data_has_no_stale_note():
    answer = catalogue_answer(days_behind=30)  # STALE_AFTER_DAYS is not yet stale
    assert not answer.stale
    assert "NOTE:" not in render_text(answer)
    assert to_json(answer)["stale"] is False


def test_a_source_loaded_before_provenance_was_kept_says_so():
    """No load-time record: the answer says the URL is unknown; it never guesses from settings."""
    source = Source("spacex_api", "SpaceX API", "Satellites and launches", None, None, AS_OF)
    assert "source URL not recorded (loaded before provenance was kept)" in source.line()
    assert "extraction time n/a" in source.line()
    assert source.local_mirror is False


# --- the JSON -------------------------------------------------------------------------------------


def test_json_headline():
    data = to_json(catalogue_answer())
    json.dumps(data)  # serializable as it is
    assert {
        "question",
        "as_of_date",
        "forecast_start_date",
        "satellites_in_orbit",
        "headline",
        "method",
        "scenarios",
        "skill",
        "what_it_takes",
        "authorisations",
        "sources",
        "attribution",
        "stale",
    } <= data.keys()
    assert (data["as_of_date"], data["forecast_start_date"]) == ("2025-06-18", "2025-06-10")
    assert data["satellite_source"] == "spacetrack_satcat"
    assert (data["satellites_launched"], data["satellites_decayed"]) == (8848, 1127)
    assert (data["satellites_in_orbit"], data["in_orbit_at_start"]) == (7721, 7734)
    assert (data["target_in_orbit"], data["authorised_in_orbit"]) == (42000, 19408)
    headline = data["headline"]
    assert headline["configuration"] == "trend_24m"
    assert headline["target_date_p50"] is None and headline["launches_to_target_p50"] is None
    assert (headline["target_date_early"], headline["launches_to_target_early"]) == (
        "2031-09-10",
        886,
    )
    assert headline["target_date_late"] is None and headline["launches_to_target_late"] is None
    assert headline["launches_needed_without_losses"] == 1331
    assert headline["date_12m"] == "2026-06-10"
    assert headline["in_orbit_12m"] == {"p10": 9219, "p50": 10067, "p90": 13565}
    assert headline["authorised_date_p50"] == "2036-05-10"
    assert headline["horizon_year"] == 2060
    assert headline["band_is_backtested"] is True
    assert (headline["skill_score"], headline["backtest_cutoffs"]) == (20.22, 46)
    assert headline["rule"].startswith("the configuration with the smallest skill score")
    assert "12 and 24-month horizons" in headline["rule"]
    assert headline["text"].startswith("Answer (trend_24m, the backtest's choice): 42,000 not")
    assert data["method"].startswith("Method: one fleet model.")


def test_json_tables_sources_and_attribution():
    data = to_json(catalogue_answer())
    assert [(s["scenario"], s["is_headline"]) for s in data["scenarios"]] == [
        ("headline", True),
        ("with_starship", False),
    ]
    starship = data["scenarios"][1]
    assert (starship["target_date_early"], starship["launches_to_target_early"]) == (
        "2029-04-10",
        538,
    )
    assert starship["authorised_date_p50"] == "2028-12-10"
    assert len(data["skill"]) == 24
    assert data["skill"][0]["configuration"] == "trend_24m" and data["skill"][0]["is_headline"]
    assert [(r["target_year"], r["launch_class"]) for r in data["what_it_takes"]][:2] == [
        (2030, "falcon_9"),
        (2030, "starship"),
    ]
    counted = [r["satellites"] for r in data["authorisations"] if r["counts_toward_authorised"]]
    assert sum(counted) == data["authorised_in_orbit"]
    satellites, spacex = data["sources"]
    assert satellites == {
        "key": "spacetrack_satcat",
        "name": "Space-Track.org satellite catalogue (SATCAT)",
        "role": "Satellites (launch and decay dates)",
        "url": "https://www.space-track.org",
        "extracted_at": "2025-06-21T17:05:00+00:00",
        "data_through": "2025-06-18",
        "attribution": SPACETRACK_ATTRIBUTION,
        "recording": None,
        "recording_date": None,
        "records": 8848,
        "local_mirror": False,
    }
    assert spacex["attribution"] is None and spacex["local_mirror"] is True
    assert spacex["recording_date"] == "2021-04-22"
    assert data["attribution"] == [SPACETRACK_ATTRIBUTION]
    assert (data["days_behind_today"], data["stale"]) == (300, True)


def test_the_answer_reads_the_forecast_marts():
    assert {
        "starlink_42k_forecast",
        "starlink_forecast_path",
        "starlink_forecast_skill",
        "starlink_what_it_takes",
    } <= set(ANSWER_MARTS)


# --- the chart ------------------------------------------------------------------------------------


def _line(ax, label: str):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def test_chart_draws_the_data_the_forecast_the_band_and_the_lines():
    answer = catalogue_answer()
    fig = build_figure(answer)
    full, zoom = fig.axes
    handles, labels = full.get_legend_handles_labels()
    assert set(labels) == {
        "in orbit (data)",
        BAND,
        HEADLINE_P50,
        STARSHIP_P50,
        "target: 42,000 in orbit",
        "authorised today (FCC): 19,408",
    }
    assert zoom.get_legend_handles_labels()[1] == []  # one legend, for the figure
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert sorted(legend) == sorted(labels)

    observed = _line(full, "in orbit (data)")
    assert list(observed.get_ydata()) == [v for _, v in answer.series]
    assert list(_line(full, HEADLINE_P50).get_ydata()) == [p[3] for p in PATHS["headline"]]
    assert list(_line(full, STARSHIP_P50).get_ydata()) == [p[3] for p in PATHS["with_starship"]]
    assert set(_line(full, "target: 42,000 in orbit").get_ydata()) == {42000}
    assert set(_line(full, "authorised today (FCC): 19,408").get_ydata()) == {19408}

    # the band: a fill from P10 to P90 along the headline's path
    band = [c for c in full.collections if c.get_label() == BAND]
    assert len(band) == 1
    ys = [y for path in band[0].get_paths() for _, y in path.vertices]
    assert min(ys) == pytest.approx(7734) and max(ys) == pytest.approx(56500)
    assert 17500 in ys and 9219 in ys and 13565 in ys

    # the whole horizon to December 2060; the zoom ends a few years after the start
    assert full.get_xlim()[1] == pytest.approx(_line(full, HEADLINE_P50).get_xdata()[-1])
    assert zoom.get_xlim()[1] < full.get_xlim()[1]
    assert zoom.get_ylim()[1] < answer.target_in_orbit

    texts = [text.get_text() for text in fig.texts]
    assert attribution_text(answer) in texts
    assert any(SPACETRACK_ATTRIBUTION in text for text in texts)
    assert (
        "Data as of 2025-06-18: 7,721 in orbit. P50: not before 2060; earliest (P90): Sep 2031; "
        "in 12 months 10,067 (P10-P90 9,219-13,565)" in texts
    )


def test_chart_without_a_backtested_band_draws_no_fill():
    fig = build_figure(catalogue_answer(band_is_backtested=False))
    full = fig.axes[0]
    assert BAND not in full.get_legend_handles_labels()[1]
    assert not any(c.get_label() == BAND for c in full.collections)


def test_chart_files_carry_the_attribution():
    answer = catalogue_answer()
    svg = chart_bytes(answer, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert SPACETRACK_ATTRIBUTION in svg
    assert "target: 42,000 in orbit" in svg and "in orbit (data)" in svg
    assert "with Starship (P50)" in svg
    png = chart_bytes(answer, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and SPACETRACK_ATTRIBUTION.encode() in png


def test_write_chart_writes_svg_and_html(tmp_path):
    answer = catalogue_answer()
    svg = write_chart(answer, tmp_path / "out" / "chart.svg")
    assert SPACETRACK_ATTRIBUTION in svg.read_text()
    html = write_chart(answer, tmp_path / "chart.html").read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert f"<p>{SPACETRACK_ATTRIBUTION}</p>" in html


@pytest.mark.parametrize("name", ["chart.gif", "chart", "chart.pdf", "chart.png.txt"])
def test_chart_path_must_be_png_svg_or_html(tmp_path, name):
    with pytest.raises(ValueError, match="must end in .png, .svg or .html"):
        write_chart(catalogue_answer(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_records_set_aside_are_said_in_text_json_and_chart():
    """Issue 20: N catalogue records set aside (see the quarantine mart), when N > 0."""
    answer = catalogue_answer()
    answer.satellites_set_aside = 3
    answer.quarantine_table = "spacex_marts.starlink_quarantine"
    note = "3 catalogue record(s) set aside as unusable (see spacex_marts.starlink_quarantine)"
    assert f"NOTE: {note}: in no count here." in render_text(answer)
    assert to_json(answer)["satellites_set_aside"] == 3
    assert note in to_json(answer)["set_aside_note"]
    assert note in chart_bytes(answer, "svg").decode()
    clean = catalogue_answer()
    assert "set aside" not in render_text(clean) and to_json(clean)["set_aside_note"] is None
