"""Shared fixtures: a real embedded PostgreSQL, the in-process API mirror, real Meltano and dbt.

Everything is offline: the mirror serves the recorded snapshot on 127.0.0.1 and the warehouse is a
throw-away embedded PostgreSQL in a temporary folder on a free port, so the tests never touch a
developer's own ``.local/pgdata``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pipeline import free_port, private_meltano_dir, run_meltano

from spacex_elt import postgres
from spacex_elt.settings import Settings, load_settings


@pytest.fixture(name="free_port")
def free_port_fixture():
    """A function returning a TCP port that is free on 127.0.0.1 right now."""
    return free_port


@pytest.fixture(scope="session")
def mirror() -> Iterator[object]:
    """The local API mirror, in a thread of the test process, on an ephemeral port."""
    from tap_spacex.mirror import MirrorServer

    with MirrorServer(port=0) as server:
        yield server


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, mirror) -> Iterator[Settings]:
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
        "SPACEX_API_URL": mirror.url,
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
    """Raw tables loaded by the real tap and the real target-postgres (one Meltano run)."""
    run_meltano(settings, "run", "tap-spacex", "target-postgres")
    return settings


@pytest.fixture(scope="session")
def built(loaded: Settings) -> Settings:
    """Every dbt model built and tested, through Meltano's dbt utility (`dbt-postgres:build`)."""
    run_meltano(loaded, "run", "dbt-postgres:build")
    return loaded


@pytest.fixture(scope="session")
def query(settings: Settings):
    """Run one SQL statement against the test warehouse and return all rows (as tuples)."""

    def _query(sql: str, params: tuple = ()) -> list[tuple]:
        with postgres.connect(settings.postgres) as conn:
            return conn.execute(sql, params).fetchall()

    return _query
