"""Shared fixtures: a real embedded PostgreSQL, the in-process API mirror, real Meltano and dbt.

Everything is offline: the mirror serves the recorded snapshot on 127.0.0.1 and the warehouse is a
throw-away embedded PostgreSQL in a temporary folder on a free port, so the tests never touch a
developer's own ``.local/pgdata``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from api_mirror import MirrorServer
from spacex_elt import postgres
from spacex_elt.meltano_dirs import private_meltano_dir
from spacex_elt.postgres import free_port
from spacex_elt.settings import Settings, load_settings
from support.meltano import run_meltano
from support.sql import sql, sql_dicts

# The mirror (fixtures `mirror_server` and `mirror`) and the offline guard come from api-mirror's
# pytest plugin (api_mirror/testing.py), for this suite and each package's own alike.


@pytest.fixture(name="free_port")
def free_port_fixture():
    """A function returning a TCP port that is free on 127.0.0.1 right now."""
    return free_port


@pytest.fixture(scope="session")
def settings(
    tmp_path_factory: pytest.TempPathFactory, mirror_server: MirrorServer
) -> Iterator[Settings]:
    """A fresh embedded PostgreSQL for the whole session; its settings exported to os.environ."""
    data_dir = tmp_path_factory.mktemp("pg") / "data"
    overrides = {
        # Meltano's run bookkeeping and catalog files, apart from a developer's own `make run`
        # (the installed plugins are shared, read-only).
        "MELTANO_SYS_DIR_ROOT": str(private_meltano_dir(tmp_path_factory.mktemp("meltano"))),
        "SPACEX_PG_MODE": "embedded",
        "SPACEX_PG_HOST": "127.0.0.1",
        "SPACEX_PG_PORT": str(free_port()),
        "SPACEX_PG_DATA_DIR": str(data_dir),
        "SPACEX_PG_DATABASE": "spacex_test",
        # Every recorded API from the session's mirror, never the default port of a developer's
        # own `spacex mirror start`.
        "SPACEX_API_URL": mirror_server.url,
        "SPACEX_SPACETRACK_URL": mirror_server.base_url,
        "SPACEX_CELESTRAK_URL": mirror_server.base_url,
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    current = load_settings()
    server = postgres.EmbeddedPostgres(current.postgres)
    server.start()
    try:
        yield current
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def loaded(settings: Settings) -> Settings:
    """SpaceX API raw tables loaded by the real tap and target-postgres (one Meltano run).

    Only the SpaceX API: the session's marts answer from it (as of 2021-04-21) unless a module
    asks for :func:`catalogue_mode`."""
    run_meltano(settings, "run", "tap-spacex", "target-postgres")
    return settings


@pytest.fixture(scope="session")
def built(loaded: Settings) -> Settings:
    """Every dbt model built and tested, through Meltano's dbt utility (`dbt-postgres:build`)."""
    run_meltano(loaded, "run", "dbt-postgres:build")
    return loaded


@pytest.fixture(scope="module")
def catalogue_mode(built: Settings) -> Iterator[Settings]:
    """For one module, the product's default: the satellite catalogue loaded next to the SpaceX
    API, so the marts answer as of the catalogue's date (the module loads it, e.g. by running the
    whole job). Afterwards the catalogue's raw tables are dropped and the models rebuilt from the
    SpaceX API alone: every other module sees the session's SpaceX-only marts, in any order."""
    yield built
    sql(built, f"drop schema if exists {built.catalogue.raw_schema} cascade")
    run_meltano(built, "run", "dbt-postgres:run")  # `built` tested these models already


@pytest.fixture(scope="session")
def query(settings: Settings):
    """Run one SQL statement against the test warehouse and return all rows (as tuples)."""

    def _query(statement: str, params: tuple = ()) -> list[tuple]:
        return sql(settings, statement, params)

    return _query


@pytest.fixture(scope="session")
def query_dicts(settings: Settings):
    """Like `query`, with the rows as dicts by column name."""

    def _query(statement: str, params: tuple = ()) -> list[dict]:
        return sql_dicts(settings, statement, params)

    return _query
