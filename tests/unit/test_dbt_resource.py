"""The dbt resource's two overrides still override dagster-dbt, and what they skip is unused."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import dagster_dbt.core.resource as dbt_resource_module
import pytest
from dagster_dbt import DbtCliResource
from dbt.version import get_installed_version

from dagster_spacex.definitions import defs
from dagster_spacex.resources.dbt import SpaceXDbtCliResource
from spacex_elt.settings import TOOLS_DIR

DAGSTER_SPACEX = Path(__file__).resolve().parents[2] / "dagster_spacex"


def test_the_code_location_uses_it() -> None:
    assert isinstance(defs.resources["dbt"], SpaceXDbtCliResource)


def test_dagster_dbt_still_has_what_is_overridden() -> None:
    # A rename in dagster-dbt would leave these overrides dead and the costs back, silently.
    assert "_cli_version" in vars(DbtCliResource)
    parent = inspect.signature(DbtCliResource._initialize_dbt_core_adapter)
    assert list(parent.parameters) == ["self", "args"]
    cli_source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in cli_source
    assert "self._initialize_dbt_core_adapter(args)" in cli_source


def test_its_version_is_the_executables_own_without_running_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The executable runs this interpreter, so it imports the dbt-core installed here.
    shebang = (TOOLS_DIR / "dbt").read_text().splitlines()[0]
    assert Path(shebang.removeprefix("#!")).parent == Path(sys.executable).parent

    def no_subprocess(*args: object, **kwargs: object) -> bytes:
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(dbt_resource_module, "check_output", no_subprocess)
    resource = SpaceXDbtCliResource(
        project_dir=str(DAGSTER_SPACEX.parent / "dbt_spacex"), dbt_executable=str(TOOLS_DIR / "dbt")
    )
    installed = get_installed_version().to_version_string(skip_matcher=True)
    assert str(resource._cli_version) == installed
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_the_dbt_step_never_asks_for_the_adapter() -> None:
    # Without an adapter these dagster-dbt methods cannot work: the step counts rows itself.
    call = re.compile(r"\.(fetch_row_counts|fetch_column_metadata)\(|\.adapter\b")
    uses = [
        f"{path.relative_to(DAGSTER_SPACEX.parent)}: {match[0]}"
        for path in DAGSTER_SPACEX.rglob("*.py")
        for match in call.finditer(path.read_text())
    ]
    assert uses == []
