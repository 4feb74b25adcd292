"""Prepare the PostgreSQL server of the docker compose deployment; safe to run any number of times.

docker-compose.yml runs it once per `up` (service `init-databases`) before the code location, the
webserver and the daemon start. It

1. creates, when missing, the three databases on the server: the warehouse (``SPACEX_PG_DATABASE``),
   the Dagster instance (``DAGSTER_PG_DB``) and Meltano's system database (the one named in
   ``MELTANO_DATABASE_URI``). An init script in ``/docker-entrypoint-initdb.d`` would only run on an
   empty data volume; this also covers a volume from an earlier version of the deployment;
2. creates or upgrades the Dagster instance's tables (what `dagster instance migrate` does), so that
   the webserver and the daemon never race to create them and a newer Dagster finds its schema;
3. creates or upgrades Meltano's tables (`meltano upgrade database`).

Every value comes from the environment (see .env.example); nothing secret is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from spacex_elt.postgres import PostgresError, ensure_database, wait_until_ready
from spacex_elt.settings import MELTANO_PROJECT_DIR, PostgresSettings, load_settings

BIN = Path(sys.executable).parent


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SystemExit(f"init-databases: {name} is not set (see .env.example)")
    return value


def _server(host: str, port: int, user: str, password: str, database: str) -> PostgresSettings:
    return PostgresSettings(
        host=host,
        port=port,
        user=user,
        password=password,
        database=database,
        embedded=False,
        data_dir=Path("/nonexistent"),  # only the embedded server has one
    )


def databases() -> dict[str, PostgresSettings]:
    """What each part needs, by purpose: where it lives and which database it uses."""
    needed = {"warehouse": load_settings().postgres}
    needed["dagster instance"] = _server(
        _required("DAGSTER_PG_HOST"),
        int(os.environ.get("DAGSTER_PG_PORT", "").strip() or 5432),
        _required("DAGSTER_PG_USER"),
        os.environ.get("DAGSTER_PG_PASSWORD", ""),
        _required("DAGSTER_PG_DB"),
    )
    meltano = make_url(_required("MELTANO_DATABASE_URI"))
    if meltano.get_backend_name() == "postgresql":
        needed["meltano system database"] = _server(
            meltano.host or "localhost",
            meltano.port or 5432,
            meltano.username or "",
            meltano.password or "",
            meltano.database or "",
        )
    return needed


def main() -> int:
    try:
        for purpose, server in databases().items():
            wait_until_ready(server, timeout=60)
            ensure_database(server)
            print(f"init-databases: {purpose}: database {server.database!r} on {server.host} ready")
    except PostgresError as err:
        print(f"init-databases: {err}", file=sys.stderr)
        return 1

    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:  # $DAGSTER_HOME/dagster.yaml: docker/dagster.yaml
        instance.upgrade()
    print("init-databases: dagster instance: tables created or upgraded")

    result = subprocess.run(
        [str(BIN / "meltano"), "upgrade", "database"],
        cwd=MELTANO_PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(result.stdout[-3000:] + result.stderr[-3000:], file=sys.stderr)
        print("init-databases: `meltano upgrade database` failed", file=sys.stderr)
        return 1
    print("init-databases: meltano system database: tables created or upgraded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
