"""Export actions: the points as CSV, the model (JSON, NPZ, ONNX through playground.io's
EXPORTERS), figures as 1920×1080 PNGs, and where a recorded GIF goes. A failed write shows a
dialog. FileActions owns one and forwards its old names."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from playground.io.csv import write_csv
from playground.io.model import EXPORTERS, export_model
from playground.ui.classroom.figures import FIGURES, export_figure
from playground.ui.classroom.shortcuts import make_action
from playground.ui.controller import Controller
from playground.ui.file_dialogs import (
    CSV_FILTER,
    GIF_FILTER,
    PNG_FILTER,
    action_menu,
    model_dialog,
    model_suffix,
    save_file_name,
)


class ExportActions(QObject):
    """The export actions and what they do; dialogs are parented to `window` and open in the
    folder `folder()` names."""

    def __init__(self, controller: Controller, window: QWidget, folder: Callable[[], str]) -> None:
        super().__init__(window)
        self._controller = controller
        self._window = window
        self._folder = folder
        self.export_csv_action = make_action(window, "export_csv", self.export_csv)
        self.export_model_action = make_action(window, "export_model", self.export_model)
        self.figure_actions = {
            name: make_action(window, f"figure_{name}", lambda n=name: self.export_figure(n))
            for name in FIGURES
        }
        self.export_png_action = self.figure_actions["boundary"]
        self.figure_menu = action_menu(
            "Export &figure (1920×1080 PNG)", window, self.figure_actions.values()
        )

    def export_csv(self) -> None:
        """Write the points as CSV (x1, x2, label, split)."""
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Export data", os.path.join(self._folder(), "data.csv"), CSV_FILTER
        )
        if path:
            self._write(
                lambda: write_csv(path, self._controller.session.points), "Cannot export the data"
            )

    def export_model(self) -> None:
        """Export the trained model; the format follows the chosen suffix."""
        dialog = self.model_dialog()
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        path = dialog.selectedFiles()[0]
        if Path(path).suffix.lower() not in EXPORTERS:
            path += model_suffix(dialog.selectedNameFilter())
        self.export_model_path(path)

    def model_dialog(self) -> QFileDialog:
        """The Export Model dialog (see file_dialogs.model_dialog)."""
        return model_dialog(self._window, self._folder())

    def export_model_path(self, path: str) -> bool:
        """Export the current network and weights to path (.json, .npz or .onnx) and say so in
        the status bar."""
        written = self._write(
            lambda: export_model(path, self._controller.current_session().to_model()),
            "Cannot export the model",
        )
        if written:
            self.confirm(f"Model exported to {path}")
        return written

    def confirm(self, message: str) -> None:
        """A short confirmation in the window's status bar."""
        status_bar = getattr(self._window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(message, 8000)

    def export_figure(self, name: str = "boundary") -> None:
        """Ask for a file name and save a view (a key of FIGURES) as a 1920×1080 PNG."""
        title = f"Export {FIGURES[name].title.lower()}"
        path = save_file_name(
            self._window, title, os.path.join(self._folder(), f"{name}.png"), PNG_FILTER, ".png"
        )
        if path:
            self.export_figure_path(path, name)

    def export_figure_path(self, path: str, name: str = "boundary") -> bool:
        """Render a view (a key of FIGURES) at projector resolution and write it to path."""
        figure = FIGURES[name]
        return self._write(
            lambda: export_figure(path, figure.widget(self._window), figure.width, figure.height),
            "Cannot export the figure",
        )

    def export_png_path(self, path: str) -> bool:
        """Save the decision boundary (the output view with the points) as a PNG."""
        return self.export_figure_path(path, "boundary")

    def ask_gif_path(self) -> str | None:
        """Ask where the recorded GIF goes (None if cancelled)."""
        return save_file_name(
            self._window,
            "Record GIF",
            os.path.join(self._folder(), "training.gif"),
            GIF_FILTER,
            ".gif",
        )

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
