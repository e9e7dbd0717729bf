"""Autosave: every few seconds while the session changes, to a per-user folder; the file is
removed on a clean exit, so finding it at start-up means the last run crashed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from playground.session import Session, SessionError, load_session, save_session

from .controller import Controller

AUTOSAVE_SECONDS = 5.0
AUTOSAVE_NAME = "autosave.json"


def autosave_path() -> Path:
    """Where the autosave lives: the app's per-user data folder (created on demand)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder or Path.home() / ".nn-playground") / AUTOSAVE_NAME


def pending_restore(path: Path | None = None) -> Session | None:
    """The session a crashed run left behind, or None (an unreadable file is dropped)."""
    path = path or autosave_path()
    if not path.exists():
        return None
    try:
        return load_session(path)
    except SessionError:
        path.unlink(missing_ok=True)
        return None


class Autosaver(QObject):
    """Saves the controller's session while it changes; `finish()` removes the file."""

    def __init__(self, controller: Controller, path: Path | None = None,
                 seconds: float = AUTOSAVE_SECONDS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.path = path or autosave_path()
        self._saved_key: tuple[int, int, int] | None = controller.change_key
        self._timer = QTimer(self)
        self._timer.setInterval(int(seconds * 1000))
        self._timer.timeout.connect(self.save_if_changed)
        self._timer.start()

    def save_if_changed(self) -> bool:
        """Write the session if it changed since the last autosave; True if written."""
        key = self._controller.change_key
        if key == self._saved_key:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self._controller.current_session(), self.path)
        except (OSError, ValueError):
            return False  # autosave is best effort: never bother the user
        self._saved_key = key
        return True

    def finish(self) -> None:
        """A clean exit: stop and remove the autosave file."""
        self._timer.stop()
        self.path.unlink(missing_ok=True)
