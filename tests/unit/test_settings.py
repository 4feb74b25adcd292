"""Settings: parsed from the environment and `.env`, with errors naming the variable."""

from __future__ import annotations

import pytest

from spacex_elt.settings import SettingsError, load_settings, runtime_env


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SPACEX_PG_PORT": "fifty"}, "SPACEX_PG_PORT='fifty' is not a whole number"),
        ({"SPACEX_PG_PORT": "70000"}, "not a TCP port"),
        ({"SPACEX_PG_MODE": "cloud"}, "must be 'embedded' or 'external'"),
        ({"SPACEX_API_URL": "ftp://x"}, "must start with http"),
        ({"SPACEX_RAW_SCHEMA": "Raw Data"}, "lower-case SQL identifier"),
        ({"SPACEX_MELTANO_ENVIRONMENT": "staging"}, "must be 'dev' or 'prod'"),
    ],
)
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_defaults_are_local_and_prod_reads_the_live_api():
    dev = load_settings({})
    assert dev.postgres.embedded and dev.postgres.port == 54329
    assert dev.api_url == "http://127.0.0.1:18765/v4" and dev.uses_mirror
    prod = load_settings({"SPACEX_MELTANO_ENVIRONMENT": "prod", "SPACEX_PG_HOST": "db"})
    assert prod.api_url == "https://api.spacexdata.com/v4"
    assert not prod.postgres.embedded and prod.postgres.port == 5432
    env = runtime_env(dev)
    assert env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"


def test_every_tool_finds_this_virtualenv_s_tools_first(monkeypatch):
    """`dagster dev` without an activated virtualenv: dagster-dbt's prepare_if_dev runs `dbt`
    by name, so the project's tools get this virtualenv's bin first on PATH (once)."""
    from spacex_elt.settings import TOOLS_DIR, tools_path

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    path = runtime_env(load_settings({}))["PATH"]
    assert path == f"{TOOLS_DIR}:/usr/bin:/bin"
    assert tools_path(path) == path
    assert (TOOLS_DIR / "dbt").exists() and (TOOLS_DIR / "meltano").exists()


def test_dotenv_file_is_read_with_the_environment_winning(tmp_path, monkeypatch):
    from spacex_elt import settings as settings_module

    (tmp_path / ".env").write_text(
        "# comment\nSPACEX_PG_DATABASE=from_dotenv\nexport SPACEX_RAW_SCHEMA='raw_dotenv'\n"
    )
    monkeypatch.setattr(settings_module, "PROJECT_ROOT", tmp_path)
    monkeypatch.setenv("SPACEX_RAW_SCHEMA", "raw_from_env")
    monkeypatch.delenv("SPACEX_PG_DATABASE", raising=False)
    resolved = settings_module.load_settings()
    assert resolved.postgres.database == "from_dotenv"
    assert resolved.raw_schema == "raw_from_env"
