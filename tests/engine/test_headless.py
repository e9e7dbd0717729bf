"""The headless core loads no Qt when it runs (DESIGN §1).

Its import statements are checked by the import-linter contracts (tests/test_layers.py); this
checks what actually lands in sys.modules when every headless module is imported.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from importlinter.api import read_configuration

import playground

ROOT = Path(playground.__file__).parent.parent


def headless_contract() -> dict:
    """The 'headless' forbidden contract of pyproject.toml."""
    contracts = read_configuration(str(ROOT / "pyproject.toml"))["contracts_options"]
    return next(contract for contract in contracts if contract["id"] == "headless")


def headless_modules() -> list[str]:
    """Every module of the contract's source packages (found on disk, not imported)."""
    names = []
    for name in headless_contract()["source_modules"]:
        names.append(name)
        module_path = ROOT.joinpath(*name.split("."))
        if module_path.is_dir():
            names += [info.name for info in pkgutil.walk_packages([str(module_path)], f"{name}.")]
    return sorted(names)


def test_the_headless_modules_are_the_core():
    names = headless_modules()
    assert {
        "playground.engine.kernels",
        "playground.session",
        "playground.cli",
        "playground.bench",
        "playground.lessons",
        "playground.frozen",
    } <= set(names)
    assert not any(name.startswith(("playground.ui", "playground.launcher")) for name in names)
    for name in names:  # every name is real (a renamed module would otherwise drop out)
        assert (
            ROOT.joinpath(*name.split(".")).with_suffix(".py").exists()
            or ROOT.joinpath(*name.split("."), "__init__.py").exists()
        ), name
    assert import_module("playground.problems").MAX_CLASSES == 8


def test_importing_the_headless_modules_loads_no_qt():
    forbidden = tuple(headless_contract()["forbidden_modules"])
    code = (
        "import importlib, sys\n"
        f"for name in {headless_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'playground.engine.kernels' in sys.modules\n"
        "bad = sorted(m for m in sys.modules\n"
        f"             if any(m == f or m.startswith(f + '.') for f in {forbidden!r}))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
