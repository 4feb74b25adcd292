"""The one place that knows the product's runtime settings.

Meltano (``meltano.yml``), dbt (``profiles.yml``) and Dagster never hard-code a host, port or URL:
they read the ``SPACEX_*`` environment variables that :func:`runtime_env` exports. Every variable
has a safe local default, so a fresh clone runs against the embedded PostgreSQL and the local
mirror of the API without any configuration.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tap_spacex.resources import LIVE_API_URL

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MELTANO_PROJECT_DIR = PROJECT_ROOT / "meltano_project"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_spacex"
LOCAL_STATE_DIR = PROJECT_ROOT / ".local"
#: This interpreter's scripts folder (the virtualenv's bin: dbt, meltano, dagster). First on the
#: PATH of every tool the project starts: libraries that run a tool by name (dagster-dbt's
#: DbtProject.prepare_if_dev under `dagster dev` runs `dbt parse`) then find this virtualenv's
#: without an activated virtualenv.
TOOLS_DIR = Path(sys.executable).parent

DEFAULT_MIRROR_PORT = 18765
DEFAULT_EMBEDDED_PORT = 54329
# Not a secret: the embedded server only listens on 127.0.0.1. Set SPACEX_PG_PASSWORD to change it.
DEFAULT_EMBEDDED_PASSWORD = "spacex-local"

# Telemetry off for every tool: offline it only costs time, and it is nobody's business.
TELEMETRY_OFF = {
    "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DAGSTER_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class PostgresSettings:
    """Where the warehouse lives. ``embedded`` means this project starts the server itself."""

    host: str
    port: int
    user: str
    password: str
    database: str
    embedded: bool
    data_dir: Path

    def url(self, database: str | None = None) -> str:
        """A libpq connection URL (psql, psycopg and SQLAlchemy accept it)."""
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return f"postgresql://{auth}@{self.host}:{self.port}/{database or self.database}"


@dataclass(frozen=True)
class CatalogueSettings:
    """Where tap-satcat reads the satellite catalogue. Empty URLs mean the tap's own defaults
    (the live Space-Track and CelesTrak); no identity means CelesTrak (no account needed)."""

    spacetrack_url: str
    celestrak_url: str
    identity: str
    password: str = field(repr=False)
    raw_schema: str = "satcat_raw"


@dataclass(frozen=True)
class Settings:
    postgres: PostgresSettings
    api_url: str
    mirror_port: int
    raw_schema: str
    dbt_schema: str
    meltano_environment: str
    catalogue: CatalogueSettings

    @property
    def uses_mirror(self) -> bool:
        return self.api_url.startswith(f"http://127.0.0.1:{self.mirror_port}/")


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if not 0 < value < 65536:
        raise SettingsError(f"{name}={value} is not a TCP port (1-65535)")
    return value


def _identifier(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "").strip() or default
    if not value.replace("_", "").isalnum() or not value[0].isalpha() or value.lower() != value:
        raise SettingsError(f"{name}={value!r} must be a lower-case SQL identifier")
    return value


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``.env`` file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (``os.environ`` by default).

    By default a git-ignored ``.env`` at the project root fills in what the environment lacks.
    """
    env = {**read_dotenv(PROJECT_ROOT / ".env"), **os.environ} if environ is None else environ
    # An explicit SPACEX_PG_MODE wins; otherwise setting SPACEX_PG_HOST means "external server".
    mode = env.get("SPACEX_PG_MODE", "").strip().lower()
    if mode not in ("", "embedded", "external"):
        raise SettingsError(f"SPACEX_PG_MODE={mode!r} must be 'embedded' or 'external'")
    external = mode == "external" or (not mode and bool(env.get("SPACEX_PG_HOST", "").strip()))
    data_dir = Path(env.get("SPACEX_PG_DATA_DIR", "").strip() or LOCAL_STATE_DIR / "pgdata")
    postgres = PostgresSettings(
        host=env.get("SPACEX_PG_HOST", "").strip() or "127.0.0.1",
        port=_port(env, "SPACEX_PG_PORT", 5432 if external else DEFAULT_EMBEDDED_PORT),
        user=env.get("SPACEX_PG_USER", "").strip() or "postgres",
        password=env.get("SPACEX_PG_PASSWORD", "" if external else DEFAULT_EMBEDDED_PASSWORD),
        database=_identifier(env, "SPACEX_PG_DATABASE", "spacex"),
        embedded=not external,
        data_dir=data_dir.resolve(),
    )
    mirror_port = _port(env, "SPACEX_MIRROR_PORT", DEFAULT_MIRROR_PORT)
    environment = env.get("SPACEX_MELTANO_ENVIRONMENT", "").strip() or "dev"
    if environment not in ("dev", "prod"):
        raise SettingsError(f"SPACEX_MELTANO_ENVIRONMENT={environment!r} must be 'dev' or 'prod'")
    # dev reads the local mirror of the recorded snapshot; prod reads the live API (whose URL the
    # tap defines).
    default_api = LIVE_API_URL if environment == "prod" else f"http://127.0.0.1:{mirror_port}/v4"
    api_url = (env.get("SPACEX_API_URL", "").strip() or default_api).rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"SPACEX_API_URL={api_url!r} must start with http:// or https://")
    return Settings(
        postgres=postgres,
        api_url=api_url,
        mirror_port=mirror_port,
        raw_schema=_identifier(env, "SPACEX_RAW_SCHEMA", "spacex_raw"),
        dbt_schema=_identifier(env, "SPACEX_DBT_SCHEMA", "spacex"),
        meltano_environment=environment,
        catalogue=_catalogue(env, environment, mirror_port),
    )


