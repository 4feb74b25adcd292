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
            # the project's own taps (with the shared tap_common) from this repository,
            # everything else pinned
            local = pip_url in (
                "-e ../tap_common -e ../spacex_tap",
                "-e ../tap_common -e ../satcat_tap",
            )
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


# The docker compose deployment (README, "Deployment (docker compose)"). `make deploy-test`
# (docker/deploy-test.sh) builds the image and runs the stack; tests/integration/test_deployment.py
# runs the same commands and configuration as processes.
DAGSTER_SERVICES = ("init-databases", "code-location", "dagster-webserver", "dagster-daemon")
INSTANCE_MOUNT = "./docker/dagster.yaml:/opt/dagster/home/dagster.yaml:ro"
WORKSPACE_MOUNT = "./docker/workspace.yaml:/opt/dagster/workspace.yaml:ro"


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation, in the forms this project uses: ${VAR}, ${VAR:-default} and
    ${VAR:?error}, nested, and $$. A missing required variable raises ValueError."""
    out, i = "", 0
    while i < len(value):
        if value.startswith("$$", i):
            out, i = out + "$", i + 2
        elif value.startswith("${", i):
            depth, j = 1, i + 2
            while depth:  # the matching brace, past nested ${...}
                if value.startswith("${", j):
                    depth, j = depth + 1, j + 2
                    continue
                depth -= value[j] == "}"
                j += 1
            match = re.fullmatch(r"([A-Za-z_]\w*)(?:(:-|:\?)(.*))?", value[i + 2 : j - 1], re.S)
            assert match, value
            name, operator, operand = match.groups()
            if env.get(name):
                out += env[name]
            elif operator == ":-":
                out += _interpolate(operand, env)
            elif operator == ":?":
                raise ValueError(f"{name}: {operand}")
            i = j
        else:
            out, i = out + value[i], i + 1
    return out


def _env_vars_read_by(config) -> set[str]:
    """Every `{env: NAME}` in a Dagster YAML config."""
    if isinstance(config, dict):
        if set(config) == {"env"}:
            return {config["env"]}
        return set().union(*(_env_vars_read_by(v) for v in config.values()))
    if isinstance(config, list):
        return set().union(*(_env_vars_read_by(v) for v in config))
    return set()


def test_docker_compose_services_commands_and_restart_policies():
    services = _yaml("docker-compose.yml")["services"]
    assert set(services) == {"warehouse", *DAGSTER_SERVICES}
    assert services["warehouse"]["image"].startswith("postgres:")
    for name in DAGSTER_SERVICES:
        assert services[name]["image"] == "spacex-elt:latest", name
        assert (PROJECT_ROOT / services[name]["build"]["dockerfile"]).is_file()
    assert services["code-location"]["command"] == [
        *("dagster", "api", "grpc", "-m", "dagster_spacex.definitions"),
        *("-h", "0.0.0.0", "-p", "4000"),
    ]
    assert services["init-databases"]["command"] == ["python", "docker/init_databases.py"]
    assert (PROJECT_ROOT / "docker" / "init_databases.py").is_file()
    workspace = "/opt/dagster/workspace.yaml"
    assert services["dagster-webserver"]["command"][0] == "dagster-webserver"
    assert services["dagster-webserver"]["command"][-2:] == ["-w", workspace]
    assert services["dagster-daemon"]["command"] == ["dagster-daemon", "run", "-w", workspace]
    # Every long-running service comes back; the one-shot setup runs once per `up`.
    for name, service in services.items():
        expected = "no" if name == "init-databases" else "unless-stopped"
        assert service.get("restart") == expected, name
    assert all(port.startswith("127.0.0.1:") for port in services["dagster-webserver"]["ports"])


def test_docker_compose_mounts_the_checked_in_instance_and_workspace_read_only():
    services = _yaml("docker-compose.yml")["services"]
    for name in DAGSTER_SERVICES:
        service = services[name]
        assert INSTANCE_MOUNT in service["volumes"], name
        assert WORKSPACE_MOUNT in service["volumes"], name
        assert service["environment"]["DAGSTER_HOME"] == "/opt/dagster/home", name
        # no named volume over DAGSTER_HOME itself (it would hide the mounted dagster.yaml)
        assert not any(v.endswith(":/opt/dagster/home") for v in service["volumes"]), name
    workspace = _yaml("docker/workspace.yaml")
    assert workspace == {
        "load_from": [
            {
                "grpc_server": {
                    "host": "code-location",
                    "port": 4000,
                    "location_name": "dagster_spacex",
                }
            }
        ]
    }
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert 'code_location_name = "dagster_spacex"' in pyproject


def test_docker_dagster_yaml_keeps_the_instance_in_postgres_from_the_environment():
    instance = _yaml("docker/dagster.yaml")
    assert instance["telemetry"]["enabled"] is False
    assert instance["run_queue"]["max_concurrent_runs"] == 1
    assert instance["run_launcher"]["class"] == "DefaultRunLauncher"
    db = instance["storage"]["postgres"]["postgres_db"]
    assert all(set(value) == {"env"} for value in db.values()), "no value written in the file"
    names = _env_vars_read_by(instance)
    assert names == {f"DAGSTER_PG_{part}" for part in ("HOST", "PORT", "USER", "PASSWORD", "DB")}
    services = _yaml("docker-compose.yml")["services"]
    for name in DAGSTER_SERVICES:
        assert names <= set(services[name]["environment"]), name
    assert services["code-location"]["environment"]["DAGSTER_PG_PASSWORD"].startswith(
        "${SPACEX_PG_PASSWORD:?"
    )


def test_docker_compose_waits_for_what_each_service_needs():
    services = _yaml("docker-compose.yml")["services"]
    for name in ("dagster-webserver", "dagster-daemon"):
        assert services[name]["depends_on"] == {
            "warehouse": {"condition": "service_healthy"},
            "init-databases": {"condition": "service_completed_successfully"},
            "code-location": {"condition": "service_healthy"},
        }, name
    assert services["code-location"]["depends_on"]["init-databases"] == {
        "condition": "service_completed_successfully"
    }
    assert services["init-databases"]["depends_on"] == {
        "warehouse": {"condition": "service_healthy"}
    }
    for service in services.values():
        for needed, how in service.get("depends_on", {}).items():
            if how["condition"] == "service_healthy":
                assert services[needed]["healthcheck"]["test"], needed
    assert services["code-location"]["healthcheck"]["test"] == [
        *("CMD", "dagster", "api", "grpc-health-check", "-p", "4000")
    ]
    assert services["dagster-daemon"]["healthcheck"]["test"] == [
        *("CMD", "dagster-daemon", "liveness-check")
    ]


def test_docker_compose_takes_secrets_only_from_the_environment():
    services = _yaml("docker-compose.yml")["services"]
    pipeline = services["code-location"]["environment"]
    assert pipeline["SPACEX_PG_HOST"] == "warehouse" and pipeline["SPACEX_PG_MODE"] == "external"
    assert pipeline["SPACEX_PG_PASSWORD"].startswith("${SPACEX_PG_PASSWORD:?")  # no default
    env = {"SPACEX_PG_PASSWORD": "s3cret"}
    uri = _interpolate(pipeline["MELTANO_DATABASE_URI"], env)
    assert uri == "postgresql+psycopg://spacex:s3cret@warehouse:5432/meltano"  # Meltano's own DB
    assert _interpolate(pipeline["MELTANO_DATABASE_URI"], {**env, "MELTANO_PG_DB": "m"}).endswith(
        "/m"
    )
    for name, service in services.items():
        values = [str(v) for v in service.get("environment", {}).values()]
        resolved = [_interpolate(v, env) for v in values]
        assert "s3cret" in " ".join(resolved), name  # every service gets the password
        try:
            [_interpolate(v, {}) for v in values]
        except ValueError as missing:
            assert "SPACEX_PG_PASSWORD" in str(missing)
        else:
            raise AssertionError(f"{name} starts without SPACEX_PG_PASSWORD")
    assert _interpolate(pipeline["DAGSTER_PG_DB"], env) == "dagster"
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", ".local/*", "!.local/wheelhouse"} <= set(ignored)
    example = (PROJECT_ROOT / ".env.example").read_text()
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for name in set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", compose)) | _env_vars_read_by(
        _yaml("docker/dagster.yaml")
    ):
        assert name in example, name


def test_the_image_installs_regularly_and_runs_as_a_user():
    dockerfile = (PROJECT_ROOT / "docker" / "Dockerfile").read_text()
    lines = [line.strip() for line in dockerfile.splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), users
    assert "pip install -e" not in dockerfile and "--editable" not in dockerfile
    # every root folder with a pyproject.toml (the Makefile's PACKAGES), within constraints.txt,
    # from the wheelhouse only: the build has no index, for pip nor for meltano's uv
    assert "for p in */pyproject.toml" in dockerfile
    assert "pip install --quiet -c constraints.txt $packages ." in dockerfile
    assert "PIP_NO_INDEX=1" in dockerfile and "UV_OFFLINE=1" in dockerfile
    assert (
        "PACKAGES := $(patsubst %/pyproject.toml,%,$(wildcard */pyproject.toml))"
        in (PROJECT_ROOT / "Makefile").read_text()
    )
    assert re.search(r"^ARG BASE_IMAGE=python:3\.11-slim$", dockerfile, re.MULTILINE)
    # plugins and the dbt manifest at build time, as the unprivileged user
    after_user = dockerfile.split(f"USER {users[-1]}", 1)[1]
    assert (
        "meltano install" in after_user and "dagster-dbt project prepare-and-package" in after_user
    )
    pins = (PROJECT_ROOT / "constraints.txt").read_text().split()
    assert "dagster-postgres==0.29.27" in pins


def _override(name: str) -> dict:
    return _yaml(f"docker/{name}")["services"]


def test_the_deploy_test_stack_reads_the_bundled_mirror_never_the_live_apis():
    services = _override("compose.deploy-test.yml")
    assert services["mirror"]["image"] == "spacex-elt:latest"
    assert services["mirror"]["command"][:3] == ["python", "-m", "api_mirror"]
    pipeline = services["code-location"]["environment"]
    assert pipeline["SPACEX_MELTANO_ENVIRONMENT"] == "dev"
    env = {"SPACEX_MIRROR_PORT": "1234"}
    for name in ("SPACEX_API_URL", "SPACEX_SPACETRACK_URL", "SPACEX_CELESTRAK_URL"):
        assert _interpolate(pipeline[name], env).startswith("http://mirror:1234"), name


def test_the_local_engine_override_keeps_the_stack_on_loopback_without_a_registry():
    base = _yaml("docker-compose.yml")["services"]
    services = _override("compose.local-engine.yml")
    assert set(services) == {*base, "mirror"}
    names = set(services)
    for name, service in services.items():
        assert service["network_mode"] == "host", name
        hosts = dict(entry.split(":", 1) for entry in service["extra_hosts"])
        # every name a service is reached by (workspace.yaml's code-location included)
        assert hosts == {n: "127.0.0.1" for n in names - {"init-databases", "dagster-daemon"}}
    assert not services["warehouse"]["image"].startswith("postgres")
    assert services["warehouse"]["entrypoint"][-1] == "/usr/local/bin/local-postgres.sh"
    assert (PROJECT_ROOT / "docker" / "local-postgres.sh").is_file()
    # the same URI as the base file's nested default, spelled the way docker-compose 1.29 expands
    env = {"SPACEX_PG_PASSWORD": "s3cret", "MELTANO_PG_DB": "m"}
    for name in ("init-databases", "code-location"):
        assert _interpolate(services[name]["environment"]["MELTANO_DATABASE_URI"], env) == (
            _interpolate(base[name]["environment"]["MELTANO_DATABASE_URI"], env)
        )


def test_secrets_and_local_state_are_git_ignored():
    ignored = (PROJECT_ROOT / ".gitignore").read_text().split()
    for entry in (".env", ".venv/", ".local/", "dbt_spacex/target/", "meltano_project/.meltano/"):
        assert entry in ignored, entry


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("## Quick start")[1].split("##")[0]
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_ci_lints_before_it_tests():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    commands = [line for line in ci.splitlines() if line.startswith("make ")]
    assert commands == ["make lint", "make check-defs", "make test", "make deploy-test"]


def test_pre_commit_runs_the_lint_target_locally():
    """The hooks are `make lint`'s commands, from .venv: local, so nothing is downloaded."""
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    make_lint = [line.strip().replace("$(BIN)/", ".venv/bin/") for line in lint.splitlines()[1:]]
    (repo,) = _yaml(".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "local"
    hooks = repo["hooks"]
    assert all(hook["language"] == "system" for hook in hooks)
    # ruff is given the staged files (--force-exclude keeps [tool.ruff] extend-exclude);
    # mypy and sqlfluff check their configured files, as `make lint` runs them.
    entries = [
        hook["entry"].replace(" --force-exclude", "")
        + (" ." if hook.get("pass_filenames", True) else "")
        for hook in hooks
    ]
    assert entries == make_lint
    assert [hook.get("pass_filenames", True) for hook in hooks] == [True, True, False, False]
