"""The product pointed at another server: a later recording of the SpaceX API whose collections
were read apart (some records changed, added and removed, a payload's launch dangling).

What users rely on (issue 12): the run succeeds with warnings (references between upstream
collections warn; the arithmetic stays strict); counts are exact for THAT recording; the answer
names THAT server and its recording date, from what the tap recorded at load time; a record
removed upstream is soft-deleted (its raw row kept, gone from staging); and a blocking failure
never leaves the answer beside marts from another run.

The module loads into its own schemas (``other_raw``, ``other_*``), so the session's tables stay
as every other module expects them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance

from api_mirror import MirrorServer
from api_mirror.spacex.snapshot import SNAPSHOT_DIR
from dagster_spacex.definitions import defs
from spacex_elt.answer import ANSWER_MARTS, load_answer
from spacex_elt.settings import load_settings

RECORDING_DATE = "2022-03-01"
RECORDING = "a later SpaceX API recording (test)"
RAW, DBT = "other_raw", "other"
MARTS = f"{DBT}_marts"
REMOVED = 2  # satellites that disappeared upstream


def _read(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text())


def _write(folder: Path, name: str, records: list[dict]) -> None:
    (folder / f"{name}.json").write_text(json.dumps(records))


def build_recording(folder: Path) -> dict:
    """A copy of the bundled recording with changes; returns what the test expects of it."""
    shutil.copytree(SNAPSHOT_DIR, folder)
    starlink = _read(folder, "starlink")
    removed = [sat["id"] for sat in starlink[:REMOVED]]
    starlink = starlink[REMOVED:]
    # one new satellite (a copy of a launched one under a new id), one changed satellite
    added = json.loads(json.dumps(starlink[-1]))
    added["id"] = "6100000000000000000000aa"
    added["spaceTrack"]["OBJECT_NAME"] = "STARLINK-TEST-NEW"
    added["spaceTrack"]["NORAD_CAT_ID"] = 99999
    added["spaceTrack"]["DECAY_DATE"] = None
    starlink.append(added)
    changed = starlink[0]
    changed["version"] = "v1.0"
    _write(folder, "starlink", starlink)
    # a payload whose launch the launches collection (read months apart) does not have
    payloads = _read(folder, "payloads")
    dangling = payloads[-1]
    dangling["launch"] = "5eb87d4effffffffffffffff"
    _write(folder, "payloads", payloads)
    return {
        "removed": removed,
        "added": added["id"],
        "starlink": starlink,
        "dangling_payload": dangling["id"],
    }


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MirrorServer, dict]]:
    folder = tmp_path_factory.mktemp("later") / "data"
    expected = build_recording(folder)
    mirror = MirrorServer(
        port=0,
        spacex_data_dir=folder,
        spacex_recording_date=RECORDING_DATE,
        spacex_recording=RECORDING,
    ).start()
    try:
        yield mirror, expected
    finally:
        mirror.stop()


@pytest.fixture(scope="module")
def other_env(built) -> Iterator[None]:
    """This module's own raw and dbt schemas (the session's stay untouched)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEX_RAW_SCHEMA", RAW)
        patch.setenv("SPACEX_DBT_SCHEMA", DBT)
        yield


def _spacex_job_keys() -> list[AssetKey]:
    """The SpaceX API's raw tables, every dbt model and the answer (no catalogue: the module's
    marts answer from the SpaceX API, like the session's)."""
    return [
        key
        for key in defs.resolve_asset_graph().get_all_asset_keys()
        if key.path[0] != "satcat_raw"
    ]


def _run(api_url: str, keys: list[AssetKey] | None = None):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEX_API_URL", api_url)
        with DagsterInstance.ephemeral() as instance:
            return defs.resolve_job_def("spacex_elt").execute_in_process(
                instance=instance, asset_selection=keys or _spacex_job_keys(), raise_on_error=False
            )


@pytest.fixture(scope="module")
def first(other_env, mirror_server):
    """The recorded snapshot's raw tables first (the session's mirror), as a team would have
    had them (the transformations run on the later recording only: what is tested here)."""
    raw = [key for key in _spacex_job_keys() if key.path[0] == "spacex_raw"]
    result = _run(mirror_server.url, raw)
    assert result.success, [
        str(e.event_specific_data.error) for e in result.get_step_failure_events()
    ]
    return result


@pytest.fixture(scope="module")
def later(first, recording):
    """Then the other server with the later recording."""
    mirror, _ = recording
    return _run(mirror.url)


def test_the_run_succeeds_with_warnings_for_the_dangling_reference(later, recording):
    assert later.success, [
        str(e.event_specific_data.error) for e in later.get_step_failure_events()
    ]
    failed = [e for e in later.get_asset_check_evaluations() if not e.passed]
    assert failed, "the dangling payload -> launch reference should warn"
    assert {e.severity for e in failed} == {AssetCheckSeverity.WARN}
    assert any("relationships" in e.check_name and "payloads" in e.check_name for e in failed)


