"""Meltano: the real tap and target-postgres load the snapshot exactly and idempotently."""

from __future__ import annotations

import json

from support.meltano import run_meltano

from api_mirror.spacetrack.snapshot import load_satcat
from api_mirror.spacex.snapshot import SNAPSHOT_DIR, record_counts
from dagster_spacex.project import EXTRACT_LOADS
from tap_spacex.streams import PROVENANCE_STREAM

STREAMS = sorted(record_counts())


def _raw_counts(query) -> dict[str, int]:
    return {s: query(f'select count(*) from spacex_raw."{s}"')[0][0] for s in STREAMS}


def test_discovery_lists_the_14_streams(settings):
    """One per API resource, then the run's provenance."""
    result = run_meltano(settings, "invoke", "tap-spacex", "--discover")
    catalog = json.loads(result.stdout)
    names = [stream["tap_stream_id"] for stream in catalog["streams"]]
    assert names == [*STREAMS, PROVENANCE_STREAM] and len(STREAMS) == 14
    starlink = next(s for s in catalog["streams"] if s["tap_stream_id"] == "starlink")
    space_track = starlink["schema"]["properties"]["spaceTrack"]["properties"]
    for key in ("LAUNCH_DATE", "DECAY_DATE", "DECAYED", "OBJECT_NAME", "NORAD_CAT_ID", "EPOCH"):
        assert key in space_track


def test_every_raw_table_holds_exactly_the_snapshot(loaded, query):
    assert _raw_counts(query) == record_counts()
    # Values survive the trip: one satellite, checked field by field against the recorded file.
    recorded = json.loads((SNAPSHOT_DIR / "starlink.json").read_text())[0]
    row = query(
        "select launch, version, \"spaceTrack\"->>'OBJECT_NAME', "
        "(\"spaceTrack\"->>'NORAD_CAT_ID')::int from spacex_raw.starlink where id = %s",
        (recorded["id"],),
    )
    assert row == [
        (
            recorded["launch"],
            recorded["version"],
            recorded["spaceTrack"]["OBJECT_NAME"],
            recorded["spaceTrack"]["NORAD_CAT_ID"],
        )
    ]


def test_primary_keys_make_duplicates_impossible(loaded, query):
    keyed = query(
        "select tc.table_name from information_schema.table_constraints tc "
        "where tc.table_schema = 'spacex_raw' and tc.constraint_type = 'PRIMARY KEY'"
    )
    assert sorted(name for (name,) in keyed) == sorted([*STREAMS, PROVENANCE_STREAM])


def test_the_meltano_job_runs_by_itself_and_reruns_change_no_count(catalogue_mode, query):
    """`meltano run spacex_elt` (both extract-loads, then dbt build), then both extract-loads
    again: the rerun changes no count, and the marts answer from the catalogue."""
    satcat = f"{catalogue_mode.catalogue.raw_schema}.spacetrack_satcat"
    extract_loads = [name for el in EXTRACT_LOADS for name in (el.extractor, el.loader)]
    for blocks in (["spacex_elt"], extract_loads):  # the job, then its extract-loads alone
        run_meltano(catalogue_mode, "run", *blocks)
        assert _raw_counts(query) == record_counts()
        assert query(f"select count(*) from {satcat}")[0][0] == len(load_satcat()) == 8848
    (as_of, in_orbit, source) = query(
        "select as_of_date::text, satellites_in_orbit, satellite_source "
        "from spacex_marts.starlink_42k_forecast limit 1"
    )[0]
    assert (as_of, in_orbit, source) == ("2025-06-18", 7721, "spacetrack_satcat")


def test_selecting_one_stream_loads_only_that_stream(loaded, query):
    before = query("select max(_sdc_batched_at) from spacex_raw.launches")[0][0]
    result = run_meltano(
        loaded,
        "--log-format=json",
        "run",
        "tap-spacex",
        "target-postgres",
        extra_env={"TAP_SPACEX__SELECT": '["rockets.*"]'},
    )
    assert "Beginning sync of 'rockets'" in result.stdout + result.stderr
    assert "Beginning sync of 'launches'" not in result.stdout + result.stderr
    assert query("select max(_sdc_batched_at) from spacex_raw.launches")[0][0] == before
    assert _raw_counts(query) == record_counts()


def test_meltano_yml_declares_the_loaders_own_capabilities(settings):
    """`capabilities` of target-postgres in meltano.yml are what the loader reports."""
    import yaml

    from spacex_elt.settings import MELTANO_PROJECT_DIR

    result = run_meltano(settings, "invoke", "target-postgres", "--about", "--format", "json")
    about = json.loads(result.stdout)
    project = yaml.safe_load((MELTANO_PROJECT_DIR / "meltano.yml").read_text())
    (loader,) = project["plugins"]["loaders"]
    assert sorted(loader["capabilities"]) == sorted(about["capabilities"])
    assert about["name"] == "target-postgres"  # the pinned release, through the wrapper
