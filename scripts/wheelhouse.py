#!/usr/bin/env python
"""Build the wheelhouse the image installs from, so that `docker build` needs no package index.

    python scripts/wheelhouse.py WHEELHOUSE

Everything `docker/Dockerfile` installs with ``--no-index``, as wheels for this interpreter
(build it with the image's Python version):

- the product and its local packages (every root folder with a ``pyproject.toml``, the rule the
  Makefile and the Dockerfile share), with every dependency at its version in constraints.txt;
- each Meltano plugin's ``pip_url`` (meltano.yml), resolved as `meltano install` resolves it in
  the plugin's own virtualenv: not within constraints.txt, which target-postgres's dependencies
  contradict; the image's `meltano install` then finds exactly the versions resolved here;
- the build backends of every local project (``[build-system] requires``): the image builds the
  local packages and the plugins' editable installs (``-e ../spacex_tap``) from source.

The local projects' own wheels are removed again: the image installs them from its copy of the
source, and a stale wheel of an unchanged version number must never be picked instead.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
MELTANO_PROJECT = ROOT / "meltano_project"
CONSTRAINTS = ROOT / "constraints.txt"
DOCKERFILE = ROOT / "docker" / "Dockerfile"


def image_python() -> tuple[int, int]:
    """The Python version of the Dockerfile's default base image (python:X.Y-slim)."""
    found = re.search(r"^ARG BASE_IMAGE=python:(\d+)\.(\d+)", DOCKERFILE.read_text(), re.M)
    assert found, f"{DOCKERFILE}: no `ARG BASE_IMAGE=python:X.Y...` line"
    return int(found[1]), int(found[2])


def local_packages() -> list[Path]:
    """The project's own distributions: root folders with a pyproject.toml."""
    return sorted(p.parent for p in ROOT.glob("*/pyproject.toml"))


def plugin_requirements() -> list[list[str]]:
    """Each plugin's pip_url as pip arguments, local paths made absolute."""
    project = yaml.safe_load((MELTANO_PROJECT / "meltano.yml").read_text())
    found = []
    for plugins in project.get("plugins", {}).values():
        for plugin in plugins:
            if not plugin.get("pip_url"):
                continue
            args = []
            for arg in shlex.split(plugin["pip_url"]):
                if arg.startswith((".", "/")):
                    arg = str((MELTANO_PROJECT / arg).resolve())
                args.append(arg)
            found.append(args)
    return found


def local_paths(requirements: list[list[str]]) -> list[Path]:
    return [Path(arg) for args in requirements for arg in args if arg.startswith("/")]


#: What a backend asks for on top of ``requires`` to build an editable install (PEP 660's
#: get_requires_for_build_editable), which meltano's ``-e ../spacex_tap`` plugins need.
EDITABLE_REQUIRES = {"hatchling.build": ["editables~=0.3"]}


def build_requirements(projects: list[Path]) -> list[str]:
    requires: set[str] = set()
    for project in projects:
        config = tomllib.loads((project / "pyproject.toml").read_text())
        build_system = config.get("build-system", {})
        requires.update(build_system.get("requires", []))
        requires.update(EDITABLE_REQUIRES.get(build_system.get("build-backend", ""), []))
    return sorted(requires)


def project_names(projects: list[Path]) -> set[str]:
    names = set()
    for project in projects:
        name = tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]
        names.add(re.sub(r"[-_.]+", "_", name).lower())
    return names


def pip_wheel(wheelhouse: Path, args: list[str], *, locked: bool = True) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheelhouse)]
    # The wheels already there count as found, so a rebuild downloads only what changed.
    command += ["--find-links", str(wheelhouse), *args]
    if locked:
        command += ["--constraint", str(CONSTRAINTS)]
    print("wheelhouse: pip wheel", " ".join(shlex.quote(a) for a in args), flush=True)
    subprocess.run(command, check=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    wheelhouse = Path(argv[0]).resolve()
    version = ".".join(map(str, image_python()))
    if sys.version_info[:2] != image_python():
        print(
            f"wheelhouse: the image runs Python {version}; build the wheelhouse with it "
            f"(make wheelhouse PYTHON=python{version} after `make clean`)",
            file=sys.stderr,
        )
        return 1
    wheelhouse.mkdir(parents=True, exist_ok=True)
    packages = [ROOT, *local_packages()]
    plugins = plugin_requirements()
    pip_wheel(wheelhouse, [str(p) for p in packages])
    for args in plugins:
        # "-e PATH" means nothing to `pip wheel`: the path alone builds the same requirements.
        pip_wheel(wheelhouse, [a for a in args if a != "-e"], locked=False)
    local = [*packages, *local_paths(plugins)]
    pip_wheel(wheelhouse, build_requirements(local))
    own = project_names(local)
    for wheel in wheelhouse.glob("*.whl"):
        if wheel.name.split("-")[0].lower() in own:
            wheel.unlink()
    print(f"wheelhouse: {len(list(wheelhouse.glob('*.whl')))} wheels in {wheelhouse}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
