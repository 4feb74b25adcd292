"""MeltanoLabs target-postgres 0.8.1, with its soft delete working beside a ``version`` column.

Why: on ACTIVATE_VERSION, 0.8.1's ``PostgresSink.activate_version`` marks the rows of older
versions with an UPDATE whose bound parameters are named ``version`` and ``deletedate``.
SQLAlchemy reserves a bound parameter's name when the table has a column of that name, so for
the SpaceX API's ``starlink`` table (it has ``version``) the statement fails to compile
(``CompileError: bindparam() name 'version' is reserved ...``) and the whole load fails, on
every run after the first. The same code is still upstream.

This package changes nothing else: the release stays pinned (``meltanolabs-target-postgres==
0.8.1``), and only the soft-delete UPDATE of ``activate_version`` is replaced, with parameter
names no table of ours has. ``hard_delete`` and the checks before it are delegated to the
original. tests/integration/test_soft_deletes_and_provenance.py shows the original failing and
this one marking rows beside a ``version`` column. Drop this package once a fixed release is
pinned. The replaced statement follows target-postgres (MIT licence, MeltanoLabs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy
from sqlalchemy.sql.expression import bindparam
from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres

_VERSION = "sdc_activated_version"
_DELETED_AT = "sdc_marked_deleted_at"


class SoftDeletingPostgresSink(PostgresSink):
    """``activate_version`` with the soft delete's parameters renamed (see the module)."""

    def activate_version(self, new_version: int) -> None:
        if self.config.get("activate_version") is False or self.config.get("hard_delete"):
            super().activate_version(new_version)  # the original's paths that do not fail
            return
        if self._pending_batch:
            self.logger.info(
                "An activate version message for '%s' was received. Draining...",
                self.stream_name,
            )
            draining_status = self.start_drain()
            self.process_batch(draining_status)
            self.mark_drained()
        # Nothing to mark the first time the stream is processed.
        if not self.connector.table_exists(self.full_table_name):
            return
        with self.connector._connect() as connection, connection.begin():
            for column in (self.version_column_name, self.soft_delete_column_name):
                if not self.connector.column_exists(
                    full_table_name=self.full_table_name,
                    column_name=column,
                    connection=connection,
                ):
                    raise RuntimeError(f"{column} is required for soft deletion, but is missing")
            table = sqlalchemy.Table(
                self.table_name,
                sqlalchemy.MetaData(),
                autoload_with=connection.engine,
                schema=self.schema_name,
            )
            version = table.c[self.version_column_name]
            deleted_at = table.c[self.soft_delete_column_name]
            update: Any = (
                sqlalchemy.update(table)
                .values({deleted_at: bindparam(_DELETED_AT)})
                .where(
                    sqlalchemy.and_(
                        sqlalchemy.or_(version < bindparam(_VERSION), version.is_(None)),
                        deleted_at.is_(None),
                    )
                )
            )
            connection.execute(
                update,
                {_DELETED_AT: dt.datetime.now(tz=dt.timezone.utc), _VERSION: new_version},
            )


class TargetPostgresSpaceX(TargetPostgres):
    """target-postgres with :class:`SoftDeletingPostgresSink`; same name, settings and about."""

    default_sink_class = SoftDeletingPostgresSink


def main() -> None:
    TargetPostgresSpaceX.cli()
