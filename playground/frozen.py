"""Runtime set-up for the frozen (PyInstaller) app: a per-user numba cache folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_path

APP_NAME = "nn-playground"
COMPILER_CHILD_VARIABLE = "NN_PLAYGROUND_COMPILE_KERNELS"  # = compiler.CHILD_VARIABLE


def user_cache_dir() -> Path:
    """The app's per-user cache folder, as platformdirs finds it: $XDG_CACHE_HOME/nn-playground
    (~/.cache/nn-playground), ~/Library/Caches/nn-playground, or nn-playground in Windows'
    local application data folder (%LOCALAPPDATA%)."""
    return user_cache_path(APP_NAME, appauthor=False, opinion=False)


def configure_frozen_runtime() -> None:
    """When frozen, point NUMBA_CACHE_DIR (unless set) at the user's cache folder and create it."""
    if not getattr(sys, "frozen", False):
        return
    cache_dir = os.environ.get("NUMBA_CACHE_DIR") or str(user_cache_dir() / "numba")
    os.environ["NUMBA_CACHE_DIR"] = cache_dir
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # numba then compiles without caching; the app still runs
    # Started by engine/compiler.py to compile the kernels (sys.executable is this app, not a
    # Python): do that and exit, in either executable, before any window or command line.
    if os.environ.get(COMPILER_CHILD_VARIABLE):  # (checked first: numba loads only then)
        from playground.engine.compiler import run_child_if_asked

        run_child_if_asked()
