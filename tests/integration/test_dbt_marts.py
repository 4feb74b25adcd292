"""The dbt marts' key numbers, checked against values computed independently from the raw snapshot.

Every expected value here is computed in Python straight from the recorded API responses
(`api_mirror.spacex.snapshot.load_records`), never from the warehouse, so a wrong join, a payload
counted as a satellite, a name-based filter or a forecast anchored on today's date would show up
as a mismatch. The forecast's arithmetic is re-done in Python from the mart's own input columns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pytest
from support.dates import DAYS_PER_MONTH, TARGET, add_months, to_date

from api_mirror.spacex.snapshot import load_records

# --- independent computations from the snapshot -------------------------------------------------


def _minus_months(day: dt.date, months: int) -> dt.date:
    """Calendar months back, clamping the day like PostgreSQL's date - interval 'n months'."""
    return add_months(day, -months)


@pytest.fixture(scope="module")
def snapshot():
    """Satellites (with their launch's date) and launches, straight from the recorded JSON."""
    launches = {launch["id"]: launch for launch in load_records("launches")}
    satellites = []
    for sat in load_records("starlink"):
        track = sat["spaceTrack"]
        launch = launches[sat["launch"]]  # every satellite links to a real launch
        satellites.append(
            {
                "id": sat["id"],
                "launch_id": sat["launch"],
                "version": sat["version"],
                "launch_date": to_date(launch["date_utc"]),
                "decay_date": to_date(track["DECAY_DATE"]),
                "decayed": track["DECAYED"] == 1,
                "creation_date": to_date(track["CREATION_DATE"]),
            }
        )
    as_of = max(
        max(to_date(x["date_utc"]) for x in launches.values() if not x["upcoming"]),
        max(s["creation_date"] for s in satellites),
        max(s["decay_date"] for s in satellites if s["decay_date"]),
    )
    return {"launches": launches, "satellites": satellites, "as_of": as_of}


def _in_orbit(satellites, day: dt.date) -> int:
    return sum(
        1
        for s in satellites
        if s["launch_date"] <= day and not (s["decay_date"] and s["decay_date"] <= day)
    )


def _window_rates(snapshot, cutoff: dt.date, months: int) -> dict[str, float]:
    """Rates of the window (cutoff - months, cutoff]: cadence, sats/launch, decay, trend."""
    sats = snapshot["satellites"]
    start = _minus_months(cutoff, months)
    in_window = [s for s in sats if start < s["launch_date"] <= cutoff]
    launches = {s["launch_id"] for s in in_window}
    # the decay assumption is measured on the operational fleet (the v0.9 test batch and the
    # prototypes were de-orbited on purpose): dbt var starlink_decay_excluded_versions
    operational = [s for s in sats if s["version"] not in ("v0.9", "prototype")]
    decayed = sum(1 for s in operational if s["decay_date"] and start < s["decay_date"] <= cutoff)
    # satellite-months in orbit during the window: daily end-of-day counts / days per month
    days = [start + dt.timedelta(days=i) for i in range(1, (cutoff - start).days + 1)]
    daily = [_in_orbit(sats, day) for day in days]
    satellite_months = sum(_in_orbit(operational, day) for day in days) / DAYS_PER_MONTH
    # least-squares slope of the daily in-orbit count (satellites per month)
    xs = [(day - start).days for day in days if day >= min(s["launch_date"] for s in sats)]
    ys = daily[len(daily) - len(xs) :]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return {
        "window_start": start,
        "launches_per_month": len(launches) / months,
        "satellites_per_launch": len(in_window) / len(launches),
        "monthly_decay_rate": decayed / satellite_months,
        "trend_per_month": slope * DAYS_PER_MONTH,
    }


# --- the marts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marts(built) -> str:
    """The marts schema of the freshly built test warehouse (dbt's <schema>_marts)."""
    return f"{built.dbt_schema}_marts"


