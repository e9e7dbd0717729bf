"""The layer rule of DESIGN §1, as the import-linter contracts in pyproject.toml: the headless core
imports no Qt and no UI, and every module of playground/ has a layer, importing only downwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import playground

ROOT = Path(playground.__file__).parent.parent


def lint_imports(cwd: Path, python_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `lint-imports` (the console script next to this Python) on cwd's pyproject.toml."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    return subprocess.run(
        [*command, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of playground/ and pyproject.toml in tmp_path, to break on purpose."""
    shutil.copytree(
        ROOT / "playground", tmp_path / "playground", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


HEADLESS = "The headless core never imports Qt nor the UI"
LAYERS = "Dependencies point one way, downwards"


def broken(scratch: Path, module: str, source: str, *contracts: str) -> str:
    """Add a module to the scratch copy and lint it: exactly `contracts` break. The report."""
    path = scratch.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(source, encoding="utf-8")
    result = lint_imports(scratch, python_path=scratch)
    report = " ".join(result.stdout.split())
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{2 - len(contracts)} kept, {len(contracts)} broken" in report, result.stdout
    for name in contracts:
        assert f"{name} BROKEN" in report, result.stdout
    return report


def test_a_lazy_qt_import_in_the_core_is_caught(scratch):
    report = broken(
        scratch,
        "playground.io.clipboard",
        "def copy():\n    from PySide6.QtGui import QGuiApplication\n",
        HEADLESS,
    )
    assert "playground.io.clipboard -> PySide6" in report


def test_a_relative_import_of_the_ui_is_caught(scratch):
    report = broken(
        scratch, "playground.data.palette", "from ..ui.widgets import colors\n", HEADLESS, LAYERS
    )
    assert "playground.data.palette -> playground.ui.widgets.colors" in report


def test_an_upward_import_is_caught(scratch):
    report = broken(
        scratch, "playground.engine.loader", "from playground.session import load_session\n", LAYERS
    )
    assert "playground.engine.loader -> playground.session" in report


def test_the_data_and_the_engine_stay_apart(scratch):
    report = broken(
        scratch,
        "playground.data.network",
        "from playground.engine.spec import NetworkSpec\n",
        LAYERS,
    )
    assert "playground.data.network -> playground.engine.spec" in report


def test_a_module_without_a_layer_is_caught(scratch):
    report = broken(scratch, "playground.helpers", "import math\n", LAYERS)
    assert "playground.helpers" in report
