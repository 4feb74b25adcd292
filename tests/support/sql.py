"""Run SQL against the test warehouse."""

from __future__ import annotations

from spacex_elt import postgres
from spacex_elt.settings import Settings


def sql(settings: Settings, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement (autocommit); return its rows, or [] for statements without rows."""
    with postgres.connect(settings.postgres, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description is not None else []


def sql_dicts(settings: Settings, statement: str, params: tuple = ()) -> list[dict]:
    """Run one query; return its rows as dicts by column name."""
    from psycopg.rows import dict_row

    with (
        postgres.connect(settings.postgres, autocommit=True) as conn,
        conn.cursor(row_factory=dict_row) as cursor,
    ):
        return cursor.execute(statement, params).fetchall()
