"""Imports run one way: down the layers of .importlinter, never round in a loop between files."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fts_app.config import REPOSITORY_ROOT

PACKAGE = REPOSITORY_ROOT / "fts_app"
CONTRACT = REPOSITORY_ROOT / ".importlinter"
#: the checker scripts/test runs, from the environment running these tests
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def module_name(path: Path, root: Path) -> str:
    """Name the module a file of the package defines: fts_app/cases/__init__.py is fts_app.cases."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """Return the modules of the package a file imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                origin = ".".join([*base, origin] if origin else base)
            # `from fts_app.cases import intake` imports the module fts_app.cases.intake
            found.update(
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                for alias in node.names
            )
    return {module for module in found if module in known and module != name}


def module_graph(root: Path) -> dict[str, set[str]]:
    """Map each module of the package under `root` to the modules of it that it imports."""
    files = {module_name(path, root): path for path in root.rglob("*.py")}
    known = set(files)
    return {name: imported_modules(path, name, known) for name, path in files.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other in a loop (strongly connected)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for imported in sorted(graph[module]):
            if imported not in order:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], order[imported])
        if lowest[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return cycles


def test_no_two_files_of_the_package_import_each_other_even_through_others() -> None:
    assert import_cycles(module_graph(PACKAGE)) == []


def test_the_cycle_finder_finds_loops_of_any_length_and_only_those() -> None:
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},
        "d": set(),
        "e": {"f"},
        "f": {"e"},
        "g": {"g"},
    }
    assert sorted(import_cycles(graph)) == [["a", "b", "c"], ["e", "f"]]


def test_the_module_graph_sees_imports_inside_functions_and_from_packages(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "feature").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "feature" / "__init__.py").write_text("from pkg.feature import views\n")
    (package / "feature" / "views.py").write_text("def page():\n    from pkg import helpers\n")
    (package / "helpers.py").write_text("from . import feature\n")
    assert module_graph(package) == {
        "pkg": set(),
        "pkg.feature": {"pkg.feature.views"},
        "pkg.feature.views": {"pkg.helpers"},
        "pkg.helpers": {"pkg.feature"},
    }
    assert import_cycles(module_graph(package)) == [
        ["pkg.feature", "pkg.feature.views", "pkg.helpers"]
    ]


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Check the repository's contract against the copy of fts_app in `package_parent`."""
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(CONTRACT), "--no-cache"],
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's Python files, to add imports to."""
    parent = tmp_path_factory.mktemp("layering")
    shutil.copytree(
        PACKAGE, parent / "fts_app", ignore=shutil.ignore_patterns("static", "__pycache__")
    )
    return parent


def test_the_package_as_it_is_keeps_the_layering_contract(package_copy: Path) -> None:
    result = lint_imports(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("admin/forms.py", "fts_app.reports.suppression"),
        ("crypto/rotation.py", "fts_app.auth.services"),
        ("audit/cli.py", "fts_app.backup.services"),
        ("cases/intake.py", "fts_app.speakup.services"),
        ("speakup/services.py", "fts_app.reports.board"),
        ("db.py", "fts_app.models"),
    ],
)
def test_an_import_from_a_lower_layer_to_a_higher_one_breaks_the_contract(
    package_copy: Path, importer: str, imported: str
) -> None:
    module = package_copy / "fts_app" / importer
    original = module.read_text()
    module.write_text(original + f"\n\ndef _upwards() -> None:\n    import {imported}\n")
    try:
        result = lint_imports(package_copy)
    finally:
        module.write_text(original)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert f"-> {imported}" in result.stdout


def test_a_new_module_must_be_given_a_layer(package_copy: Path) -> None:
    stray = package_copy / "fts_app" / "stray.py"
    stray.write_text("")
    try:
        result = lint_imports(package_copy)
    finally:
        stray.unlink()
    assert result.returncode == 1
    assert "fts_app.stray" in result.stdout