@pytest.fixture(scope="module")
def forecast(marts, query) -> dict[str, dict]:
    cols = [
        "scenario", "as_of_date", "satellites_launched", "satellites_decayed",
        "satellites_in_orbit", "target_in_orbit", "window_months", "launches_per_month",
        "satellites_per_launch", "decay_model", "monthly_decay_rate", "net_satellites_per_month",
        "equilibrium_in_orbit", "satellites_needed", "reaches_target", "launches_needed",
        "launches_to_target", "months_to_target", "projected_date", "projection_method",
        "cadence_model", "operational_lifetime_months", "lifetime_basis", "is_headline",
        "headline_rank", "backtest_horizon_months", "backtest_mean_abs_pct_error",
        "backtest_cutoffs", "transformation_updated_at",
    ]  # fmt: skip
    rows = query(f"select {', '.join(cols)} from {marts}.starlink_42k_forecast")
    return {row[0]: dict(zip(cols, row, strict=True)) for row in rows}


def _f(value) -> float | None:
    return None if value is None else float(value)


def test_as_of_date_is_the_snapshots_last_date_not_today(snapshot, forecast, marts, query):
    assert snapshot["as_of"] == dt.date(2021, 4, 21)  # CREATION_DATE 2021-04-21T22:56:11
    assert {row["as_of_date"] for row in forecast.values()} == {snapshot["as_of"]}
    for table in (
        "starlink_satellites",
        "starlink_launches",
        "starlink_forecast_backtest",
        "starlink_forecast_path",
    ):
        assert query(f"select distinct as_of_date from {marts}.{table}") == [(snapshot["as_of"],)]
    assert (
        query(f"select max(series_date) from {marts}.starlink_in_orbit_daily")[0][0]
        == (snapshot["as_of"])
    )


def test_satellites_launched_decayed_and_in_orbit_match_the_snapshot(snapshot, forecast):
    sats, as_of = snapshot["satellites"], snapshot["as_of"]
    launched = sum(1 for s in sats if s["launch_date"] <= as_of)
    decayed = sum(1 for s in sats if s["decay_date"] and s["decay_date"] <= as_of)
    assert (launched, decayed) == (1445, 71)
    assert decayed == sum(s["decayed"] for s in sats)  # the DECAYED flag agrees with DECAY_DATE
    for row in forecast.values():
        assert row["satellites_launched"] == launched
        assert row["satellites_decayed"] == decayed
        assert row["satellites_in_orbit"] == launched - decayed == _in_orbit(sats, as_of) == 1374
        assert row["target_in_orbit"] == TARGET


def test_satellites_mart_has_one_row_per_satellite(snapshot, marts, query):
    rows = query(
        f"select satellite_id, launch_id, is_decayed, decay_date, days_in_orbit "
        f"from {marts}.starlink_satellites"
    )
    by_id = {r[0]: r for r in rows}
    assert len(rows) == len(by_id) == len(snapshot["satellites"])
    for s in snapshot["satellites"]:
        _, launch_id, is_decayed, decay_date, days = by_id[s["id"]]
        assert (launch_id, is_decayed, decay_date) == (
            s["launch_id"],
            s["decayed"],
            s["decay_date"],
        )
        assert days == ((s["decay_date"] or snapshot["as_of"]) - s["launch_date"]).days


def test_satellites_per_launch_come_from_the_satellites_own_links(snapshot, marts, query):
    expected = Counter(s["launch_id"] for s in snapshot["satellites"])
    rows = query(
        "select launch_id, launch_name, satellites_carried, satellites_in_orbit, "
        f"satellites_decayed from {marts}.starlink_launches"
    )
    assert {r[0]: r[2] for r in rows} == dict(expected)
    assert len(rows) == 26
    by_name = {r[1]: r for r in rows}
    # a rideshare and a demo whose names do not start with 'Starlink', and partial batches
    assert by_name["Transporter-1"][2] == 10
    assert by_name["Paz / Starlink Demo"][2] == 2
    assert by_name["Starlink-8 & SkySat 16-18"][2] == 58
    assert by_name["Starlink v0.9"][2:] == (60, 9, 51)
    assert by_name["Starlink-23 (v1.0)"][2:] == (60, 60, 0)
    # one Starlink payload per launch is not one satellite: the mart counts satellites
    payloads = [
        p for p in load_records("payloads") if p["launch"] == by_name["Starlink-23 (v1.0)"][0]
    ]
    assert len(payloads) == 1


