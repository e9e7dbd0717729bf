"""Test configuration: the UI tests run on a real X server with a window manager, as users meet
the app. pytest-xvfb starts an Xvfb for the session; here openbox is started on it. Without an
X server (no Xvfb installed, no DISPLAY) the tests fall back to Qt's `offscreen` platform and say
so in the header."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

WINDOW_MANAGER = "openbox"
_window_manager: subprocess.Popen | None = None


def _has_window_manager() -> bool:
    """Whether a EWMH window manager runs on $DISPLAY (it sets _NET_SUPPORTING_WM_CHECK)."""
    if shutil.which("xprop") is None:
        return False
    result = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return "window id" in result.stdout


def _start_window_manager() -> subprocess.Popen | None:
    """openbox on $DISPLAY, once it manages the screen (None: not installed, or another window
    manager already runs there). Tried again while the display is still coming up."""
    if shutil.which(WINDOW_MANAGER) is None or _has_window_manager():
        return None
    deadline = time.monotonic() + 60
    with tempfile.TemporaryFile() as log:  # what it says, for the error below
        while time.monotonic() < deadline:
            process = subprocess.Popen(
                [WINDOW_MANAGER, "--sm-disable"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            while time.monotonic() < deadline and process.poll() is None:
                if _has_window_manager():
                    return process
                time.sleep(0.05)
            if _has_window_manager():  # it quit: another window manager took the display
                return None
            process.kill()
            process.wait()
            time.sleep(0.5)
        log.seek(0)
        said = log.read().decode(errors="replace").strip().splitlines()
    raise pytest.UsageError(
        f"{WINDOW_MANAGER} did not start on DISPLAY="
        f"{os.environ['DISPLAY']}: {said[-1] if said else 'no message'}"
    )


@pytest.hookimpl(trylast=True)  # after pytest-xvfb has started Xvfb and set DISPLAY
def pytest_configure(config: pytest.Config) -> None:
    global _window_manager
    if os.environ.get("QT_QPA_PLATFORM"):
        return  # the caller chose a platform
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    _window_manager = _start_window_manager()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _window_manager is not None:
        _window_manager.terminate()
        _window_manager.wait(timeout=10)


def pytest_report_header(config: pytest.Config) -> str:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform == "offscreen":
        return (
            "Qt platform: offscreen (no X server: install xvfb and openbox to run the UI "
            "tests on a real display)"
        )
    manager = WINDOW_MANAGER if _has_window_manager() else "no window manager"
    return f"Qt platform: {platform} on DISPLAY={os.environ.get('DISPLAY')} with {manager}"


@pytest.fixture(autouse=True)
def _nothing_stays_frozen() -> Iterator[None]:
    """Loading the compiled kernels freezes the objects it made (engine/startup.py), as the app
    wants; in the test session that would keep every test's garbage until the end. Each test
    starts and ends with nothing frozen."""
    gc.unfreeze()
    yield
    gc.unfreeze()
