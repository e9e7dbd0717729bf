"""Runtime set-up for the frozen (PyInstaller) app: a per-user numba cache folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "nn-playground"


def user_cache_dir(platform: str | None = None) -> Path:
    """The per-user cache folder of the app on this platform (macOS, Windows or XDG)."""
    platform = platform or sys.platform
    home = Path.home()
    if platform == "darwin":
        return home / "Library" / "Caches" / APP_NAME
    if platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP_NAME
    base = os.environ.get("XDG_CACHE_HOME") or str(home / ".cache")
    return Path(base) / APP_NAME


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