def test_starlink_launches_per_year(snapshot, marts, query):
    first_date = {}
    for s in snapshot["satellites"]:
        first_date[s["launch_id"]] = s["launch_date"]
    launches_per_year = Counter(day.year for day in first_date.values())
    sats_per_year = Counter(s["launch_date"].year for s in snapshot["satellites"])
    rows = query(
        f"select period_year, starlink_launches, satellites_launched "
        f"from {marts}.starlink_launch_cadence where period_grain = 'year'"
    )
    assert {r[0]: r[1] for r in rows} == dict(launches_per_year)
    assert {r[0]: r[2] for r in rows} == dict(sats_per_year)
    assert dict(launches_per_year) == {2018: 1, 2019: 2, 2020: 14, 2021: 9}


def test_in_orbit_series_matches_the_snapshot_and_never_goes_backwards(snapshot, marts, query):
    rows = query(
        f"select series_date, cumulative_satellites_launched, satellites_in_orbit "
        f"from {marts}.starlink_in_orbit_daily order by series_date"
    )
    dates = [r[0] for r in rows]
    assert dates[0] == min(s["launch_date"] for s in snapshot["satellites"])
    assert dates == [dates[0] + dt.timedelta(days=i) for i in range(len(dates))]  # no gaps
    cumulative = [r[1] for r in rows]
    assert cumulative == sorted(cumulative)
    assert all(0 <= r[2] <= r[1] for r in rows)
    by_date = {r[0]: r[2] for r in rows}
    for day in (
        dt.date(2019, 12, 31),
        dt.date(2020, 6, 30),
        dt.date(2020, 12, 31),
        snapshot["as_of"],
    ):
        assert by_date[day] == _in_orbit(snapshot["satellites"], day), day


def test_forecast_inputs_match_the_snapshot(snapshot, forecast):
    assert len(forecast) >= 3
    assert {"trailing_12m", "trailing_24m", "linear_trend"} <= forecast.keys()
    for name, months in (("trailing_12m", 12), ("trailing_24m", 24)):
        row, rates = forecast[name], _window_rates(snapshot, snapshot["as_of"], months)
        assert row["window_months"] == months
        assert _f(row["launches_per_month"]) == pytest.approx(rates["launches_per_month"])
        assert _f(row["satellites_per_launch"]) == pytest.approx(rates["satellites_per_launch"])
        assert _f(row["monthly_decay_rate"]) == pytest.approx(rates["monthly_decay_rate"])
    # 19 Starlink-carrying launches (Transporter-1 included) with 1,083 satellites in 12 months
    assert _f(forecast["trailing_12m"]["launches_per_month"]) == pytest.approx(19 / 12)
    assert _f(forecast["trailing_12m"]["satellites_per_launch"]) == pytest.approx(1083 / 19)
    trend = _window_rates(snapshot, snapshot["as_of"], 12)["trend_per_month"]
    assert _f(forecast["linear_trend"]["net_satellites_per_month"]) == pytest.approx(
        trend, rel=1e-6
    )


def _months_to_target(model, n0, target, inflow, rate, slope):
    """The forecast method, re-implemented: months until the fleet reaches the target, or None."""
    if n0 >= target:
        return 0.0
    if model == "net_trend":
        return (target - n0) / slope if slope > 0 else None
    if rate == 0:
        return (target - n0) / inflow if inflow > 0 else None
    equilibrium = inflow / rate
    if equilibrium <= target:
        return None
    return math.log((equilibrium - n0) / (equilibrium - target)) / rate


