"""scripts/wheelhouse.py finds everything the image's offline build installs.

What it downloads is checked where the image is built (`make deploy-test`); here, what it asks for:
every local package (the Makefile's rule), each Meltano plugin's pip_url with its local paths, and
the build backends the image's source builds and editable installs need.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from spacex_elt.settings import PROJECT_ROOT

if sys.version_info < (3, 11):  # pragma: no cover - the script needs tomllib (the image's 3.11)
    pytest.skip("scripts/wheelhouse.py runs on Python 3.11+", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("wheelhouse", PROJECT_ROOT / "scripts/wheelhouse.py")
assert _spec and _spec.loader
wheelhouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wheelhouse)


def test_local_packages_are_the_root_folders_with_a_pyproject():
    found = {p.name for p in wheelhouse.local_packages()}
    assert {"spacex_tap", "satcat_tap", "api_mirror"} <= found
    assert all((PROJECT_ROOT / name / "pyproject.toml").is_file() for name in found)
    # the Meltano plugin wrapper is a plugin's path, not a package of the main virtualenv
    assert "target-postgres-spacex" not in found


def test_plugin_requirements_are_meltano_yml_pip_urls_with_local_paths_made_absolute():
    requirements = wheelhouse.plugin_requirements()
    flat = [arg for args in requirements for arg in args]
    assert "meltanolabs-target-postgres==0.8.1" in flat
    local = wheelhouse.local_paths(requirements)
    assert PROJECT_ROOT / "spacex_tap" in local
    assert PROJECT_ROOT / "meltano_project/plugins/target-postgres-spacex" in local
    assert all(path.is_dir() for path in local)


def test_build_backends_include_what_editable_installs_ask_for():
    projects = [PROJECT_ROOT, *wheelhouse.local_packages()]
    requires = wheelhouse.build_requirements(projects)
    assert "setuptools>=68" in requires and "hatchling>=1.18" in requires
    assert "editables~=0.3" in requires  # hatchling's editable build (meltano's -e plugins)
    names = wheelhouse.project_names(projects)
    assert {"spacex_elt", "tap_spacex", "tap_satcat", "api_mirror"} <= names


def test_the_wheelhouse_python_is_the_default_base_images():
    assert wheelhouse.image_python() == (3, 11)
