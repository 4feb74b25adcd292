"""Every first-party distribution a distribution imports is declared in its own pyproject.toml
(its code: ``dependencies``; its tests: also the ``test`` extra, or ``dev`` at the root), and a
package's own tests import nothing from the root suite's helpers, so each runs from its folder."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from spacex_elt.settings import PROJECT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Import name -> distribution, for the project's own distributions.
FIRST_PARTY = {
    "tap_common": "tap-common",
    "tap_spacex": "tap-spacex",
    "tap_satcat": "tap-satcat",
    "api_mirror": "api-mirror",
    "spacex_elt": "spacex-elt",
    "dagster_spacex": "spacex-elt",
}

#: Distribution folder -> (its code folders, its tests folder, the extra its tests add).
DISTRIBUTIONS = {
    "tap_common": (["tap_common"], "tests", "test"),
    "spacex_tap": (["tap_spacex"], "tests", "test"),
    "satcat_tap": (["tap_satcat"], "tests", "test"),
    "api_mirror": (["api_mirror"], "tests", "test"),
    ".": (["spacex_elt", "dagster_spacex"], "tests", "dev"),
}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=~!;]", requirement, maxsplit=1)[0] for requirement in requirements}


def _imported(folder: Path) -> set[str]:
    """Top-level names of every module imported below ``folder``."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("folder", sorted(DISTRIBUTIONS))
def test_first_party_imports_are_declared(folder: str) -> None:
    root = PROJECT_ROOT / folder
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    code_folders, tests_folder, extra = DISTRIBUTIONS[folder]
    runtime = _names(project.get("dependencies", [])) | {project["name"]}
    testing = runtime | _names(project.get("optional-dependencies", {}).get(extra, []))

    code = set().union(*(_imported(root / name) for name in code_folders))
    assert {FIRST_PARTY[n] for n in code & FIRST_PARTY.keys()} <= runtime
    tests = _imported(root / tests_folder)
    assert {FIRST_PARTY[n] for n in tests & FIRST_PARTY.keys()} <= testing
    if folder != ".":
        assert not tests & {"support", "tests", "conftest"}, "the root suite's helpers"