def test_forecast_arithmetic_recomputed_from_its_own_columns(forecast):
    """The closed forms; cadence_trend and cohort_lifetime are simulated month by month
    (projection_method monthly_path: their path is checked in test_dbt_catalogue_forecast)."""
    closed = {
        name: row for name, row in forecast.items() if row["projection_method"] == "closed_form"
    }
    assert set(closed) == {"trailing_12m", "trailing_24m", "linear_trend", "trailing_12m_no_decay"}
    assert {row["projection_method"] for name, row in forecast.items() if name not in closed} == {
        "monthly_path"
    }
    for name, row in closed.items():
        n0, target = row["satellites_in_orbit"], row["target_in_orbit"]
        launches, per_launch = _f(row["launches_per_month"]), _f(row["satellites_per_launch"])
        rate, inflow = _f(row["monthly_decay_rate"]), launches * per_launch
        assert row["satellites_needed"] == target - n0 > 0
        if row["decay_model"] != "net_trend":
            assert _f(row["net_satellites_per_month"]) == pytest.approx(inflow - rate * n0)
        if row["decay_model"] == "none":
            assert rate == 0
        months = _months_to_target(
            row["decay_model"], n0, target, inflow, rate, _f(row["net_satellites_per_month"])
        )
        # launches_needed: the no-loss lower bound, always finite and > 0 below the target
        assert row["launches_needed"] == math.ceil((target - n0) / per_launch) > 0, name
        if months is None:
            assert row["reaches_target"] is False, name
            assert row["projected_date"] is None and row["months_to_target"] is None
            assert row["launches_to_target"] is None
            if row["decay_model"] == "proportional":
                assert _f(row["equilibrium_in_orbit"]) == pytest.approx(inflow / rate)
                assert inflow / rate <= target
            continue
        assert row["reaches_target"] is True, name
        assert _f(row["months_to_target"]) == pytest.approx(months, rel=1e-9)
        assert row["launches_to_target"] == math.ceil(months * launches) > 0
        if row["decay_model"] != "net_trend":
            assert row["launches_to_target"] >= row["launches_needed"] - 1
        # projected_date = as_of_date + months_to_target * 30.4375 days (truncated to the day)
        offset = (row["projected_date"] - row["as_of_date"]).days
        assert offset == math.floor(_f(row["months_to_target"]) * DAYS_PER_MONTH), name
        assert row["projected_date"] > row["as_of_date"]


def test_the_answer_with_the_default_vars(forecast):
    """Pin the headline numbers of the snapshot so a change in method shows in review."""
    no_decay = forecast["trailing_12m_no_decay"]
    assert no_decay["launches_needed"] == math.ceil((TARGET - 1374) / (1083 / 19)) == 713
    assert no_decay["projected_date"] == dt.date(2021, 4, 21) + dt.timedelta(
        days=math.floor((TARGET - 1374) / (1083 / 12) * DAYS_PER_MONTH)
    )
    # with the operational fleet's measured decay, the 24-month cadence levels off below 42,000
    # (equilibrium about 33,000) while the faster 12-month cadence gets there, slowly
    assert forecast["trailing_24m"]["reaches_target"] is False
    assert forecast["trailing_24m"]["projected_date"] is None
    assert forecast["trailing_12m"]["reaches_target"] is True
    assert forecast["trailing_12m"]["projected_date"].year == 2101
    assert forecast["linear_trend"]["reaches_target"] is True
    assert forecast["linear_trend"]["projected_date"] == dt.date(2065, 3, 25)
    # the rising cadence (a least-squares line through 24 monthly launch counts, at most 12 a
    # month) gets there first; retiring at the 60-month fallback lifetime levels off far below
    assert (
        forecast["cadence_trend"]["projected_date"],
        forecast["cadence_trend"]["launches_to_target"],
    ) == (dt.date(2030, 5, 5), 772)
    lifetime = forecast["cohort_lifetime"]
    assert lifetime["reaches_target"] is False and lifetime["projected_date"] is None
    assert (_f(lifetime["operational_lifetime_months"]), lifetime["lifetime_basis"]) == (
        60,
        "fallback",
    )
    # the headline, by the backtest rule: linear_trend, 62.2% off 12 months ahead
    assert [name for name, row in forecast.items() if row["is_headline"]] == ["linear_trend"]
    assert _f(forecast["linear_trend"]["backtest_mean_abs_pct_error"]) == pytest.approx(62.2)
    updated = {row["transformation_updated_at"] for row in forecast.values()}
    assert len(updated) == 1 and None not in updated


BACKTEST_CUTOFFS = (12, 24, 36, 48)  # dbt var starlink_backtest_months_before
BACKTEST_HORIZONS = (6, 12, 24)  # dbt var starlink_backtest_horizon_months


@pytest.fixture(scope="module")
def backtest(marts, query) -> list[dict]:
    cols = [
        "scenario", "cutoff_date", "months_before_as_of", "horizon_months", "evaluation_date",
        "as_of_date", "in_orbit_at_cutoff", "launches_per_month", "satellites_per_launch",
        "monthly_decay_rate", "net_satellites_per_month", "predicted_in_orbit", "actual_in_orbit",
        "error", "abs_error", "error_pct", "abs_error_pct",
    ]  # fmt: skip
    return [
        dict(zip(cols, r, strict=True))
        for r in query(f"select {', '.join(cols)} from {marts}.starlink_forecast_backtest")
    ]


