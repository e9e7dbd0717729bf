"""Fixtures for driving the real window: dialogs recorded instead of shown, settings in tmp,
and a window that is always shut down (worker thread joined) after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from playground.session import Session
from playground.ui.main_window import MainWindow
from playground.ui.widgets.theme import apply_theme

WAIT_MS = 30_000  # generous: two shared cores, and numba may load kernels on first use


class DialogRecorder(list):
    """Calls of QMessageBox.critical/warning/information/question as (kind, title, text)."""

    answer = QMessageBox.StandardButton.Discard  # what question() answers

    def kinds(self) -> list[str]:
        """The kinds of dialogs shown, in order."""
        return [kind for kind, _, _ in self]


@pytest.fixture(autouse=True)
def hermetic_settings(tmp_path) -> None:  # noqa: ANN001
    """QSettings and per-user folders (autosave) live in test places, never the user's."""
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    """Record message boxes instead of blocking on them."""
    calls = DialogRecorder()

    def recorder(kind: str):  # noqa: ANN202
        def show(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN202
            calls.append((kind, title, text))
            if kind == "question":
                return calls.answer
            return QMessageBox.StandardButton.Ok

        return staticmethod(show)

    for kind in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))
    return calls


@pytest.fixture
def make_window(qtbot, qapp, tmp_path, dialogs):  # noqa: ANN001, ANN201
    """A factory for shown main windows; every one is shut down after the test."""
    # Delete the windows of earlier tests (pytest-qt's deleteLater waits for an event loop
    # that tests never run): live ones would slow every later style-sheet change.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_theme(qapp)
    windows: list[MainWindow] = []

    def make(session: Session | None = None, width: int = 1280, height: int = 800) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings=settings, autosave=False)
        windows.append(window)
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
        window.close()
        assert not window.controller.worker.alive


@pytest.fixture
def window(make_window) -> Iterator[MainWindow]:  # noqa: ANN001
    """The main window on the default session."""
    yield make_window()
