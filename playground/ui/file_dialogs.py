"""The file dialogs' pieces: filters, the Export Model dialog, a question with choices, the
import question for whole-number labels, and the recent-files list kept in QSettings."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from playground.data.points import Points
from playground.io.csv import LabelSummary
from playground.io.model import EXPORTERS

MAX_RECENT = 8
RECENT_KEY = "files/recent"
SESSION_FILTER = "Playground sessions (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"
PNG_FILTER = "PNG images (*.png)"
GIF_FILTER = "GIF animations (*.gif)"
MODEL_TITLES = {".json": "Model JSON", ".npz": "NumPy archive", ".onnx": "ONNX model"}


def model_filter_entry(suffix: str) -> str:
    """The file-dialog filter entry of one exporter, e.g. 'ONNX model (*.onnx)'."""
    return f"{MODEL_TITLES.get(suffix, suffix[1:].upper())} (*{suffix})"


def model_filter() -> str:
    """A file-dialog filter with one entry per registered exporter."""
    return ";;".join(model_filter_entry(s) for s in EXPORTERS)


def model_suffix(filter_entry: str) -> str:
    """The exporter suffix a filter entry stands for ('.json' if none)."""
    return next((s for s in EXPORTERS if f"(*{s})" in filter_entry), ".json")


def model_dialog(parent: QWidget, folder: str) -> QFileDialog:
    """The Export Model dialog: model.onnx with the ONNX filter; choosing another filter
    changes the name's suffix to match."""
    dialog = QFileDialog(parent, "Export model", folder, model_filter())
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    suffix = ".onnx" if ".onnx" in EXPORTERS else next(iter(EXPORTERS))
    dialog.selectNameFilter(model_filter_entry(suffix))
    dialog.selectFile(f"model{suffix}")

    def on_filter(chosen: str) -> None:
        name = Path(dialog.selectedFiles()[0]).name if dialog.selectedFiles() else "model"
        stem = Path(name).stem if Path(name).suffix.lower() in EXPORTERS else name
        dialog.selectFile(stem + model_suffix(chosen))

    dialog.filterSelected.connect(on_filter)
    return dialog


def save_file_name(
    parent: QWidget, title: str, suggestion: str, filter_: str, suffix: str
) -> str | None:
    """Ask for a file to write (None if cancelled); `suffix` is added when it is missing."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggestion, filter_)
    if not path:
        return None
    return path if path.lower().endswith(suffix) else path + suffix


def ask_choice(parent: QWidget, title: str, text: str, choices: list[str]) -> int | None:
    """A question with one button per choice (the first is the default) and Cancel; the index
    of the chosen button, None for Cancel or Esc."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    buttons = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in choices]
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


def problem_question(path: str, summary: LabelSummary) -> tuple[str, list[tuple[str, str]]]:
    """What to ask about whole-number labels: the text and (button label, problem) choices."""
    name = Path(path).name
    if summary.classes is None:
        text = (
            f"{name}: {summary.text()} — {summary.why_regression()}, so they can only "
            "be regression targets."
        )
        return text, [("Import as regression", "regression")]
    text = (
        f"{name}: {summary.text()} — read as {summary.classes}-class "
        "classification. Whole numbers can also be regression targets."
    )
    return text, [
        (f"Classification ({summary.classes} classes)", "classification"),
        ("Regression", "regression"),
    ]


def ask_save_changes(parent: QWidget) -> str:
    """Ask about unsaved changes: "save", "discard" or "cancel"."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Unsaved changes",
        "The session has unsaved changes. Save them first?",
        buttons.Save | buttons.Discard | buttons.Cancel,
        buttons.Save,
    )
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def as_regression(points: Points) -> Points:
    """The same points with their labels read as regression targets."""
    if points.problem == "regression":
        return points
    return Points(points.xy, points.labels, points.is_test, "regression", 1)


def action_menu(title: str, parent: QWidget, actions: Iterable[QAction]) -> QMenu:
    """A menu of these actions, showing their tooltips."""
    menu = QMenu(title, parent)
    menu.setToolTipsVisible(True)
    for action in actions:
        menu.addAction(action)
    return menu


class RecentFiles:
    """The recently opened or saved sessions in QSettings, newest first."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[str]:
        """The remembered paths, newest first."""
        value = self._settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add(self, path: str) -> None:
        """Put path first (absolute), keeping at most MAX_RECENT."""
        path = os.path.abspath(path)
        recent = [path] + [p for p in self.paths() if p != path]
        self._settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