def _closed_form(decay_model: str, n0: float, inflow: float, rate: float, slope: float, t: float):
    """The fleet t months after the cutoff, by the scenario's closed form (as the dbt macro)."""
    if decay_model == "net_trend":
        return max(0.0, n0 + slope * t)  # a falling trend line stops at an empty fleet
    if decay_model == "none" or rate == 0:
        return n0 + inflow * t
    equilibrium = inflow / rate
    return equilibrium + (n0 - equilibrium) * math.exp(-rate * t)


def test_backtest_error_is_predicted_minus_actual(snapshot, forecast, backtest):
    as_of, sats = snapshot["as_of"], snapshot["satellites"]
    # every scenario, every cutoff, every horizon that ends on or before the as-of date
    expected = {
        (name, months, horizon)
        for name in forecast
        for months in BACKTEST_CUTOFFS
        for horizon in BACKTEST_HORIZONS
        if add_months(_minus_months(as_of, months), horizon) <= as_of
    }
    got = [(r["scenario"], r["months_before_as_of"], r["horizon_months"]) for r in backtest]
    assert sorted(got) == sorted(expected)
    assert len(expected) == 6 * 11  # 48 and 36 months back: 3 horizons; 24: 3; 12: 6 and 12
    for r in backtest:
        cutoff, evaluation = r["cutoff_date"], r["evaluation_date"]
        assert cutoff == _minus_months(as_of, r["months_before_as_of"])
        assert r["as_of_date"] == as_of
        assert evaluation == add_months(cutoff, r["horizon_months"]) <= as_of
        # the actual fleets, counted again from the recorded JSON (0 before the first launch)
        assert r["actual_in_orbit"] == _in_orbit(sats, evaluation), (cutoff, evaluation)
        assert r["in_orbit_at_cutoff"] == _in_orbit(sats, cutoff)
        assert r["error"] == r["predicted_in_orbit"] - r["actual_in_orbit"]
        assert r["abs_error"] == abs(r["error"])
        if r["actual_in_orbit"] == 0:
            assert r["error_pct"] is None and r["abs_error_pct"] is None
        else:
            pct = 100 * r["error"] / r["actual_in_orbit"]
            assert _f(r["error_pct"]) == pytest.approx(pct, abs=0.005)
            assert _f(r["abs_error_pct"]) == pytest.approx(abs(pct), abs=0.005)
        # the prediction of the closed-form scenarios, re-done from the row's own inputs at
        # whole months after the cutoff (the simulated ones: test_dbt_catalogue_forecast)
        row = forecast[r["scenario"]]
        if row["projection_method"] != "closed_form":
            continue
        inflow = _f(r["launches_per_month"]) * _f(r["satellites_per_launch"])
        predicted = _closed_form(
            row["decay_model"],
            r["in_orbit_at_cutoff"],
            inflow,
            _f(r["monthly_decay_rate"]),
            _f(r["net_satellites_per_month"]),
            r["horizon_months"],
        )
        assert abs(r["predicted_in_orbit"] - predicted) <= 0.5 + 1e-6, r["scenario"]
    # the recorded history the backtest is judged against: 0 before the Tintin prototypes
    # (2018-02-22), 2 until the v0.9 batch (2019-05-24), then the v1.0 launches
    actual = {r["evaluation_date"]: r["actual_in_orbit"] for r in backtest}
    assert actual[dt.date(2017, 10, 21)] == 0
    assert actual[dt.date(2018, 4, 21)] == 2
    assert actual[dt.date(2021, 4, 21)] == 1374
    # the cadence inputs of a backtest run only see data up to its cutoff
    run = next(
        r for r in backtest if r["scenario"] == "trailing_12m" and r["months_before_as_of"] == 12
    )
    rates = _window_rates(snapshot, run["cutoff_date"], 12)
    assert _f(run["launches_per_month"]) == pytest.approx(rates["launches_per_month"])
    assert _f(run["satellites_per_launch"]) == pytest.approx(rates["satellites_per_launch"])
    assert _f(run["monthly_decay_rate"]) == pytest.approx(rates["monthly_decay_rate"])


