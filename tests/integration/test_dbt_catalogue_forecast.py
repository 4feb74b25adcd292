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

import psycopg
import pytest
from support.dates import add_months, to_date
from support.meltano import run_tool

from api_mirror.spacetrack.snapshot import load_satcat
from dagster_spacex.assets.transform import NO_UNIT_TESTS
from spacex_elt.settings import DBT_PROJECT_DIR

DAYS_PER_MONTH = 30.4375  # dbt macro days_per_month()
TARGET = 42_000
CATALOGUE_RAW = "satcat_raw_catalogue_test"
CATALOGUE_DBT = "spacex_catalogue_test"
NUMERIC = {"period", "inclination", "apogee", "perigee"}


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


def _load_catalogue(settings, records) -> None:
    """The raw table as target-postgres would type it (dates, bigint key, numerics, text)."""
    fields = list(records[0])
    types = {"NORAD_CAT_ID": "bigint primary key", "LAUNCH": "date", "DECAY": "date"}
    columns = ", ".join(
        f"{f.lower()} {types.get(f, 'numeric' if f.lower() in NUMERIC else 'text')}" for f in fields
    )
    pg = settings.postgres
    with psycopg.connect(
        host=pg.host, port=pg.port, user=pg.user, password=pg.password, dbname=pg.database,
        autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(f"drop schema if exists {CATALOGUE_RAW} cascade")
        conn.execute(f"create schema {CATALOGUE_RAW}")
        conn.execute(
            f"create table {CATALOGUE_RAW}.spacetrack_satcat ({columns}, "
            "_sdc_batched_at timestamp, _sdc_deleted_at timestamp)"
        )
        names = ", ".join(f.lower() for f in fields)
        with conn.cursor().copy(
            f"copy {CATALOGUE_RAW}.spacetrack_satcat ({names}, _sdc_batched_at) from stdin"
        ) as copy:
            for r in records:
                copy.write_row([r[f] for f in fields] + ["2025-06-21 06:33:41"])


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
    _load_catalogue(loaded, records)
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
def forecast(catalogue_marts, query) -> dict[str, dict]:
    rows = _rows(
        query,
        "select scenario, as_of_date, satellite_source, satellites_launched, satellites_decayed, "
        "satellites_in_orbit, launches_per_month, satellites_per_launch, monthly_decay_rate, "
        "cadence_slope_per_month, cadence_fitted_per_month, cadence_ceiling_per_month, "
        "operational_lifetime_months, reaches_target, launches_to_target, months_to_target, "
        f"projected_date, is_headline, backtest_mean_abs_pct_error from {catalogue_marts}"
        ".starlink_42k_forecast",
    )
    return {r["scenario"]: r for r in rows}


def _path(query, marts: str, scenario: str) -> list[dict]:
    return _rows(
        query,
        "select months_after_as_of, path_date, predicted_in_orbit, cumulative_launches, "
        f"reaches_target from {marts}.starlink_forecast_path where scenario = '{scenario}' "
        "order by months_after_as_of",
    )


# --- the catalogue build -------------------------------------------------------------------------


def test_catalogue_as_of_date_and_fleet(catalogue, forecast):
    sats, as_of = catalogue["satellites"], catalogue["as_of"]
    assert as_of == dt.date(2025, 6, 18)
    assert (len(sats), _in_orbit(sats, as_of)) == (8848, 7721)
    for row in forecast.values():
        assert row["as_of_date"] == as_of
        assert row["satellite_source"] == "spacetrack_satcat"
        assert row["satellites_launched"] == len(sats)
        assert row["satellites_decayed"] == sum(1 for s in sats if s["decay"])
        assert row["satellites_in_orbit"] == 7721


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


def test_operational_lifetime_is_the_kaplan_meier_median(catalogue, spacex_versions, forecast):
    """Operational (not v0.9) satellites that lived >= 12 months; in-orbit ones are censored."""
    as_of = catalogue["as_of"]
    observed = []
    for s in catalogue["satellites"]:
        if spacex_versions.get(s["norad"]) in ("v0.9", "prototype"):
            continue
        decayed = s["decay"] is not None and s["decay"] <= as_of
        days = ((s["decay"] if decayed else as_of) - s["launch"]).days
        if days >= 12 * DAYS_PER_MONTH:
            observed.append((days, decayed))
    survival, median = 1.0, None
    for day in sorted({d for d, decayed in observed if decayed}):
        at_risk = sum(1 for d, _ in observed if d >= day)
        deaths = sum(1 for d, decayed in observed if decayed and d == day)
        survival *= 1 - deaths / at_risk
        if survival <= 0.5:
            median = day / DAYS_PER_MONTH
            break
    assert median is not None and 55 < median < 66  # about the five-year design life
    lifetime = float(forecast["cohort_lifetime"]["operational_lifetime_months"])
    assert lifetime == pytest.approx(median, abs=1e-4)


def test_cadence_trend_fit_is_a_least_squares_line(catalogue, forecast):
    as_of, launch_dates = catalogue["as_of"], catalogue["launch_dates"]
    xs = list(range(-23, 1))
    ys = [
        sum(1 for d in launch_dates.values()
            if add_months(as_of, x - 1) < d <= add_months(as_of, x))
        for x in xs
    ]  # fmt: skip
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    row = forecast["cadence_trend"]
    assert float(row["cadence_slope_per_month"]) == pytest.approx(slope, abs=1e-9)
    assert float(row["cadence_fitted_per_month"]) == pytest.approx(my - slope * mx, abs=1e-9)


def test_cadence_trend_path_recomputed(forecast, catalogue_marts, query):
    row = forecast["cadence_trend"]
    fitted, slope = float(row["cadence_fitted_per_month"]), float(row["cadence_slope_per_month"])
    ceiling, per_launch = (
        float(row["cadence_ceiling_per_month"]),
        float(row["satellites_per_launch"]),
    )
    rate = float(row["monthly_decay_rate"])
    fleet, launches = float(row["satellites_in_orbit"]), 0.0
    expected = [(0, fleet, launches)]
    for k in range(1, 2000):
        flown = max(0.0, min(ceiling, fitted + slope * k))
        inflow = flown * per_launch
        # proportional decay solved exactly within the month (inflow constant in it)
        if rate > 0:
            fleet = fleet * math.exp(-rate) + inflow * (1 - math.exp(-rate)) / rate
        else:
            fleet += inflow
        launches += flown
        expected.append((k, fleet, launches))
        if fleet >= TARGET:
            break
    path = _path(query, catalogue_marts, "cadence_trend")
    assert len(path) == len(expected) and path[-1]["reaches_target"] is True
    for got, (k, fleet, launches) in zip(path, expected, strict=True):
        assert got["months_after_as_of"] == k
        assert float(got["predicted_in_orbit"]) == pytest.approx(fleet, abs=0.01)
        assert float(got["cumulative_launches"]) == pytest.approx(launches, abs=0.01)
    (k0, n0, l0), (_, n1, l1) = expected[-2], expected[-1]
    share = (TARGET - n0) / (n1 - n0)
    # dbt interpolates between the path's values rounded to 2 decimals: equal to ~1 minute
    assert float(row["months_to_target"]) == pytest.approx(k0 + share, abs=1e-3)
    assert row["launches_to_target"] == math.ceil(l0 + (l1 - l0) * share)


def test_cohort_lifetime_path_recomputed(catalogue, forecast, catalogue_marts, query):
    row, as_of = forecast["cohort_lifetime"], catalogue["as_of"]
    lifetime = float(row["operational_lifetime_months"])
    inflow = float(row["launches_per_month"]) * float(row["satellites_per_launch"])
    up = [s for s in catalogue["satellites"]
          if s["launch"] <= as_of and not (s["decay"] and s["decay"] <= as_of)]  # fmt: skip
    retire = Counter(
        max(1, math.ceil(lifetime - (as_of - s["launch"]).days / DAYS_PER_MONTH)) for s in up
    )
    path = {p["months_after_as_of"]: p for p in _path(query, catalogue_marts, "cohort_lifetime")}
    for k in (0, 1, 6, 12, 60, 61, 120, 600):
        expected = len(up) - sum(n for m, n in retire.items() if m <= k) + inflow * min(k, lifetime)
        assert float(path[k]["predicted_in_orbit"]) == pytest.approx(expected, abs=0.01), k
    # launches go on: the fleet levels off at inflow * lifetime, below 42,000 at this cadence
    assert row["reaches_target"] is False and row["projected_date"] is None
    assert float(path[max(path)]["predicted_in_orbit"]) == pytest.approx(
        inflow * lifetime, abs=0.01
    )


def test_backtest_actuals_and_grain(catalogue, catalogue_marts, query):
    rows = _rows(
        query,
        "select scenario, cutoff_date, horizon_months, evaluation_date, actual_in_orbit, "
        f"predicted_in_orbit, error from {catalogue_marts}.starlink_forecast_backtest",
    )
    as_of, sats = catalogue["as_of"], catalogue["satellites"]
    cutoffs = {add_months(as_of, -m) for m in (12, 24, 36, 48)}
    expected = {(c, h) for c in cutoffs for h in (6, 12, 24) if add_months(c, h) <= as_of}
    assert {(r["cutoff_date"], r["horizon_months"]) for r in rows} == expected
    assert len(rows) == 6 * len(expected)
    for r in rows:
        assert r["evaluation_date"] == add_months(r["cutoff_date"], r["horizon_months"])
        assert r["actual_in_orbit"] == _in_orbit(sats, r["evaluation_date"])
        assert r["error"] == r["predicted_in_orbit"] - r["actual_in_orbit"]


def test_headline_follows_the_backtest_rule(forecast, catalogue_marts, query):
    errors: dict[str, list[float]] = {}
    for scenario, abs_error, actual in query(
        f"select scenario, abs_error, actual_in_orbit from {catalogue_marts}"
        ".starlink_forecast_backtest where horizon_months = 12 and actual_in_orbit > 0"
    ):
        errors.setdefault(scenario, []).append(100 * abs_error / actual)
    mape = {name: sum(v) / len(v) for name, v in errors.items()}
    best = min(mape, key=lambda name: (mape[name], name))
    assert [name for name, row in forecast.items() if row["is_headline"]] == [best]
    for name, row in forecast.items():
        assert float(row["backtest_mean_abs_pct_error"]) == pytest.approx(mape[name], abs=0.005)


def test_sources_reconcile(catalogue, spacex_versions, catalogue_marts, query):
    in_both = {s["norad"] for s in catalogue["satellites"]} & set(spacex_versions)
    rows = query(
        "select norad_cat_id, launch_dates_agree, decay_status_agrees "
        f"from {catalogue_marts}.starlink_source_reconciliation"
    )
    assert {r[0] for r in rows} == in_both and len(rows) == 1443
    assert all(r[1] and r[2] for r in rows)


# --- the catalogue absent ------------------------------------------------------------------------


def test_without_the_catalogue_the_spacex_answer_is_unchanged(absent_marts, query):
    rows = _rows(
        query,
        "select scenario, as_of_date, satellite_source, satellites_in_orbit, launches_to_target, "
        f"projected_date from {absent_marts}.starlink_42k_forecast",
    )
    by_name = {r["scenario"]: r for r in rows}
    assert {r["as_of_date"] for r in rows} == {dt.date(2021, 4, 21)}
    assert {r["satellite_source"] for r in rows} == {"spacex_api"}
    assert {r["satellites_in_orbit"] for r in rows} == {1374}
    answer = {
        name: (by_name[name]["launches_to_target"], by_name[name]["projected_date"])
        for name in ("linear_trend", "trailing_12m", "trailing_12m_no_decay", "trailing_24m")
    }
    assert answer == {
        "linear_trend": (835, dt.date(2065, 3, 25)),
        "trailing_12m": (1515, dt.date(2101, 1, 4)),
        "trailing_12m_no_decay": (713, dt.date(2058, 10, 25)),
        "trailing_24m": (None, None),
    }
    assert query(f"select count(*) from {absent_marts}.starlink_satellites") == [(1445,)]
    assert query(f"select count(*) from {absent_marts}.starlink_source_reconciliation") == [(0,)]


# --- survival by age and what it would take (issue 18), recomputed with lifelines ---------------

MIN_AT_RISK, FIT_MIN_AGE, MAX_AGE = 100, 12, 360  # dbt vars starlink_survival_*
EXCLUDED_VERSIONS = {"v0.9", "prototype"}  # dbt var starlink_decay_excluded_versions


@pytest.fixture(scope="module")
def survival_oracle(catalogue, spacex_versions) -> dict:
    """The as-of survival curve from the recorded file, by lifelines' Kaplan-Meier estimator on
    whole months and numpy's least squares for the Weibull tail: nothing of the dbt SQL."""
    import numpy as np
    from lifelines import KaplanMeierFitter

    as_of = catalogue["as_of"]
    durations, events = [], []
    for s in catalogue["satellites"]:
        if s["launch"] > as_of or spacex_versions.get(s["norad"]) in EXCLUDED_VERSIONS:
            continue
        decayed = s["decay"] is not None and s["decay"] <= as_of
        end = s["decay"] if decayed else as_of
        durations.append(math.floor((end - s["launch"]).days / DAYS_PER_MONTH))
        events.append(decayed)
    km = KaplanMeierFitter().fit(durations, event_observed=events)
    ages = list(range(MAX_AGE + 1))
    km_survival = [float(v) for v in km.survival_function_at_times(ages)]
    at_risk = [sum(1 for d in durations if d >= a) for a in ages]
    last = max(a for a in ages if at_risk[a] >= MIN_AT_RISK)
    fit_ages = [a for a in range(FIT_MIN_AGE, last + 1) if 0 < km_survival[a] < 1]
    shape, intercept = np.polyfit(
        [math.log(a + 1) for a in fit_ages],
        [math.log(-math.log(km_survival[a])) for a in fit_ages],
        1,
    )
    scale = math.exp(-intercept / shape)
    curve = [
        km_survival[a]
        if a <= last
        else km_survival[last]
        * math.exp(((last + 1) / scale) ** shape - ((a + 1) / scale) ** shape)
        for a in ages
    ]
    return {"as_of": as_of, "km": km_survival, "at_risk": at_risk, "last": last, "shape": shape,
            "scale": scale, "curve": curve}  # fmt: skip


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
    window_start = add_months(as_of, -12)  # dbt var starlink_recent_window_months
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
        assert r["satellites_in_orbit_as_of"] == len(in_orbit) == 7721
        assert float(r["satellites_per_launch"]) == pytest.approx(per_launch, rel=1e-12)
        assert float(r["as_of_fleet_surviving"]) == pytest.approx(surviving, rel=1e-9)
        assert float(r["launches_per_month_needed"]) == pytest.approx(per_month, rel=1e-9)
        assert float(r["launches_needed"]) == pytest.approx(per_month * months, rel=1e-9)
        assert float(r["mean_life_months"]) == pytest.approx(mean_life, rel=1e-9)
        assert float(r["steady_state_launches_per_month"]) == pytest.approx(
            TARGET / mean_life / per_launch, rel=1e-9
        )
    # the fleet launched by the as-of date is mostly gone long before 2050
    assert float(rows[-1]["as_of_fleet_surviving"]) < 0.1 * 7721
