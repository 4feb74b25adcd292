"""The satellite catalogue as the satellite source (issue 11), checked from outside dbt.

The dbt project is built twice into schemas of its own in the session's test warehouse, so the marts
the other tests read are never touched:

* on the bundled Space-Track SATCAT snapshot, loaded here into a catalogue schema the way
  target-postgres types it; every expected number is computed in Python straight from the recorded
  JSON (and, for versions, the recorded SpaceX API snapshot), never from the warehouse;
* with SPACEX_SATCAT_RAW_SCHEMA naming a schema that does not exist: the SpaceX-only answer must be
  what it was before the catalogue existed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
from support.catalogue import load_catalogue
from support.dates import to_date
from support.forecast_oracle import VARS, Forecast, Satellite, months_after, survival_curve
from support.meltano import run_tool

from api_mirror.spacetrack.snapshot import load_satcat
from dagster_spacex.assets.transform import NO_UNIT_TESTS
from spacex_elt.settings import DBT_PROJECT_DIR

DAYS_PER_MONTH = 30.4375  # dbt macro days_per_month()
TARGET = 42_000
CATALOGUE_RAW = "satcat_raw_catalogue_test"
CATALOGUE_DBT = "spacex_catalogue_test"


# --- independent computations from the recorded catalogue ----------------------------------------


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_satcat()


@pytest.fixture(scope="module")
def catalogue(records) -> dict:
    sats = [
        {
            "norad": int(r["NORAD_CAT_ID"]),
            "launch_id": r["INTLDES"][:8],
            "launch": to_date(r["LAUNCH"]),
            "decay": to_date(r["DECAY"]),
        }
        for r in records
        if r["OBJECT_TYPE"] == "PAYLOAD" and r["SATNAME"].upper().startswith("STARLINK")
    ]
    as_of = max(
        max(s["launch"] for s in sats), max(s["decay"] for s in sats if s["decay"] is not None)
    )
    launch_dates: dict[str, dt.date] = {}
    for s in sats:
        launch_dates[s["launch_id"]] = min(
            s["launch"], launch_dates.get(s["launch_id"], s["launch"])
        )
    return {"satellites": sats, "as_of": as_of, "launch_dates": launch_dates}


def _in_orbit(satellites, day: dt.date) -> int:
    return sum(
        1 for s in satellites if s["launch"] <= day and not (s["decay"] and s["decay"] <= day)
    )


@pytest.fixture(scope="module")
def spacex_versions() -> dict[int, str]:
    from api_mirror.spacex.snapshot import load_records

    return {int(s["spaceTrack"]["NORAD_CAT_ID"]): s["version"] for s in load_records("starlink")}


# --- the two builds ------------------------------------------------------------------------------


def _dbt_build(settings, tmp_path, raw_schema: str, dbt_schema: str) -> None:
    run_tool(
        # the unit tests need no data: test_dbt_unit_tests.py runs them once
        [
            "dbt",
            "build",
            *NO_UNIT_TESTS,
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path),
        ],
        DBT_PROJECT_DIR,
        settings,
        extra_env={"SPACEX_SATCAT_RAW_SCHEMA": raw_schema, "SPACEX_DBT_SCHEMA": dbt_schema},
    )


@pytest.fixture(scope="module")
def catalogue_marts(loaded, records, tmp_path_factory) -> str:
    load_catalogue(loaded, records, CATALOGUE_RAW)
    _dbt_build(loaded, tmp_path_factory.mktemp("dbt_catalogue"), CATALOGUE_RAW, CATALOGUE_DBT)
    return f"{CATALOGUE_DBT}_marts"


@pytest.fixture(scope="module")
def absent_marts(built, query) -> str:
    """The session's marts: built without the catalogue's raw schema (the `catalogue_mode`
    fixture drops it again and rebuilds), so no second build is needed here."""
    schema = built.catalogue.raw_schema
    assert query("select to_regnamespace(%s)", (schema,)) == [(None,)], "catalogue loaded"
    return "spacex_marts"


def _rows(query, sql: str) -> list[dict]:
    """Rows as dicts (column names from the select list)."""
    cols = [
        c.strip().split(" as ")[-1] for c in sql.split(" from ")[0][len("select ") :].split(",")
    ]
    return [dict(zip(cols, row, strict=True)) for row in query(sql)]


@pytest.fixture(scope="module")
def oracle(catalogue, spacex_versions) -> Forecast:
    """The whole forecast model recomputed in Python from the recorded file
    (support/forecast_oracle.py)."""
    return Forecast(
        [
            Satellite(s["launch"], s["decay"], s["launch_id"], spacex_versions.get(s["norad"]))
            for s in catalogue["satellites"]
        ]
    )


@pytest.fixture(scope="module")
def forecast(catalogue_marts, query_dicts) -> dict[str, dict]:
    rows = query_dicts(f"select * from {catalogue_marts}.starlink_42k_forecast")
    return {r["scenario"]: r for r in rows}


# --- the catalogue build -------------------------------------------------------------------------


def test_catalogue_as_of_date_and_fleet(catalogue, forecast, oracle):
    sats, as_of = catalogue["satellites"], catalogue["as_of"]
    assert as_of == dt.date(2025, 6, 18)
    assert (len(sats), _in_orbit(sats, as_of)) == (8848, 7721)
    # the forecast starts on the last launch the catalogue has named, where it is complete
    assert oracle.start == max(s["launch"] for s in sats) == dt.date(2025, 6, 10)
    assert set(forecast) == {"headline", "with_starship"}
    for row in forecast.values():
        assert row["as_of_date"] == as_of
        assert row["forecast_start_date"] == oracle.start
        assert row["satellite_source"] == "spacetrack_satcat"
        assert row["satellites_launched"] == len(sats)
        assert row["satellites_decayed"] == sum(1 for s in sats if s["decay"])
        assert row["satellites_in_orbit"] == 7721
        assert row["in_orbit_at_start"] == _in_orbit(sats, oracle.start) == 7734


def test_catalogue_launches_are_designator_launch_parts(catalogue, catalogue_marts, query):
    rows = query(f"select launch_id, satellites_carried from {catalogue_marts}.starlink_launches")
    assert dict(rows) == dict(Counter(s["launch_id"] for s in catalogue["satellites"]))
    assert len(rows) == 274


def test_catalogue_in_orbit_series(catalogue, catalogue_marts, query):
    series = f"{catalogue_marts}.starlink_in_orbit_daily"
    rows = dict(query(f"select series_date, satellites_in_orbit from {series}"))
    sats = catalogue["satellites"]
    # the dates PROVENANCE.md checks against public tallies
    for day, expected in ((dt.date(2021, 4, 22), 1374), (dt.date(2022, 1, 18), 1830),
                          (dt.date(2023, 7, 20), 4496)):  # fmt: skip
        assert rows[day] == _in_orbit(sats, day) == expected
    for day in (dt.date(2019, 12, 31), dt.date(2024, 6, 30), catalogue["as_of"]):
        assert rows[day] == _in_orbit(sats, day)


def test_backtest_has_every_month_end_cutoff_and_its_actuals(catalogue, oracle, catalogue_marts,
                                                           query_dicts):  # fmt: skip
    rows = query_dicts(f"select * from {catalogue_marts}.starlink_forecast_backtest")
    expected = {
        (r["configuration"], r["cutoff_date"], r["horizon_months"]): r for r in oracle.backtest
    }
    assert {(r["configuration"], r["cutoff_date"], r["horizon_months"]) for r in rows} == set(
        expected
    )
    cutoffs = sorted({r["cutoff_date"] for r in rows})
    # every month end from 24 months after the first launch to 3 months before the start
    assert (cutoffs[0], cutoffs[-1], len(cutoffs)) == (
        dt.date(2021, 5, 31),
        dt.date(2025, 2, 28),
        46,
    )
    assert len({r["cutoff_date"] for r in rows if r["horizon_months"] == 24}) >= 24
    for r in rows:
        want = expected[(r["configuration"], r["cutoff_date"], r["horizon_months"])]
        assert r["evaluation_date"] == want["evaluation_date"]
        assert (
            r["actual_in_orbit"]
            == want["actual"]
            == _in_orbit(catalogue["satellites"], r["evaluation_date"])
        )
        assert float(r["predicted_in_orbit"]) == pytest.approx(want["predicted"], abs=0.005)
        assert r["error"] == r["predicted_in_orbit"] - r["actual_in_orbit"]


def test_the_cadence_of_every_configuration_recomputed(oracle, catalogue_marts, query_dicts):
    schema = catalogue_marts.replace("_marts", "_intermediate")
    rows = query_dicts(f"select * from {schema}.int_starlink__forecast_inputs")
    by_run = {run.cutoff: run for run in oracle.runs}
    assert len(rows) == len(oracle.runs) * 6
    for r in rows:
        want = by_run[r["cutoff_date"]].inputs[r["configuration"]]
        assert r["window_launches"] == want["window_launches"]
        assert float(r["cadence_slope_per_month"]) == pytest.approx(want["slope"], abs=1e-9)
        assert float(r["cadence_at_cutoff_per_month"]) == pytest.approx(want["at_cutoff"], abs=1e-9)
        assert float(r["satellites_per_launch"]) == pytest.approx(
            want["satellites_per_launch"], abs=1e-9
        )


def test_skill_and_the_headline_follow_the_stated_rule(oracle, catalogue_marts, query_dicts):
    rows = query_dicts(f"select * from {catalogue_marts}.starlink_forecast_skill")
    assert len(rows) == len(oracle.skill)
    for r in rows:
        want = oracle.skill[(r["configuration"], r["horizon_months"])]
        assert r["cutoffs_scored"] == want["n"]
        assert float(r["mean_abs_pct_error"]) == pytest.approx(want["mape"], abs=0.005)
        assert float(r["mean_pct_error"]) == pytest.approx(want["bias"], abs=0.005)
        for q in ("p10", "p50", "p90"):
            assert r[f"relative_error_{q}"] == pytest.approx(want[q], abs=1e-6)
        assert float(r["skill_score"]) == pytest.approx(
            oracle.scores[r["configuration"]], abs=0.005
        )
        assert r["is_headline"] == (r["configuration"] == oracle.headline)
    assert oracle.headline == "trend_24m"
    # the headline is (nearly) unbiased at the horizons the rule weighs; constant cadences are not
    for h in (12, 24):
        assert abs(oracle.skill[(oracle.headline, h)]["bias"]) < 2
        assert oracle.skill[("constant_24m", h)]["bias"] < -10


def test_the_band_covers_about_80_percent_of_the_backtest(oracle, catalogue_marts, query_dicts):
    """In the backtest itself: the headline's P10-P90 band at each horizon holds about four in
    five of the actual outcomes (the band is those errors' own quantiles)."""
    rows = query_dicts(f"select * from {catalogue_marts}.starlink_forecast_skill where is_headline")
    for r in rows:
        inside = [
            b for b in oracle.backtest
            if b["configuration"] == oracle.headline and b["horizon_months"] == r["horizon_months"]
            and b["predicted"] * (1 + r["relative_error_p10"]) <= b["actual"]
            <= b["predicted"] * (1 + r["relative_error_p90"])
        ]  # fmt: skip
        share = len(inside) / r["cutoffs_scored"]
        assert 0.7 <= share <= 0.9, (r["horizon_months"], share)
        assert float(r["band_coverage"]) == pytest.approx(share, abs=1e-4)


def test_the_paths_and_the_answer_recomputed(oracle, forecast, catalogue_marts, query_dicts):
    """Every month of both paths (P10 / P50 / P90) and every date and launch count the answer
    states, from the oracle: the figures of the README's answer."""
    paths = query_dicts(
        f"select * from {catalogue_marts}.starlink_forecast_path "
        "order by scenario, months_after_start",
    )
    for scenario, oracle_scenario in (("headline", "data"), ("with_starship", "with_starship")):
        band = oracle.band(oracle_scenario)
        got = [p for p in paths if p["scenario"] == scenario]
        assert len(got) == len(band) and got[-1]["path_date"] == dt.date(2060, 12, 10)
        for p, want in zip(got, band, strict=True):
            assert p["path_date"] == want["date"]
            for q in ("p10", "p50", "p90"):
                assert float(p[f"in_orbit_{q}"]) == pytest.approx(want[q], abs=0.006), (
                    scenario,
                    p["months_after_start"],
                )
            assert float(p["cumulative_launches"]) == pytest.approx(want["cumulative"], abs=1e-4)
            for q in ("p10", "p50", "p90"):
                assert float(p[f"launches_{q}"]) == pytest.approx(want[f"launches_{q}"], abs=1e-3)
        row = forecast[scenario]
        for which, q in (("p50", "p50"), ("early", "p90"), ("late", "p10")):
            first = oracle.first_at(band, q, TARGET)
            assert row[f"target_date_{which}"] == (first["date"] if first else None), which
            launches = math.ceil(round(first[f"launches_{q}"], 4)) if first else None
            assert row[f"launches_to_target_{which}"] == launches, which
        twelve = band[12]
        assert (row["in_orbit_12m_p10"], row["in_orbit_12m_p50"], row["in_orbit_12m_p90"]) == tuple(
            round(twelve[q]) for q in ("p10", "p50", "p90")
        )
        authorised = oracle.first_at(band, "p50", row["authorised_in_orbit"])
        assert row["authorised_date_p50"] == (authorised["date"] if authorised else None)
    # the answer as it stands on the bundled catalogue: the Falcon 9 pace never gets there at
    # P50, the optimistic end of the band does in the 2030s, and a year out the fleet is ~10,000
    headline = forecast["headline"]
    assert headline["configuration"] == "trend_24m" and headline["authorised_in_orbit"] == 19_408
    assert headline["target_date_p50"] is None and headline["target_date_late"] is None
    assert headline["target_date_early"] == dt.date(2031, 9, 10)
    # 42,000 by then takes about 2,000 Falcon 9 launches, as starlink_what_it_takes says too
    assert headline["launches_to_target_early"] == 1986
    assert (
        headline["in_orbit_12m_p10"],
        headline["in_orbit_12m_p50"],
        headline["in_orbit_12m_p90"],
    ) == (9219, 10067, 13565)
    assert headline["launches_needed_without_losses"] == math.ceil(
        (TARGET - 7734) / oracle.forecast_run.inputs["trend_24m"]["satellites_per_launch"]
    )
    assert forecast["with_starship"]["target_date_early"] < headline["target_date_early"]


def test_sources_reconcile(catalogue, spacex_versions, catalogue_marts, query):
    in_both = {s["norad"] for s in catalogue["satellites"]} & set(spacex_versions)
    rows = query(
        "select norad_cat_id, launch_dates_agree, decay_status_agrees "
        f"from {catalogue_marts}.starlink_source_reconciliation"
    )
    assert {r[0] for r in rows} == in_both and len(rows) == 1443
    assert all(r[1] and r[2] for r in rows)


# --- the catalogue absent ------------------------------------------------------------------------


def test_without_the_catalogue_the_spacex_answer_is_unchanged(absent_marts, query, query_dicts):
    """The SpaceX API alone (through 2021-04): its own as-of date and counts, and the same model
    on its two years of data, backtested on the few cutoffs they allow (a warning says so)."""
    rows = query_dicts(f"select * from {absent_marts}.starlink_42k_forecast")
    by_name = {r["scenario"]: r for r in rows}
    assert set(by_name) == {"headline", "with_starship"}
    assert {r["as_of_date"] for r in rows} == {dt.date(2021, 4, 21)}
    assert {r["satellite_source"] for r in rows} == {"spacex_api"}
    assert {r["satellites_in_orbit"] for r in rows} == {1374}
    headline = by_name["headline"]
    assert headline["forecast_start_date"] == dt.date(2021, 4, 7)
    # too few cutoffs at the 24-month horizon: no cutoff scored there
    assert headline["cutoffs_at_longest_headline_horizon"] is None
    assert headline["backtest_cutoffs"] == 11
    assert (headline["target_date_p50"], headline["launches_to_target_p50"]) == (
        dt.date(2028, 3, 7),
        825,
    )
    assert headline["launches_to_target_p50"] >= headline["launches_needed_without_losses"] == 747
    assert query(f"select count(*) from {absent_marts}.starlink_satellites") == [(1445,)]
    assert query(f"select count(*) from {absent_marts}.starlink_source_reconciliation") == [(0,)]


# --- survival by age and what it would take (issue 18), recomputed with lifelines ---------------

MAX_AGE = VARS["max_age"]  # dbt var starlink_survival_max_age_months


@pytest.fixture(scope="module")
def survival_oracle(oracle) -> dict:
    """The survival curve at the forecast start from the recorded file, by lifelines'
    Kaplan-Meier estimator on whole months and numpy's least squares for the Weibull tail
    (support/forecast_oracle.survival_curve): nothing of the dbt SQL."""
    return {"as_of": oracle.start, **survival_curve(oracle.satellites, oracle.start)}


@pytest.fixture(scope="module")
def survival_rows(catalogue_marts, query, survival_oracle) -> list[dict]:
    schema = catalogue_marts.replace("_marts", "_intermediate")
    return _rows(
        query,
        "select age_months, at_risk, kaplan_meier_survival, survival, survival_basis, "
        "last_reliable_age_months, weibull_shape, weibull_scale_months from "
        f"{schema}.int_starlink__survival where cutoff_date = '{survival_oracle['as_of']}' "
        "order by age_months",
    )


def test_survival_is_lifelines_kaplan_meier_with_a_weibull_tail(survival_oracle, survival_rows):
    oracle = survival_oracle
    assert [r["age_months"] for r in survival_rows] == list(range(MAX_AGE + 1))
    assert {r["last_reliable_age_months"] for r in survival_rows} == {oracle["last"]}
    assert survival_rows[0]["weibull_shape"] == pytest.approx(oracle["shape"], rel=1e-9)
    assert survival_rows[0]["weibull_scale_months"] == pytest.approx(oracle["scale"], rel=1e-9)
    for row in survival_rows:
        a = row["age_months"]
        assert row["at_risk"] == oracle["at_risk"][a], a
        assert row["kaplan_meier_survival"] == pytest.approx(oracle["km"][a], abs=1e-12), a
        assert row["survival"] == pytest.approx(oracle["curve"][a], abs=1e-12), a
        assert row["survival_basis"] == ("kaplan_meier" if a <= oracle["last"] else "weibull_tail")
    # what users rely on: losses rise with age (wear-out), and the curve never rises
    assert oracle["shape"] > 1
    curve = [r["survival"] for r in survival_rows]
    assert all(later <= earlier + 1e-15 for earlier, later in zip(curve, curve[1:], strict=False))


def test_what_it_takes_recomputed(catalogue, spacex_versions, survival_oracle, catalogue_marts,
                                  query):  # fmt: skip
    """Launches a month to reach 42,000 by each target year, from the oracle's curve and the
    recorded file: the fleet is linear in the launches a month (see the model's header)."""
    as_of, curve = survival_oracle["as_of"], survival_oracle["curve"]

    def s(age: int) -> float:
        return 1.0 if age < 0 else curve[min(age, MAX_AGE)]

    sats = catalogue["satellites"]
    in_orbit = [
        math.floor((as_of - x["launch"]).days / DAYS_PER_MONTH)
        for x in sats
        if x["launch"] <= as_of and not (x["decay"] and x["decay"] <= as_of)
    ]
    window_start = months_after(as_of, -VARS["recent_window_months"])
    recent = Counter(
        x["launch_id"]
        for x in sats
        if window_start < catalogue["launch_dates"][x["launch_id"]] <= as_of
    )
    f9_per_launch = sum(recent.values()) / len(recent)
    mean_life = sum(s(a) for a in range(MAX_AGE + 1))
    rows = _rows(
        query,
        "select target_year, launch_class, months_to_target, satellites_per_launch, "
        "satellites_in_orbit_as_of, as_of_fleet_surviving, launches_per_month_needed, "
        "launches_needed, mean_life_months, steady_state_launches_per_month "
        f"from {catalogue_marts}.starlink_what_it_takes order by target_year, launch_class",
    )
    assert [(r["target_year"], r["launch_class"]) for r in rows] == [
        (y, c) for y in (2030, 2035, 2040, 2050) for c in ("falcon_9", "starship")
    ]
    for r in rows:
        months = (r["target_year"] - as_of.year) * 12 + 12 - as_of.month
        per_launch = f9_per_launch if r["launch_class"] == "falcon_9" else 50
        surviving = sum(s(a + months - 1) / s(a - 1) for a in in_orbit)
        per_month = max(TARGET - surviving, 0) / (
            per_launch * sum(s(j) for j in range(-1, months - 1))
        )
        assert r["months_to_target"] == months
        assert r["satellites_in_orbit_as_of"] == len(in_orbit) == 7734
        assert float(r["satellites_per_launch"]) == pytest.approx(per_launch, rel=1e-12)
        assert float(r["as_of_fleet_surviving"]) == pytest.approx(surviving, rel=1e-9)
        assert float(r["launches_per_month_needed"]) == pytest.approx(per_month, rel=1e-9)
        assert float(r["launches_needed"]) == pytest.approx(per_month * months, rel=1e-9)
        assert float(r["mean_life_months"]) == pytest.approx(mean_life, rel=1e-9)
        assert float(r["steady_state_launches_per_month"]) == pytest.approx(
            TARGET / mean_life / per_launch, rel=1e-9
        )
    # the fleet in orbit at the start is mostly gone long before 2050
    assert float(rows[-1]["as_of_fleet_surviving"]) < 0.1 * 7734
