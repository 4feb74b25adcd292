"""The PostgreSQL warehouse as a Dagster resource (connection settings from spacex_elt.settings)."""

from __future__ import annotations

from typing import Any

from dagster import ConfigurableResource
from psycopg import sql

from spacex_elt.postgres import connect
from spacex_elt.settings import load_settings


class WarehouseResource(ConfigurableResource):
    """Small read helpers for metadata (row counts) and the answer asset."""

    def query(self, statement: str, params: tuple = ()) -> list[tuple[Any, ...]]:
        with connect(load_settings().postgres) as conn:
            return conn.execute(statement, params).fetchall()

    def row_count(self, schema: str, table: str) -> int | None:
        """Rows in ``schema.table``, or None when the table does not exist yet."""
        with connect(load_settings().postgres) as conn:
            exists = conn.execute(
                "select to_regclass(%s) is not null", (f'"{schema}"."{table}"',)
            ).fetchone()[0]
            if not exists:
                return None
            stmt = sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            return conn.execute(stmt).fetchone()[0]
