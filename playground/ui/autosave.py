"""Autosave: every few seconds while the session changes, to a per-user folder; the file is
removed on a clean exit, so finding it at start-up means the last run crashed. Beside it, a small
JSON file names the session file the work belongs to, so a restore keeps its name."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from playground.io.atomic import atomic_write_text
from playground.session import Session, SessionError, load_session, save_session
from playground.ui.controller import Controller

AUTOSAVE_SECONDS = 5.0
AUTOSAVE_NAME = "autosave.json"
SOURCE_SUFFIX = ".source"  # autosave.json.source: {"path": the session file or null}


def autosave_path() -> Path:
    """Where the autosave lives: the app's per-user data folder (created on demand)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder or Path.home() / ".nn-playground") / AUTOSAVE_NAME


def source_path(path: Path) -> Path:
    """The file beside an autosave that names the session file it belongs to."""
    return path.with_name(path.name + SOURCE_SUFFIX)


def pending_restore(path: Path | None = None) -> Session | None:
    """The session a crashed run left behind, or None (an unreadable file is dropped)."""
    path = path or autosave_path()
    if not path.exists():
        return None
    try:
        return load_session(path)
    except SessionError:
        path.unlink(missing_ok=True)
        source_path(path).unlink(missing_ok=True)
        return None


def autosaved_file(path: Path | None = None) -> str | None:
    """The session file the autosave belongs to (None: an untitled session, or unknown)."""
    try:
        data = json.loads(source_path(path or autosave_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = data.get("path") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else None


class Autosaver(QObject):
    """Saves the controller's session while it changes; `finish()` removes the file."""

    def __init__(
        self,
        controller: Controller,
        path: Path | None = None,
        seconds: float = AUTOSAVE_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self.path = path or autosave_path()
        self._saved_key: tuple[int, int, int] | None = controller.change_key
        self._saved_file: str | None = controller.path
        self._timer = QTimer(self)
        self._timer.setInterval(int(seconds * 1000))
        self._timer.timeout.connect(self.save_if_changed)
        self._timer.start()

    def save_if_changed(self) -> bool:
        """Write the session if it changed since the last autosave; True if written."""
        key, file = self._controller.change_key, self._controller.path
        if (key, file) == (self._saved_key, self._saved_file):
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self._controller.current_session(), self.path)
            atomic_write_text(source_path(self.path), json.dumps({"path": file}) + "\n")
        except (OSError, ValueError):
            return False  # autosave is best effort: never bother the user
        self._saved_key, self._saved_file = key, file
        return True

    def finish(self) -> None:
        """A clean exit: stop and remove the autosave file."""
        self._timer.stop()
        self.path.unlink(missing_ok=True)
        source_path(self.path).unlink(missing_ok=True)

    def offer_restore(self, window: QWidget) -> bool:
        """After a crash (an autosave is there), ask whether to restore it; True if restored.
        No: the autosave is removed."""
        session = pending_restore(self.path)
        if session is None:
            return False
        answer = QMessageBox.question(
            window,
            "Restore the last session?",
            "NN Playground did not close properly last time. Restore the session it was "
            "working on?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.path.unlink(missing_ok=True)
            return False
        self._controller.load(session, autosaved_file(self.path))  # keeps its name
        self._controller.mark_unsaved()  # restored work is unsaved work
        return True
