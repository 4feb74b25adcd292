"""The Space-Track catalogue loaded straight into a raw schema of a test's own, typed the way
target-postgres types it (dates, a bigint key, numerics, text), for tests that build dbt on it
without running the extractor."""

from __future__ import annotations

import psycopg

from spacex_elt.settings import Settings

NUMERIC = {"period", "inclination", "apogee", "perigee"}


def load_catalogue(settings: Settings, records: list[dict], schema: str) -> None:
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
        conn.execute(f"drop schema if exists {schema} cascade")
        conn.execute(f"create schema {schema}")
        conn.execute(
            f"create table {schema}.spacetrack_satcat ({columns}, "
            "_sdc_batched_at timestamp, _sdc_deleted_at timestamp)"
        )
        names = ", ".join(f.lower() for f in fields)
        with conn.cursor().copy(
            f"copy {schema}.spacetrack_satcat ({names}, _sdc_batched_at) from stdin"
        ) as copy:
            for r in records:
                copy.write_row([r[f] for f in fields] + ["2025-06-21 06:33:41"])
