"""Start the GUI: numba first (via the engine), then Qt; theme, icon, the main window."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import numba  # noqa: F401  - the engine's compiler loads before Qt (DESIGN §2); keep first
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

import playground.engine  # noqa: F401
from playground import __version__
from playground.ui.main_window import MainWindow
from playground.ui.widgets.theme import apply_theme

APP_NAME = "NN Playground"
ORGANIZATION = "nn-playground"
SMOKE_TEST_VARIABLE = "NN_PLAYGROUND_SMOKE_TEST"
SMOKE_TEST_MS = 2000
# After start-up (the window built, shown and settled), the objects alive then leave the cyclic
# garbage collector's care: a full collection walked all ~185,000 of them, ~70-100 ms with the
# 8×32 network's window, a stall of the UI thread (and of training) every few seconds; after
# the freeze it walks only what came later (under 1 ms). Reference counting still frees them.
FREEZE_AFTER_MS = 3000
ICON_FOLDER = Path(__file__).resolve().parents[2] / "packaging" / "icons"


def app_icon() -> QIcon | None:
    """The app icon from packaging/icons, if it is there."""
    if not ICON_FOLDER.is_dir():
        return None
    icon = QIcon()
    for png in sorted(ICON_FOLDER.glob("nn-playground-*.png")):
        icon.addFile(str(png))
    return None if icon.isNull() else icon


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), themed and named."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QGuiApplication.setDesktopFileName("nn-playground")
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    apply_theme(app)
    return app


def smoke_test() -> bool:
    """Whether NN_PLAYGROUND_SMOKE_TEST=1 asks the app to quit by itself (packaging checks)."""
    return os.environ.get(SMOKE_TEST_VARIABLE) == "1"


def freeze_startup_objects() -> None:
    """Take the objects alive now out of the cyclic garbage collector's walks (see
    FREEZE_AFTER_MS): a full collection then costs the UI thread no stall. Only the young
    generations are collected first: a full collection here was itself a 60 ms stall, and what
    it would find (cyclic garbage of the start-up) is small and made once."""
    gc.collect(1)
    gc.freeze()


def run(session_path: str | None = None) -> int:
    """Open the playground window (on a session file if given) and run until it closes; with
    NN_PLAYGROUND_SMOKE_TEST=1, quit SMOKE_TEST_MS after the window is shown."""
    app = make_application()
    window = MainWindow()
    window.show()
    if session_path is not None:
        window.files.open_path(session_path)  # a bad file: a dialog, the default session stays
    elif not smoke_test():
        window.offer_restore()
    if smoke_test():
        QTimer.singleShot(SMOKE_TEST_MS, app.quit)
    freeze = QTimer()
    freeze.setSingleShot(True)
    freeze.timeout.connect(freeze_startup_objects)
    freeze.start(FREEZE_AFTER_MS)
    app.exec()
    freeze.stop()  # a window closed within FREEZE_AFTER_MS leaves no timer behind
    window.shutdown()
    return 0
