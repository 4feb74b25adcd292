"""Deletes upstream and provenance, end to end: the real taps and target-postgres (Meltano) into a
real PostgreSQL, with the mirror removing records, failing midway or answering nothing.

* A record removed upstream keeps its raw row, marked with ``_sdc_deleted_at`` (target-postgres
  soft-deletes the rows of older table versions on the stream's ``ACTIVATE_VERSION``); when it
  comes back, the upsert sets ``_sdc_deleted_at`` to null again. Other rows are never marked.
* A stream that fails midway, or that gets zero records, sends no ``ACTIVATE_VERSION``: nothing
  is marked and the earlier data stays.
* Each run that emitted records adds ONE ``extract_provenance`` row: the server's base URL and
  recording date, and the records of each stream (checked against the recorded JSON files).

The module loads into its own raw schemas (``SPACEX_RAW_SCHEMA``/``SPACEX_SATCAT_RAW_SCHEMA``) in
its own Meltano system folder, and drops them afterwards: the session's ``spacex_raw`` and
``satcat_raw`` stay as every other module expects them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.meltano import output_of, run_meltano
from support.sql import sql

from api_mirror import MirrorServer
from api_mirror.spacex.snapshot import SNAPSHOT_DIR
from api_mirror.testing import fast_tap_env
from spacex_elt.meltano_dirs import private_meltano_dir
from spacex_elt.settings import MELTANO_PROJECT_DIR, Settings
from tap_spacex.client import PAGE_SORT
from tap_spacex.resources import NAMES
from tap_spacex.streams import PROVENANCE_STREAM
from tap_spacex.tap import TapSpaceX

RAW = "spacex_raw_soft_deletes"
SATCAT_RAW = "satcat_raw_soft_deletes"
#: Small streams (crew spans 4 pages with page_size 5), so faults hit the paging too.
STREAMS = ("crew", "dragons", "rockets")
RUN_TIMEOUT = 180  # seconds; no case may hang
DEFAULT_PAGE_SIZE = TapSpaceX.config_jsonschema["properties"]["page_size"]["default"]


def recorded_counts(folder: Path = SNAPSHOT_DIR) -> dict[str, int]:
    """Records per resource, counted from the JSON files themselves (a list, or one object)."""
    counts = {}
    for name in NAMES:
        body = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        counts[name] = len(body) if isinstance(body, list) else 1
    return counts


def ids_in_file(name: str) -> list[str]:
    return sorted(doc["id"] for doc in json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))


# -- running ---------------------------------------------------------------------------------
class Runner:
    """`meltano run <tap> target-postgres` in this module's Meltano folder and raw schemas, with
    the fast tap settings (page_size 5) and a timeout."""

    def __init__(self, settings: Settings, sys_dir: Path) -> None:
        self.settings = settings
        self.env = {
            "MELTANO_SYS_DIR_ROOT": str(sys_dir),
            "SPACEX_RAW_SCHEMA": RAW,
            "SPACEX_SATCAT_RAW_SCHEMA": SATCAT_RAW,
            **fast_tap_env(page_size=5),
        }

    def spacex(self, streams: tuple[str, ...] | None = STREAMS, check: bool = True, **env: str):
        """tap-spacex with ``streams`` and the provenance (None: every stream, as meltano.yml,
        at the tap's default page size: the small streams already page)."""
        if streams is not None:
            patterns = [f"{s}.*" for s in (*streams, PROVENANCE_STREAM)]
            env = {"TAP_SPACEX__SELECT": json.dumps(patterns), **env}
        else:
            env = {"TAP_SPACEX_PAGE_SIZE": str(DEFAULT_PAGE_SIZE), **env}
        return self._run("tap-spacex", check, env)

    def satcat(self, check: bool = True, **env: str):
        return self._run("tap-satcat", check, env)

    def _run(self, tap: str, check: bool, env: dict[str, str]) -> str:
        result = run_meltano(
            self.settings, "run", tap, "target-postgres",
            extra_env={**self.env, **env}, check=check, timeout=RUN_TIMEOUT,
        )  # fmt: skip
        if not check:
            assert result.returncode != 0, "the run was expected to fail but succeeded"
        return output_of(result)


@pytest.fixture(scope="module")
def runner(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    for schema in (RAW, SATCAT_RAW):
        sql(settings, f"drop schema if exists {schema} cascade")
    try:
        yield Runner(settings, private_meltano_dir(tmp_path_factory.mktemp("meltano_sys")))
    finally:
        for schema in (RAW, SATCAT_RAW):
            sql(settings, f"drop schema if exists {schema} cascade")


@pytest.fixture(scope="module")
def baseline(runner: Runner) -> Runner:
    """One clean load of STREAMS; every test leaves the tables as a clean run leaves them."""
    runner.spacex()
    return runner


# -- reading the raw tables ----------------------------------------------------------------------
#: Singer's bookkeeping columns, left out of a row's data.
SDC_COLUMNS = (
    "_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at", "_sdc_deleted_at",
    "_sdc_sequence", "_sdc_table_version", "_sdc_sync_started_at",
)  # fmt: skip


def rows(settings: Settings, table: str, schema: str = RAW, key: str = "id") -> dict[Any, dict]:
    """key -> {deleted: bool, version: table version, data: the row without _sdc_* columns}."""
    drop = " ".join(f"- '{c}'" for c in SDC_COLUMNS)
    found = sql(
        settings,
        f"""select {key}, _sdc_deleted_at is not null, _sdc_table_version,
                   (to_jsonb(t) {drop})::text
            from {schema}."{table}" t""",
    )
    return {
        row_key: {"deleted": is_deleted, "version": version, "data": data}
        for row_key, is_deleted, version, data in found
    }


def deleted(settings: Settings, table: str, schema: str = RAW, key: str = "id") -> set:
    return {k for k, row in rows(settings, table, schema, key).items() if row["deleted"]}


def provenance_rows(settings: Settings, schema: str = RAW) -> list[dict[str, Any]]:
    """The provenance rows, oldest first, as dicts."""
    names = (
        "extract_id", "tap", "tap_version", "source", "base_url", "started_at", "finished_at",
        "record_counts", "recording", "recording_date", "_sdc_deleted_at", "_sdc_table_version",
    )  # fmt: skip
    found = sql(
        settings,
        f"select {', '.join(names)} from {schema}.{PROVENANCE_STREAM} order by finished_at",
    )
    return [dict(zip(names, row, strict=True)) for row in found]


def assert_clean(settings: Settings) -> None:
    """What a clean run of STREAMS leaves: every recorded record once, none marked deleted."""
    for stream in STREAMS:
        table = rows(settings, stream)
        assert sorted(table) == ids_in_file(stream), stream
        assert not any(row["deleted"] for row in table.values()), stream


def page_one(mirror: MirrorServer, resource: str) -> str:
    """The mirror's own answer for page 1 (page_size 5), exactly as the tap asks for it."""
    body = {"query": {}, "options": {"page": 1, "limit": 5, "sort": PAGE_SORT}}
    return httpx.post(f"{mirror.url}/{resource}/query", json=body).text


EMPTY_PAGE = json.dumps({"docs": [], "totalDocs": 0, "page": 1, "totalPages": 1})


# -- (1) removed upstream, then back ---------------------------------------------------------------
def test_a_record_removed_upstream_is_soft_deleted_and_live_again_when_it_returns(
    settings, baseline, mirror
):
    assert_clean(settings)
    version_column = sql(
        settings,
        "select data_type from information_schema.columns where table_schema = %s "
        "and table_name = 'crew' and column_name = '_sdc_table_version'",
        (RAW,),
    )
    assert version_column == [("bigint",)]  # a millisecond version fits
    before = {stream: rows(settings, stream) for stream in STREAMS}
    crew_gone = ids_in_file("crew")[7]  # on page 2 of 4 (page_size 5)
    rocket_gone = ids_in_file("rockets")[0]
    mirror.faults.add(remove_ids=[crew_gone], times=10, path_contains="/crew/query")
    mirror.faults.add(remove_ids=[rocket_gone], times=10, path_contains="/rockets/query")
    baseline.spacex()
    mirror.faults.clear()

    crew = rows(settings, "crew")
    assert sorted(crew) == ids_in_file("crew")  # the row is kept ...
    assert deleted(settings, "crew") == {crew_gone}  # ... marked deleted, and only it
    assert deleted(settings, "rockets") == {rocket_gone}
    assert deleted(settings, "dragons") == set()
    assert crew[crew_gone]["data"] == before["crew"][crew_gone]["data"]  # as it last was
    # The marked row has the previous run's version; every other row this run's.
    (live_version,) = {row["version"] for key, row in crew.items() if key != crew_gone}
    assert crew[crew_gone]["version"] < live_version
    assert live_version > 10**12

    baseline.spacex()  # it reappears upstream
    assert_clean(settings)  # _sdc_deleted_at is null again, for every row
    for stream in STREAMS:
        after = rows(settings, stream)
        assert {k: r["data"] for k, r in after.items()} == {
            k: r["data"] for k, r in before[stream].items()
        }


# -- (2) a stream failing midway ---------------------------------------------------------------
def test_a_stream_failing_midway_marks_nothing_and_keeps_the_earlier_data(
    settings, baseline, mirror
):
    before = {stream: rows(settings, stream) for stream in STREAMS}
    provenance_before = len(provenance_rows(settings))
    # page 1 of crew arrives, page 2 fails for good (500 beyond the retries)
    mirror.faults.add(status=200, body=page_one(mirror, "crew"), path_contains="/crew/query")
    mirror.faults.add(status=500, times=10, path_contains="/crew/query")
    output = baseline.spacex(check=False, TAP_SPACEX_MAX_RETRIES="1")
    assert f"stream crew: POST {mirror.url}/crew/query failed after 2 attempts" in output
    assert "last error: HTTP 500" in output
    mirror.faults.clear()
    for stream in STREAMS:
        after = rows(settings, stream)
        assert sorted(after) == sorted(before[stream]), stream  # the earlier data stays
        assert deleted(settings, stream) == set(), stream  # nothing marked
        assert {k: r["data"] for k, r in after.items()} == {
            k: r["data"] for k, r in before[stream].items()
        }
    assert len(provenance_rows(settings)) == provenance_before  # a failed run records none


# -- (3) an empty collection -------------------------------------------------------------------
def test_an_empty_collection_marks_nothing(settings, baseline, mirror):
    mirror.faults.add(status=200, body=EMPTY_PAGE, path_contains="/dragons/query")
    baseline.spacex()
    assert_clean(settings)  # both dragons still there, neither marked
    latest = provenance_rows(settings)[-1]
    assert latest["record_counts"] == {"crew": 17, "dragons": 0, "rockets": 4}


# -- (4) reruns ------------------------------------------------------------------------------
def test_reruns_never_duplicate_and_add_one_provenance_row_each(settings, baseline):
    before = provenance_rows(settings)
    for _ in range(2):
        baseline.spacex()
    assert_clean(settings)
    for stream in (*STREAMS, PROVENANCE_STREAM):
        key = "extract_id" if stream == PROVENANCE_STREAM else "id"
        ((count, distinct),) = sql(
            settings, f'select count(*), count(distinct {key}) from {RAW}."{stream}"'
        )
        assert count == distinct, stream
    after = provenance_rows(settings)
    assert len(after) == len(before) + 2
    assert [row["extract_id"] for row in after[: len(before)]] == [
        row["extract_id"] for row in before
    ]
    # append-only history: no earlier run's record is ever marked deleted
    assert all(row["_sdc_deleted_at"] is None for row in after)
    assert all(row["_sdc_table_version"] is None for row in after)
    keyed = sql(
        settings,
        """select a.attname from pg_index i
           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
           where i.indrelid = %s::regclass and i.indisprimary""",
        (f"{RAW}.{PROVENANCE_STREAM}",),
    )
    assert keyed == [("extract_id",)]


# -- (5) the provenance of a run -------------------------------------------------------------
def _modified_copy(folder: Path) -> dict[str, dict[str, Any]]:
    """The bundled recording with, in landpads and in starlink, the first record removed, the
    second changed and new ones added (two landing pads, so the counts differ too)."""
    shutil.copytree(SNAPSHOT_DIR, folder)
    ids = {}
    for name, field, new_ids in (
        ("landpads", "full_name", ["6100000000000000000000aa", "6100000000000000000000ac"]),
        ("starlink", "version", ["6100000000000000000000ab"]),
    ):
        records = json.loads((folder / f"{name}.json").read_text())
        removed, changed = records[0], records[1]
        changed[field] = "changed upstream"
        added = [dict(records[2], id=new_id) for new_id in new_ids]
        (folder / f"{name}.json").write_text(json.dumps([*records[1:], *added]))
        ids[name] = {"removed": removed["id"], "changed": changed["id"], "added": new_ids}
    return ids


def _field(settings: Settings, table: str, field: str, key: str) -> Any:
    ((value,),) = sql(settings, f"select {field} from {RAW}.{table} where id = %s", (key,))
    return value


def test_the_provenance_row_names_the_server_its_recording_and_the_counts(
    settings, runner, mirror, tmp_path
):
    runner.spacex(streams=None)  # every stream, as meltano.yml selects them
    latest = provenance_rows(settings)[-1]
    assert latest["tap"] == "tap-spacex" and latest["tap_version"] == "0.1.0"
    assert latest["source"] == "spacex_api"
    assert latest["base_url"] == mirror.url
    assert latest["recording"] == "SpaceX API recording (r/SpaceX API), api_mirror/spacex/data"
    assert latest["recording_date"] == dt.date(2021, 4, 22)
    assert latest["record_counts"] == recorded_counts()
    assert sum(latest["record_counts"].values()) == 1924
    assert latest["started_at"] <= latest["finished_at"]

    # A second server with a modified copy and its own date.
    folder = tmp_path / "data"
    ids = _modified_copy(folder)
    with MirrorServer(
        spacex_data_dir=folder, spacex_recording_date="2022-12-01", spacex_recording="a copy"
    ) as other:
        output = runner.spacex(streams=None, TAP_SPACEX_API_URL=other.url)
    latest = provenance_rows(settings)[-1]
    assert latest["base_url"] == other.url != mirror.url
    assert latest["recording"] == "a copy"
    assert latest["recording_date"] == dt.date(2022, 12, 1)
    assert latest["record_counts"] == recorded_counts(folder)
    assert latest["record_counts"]["landpads"] == 8  # 7 recorded, one removed, two added
    landpads = ids["landpads"]
    assert deleted(settings, "landpads") == {landpads["removed"]}
    assert _field(settings, "landpads", "full_name", landpads["changed"]) == "changed upstream"
    assert set(landpads["added"]) < set(rows(settings, "landpads"))
    # starlink too, beside its `version` column (the loader's wrapper, plugins/target-postgres-
    # spacex, fixes the pinned release's soft delete there)
    starlink = ids["starlink"]
    assert deleted(settings, "starlink") == {starlink["removed"]}
    assert _field(settings, "starlink", "version", starlink["changed"]) == "changed upstream"
    assert "bindparam() name 'version' is reserved" not in output

    # The bundled recording again: the removed landing pad is live again, the changed one as
    # recorded, and the one only the copy had is now the one gone upstream.
    runner.spacex(streams=None)
    assert deleted(settings, "landpads") == set(landpads["added"])
    assert deleted(settings, "starlink") == set(starlink["added"])
    assert _field(settings, "landpads", "full_name", landpads["changed"]) != "changed upstream"
    assert provenance_rows(settings)[-1]["recording_date"] == dt.date(2021, 4, 22)


LOADER_BIN = MELTANO_PROJECT_DIR / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin"


def _activate_beside_a_version_column(settings: Settings, executable: str, tmp_path: Path):
    """Two versions of a table with a ``version`` column through the loader ``executable``."""
    stream = "pin_version_column"
    schema = {"type": "object", "properties": {"id": {"type": "string"}, "version": {}}}

    def record(key: str, version: int) -> dict:
        return {
            "type": "RECORD",
            "stream": stream,
            "record": {"id": key, "version": "v"},
            "version": version,
        }

    messages = [
        {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": ["id"]},
        record("a", 1),
        record("b", 1),
        {"type": "ACTIVATE_VERSION", "stream": stream, "version": 1},
        record("a", 2),
        {"type": "ACTIVATE_VERSION", "stream": stream, "version": 2},
    ]
    pg = settings.postgres
    config = tmp_path / f"{executable}.json"
    config.write_text(
        json.dumps(
            {
                "host": pg.host,
                "port": pg.port,
                "user": pg.user,
                "password": pg.password,
                "database": pg.database,
                "default_target_schema": f"{RAW}_{executable[-6:]}",
                "add_record_metadata": True,
                "activate_version": True,
                "hard_delete": False,
            }
        )
    )
    sql(settings, f'drop schema if exists "{RAW}_{executable[-6:]}" cascade')
    result = subprocess.run(
        [str(LOADER_BIN / executable), "--config", str(config)],
        input="".join(json.dumps(m) + "\n" for m in messages),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    return result, f'"{RAW}_{executable[-6:]}".{stream}'


def test_the_loader_soft_deletes_beside_a_version_column(settings, tmp_path):
    """The pinned target-postgres 0.8.1 fails on ACTIVATE_VERSION for a table with a ``version``
    column (SQLAlchemy reserves the bound parameter name it uses); the project's wrapper
    (meltano_project/plugins/target-postgres-spacex) marks the older rows instead. When the first
    half fails, a fixed release is pinned: drop the wrapper."""
    original, _ = _activate_beside_a_version_column(settings, "target-postgres", tmp_path)
    assert original.returncode != 0
    assert "bindparam() name 'version' is reserved" in output_of(original)
    fixed, table = _activate_beside_a_version_column(settings, "target-postgres-spacex", tmp_path)
    assert fixed.returncode == 0, output_of(fixed)[-2000:]
    marked = sql(settings, f"select id, _sdc_deleted_at is not null from {table} order by id")
    assert marked == [("a", False), ("b", True)]


def test_the_catalogue_run_records_its_provenance_and_soft_deletes(settings, runner, mirror):
    runner.satcat()
    (latest,) = provenance_rows(settings, SATCAT_RAW)
    assert latest["tap"] == "tap-satcat"
    assert latest["source"] == "spacetrack_satcat"
    assert latest["base_url"] == mirror.base_url
    assert latest["recording_date"] == dt.date(2025, 6, 21)
    assert "Space-Track" in latest["recording"]
    assert latest["record_counts"] == {"spacetrack_satcat": 8848}

    norad = 44235  # the first Starlink launch's first satellite (2019-029A)
    mirror.faults.add(remove_ids=[norad], path_contains="/basicspacedata/")
    runner.satcat()
    table = "spacetrack_satcat"
    assert deleted(settings, table, SATCAT_RAW, "norad_cat_id") == {norad}
    ((count,),) = sql(settings, f"select count(*) from {SATCAT_RAW}.{table}")
    assert count == 8848  # the row is kept
    assert provenance_rows(settings, SATCAT_RAW)[-1]["record_counts"] == {table: 8847}

    runner.satcat()
    assert deleted(settings, table, SATCAT_RAW, "norad_cat_id") == set()
    assert len(provenance_rows(settings, SATCAT_RAW)) == 3