def _catalogue(env: Mapping[str, str], environment: str, mirror_port: int) -> CatalogueSettings:
    """dev: the mirror's recorded Space-Track with its documented test account; prod: the live
    services (the tap's defaults) with the account from the environment, else CelesTrak."""
    mirror = f"http://127.0.0.1:{mirror_port}"
    dev = environment == "dev"
    urls = {}
    for name in ("SPACEX_SPACETRACK_URL", "SPACEX_CELESTRAK_URL"):
        url = env.get(name, "").strip().rstrip("/") or (mirror if dev else "")
        if url and not url.startswith(("http://", "https://")):
            raise SettingsError(f"{name}={url!r} must start with http:// or https://")
        urls[name] = url
    identity = env.get("SPACEX_SPACETRACK_IDENTITY", "").strip()
    password = env.get("SPACEX_SPACETRACK_PASSWORD", "")
    if dev and not identity:
        from api_mirror.spacetrack.api import TEST_IDENTITY, TEST_PASSWORD

        identity, password = TEST_IDENTITY, password or TEST_PASSWORD
    if identity and not password:
        raise SettingsError(
            "SPACEX_SPACETRACK_IDENTITY is set but SPACEX_SPACETRACK_PASSWORD is empty"
        )
    return CatalogueSettings(
        spacetrack_url=urls["SPACEX_SPACETRACK_URL"],
        celestrak_url=urls["SPACEX_CELESTRAK_URL"],
        identity=identity,
        password=password,
        raw_schema=_identifier(env, "SPACEX_SATCAT_RAW_SCHEMA", "satcat_raw"),
    )


def runtime_env(settings: Settings | None = None) -> dict[str, str]:
    """The environment variables Meltano, dbt and Dagster read, fully resolved."""
    s = settings or load_settings()
    pg = s.postgres
    return {
        **TELEMETRY_OFF,
        "SPACEX_PG_MODE": "embedded" if pg.embedded else "external",
        "SPACEX_PG_HOST": pg.host,
        "SPACEX_PG_PORT": str(pg.port),
        "SPACEX_PG_USER": pg.user,
        "SPACEX_PG_PASSWORD": pg.password,
        "SPACEX_PG_DATABASE": pg.database,
        "SPACEX_PG_DATA_DIR": str(pg.data_dir),
        "SPACEX_MIRROR_PORT": str(s.mirror_port),
        "SPACEX_API_URL": s.api_url,
        "SPACEX_RAW_SCHEMA": s.raw_schema,
        "SPACEX_SATCAT_RAW_SCHEMA": s.catalogue.raw_schema,
        "SPACEX_SPACETRACK_URL": s.catalogue.spacetrack_url,
        "SPACEX_CELESTRAK_URL": s.catalogue.celestrak_url,
        "SPACEX_SPACETRACK_IDENTITY": s.catalogue.identity,
        "SPACEX_SPACETRACK_PASSWORD": s.catalogue.password,
        "SPACEX_DBT_SCHEMA": s.dbt_schema,
        "MELTANO_ENVIRONMENT": s.meltano_environment,
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "PATH": tools_path(),
    }


def tools_path(path: str | None = None) -> str:
    """``path`` (default: this process's PATH) with :data:`TOOLS_DIR` first, once."""
    entries = (os.environ.get("PATH", "") if path is None else path).split(os.pathsep)
    tools = str(TOOLS_DIR)
    return os.pathsep.join([tools, *(e for e in entries if e and e != tools)])


def subprocess_env(settings: Settings | None = None) -> dict[str, str]:
    """``os.environ`` plus :func:`runtime_env`: what child processes (meltano, dbt) get."""
    return {**os.environ, **runtime_env(settings)}


def export_runtime_env(settings: Settings | None = None) -> None:
    """Put :func:`runtime_env` into ``os.environ`` (for libraries that only read the environment).

    Idempotent: the values are derived from ``os.environ`` itself plus defaults.
    """
    os.environ.update(runtime_env(settings))
