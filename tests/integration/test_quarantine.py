"""Bad catalogue records are set aside and named, never a silent block of the day's answer
(issue 20).

The bundled Space-Track catalogue with a few records made impossible (a decay before its launch,
no launch date, no designator) is loaded into a raw schema of this module's own, and the Dagster
job's dbt step and answer run on it (into schemas of its own too): the run succeeds, the answer's
in-orbit count is an independent count without those records, and the set_aside_records check
warns naming each NORAD number. With more bad records than the threshold, the run fails naming
them, and the answer and its marts stay as the good run left them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance
from support.catalogue import load_catalogue
from support.dates import to_date

from api_mirror.spacetrack.snapshot import load_satcat
from dagster_spacex.definitions import defs
from spacex_elt.answer import ANSWER_MARTS, load_answer, render_text, to_json
from spacex_elt.settings import load_settings

RAW, DBT = "quarantine_satcat_raw", "quarantine"
MARTS = f"{DBT}_marts"
THRESHOLD = 10  # dbt var starlink_quarantine_error_if


def _starlink(records: list[dict]) -> list[dict]:
    return [
        r
        for r in records
        if r["OBJECT_TYPE"] == "PAYLOAD" and r["SATNAME"].upper().startswith("STARLINK")
    ]


def spoil(records: list[dict], count: int) -> dict[int, str]:
    """Make `count` Starlink records (in orbit, well before the as-of date) unusable, in turn
    by each rule the catalogue can break; returns NORAD number -> the rule."""
    victims = [r for r in _starlink(records) if r["DECAY"] is None and r["LAUNCH"] < "2024-01-01"]
    broken = {}
    for i, record in enumerate(victims[:count]):
        rule = ("decay_before_launch", "missing_launch_date", "missing_launch")[i % 3]
        if rule == "decay_before_launch":
            launch = dt.date.fromisoformat(record["LAUNCH"])
            record["DECAY"] = (launch - dt.timedelta(days=3)).isoformat()
        elif rule == "missing_launch_date":
            record["LAUNCH"] = None
        else:  # no designator at all (Space-Track gives it twice)
            record["INTLDES"] = record["OBJECT_ID"] = None
        broken[int(record["NORAD_CAT_ID"])] = rule
    return broken


def in_orbit_without(records: list[dict], broken: dict[int, str], day: dt.date) -> int:
    """The fleet on `day`, counted from the file, the spoiled records left out."""
    return sum(
        1
        for r in _starlink(records)
        if int(r["NORAD_CAT_ID"]) not in broken
        and to_date(r["LAUNCH"]) <= day
        and not (r["DECAY"] and to_date(r["DECAY"]) <= day)
    )


def _dbt_and_answer() -> list[AssetKey]:
    graph = defs.resolve_asset_graph()
    return [
        key for key in graph.get_all_asset_keys() if key.path[0] not in ("spacex_raw", "satcat_raw")
    ]


def _run(settings, records: list[dict]):
    load_catalogue(settings, records, RAW)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEX_SATCAT_RAW_SCHEMA", RAW)
        patch.setenv("SPACEX_DBT_SCHEMA", DBT)
        with DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("spacex_elt").execute_in_process(
                instance=instance, asset_selection=_dbt_and_answer(), raise_on_error=False
            )
        answer = load_answer(load_settings())
    return result, answer


def _set_aside_check(result):
    (check,) = [
        e for e in result.get_asset_check_evaluations() if "set_aside_records" in e.check_name
    ]
    return check


@pytest.fixture(scope="module")
def few(loaded):
    records = load_satcat()
    broken = spoil(records, 3)
    result, answer = _run(loaded, records)
    return records, broken, result, answer


def test_a_few_bad_records_are_set_aside_and_the_run_succeeds(few):
    records, broken, result, answer = few
    assert result.success, [
        str(e.event_specific_data.error) for e in result.get_step_failure_events()
    ]
    assert sorted(broken.values()) == [
        "decay_before_launch",
        "missing_launch",
        "missing_launch_date",
    ]
    # the answer counts what an independent count of the file without them gives
    assert answer.as_of_date == dt.date(2025, 6, 18)
    assert answer.satellites_in_orbit == in_orbit_without(records, broken, answer.as_of_date)
    assert answer.satellites_in_orbit == 7721 - 3
    assert answer.satellites_set_aside == 3


def test_the_warning_names_each_record(few, query):
    _, broken, result, _ = few
    check = _set_aside_check(result)
    assert not check.passed and check.severity == AssetCheckSeverity.WARN
    description = check.description or ""
    for norad, rule in broken.items():
        assert f"NORAD {norad} " in description and f"({rule})" in description
    assert check.metadata["set_aside_count"].value == 3
    named = {int(n) for n in check.metadata["set_aside_norad_cat_ids"].value.split(", ")}
    assert named == set(broken)
    rows = query(
        f"select norad_cat_id, quarantine_rule, loaded_at from {MARTS}.starlink_quarantine"
    )
    assert {n: r for n, r, _ in rows} == broken
    assert {loaded for *_, loaded in rows} == {dt.datetime(2025, 6, 21, 6, 33, 41)}


def test_the_answer_says_so(few):
    _, _, _, answer = few
    note = f"NOTE: 3 catalogue record(s) set aside as unusable (see {MARTS}.starlink_quarantine)"
    assert note in render_text(answer)
    assert to_json(answer)["satellites_set_aside"] == 3


def test_many_bad_records_fail_the_run_naming_them_and_the_answer_stays(few, query):
    _, _, _, before = few
    stamps = {
        mart: query(f"select max(transformation_updated_at) from {MARTS}.{mart}")[0][0]
        for mart in ANSWER_MARTS
    }
    records = load_satcat()
    broken = spoil(records, THRESHOLD + 2)
    result, after = _run(load_settings(), records)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = str(failure.event_specific_data.error)
    assert f"{THRESHOLD + 2} satellite record(s) set aside" in message
    first = sorted(broken)[:3]
    assert all(f"NORAD {norad} " in message for norad in first)
    check = _set_aside_check(result)
    assert not check.passed and check.severity == AssetCheckSeverity.ERROR
    materialized = {
        e.event_specific_data.materialization.asset_key
        for e in result.get_asset_materialization_events()
    }
    assert AssetKey(["starlink_42k_answer"]) not in materialized
    assert {
        mart: query(f"select max(transformation_updated_at) from {MARTS}.{mart}")[0][0]
        for mart in ANSWER_MARTS
    } == stamps
    assert (after.satellites_in_orbit, after.satellites_set_aside) == (7721 - 3, 3)
