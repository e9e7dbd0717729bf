"""The headless core never imports Qt: engine/, data/, io/, session.py, cli.py (DESIGN §1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import playground

ROOT = Path(playground.__file__).parent
HEADLESS_PACKAGES = ("engine", "data", "io")
HEADLESS_MODULES = ("session.py", "cli.py")
FORBIDDEN = ("PySide6", "pyqtgraph", "playground.ui", "shiboken6")


def headless_files() -> list[Path]:
    files = [
        path for package in HEADLESS_PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    ]
    return files + [ROOT / name for name in HEADLESS_MODULES if (ROOT / name).exists()]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def forbidden_imports(source: str, module: str, *, module_level_only: bool) -> list[str]:
    """'line: name' for every import of a forbidden package (outside functions if asked)."""
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if module_level_only and isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            ):
                continue
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: resolve against the importing module's package
                    package = module.split(".")[: len(module.split(".")) - child.level]
                    base = ".".join([*package, base]) if base else ".".join(package)
                names = [base] + [f"{base}.{alias.name}" for alias in child.names]
            bad_names = [
                name
                for name in names
                if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
            ]
            if bad_names:
                found.append(f"{child.lineno}: {bad_names[0]}")
            visit(child)

    visit(ast.parse(source))
    return found


def test_the_headless_files_exist():
    names = {module_name(path) for path in headless_files()}
    assert {"playground.engine", "playground.engine.kernels", "playground.engine.trainer"} <= names


@pytest.mark.parametrize("path", headless_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_qt_import_statement(path):
    only_module_level = path.name == "cli.py"  # cli may import Qt inside the GUI's start-up
    found = forbidden_imports(
        path.read_text(encoding="utf-8"), module_name(path), module_level_only=only_module_level
    )
    assert not found, f"{path.relative_to(ROOT)} imports Qt: {found}"


def test_the_scanner_sees_hidden_imports():
    source = (
        "import os\n"
        "try:\n    import pyqtgraph as pg\nexcept ImportError:\n    pg = None\n"
        "from PySide6.QtCore import Qt\n"
        "from ..ui import main_window\n"
        "def gui():\n    from PySide6 import QtWidgets\n"
    )
    module = "playground.engine.example"
    assert len(forbidden_imports(source, module, module_level_only=True)) == 3
    assert len(forbidden_imports(source, module, module_level_only=False)) == 4


def test_importing_the_headless_modules_loads_no_qt():
    modules = sorted({module_name(path) for path in headless_files()})
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'playground.engine.kernels' in sys.modules\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))\n"
        "assert not bad, bad\n"
        "print(len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, cwd=ROOT.parent
    )
    assert result.returncode == 0, result.stderr[-2000:]
