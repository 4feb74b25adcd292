"""Meltano: the real tap and target-postgres load the snapshot exactly and idempotently."""

from __future__ import annotations

import json

from pipeline import run_meltano

from tap_spacex.snapshot import SNAPSHOT_DIR, record_counts

STREAMS = sorted(record_counts())


def _raw_counts(query) -> dict[str, int]:
    return {s: query(f'select count(*) from spacex_raw."{s}"')[0][0] for s in STREAMS}


def test_discovery_lists_the_14_streams(settings):
    result = run_meltano(settings, "invoke", "tap-spacex", "--discover")
    catalog = json.loads(result.stdout)
    names = sorted(stream["tap_stream_id"] for stream in catalog["streams"])
    assert names == STREAMS and len(names) == 14
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
    assert sorted(name for (name,) in keyed) == STREAMS


def test_the_meltano_job_runs_by_itself_and_reruns_change_no_count(built, query):
    """`meltano run spacex_elt` (extract, load and dbt build) on top of an earlier load."""
    before = _raw_counts(query)
    run_meltano(built, "run", "spacex_elt")
    assert _raw_counts(query) == before == record_counts()
    (in_orbit,) = query(
        "select satellites_in_orbit from spacex_marts.starlink_42k_forecast limit 1"
    )[0]
    assert in_orbit > 0


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
