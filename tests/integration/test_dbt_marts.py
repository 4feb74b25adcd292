"""The dbt marts' key numbers, checked against values computed independently from the raw snapshot.

Every expected value here is computed in Python straight from the recorded API responses
(`api_mirror.spacex.snapshot.load_records`), never from the warehouse, so a wrong join, a payload
counted as a satellite, a name-based filter or a forecast anchored on today's date would show up
as a mismatch. The forecast is recomputed from the same records by support/forecast_oracle.py.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pytest
from support.dates import TARGET, to_date
from support.forecast_oracle import Forecast, Satellite, in_orbit

from api_mirror.spacex.snapshot import load_records

# --- independent computations from the snapshot -------------------------------------------------


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


# --- the marts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marts(built) -> str:
    """The marts schema of the freshly built test warehouse (dbt's <schema>_marts)."""
    return f"{built.dbt_schema}_marts"


@pytest.fixture(scope="module")
def forecast(marts, query_dicts) -> dict[str, dict]:
    rows = query_dicts(f"select * from {marts}.starlink_42k_forecast")
    return {row["scenario"]: row for row in rows}


@pytest.fixture(scope="module")
def oracle(snapshot) -> Forecast:
    """The forecast model recomputed in Python from the snapshot (support/forecast_oracle.py)."""
    return Forecast(
        [
            Satellite(s["launch_date"], s["decay_date"], s["launch_id"], s["version"])
            for s in snapshot["satellites"]
        ]
    )


def _f(value) -> float | None:
    return None if value is None else float(value)


def test_as_of_date_is_the_snapshots_last_date_not_today(snapshot, forecast, marts, query):
    assert snapshot["as_of"] == dt.date(2021, 4, 21)  # CREATION_DATE 2021-04-21T22:56:11
    assert {row["as_of_date"] for row in forecast.values()} == {snapshot["as_of"]}
    for table in ("starlink_satellites", "starlink_launches", "starlink_forecast_path"):
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


def test_the_forecast_recomputed_from_the_snapshot(oracle, forecast, marts, query_dicts):
    """The SpaceX API alone: two years of data, so only the month ends from 2020-02 on are
    backtest cutoffs; every backtest prediction, the headline and the paths, from the oracle."""
    assert oracle.start == dt.date(2021, 4, 7)  # the last launch the API's satellites name
    backtest = query_dicts(f"select * from {marts}.starlink_forecast_backtest")

    def key(r: dict) -> tuple:
        return r["configuration"], r["cutoff_date"], r["horizon_months"]

    expected = {key(r): r for r in oracle.backtest}
    assert {key(r) for r in backtest} == set(expected)
    assert len({r["cutoff_date"] for r in backtest}) == 11
    for r in backtest:
        want = expected[key(r)]
        assert r["actual_in_orbit"] == want["actual"]
        assert float(r["predicted_in_orbit"]) == pytest.approx(want["predicted"], abs=0.005)
    headline = forecast["headline"]
    assert headline["configuration"] == oracle.headline
    assert float(headline["skill_score"]) == pytest.approx(
        oracle.scores[oracle.headline], abs=0.005
    )
    paths = query_dicts(
        f"select * from {marts}.starlink_forecast_path where scenario = 'headline' "
        "order by months_after_start"
    )
    band = oracle.band()
    assert len(paths) == len(band)
    for p, want in zip(paths, band, strict=True):
        assert p["path_date"] == want["date"] and p["month"] == want["date"].replace(day=1)
        assert float(p["in_orbit_p50"]) == pytest.approx(want["p50"], abs=0.006)
        assert p["reaches_target_p50"] == (float(p["in_orbit_p50"]) >= TARGET)
    first = oracle.first_at(band, "p50", TARGET)
    assert headline["target_date_p50"] == first["date"]
    assert headline["launches_to_target_p50"] == math.ceil(round(first["launches_p50"], 4))
    assert headline["in_orbit_at_start"] == in_orbit(oracle.satellites, oracle.start) == 1377
    assert headline["launches_needed_without_losses"] == math.ceil(
        (TARGET - 1377) / oracle.forecast_run.inputs[oracle.headline]["satellites_per_launch"]
    )


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