def test_headline_is_the_smallest_12_month_backtest_error(forecast, backtest):
    """The rule, re-applied: mean |error| / actual at the 12-month horizon over the cutoffs with
    a fleet above 0, smallest first, ties by name; exactly one headline."""
    errors: dict[str, list[float]] = {}
    for r in backtest:
        if r["horizon_months"] == 12 and r["actual_in_orbit"] > 0:
            errors.setdefault(r["scenario"], []).append(100 * r["abs_error"] / r["actual_in_orbit"])
    mape = {name: sum(v) / len(v) for name, v in errors.items()}
    ranked = sorted(forecast, key=lambda name: (mape.get(name, math.inf), name))
    assert [forecast[name]["headline_rank"] for name in ranked] == list(range(1, len(ranked) + 1))
    assert [name for name in forecast if forecast[name]["is_headline"]] == [ranked[0]]
    for name, row in forecast.items():
        assert row["backtest_horizon_months"] == 12
        assert row["backtest_cutoffs"] == len(errors.get(name, []))
        assert _f(row["backtest_mean_abs_pct_error"]) == pytest.approx(mape[name], abs=0.005)


def test_forecast_path_follows_each_closed_form_to_the_target(forecast, marts, query):
    """starlink_forecast_path: month 0 is the as-of fleet; the closed forms at whole months; each
    path stops at its first month at the target, or in December 2100 (the horizon)."""
    rows = query(
        "select scenario, months_after_as_of, path_date, month, predicted_in_orbit, "
        "cumulative_launches, reaches_target, is_headline, as_of_date "
        f"from {marts}.starlink_forecast_path order by scenario, months_after_as_of"
    )
    paths: dict[str, list[tuple]] = defaultdict(list)
    for r in rows:
        paths[r[0]].append(r[1:])
    assert set(paths) == set(forecast)
    for name, path in paths.items():
        row = forecast[name]
        as_of, n0 = row["as_of_date"], row["satellites_in_orbit"]
        assert [p[0] for p in path] == list(range(len(path))), name  # no gaps
        for k, path_date, month, predicted, _launches, at_target, headline, path_as_of in path:
            assert path_date == add_months(as_of, k) and month == path_date.replace(day=1)
            assert headline == row["is_headline"] and path_as_of == as_of
            assert at_target == (predicted >= TARGET)
        assert _f(path[0][3]) == pytest.approx(n0) and _f(path[0][4]) == 0
        last = path[-1]
        assert all(not p[5] for p in path[:-1]), name  # the target only on the last row
        if not last[5]:
            assert last[1] == dt.date(2100, 12, as_of.day), name  # the horizon, below the target
        if row["projection_method"] != "closed_form":
            continue
        inflow = _f(row["launches_per_month"]) * _f(row["satellites_per_launch"])
        for k, _, _, predicted, launches, *_ in path:
            expected = _closed_form(
                row["decay_model"],
                n0,
                inflow,
                _f(row["monthly_decay_rate"]),
                _f(row["net_satellites_per_month"]),
                k,
            )
            assert _f(predicted) == pytest.approx(expected, abs=0.01), (name, k)
            assert _f(launches) == pytest.approx(_f(row["launches_per_month"]) * k, abs=0.01)
    # reaching the target in the path agrees with the forecast (trailing_12m's closed form lands
    # in January 2101, just after the horizon, so its path ends below the target)
    reached = {name for name, path in paths.items() if path[-1][5]}
    assert reached == {
        name
        for name, row in forecast.items()
        if row["reaches_target"] and row["projected_date"].year <= 2100
    }


def test_crew_bridge_and_launch_bridges_match_the_snapshot(built, query):
    staging = f"{built.dbt_schema}_staging"
    launches = load_records("launches")
    crew = {(x["id"], c) for x in launches for c in x["crew"]}
    rows = query(
        f"select launch_id, crew_id, crew_role, crew_shape from {staging}.stg_spacex__launch_crew"
    )
    assert {(r[0], r[1]) for r in rows} == crew
    assert {(r[2], r[3]) for r in rows} == {(None, "v4")}
    payloads = defaultdict(set)
    for x in launches:
        payloads[x["id"]].update(x["payloads"])
    rows = query(f"select launch_id, payload_id from {staging}.stg_spacex__launch_payloads")
    got = defaultdict(set)
    for launch_id, payload_id in rows:
        got[launch_id].add(payload_id)
    assert got == {k: v for k, v in payloads.items() if v}
    cores = sum(len(x["cores"]) for x in launches)
    assert query(f"select count(*) from {staging}.stg_spacex__launch_cores")[0][0] == cores