def test_counts_are_exact_for_that_recording(later, recording, query):
    _, expected = recording
    answer = load_answer(load_settings())
    launched = [s for s in expected["starlink"] if s.get("launch")]
    assert answer.satellites_launched == len(launched)
    (staged,) = query(f"select count(*) from {DBT}_staging.stg_spacex__starlink")[0]
    assert staged == len(expected["starlink"])
    (version,) = query(
        f"select version from {DBT}_staging.stg_spacex__starlink where satellite_id = %s",
        (expected["starlink"][0]["id"],),
    )[0]
    assert version == "v1.0"


def test_the_row_counts_dagster_shows_are_this_runs_tables(later, query):
    """Counted in this run's schema (`other_marts`), not the one the manifest was parsed with:
    the session's `spacex_marts` holds the bundled recording, with another count."""
    counts = {
        e.event_specific_data.materialization.asset_key.path[-1]: (
            e.event_specific_data.materialization.metadata.get("dagster/row_count")
        )
        for e in later.get_asset_materialization_events()
    }
    (satellites,) = query(f"select count(*) from {MARTS}.starlink_satellites")[0]
    (session,) = query("select count(*) from spacex_marts.starlink_satellites")[0]
    assert satellites != session
    assert counts["starlink_satellites"].value == satellites


def test_a_record_removed_upstream_is_soft_deleted(later, recording, query):
    _, expected = recording
    rows = query(
        f"select id, _sdc_deleted_at from {RAW}.starlink where id = any(%s)", (expected["removed"],)
    )
    assert len(rows) == REMOVED and all(deleted is not None for _, deleted in rows)
    staged = query(
        f"select count(*) from {DBT}_staging.stg_spacex__starlink where satellite_id = any(%s)",
        (expected["removed"],),
    )
    assert staged == [(0,)]
    (marked,) = query(f"select count(*) from {RAW}.starlink where _sdc_deleted_at is not null")[0]
    assert marked == REMOVED  # nothing else


def test_the_answer_names_that_server_and_its_recording_not_the_bundled_one(later, recording):
    mirror, _ = recording
    answer = load_answer(load_settings())
    (source,) = answer.sources
    assert source.url == mirror.url
    assert source.recording_date == dt.date.fromisoformat(RECORDING_DATE)
    assert source.recording == RECORDING
    text = source.line()
    assert mirror.url in text and RECORDING_DATE in text and "2021-04-22" not in text
    materialized = {
        e.event_specific_data.materialization.asset_key: e.event_specific_data.materialization
        for e in later.get_asset_materialization_events()
    }
    metadata = materialized[AssetKey(["starlink_42k_answer"])].metadata
    assert mirror.url in metadata["sources"].value and "2021-04-22" not in metadata["sources"].value


def test_a_blocking_failure_leaves_the_answer_and_its_marts_as_they_were(later, recording, query):
    """A duplicate satellite (an arithmetic guard) in the raw table: the run fails before the
    answer's marts change, and the answer is not rebuilt either: they still agree."""
    mirror, _ = recording
    before = {
        mart: query(f"select max(transformation_updated_at) from {MARTS}.{mart}")[0][0]
        for mart in ANSWER_MARTS
    }
    answer_before = load_answer(load_settings())
    # A second row for a satellite, as a broken upstream or loader could leave it, in a copy of
    # the raw schema (the loader's table has a primary key; its upsert never duplicates): the
    # source test on the raw id is an error-severity (blocking) check.
    tables = [
        t
        for (t,) in query(
            "select table_name from information_schema.tables where table_schema = %s", (RAW,)
        )
    ]
    query("drop schema if exists other_broken_raw cascade")
    query("create schema other_broken_raw")
    for table in tables:
        query(f'create table other_broken_raw."{table}" as select * from {RAW}."{table}"')
    query("insert into other_broken_raw.starlink select * from other_broken_raw.starlink limit 1")
    dbt_and_answer = [k for k in _spacex_job_keys() if k.path[0] != "spacex_raw"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEX_API_URL", mirror.url)
        patch.setenv("SPACEX_RAW_SCHEMA", "other_broken_raw")
        with DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("spacex_elt").execute_in_process(
                instance=instance, asset_selection=dbt_and_answer, raise_on_error=False
            )
    assert not result.success
    materialized = {
        e.event_specific_data.materialization.asset_key
        for e in result.get_asset_materialization_events()
    }
    assert AssetKey(["starlink_42k_answer"]) not in materialized
    assert not {k for k in materialized if k.path[-1] in ANSWER_MARTS}
    after = {
        mart: query(f"select max(transformation_updated_at) from {MARTS}.{mart}")[0][0]
        for mart in ANSWER_MARTS
    }
    assert after == before
    answer_after = load_answer(load_settings())
    assert answer_after.satellites_in_orbit == answer_before.satellites_in_orbit
    assert answer_after.sources == answer_before.sources
