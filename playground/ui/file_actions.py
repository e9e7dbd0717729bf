"""File actions: new/open/save session (recent files in QSettings), CSV import/export, model
export (JSON, NPZ, ONNX through playground.io's EXPORTERS), figure export as PNG. A bad file
shows a dialog and leaves the current work untouched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from playground.io.csv import read_csv, write_csv
from playground.io.model import EXPORTERS, export_model

from .controller import Controller

MAX_RECENT = 8
RECENT_KEY = "files/recent"
SESSION_FILTER = "Playground sessions (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"
PNG_FILTER = "PNG images (*.png)"
MODEL_TITLES = {".json": "Model JSON", ".npz": "NumPy archive", ".onnx": "ONNX model"}


def model_filter() -> str:
    """A file-dialog filter with one entry per registered exporter."""
    entries = [f"{MODEL_TITLES.get(s, s[1:].upper())} (*{s})" for s in EXPORTERS]
    return ";;".join(entries)


class FileActions(QObject):
    """The File menu's actions and what they do; dialogs are parented to `window`."""

    recent_changed = Signal(object)  # list[str]

    def __init__(self, controller: Controller, window: QWidget,
                 figure: Callable[[], QWidget], settings: QSettings | None = None) -> None:
        super().__init__(window)
        self._controller = controller
        self._window = window
        self._figure = figure
        self._settings = settings or QSettings()
        self.new_action = self._action("&New session", QKeySequence.StandardKey.New,
                                       self.new_session)
        self.open_action = self._action("&Open…", QKeySequence.StandardKey.Open, self.open)
        self.save_action = self._action("&Save", QKeySequence.StandardKey.Save, self.save)
        self.save_as_action = self._action("Save &as…", QKeySequence.StandardKey.SaveAs,
                                           self.save_as)
        self.import_csv_action = self._action("&Import data (CSV)…", None, self.import_csv)
        self.export_csv_action = self._action("&Export data (CSV)…", None, self.export_csv)
        self.export_model_action = self._action("Export &model (JSON, NPZ, ONNX)…", "Ctrl+E",
                                                self.export_model)
        self.export_png_action = self._action("Export &figure as PNG…", "Ctrl+Shift+E",
                                              self.export_png)
        self.recent_menu = QMenu("Open &recent", window)
        self._update_recent_menu()

    def _action(self, text: str, shortcut: QKeySequence.StandardKey | str | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        return action

    # ----- sessions -------------------------------------------------------------------------

    def new_session(self) -> None:
        """Start from the default session (after asking about unsaved changes)."""
        if self.confirm_discard():
            self._controller.new_session()

    def open(self) -> None:
        """Ask for a session file and open it."""
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self._window, "Open session", self._folder(),
                                              SESSION_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a session file; a dialog explains a bad one and nothing changes."""
        try:
            self._controller.open(path)
        except (ValueError, OSError) as error:
            self.show_error("Cannot open this session", str(error))
            return False
        self._remember(path)
        return True

    def save(self) -> bool:
        """Save to the current file (or ask for one)."""
        if self._controller.path is None:
            return self.save_as()
        return self.save_path(self._controller.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        suggestion = self._controller.path or os.path.join(self._folder(), "session.json")
        path, _ = QFileDialog.getSaveFileName(self._window, "Save session", suggestion,
                                              SESSION_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_path(path)

    def save_path(self, path: str) -> bool:
        """Save the session (with the current weights) to path."""
        try:
            self._controller.save(path)
        except (ValueError, OSError) as error:
            self.show_error("Cannot save the session", str(error))
            return False
        self._remember(path)
        return True

    def confirm_discard(self) -> bool:
        """True if there are no unsaved changes or the user saves or discards them."""
        if not self._controller.dirty:
            return True
        answer = QMessageBox.question(
            self._window, "Unsaved changes",
            "The session has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ----- data and exports -----------------------------------------------------------------

    def import_csv(self) -> None:
        """Ask for a dataset CSV and replace the points with it (undoable)."""
        path, _ = QFileDialog.getOpenFileName(self._window, "Import data", self._folder(),
                                              CSV_FILTER)
        if path:
            self.import_csv_path(path)

    def import_csv_path(self, path: str) -> bool:
        """Replace the points with a CSV file's; a dialog explains a bad file."""
        try:
            points = read_csv(path)
        except (ValueError, OSError) as error:
            self.show_error("Cannot import this data", f"{path}: {error}")
            return False
        self._controller.set_points(points)
        return True

    def export_csv(self) -> None:
        """Write the points as CSV (x1, x2, label, split)."""
        path, _ = QFileDialog.getSaveFileName(self._window, "Export data",
                                              os.path.join(self._folder(), "data.csv"),
                                              CSV_FILTER)
        if path:
            self._write(lambda: write_csv(path, self._controller.session.points),
                        "Cannot export the data")

    def export_model(self) -> None:
        """Export the trained model; the format follows the chosen suffix."""
        path, chosen = QFileDialog.getSaveFileName(self._window, "Export model",
                                                   os.path.join(self._folder(), "model.onnx"),
                                                   model_filter())
        if not path:
            return
        if Path(path).suffix.lower() not in EXPORTERS:
            suffix = next((s for s in EXPORTERS if s in chosen), ".json")
            path += suffix
        self.export_model_path(path)

    def export_model_path(self, path: str) -> bool:
        """Export the current network and weights to path (.json, .npz or .onnx)."""
        return self._write(lambda: export_model(path,
                                                self._controller.current_session().to_model()),
                           "Cannot export the model")

    def export_png(self) -> None:
        """Save the output figure as a PNG image."""
        path, _ = QFileDialog.getSaveFileName(self._window, "Export figure",
                                              os.path.join(self._folder(), "figure.png"),
                                              PNG_FILTER)
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.export_png_path(path)

    def export_png_path(self, path: str) -> bool:
        """Save the output figure (the heatmap with the points) to path."""
        pixmap = self._figure().grab()
        if not pixmap.save(path, "PNG"):
            self.show_error("Cannot export the figure", f"{path}: could not write the image")
            return False
        return True

    def _write(self, write: Callable[[], None], title: str) -> bool:
        try:
            write()
        except (ValueError, OSError) as error:
            self.show_error(title, str(error))
            return False
        return True

    def show_error(self, title: str, message: str) -> None:
        """A modal error dialog with a one-line reason."""
        QMessageBox.critical(self._window, title, message)

    # ----- recent files ---------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """The recently opened or saved sessions, newest first."""
        value = self._settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: str) -> None:
        path = os.path.abspath(path)
        recent = [path] + [p for p in self.recent_files() if p != path]
        self._settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        self.recent_menu.setEnabled(bool(recent))
        self.recent_changed.emit(recent)

    def _open_recent(self, path: str) -> None:
        if self.confirm_discard():
            self.open_path(path)

    def _folder(self) -> str:
        if self._controller.path:
            return str(Path(self._controller.path).parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())
