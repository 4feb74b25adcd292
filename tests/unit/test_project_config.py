"""The configuration files keep their promises: offline, private, documented, deployable."""

from __future__ import annotations

import re

import yaml

from spacex_elt.settings import PROJECT_ROOT


def _yaml(path: str) -> dict:
    return yaml.safe_load((PROJECT_ROOT / path).read_text())


def test_telemetry_is_off_in_every_tool():
    assert _yaml("meltano_project/meltano.yml")["send_anonymous_usage_stats"] is False
    assert _yaml("dbt_spacex/dbt_project.yml")["flags"]["send_anonymous_usage_stats"] is False
    assert _yaml("dagster_spacex/dagster.yaml")["telemetry"]["enabled"] is False


def test_meltano_plugins_are_inline_and_pinned():
    plugins = _yaml("meltano_project/meltano.yml")["plugins"]
    for kind in ("extractors", "loaders", "utilities"):
        for plugin in plugins[kind]:
            assert "variant" not in plugin and "inherit_from" not in plugin, plugin["name"]
            assert plugin["namespace"] and plugin["executable"] and plugin["settings"]
            pip_url = plugin["pip_url"]
            # the project's own taps from this repository, everything else pinned
            local = pip_url in ("-e ../spacex_tap", "-e ../satcat_tap")
            assert local or re.search(r"[=~]=", pip_url), pip_url


def test_every_setting_is_documented_in_env_example_and_readme():
    code = (PROJECT_ROOT / "spacex_elt" / "settings.py").read_text()
    names = set(re.findall(r'"(SPACEX_[A-Z_]+)"', code))
    names |= set(
        re.findall(
            r"SPACEX_[A-Z_]+", (PROJECT_ROOT / "dagster_spacex").joinpath("sensors.py").read_text()
        )
    )
    example = (PROJECT_ROOT / ".env.example").read_text()
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert len(names) >= 12
    for name in names:
        assert name in example, name
        assert f"`{name}`" in readme, name


def test_docker_compose_runs_postgres_and_dagster_from_the_environment():
    compose = _yaml("docker-compose.yml")
    services = compose["services"]
    assert set(services) == {"warehouse", "dagster-webserver", "dagster-daemon"}
    assert services["warehouse"]["image"].startswith("postgres:")
    webserver, daemon = services["dagster-webserver"], services["dagster-daemon"]
    assert (PROJECT_ROOT / webserver["build"]["dockerfile"]).is_file()
    assert "dagster-webserver" in webserver["command"] and "workspace.yaml" in webserver["command"]
    assert daemon["command"][:2] == ["dagster-daemon", "run"]
    for service in (webserver, daemon):
        env = service["environment"]
        assert env["SPACEX_PG_HOST"] == "warehouse" and env["SPACEX_PG_MODE"] == "external"
        assert env["SPACEX_PG_PASSWORD"].startswith("${SPACEX_PG_PASSWORD:?")  # no default secret
    assert all(port.startswith("127.0.0.1:") for port in webserver["ports"])


def test_secrets_and_local_state_are_git_ignored():
    ignored = (PROJECT_ROOT / ".gitignore").read_text().split()
    for entry in (".env", ".venv/", ".local/", "dbt_spacex/target/", "meltano_project/.meltano/"):
        assert entry in ignored, entry


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("## Quick start")[1].split("##")[0]
    assert re.search(r"^make test$", ci, re.MULTILINE)
