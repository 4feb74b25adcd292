"""The PostgreSQL warehouse as a Dagster resource (connection settings from spacex_elt.settings)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import ConfigurableResource, Failure
from psycopg import sql

from spacex_elt.postgres import connect
from spacex_elt.settings import load_settings


class WarehouseBusyError(Failure):
    """Another run held the warehouse lock for longer than this run would wait."""


class WarehouseResource(ConfigurableResource):
    """Row counts, columns and load times for the raw assets and their checks, and the lock that
    serialises `dbt build`s."""

    #: How long a run waits for another run's lock (e.g. its `dbt build`) before failing.
    lock_wait_seconds: float = 1800

    @contextmanager
    def exclusive(self, name: str, holder: str, log: Any) -> Iterator[None]:
        """Hold PostgreSQL's session advisory lock ``name`` in this database while the block runs.

        Two `dbt build`s on the same schemas at once fail on each other's relations; the lock
        lives in the database itself, so it also serialises runs from other machines or
        containers, and PostgreSQL drops it when the holder's connection ends (no stale lock).
        The session's ``application_name`` (``holder``) is what a waiting run reports.
        """
        settings = load_settings().postgres
        with connect(settings, autocommit=True, application_name=holder[:63]) as conn:
            deadline = time.monotonic() + self.lock_wait_seconds
            waiting = False
            while not self._try_lock(conn, name):
                other = self._lock_holder(conn, name)
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        description=f"{name}: another run ({other}) held the warehouse lock for "
                        f"more than {self.lock_wait_seconds:g} s; nothing was changed by this run",
                        metadata={"lock": name, "holder": other},
                    )
                if not waiting:
                    log.info(f"{name}: waiting for another run to finish ({other})")
                    waiting = True
                time.sleep(min(1.0, self.lock_wait_seconds))
            try:
                yield
            finally:
                conn.execute("select pg_advisory_unlock(hashtext(%s))", (name,))

    @staticmethod
    def _try_lock(conn: Any, name: str) -> bool:
        row = conn.execute("select pg_try_advisory_lock(hashtext(%s))", (name,)).fetchone()
        return bool(row and row[0])

    @staticmethod
    def _lock_holder(conn: Any, name: str) -> str:
        row = conn.execute(
            """
            select a.application_name, a.pid
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted
              and l.objid = (hashtext(%s)::bigint & 4294967295)::oid
            """,
            (name,),
        ).fetchone()
        return f"{row[0] or 'unnamed session'}, backend pid {row[1]}" if row else "unknown"

    def row_count(self, schema: str, table: str) -> int | None:
        """Rows in ``schema.table``, or None when the table does not exist yet."""
        with connect(load_settings().postgres) as conn:
            (exists,) = conn.execute(
                "select to_regclass(%s) is not null", (f'"{schema}"."{table}"',)
            ).fetchone() or (False,)
            if not exists:
                return None
            stmt = sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            (count,) = conn.execute(stmt).fetchone() or (0,)
            return int(count)

    def columns(self, schema: str, table: str) -> list[tuple[str, str]]:
        """(column, PostgreSQL type) of ``schema.table`` in table order; [] if it does not exist."""
        with connect(load_settings().postgres) as conn:
            rows = conn.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (schema, table),
            ).fetchall()
        return [(str(name), str(kind)) for name, kind in rows]

    def max_timestamp(self, schema: str, table: str, column: str) -> dt.datetime | None:
        """The latest ``column`` of ``schema.table`` as UTC, or None (no table, column or row).

        target-postgres writes its ``_sdc_*`` times as UTC without a time zone.
        """
        if column not in {name for name, _ in self.columns(schema, table)}:
            return None
        with connect(load_settings().postgres) as conn:
            stmt = sql.SQL("select max({}) from {}.{}").format(
                sql.Identifier(column), sql.Identifier(schema), sql.Identifier(table)
            )
            row = conn.execute(stmt).fetchone()
        value = row[0] if row else None
        if not isinstance(value, dt.datetime):
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

    def set_aside(self, schema: str, table: str, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """How many records the quarantine mart ``schema.table`` holds, and its first ``limit``
        (NORAD number, name, rule, source key), by NORAD number; (0, []) if it does not exist."""
        count = self.row_count(schema, table)
        if not count:
            return 0, []
        with connect(load_settings().postgres) as conn:
            stmt = sql.SQL(
                "select norad_cat_id, object_name, quarantine_rule, satellite_id from {}.{} "
                "order by norad_cat_id nulls last, satellite_id limit %s"
            ).format(sql.Identifier(schema), sql.Identifier(table))
            rows = conn.execute(stmt, (limit,)).fetchall()
        keys = ("norad_cat_id", "object_name", "rule", "satellite_id")
        return count, [dict(zip(keys, row, strict=True)) for row in rows]
