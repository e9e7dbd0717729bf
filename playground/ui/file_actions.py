"""File actions: new/open/save session (recent files in QSettings), lessons, CSV import; the
exports (CSV, model, figures) are ExportActions in file_exports.py. A bad file shows a dialog
and leaves the current work untouched."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from playground.io.csv import LabelSummary, read_csv
from playground.lessons import Lesson
from playground.session import SessionError
from playground.ui.classroom.shortcuts import make_action
from playground.ui.controller import Controller
from playground.ui.file_dialogs import (
    CSV_FILTER,
    SESSION_FILTER,
    RecentFiles,
    as_regression,
    ask_choice,
    ask_save_changes,
    model_filter_entry,
    model_suffix,
    problem_question,
)
from playground.ui.file_exports import ExportActions

__all__ = ["FileActions", "model_filter_entry", "model_suffix"]


def _forward(name: str) -> property:
    """A read-only attribute of FileActions that is ExportActions' attribute `name`."""
    return property(lambda self: getattr(self.exports, name), doc=f"ExportActions.{name}")


class FileActions(QObject):
    """The File menu's actions and what they do; dialogs are parented to `window`."""

    recent_changed = Signal(object)  # list[str]

    def __init__(
        self, controller: Controller, window: QWidget, settings: QSettings | None = None
    ) -> None:
        super().__init__(window)
        self._controller = controller
        self._window = window
        self._recent = RecentFiles(settings or QSettings())
        self.new_action = make_action(window, "new", self.new_session)
        self.open_action = make_action(window, "open", self.open)
        self.save_action = make_action(window, "save", self.save)
        self.save_as_action = make_action(window, "save_as", self.save_as)
        self.import_csv_action = make_action(window, "import_csv", self.import_csv)
        self.exports = ExportActions(controller, window, self._folder)
        self.export_csv_action = self.exports.export_csv_action
        self.export_model_action = self.exports.export_model_action
        self.figure_actions = self.exports.figure_actions
        self.export_png_action = self.exports.export_png_action
        self.figure_menu = self.exports.figure_menu
        self.recent_menu = QMenu("Open &recent", window)
        self._update_recent_menu()

    @property
    def actions(self) -> dict[str, QAction]:
        """The file actions by registry name."""
        named = {
            "new": self.new_action,
            "open": self.open_action,
            "save": self.save_action,
            "save_as": self.save_as_action,
            "import_csv": self.import_csv_action,
            "export_csv": self.export_csv_action,
            "export_model": self.export_model_action,
        }
        return {**named, **{f"figure_{n}": a for n, a in self.figure_actions.items()}}

    # The exports live in ExportActions (file_exports.py); their old names still work here.
    export_csv = _forward("export_csv")
    export_model = _forward("export_model")
    model_dialog = _forward("model_dialog")
    export_model_path = _forward("export_model_path")
    confirm = _forward("confirm")
    export_figure = _forward("export_figure")
    export_figure_path = _forward("export_figure_path")
    export_png_path = _forward("export_png_path")
    ask_gif_path = _forward("ask_gif_path")

    # ----- sessions -------------------------------------------------------------------------

    def new_session(self) -> None:
        """Start from the default session (after asking about unsaved changes)."""
        if self.confirm_discard():
            self._controller.new_session()

    def open(self) -> None:
        """Ask for a session file and open it."""
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Open session", self._folder(), SESSION_FILTER
        )
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

    def open_lesson(self, lesson: Lesson) -> bool:
        """Open a lesson (after asking about unsaved changes); Save will ask for a new file."""
        if not self.confirm_discard():
            return False
        try:
            session = lesson.load()
        except (SessionError, OSError) as error:
            self.show_error("Cannot open this lesson", str(error))
            return False
        self._controller.load(session)
        return True

    def save(self) -> bool:
        """Save to the current file (or ask for one)."""
        if self._controller.path is None:
            return self.save_as()
        return self.save_path(self._controller.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        suggestion = self._controller.path or os.path.join(self._folder(), "session.json")
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Save session", suggestion, SESSION_FILTER
        )
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
        answer = ask_save_changes(self._window)
        return self.save() if answer == "save" else answer == "discard"

    # ----- data -----------------------------------------------------------------

    def import_csv(self) -> None:
        """Ask for a dataset CSV and replace the points with it (undoable)."""
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Import data", self._folder(), CSV_FILTER
        )
        if path:
            self.import_csv_path(path)

    def import_csv_path(self, path: str, problem: str | None = None) -> bool:
        """Replace the points with a CSV file's (one undo step that also brings back the trained
        network); a dialog explains a bad file. Whole-number labels may be classes or regression
        targets: unless `problem` is given, the user is told what was inferred and chooses."""
        try:
            points = read_csv(path)
        except (ValueError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.show_error("Cannot import this data", f"{path}: {reason}")
            return False
        summary = LabelSummary.of(points.labels)
        if problem is None and summary.integers and points.n:
            problem = self._ask_problem(path, summary)
            if problem is None:
                return False
        if problem == "classification" and points.problem != "classification":
            self.show_error(
                "Cannot import this data", f"{path}: {summary.text()} — {summary.why_regression()}"
            )
            return False
        points = as_regression(points) if problem == "regression" else points
        self._controller.import_points(points)
        return True

    def _ask_problem(self, path: str, summary: LabelSummary) -> str | None:
        """Classification or regression for whole-number labels (None: cancelled)."""
        text, choices = problem_question(path, summary)
        chosen = self.ask_choice("Import data", text, [label for label, _ in choices])
        return None if chosen is None else choices[chosen][1]

    def ask_choice(self, title: str, text: str, choices: list[str]) -> int | None:
        """A question with one button per choice and Cancel (see file_dialogs.ask_choice)."""
        return ask_choice(self._window, title, text, choices)

    def show_error(self, title: str, message: str) -> None:
        """A modal error dialog with a one-line reason."""
        QMessageBox.critical(self._window, title, message)

    # ----- recent files ---------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """The recently opened or saved sessions, newest first."""
        return self._recent.paths()

    def _remember(self, path: str) -> None:
        self._recent.add(path)
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
