"""No module of the taps' distributions imports, however indirectly, one that imports it back.

Read from the source (``ast``), so imports under ``if TYPE_CHECKING:`` and inside functions count
too: a circle only hidden from the interpreter is still one for the reader and for mypy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spacex_elt.settings import PROJECT_ROOT

#: Each distribution's package (the taps and what they share; the mirror's server still imports
#: its apps in a function that they import back).
PACKAGES = {
    "tap_common": PROJECT_ROOT / "tap_common" / "tap_common",
    "tap_spacex": PROJECT_ROOT / "spacex_tap" / "tap_spacex",
    "tap_satcat": PROJECT_ROOT / "satcat_tap" / "tap_satcat",
}


def _module_name(package: str, folder: Path, path: Path) -> str:
    parts = [package, *path.relative_to(folder).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """The project modules ``tree`` imports (``from a import b``: ``a.b`` if a module, else a)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found.add(
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                )
    return found & modules


def _graph() -> dict[str, set[str]]:
    sources = {
        _module_name(package, folder, path): path
        for package, folder in PACKAGES.items()
        for path in folder.rglob("*.py")
    }
    modules = set(sources)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), modules)
        - {name}
        # a package's __init__ is imported by each of its modules anyway: not an edge back
        - {name.rsplit(".", 1)[0]}
        for name, path in sources.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], _ = "open", path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node], _ = "done", path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles() -> None:
    graph = _graph()
    assert "tap_spacex.streams" in graph and "tap_common.streams" in graph
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle or ())


@pytest.mark.parametrize("tap", ["tap_spacex", "tap_satcat"])
def test_the_streams_do_not_import_their_tap(tap: str) -> None:
    graph = _graph()
    assert f"{tap}.tap" not in graph[f"{tap}.streams"] | graph[f"{tap}.provenance"]


def test_the_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
