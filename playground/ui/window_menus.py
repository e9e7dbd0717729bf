"""The main window's commands and menus: one QAction per registered shortcut (the file commands
come from FileActions), the menu bar, and the right-click figure menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from playground.data.generators import DATASETS
from playground.ui.classroom.shortcuts import PRESET_KEYS, make_action
from playground.ui.panels.notes_panel import lessons_menu
from playground.ui.widgets import colors

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


def create_actions(window: MainWindow) -> dict[str, QAction]:
    """One QAction per registered command (the file commands come from FileActions)."""
    c, view = window.controller, window.output_view
    slots: dict[str, Callable[..., object]] = {
        "play": c.toggle_play, "step_epoch": c.step_epoch, "step_batch": c.step_batch,
        "reset": c.reset, "lr_up": lambda: c.step_learning_rate(+1),
        "lr_down": lambda: c.step_learning_rate(-1), "record_gif": window.set_recording,
        "race": window.race.ask, "step_through": window.step_through.set_active,
        "step_next": window.step_through.next, "step_back": window.step_through.back,
        "link_gradients": window.step_through.set_link_gradients,
        "undo": c.undo, "redo": c.redo, "clear_points": c.clear_points,
        "show_test": view.set_show_test, "discretize": view.set_discretize,
        "reset_zoom": view.reset_zoom, "presentation": window.set_presentation,
        "full_screen": window.set_full_screen, "leave": window.leave_presentation,
        "lessons": window.show_lessons_menu, "notes": window.set_notes_visible,
        "cheat_sheet": window.toggle_cheat_sheet, "quit": window.close,
        **{f"preset_{key}": (lambda n=name: c.set_recipe(name=n))
           for key, name in zip(PRESET_KEYS, DATASETS, strict=False)},
        **{f"palette_{name}": (lambda _=False, n=name: window.set_palette(n))
           for name in colors.PALETTES},
    }  # fmt: skip
    actions = {name: make_action(window, name, slot) for name, slot in slots.items()}
    actions["show_test"].setChecked(True)
    view.show_test_box.toggled.connect(actions["show_test"].setChecked)
    view.discretize_box.toggled.connect(actions["discretize"].setChecked)
    actions["leave"].setEnabled(False)
    palette_group = QActionGroup(window)
    for name in colors.PALETTES:
        palette_group.addAction(actions[f"palette_{name}"])
    actions[f"palette_{window.appearance.look.palette}"].setChecked(True)
    return actions


def build_menus(window: MainWindow) -> QMenu:
    """File, Edit, Training, View, Lessons and Help; returns the Lessons menu."""
    a, files = window.commands, window.files
    bar = window.menuBar()

    def menu(title: str, entries: list[str | None]) -> QMenu:
        m = bar.addMenu(title)
        m.setToolTipsVisible(True)
        for entry in entries:
            m.addSeparator() if entry is None else m.addAction(a[entry])
        return m

    file_menu = menu("&File", ["new", "open"])
    file_menu.addMenu(files.recent_menu)
    for entry in ("save", "save_as", None, "import_csv", "export_csv", "export_model"):
        file_menu.addSeparator() if entry is None else file_menu.addAction(a[entry])
    file_menu.addMenu(files.figure_menu)
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    menu("&Edit", ["undo", "redo", "clear_points"])
    transport = ["play", "step_epoch", "step_batch", "reset", None, "lr_up", "lr_down"]
    inspect = ["step_through", "step_next", "step_back"]
    training = menu("&Training", [*transport, None, *inspect, None, "record_gif", "race"])
    data_sets = training.addMenu("&Data set")
    for key in PRESET_KEYS:
        if f"preset_{key}" in a:
            data_sets.addAction(a[f"preset_{key}"])
    palettes = [f"palette_{name}" for name in colors.PALETTES]
    menu(
        "&View",
        [
            "show_test",
            "discretize",
            "link_gradients",
            "reset_zoom",
            None,
            "presentation",
            "full_screen",
            None,
            *palettes,
            None,
            "notes",
        ],
    )
    lessons = lessons_menu(window, files.open_lesson)
    lessons.addSeparator()
    lessons.addAction(a["notes"])
    bar.addMenu(lessons)
    menu("&Help", ["cheat_sheet", "lessons"])
    return lessons


def add_figure_menus(window: MainWindow) -> dict[str, QMenu]:
    """Right-click on the curves or the diagram: export it (or the window) for slides.
    (A right-click on the output view removes a point; File ▸ Export figure has it.)"""
    figures = window.files.figure_actions
    figure_menus: dict[str, QMenu] = {}
    for key, widget, names in (
        ("curves", window.metrics.stack, ("loss", "accuracy", "gradients", "weights", "window")),
        ("diagram", window.network_panel.diagram, ("diagram", "window")),
    ):
        menu = QMenu(widget)
        menu.addActions([figures[name] for name in names])
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        widget.customContextMenuRequested.connect(
            lambda pos, w=widget, m=menu: m.popup(w.mapToGlobal(pos))
        )
        figure_menus[key] = menu
    return figure_menus


class GifCommand(QObject):
    """The record_gif command: asks where to save, starts and stops the recorder, and reports
    its progress in the status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        gif = window.gif
        gif.recording_changed.connect(window.commands["record_gif"].setChecked)
        gif.recording_changed.connect(self._on_recording_changed)
        gif.frame_added.connect(self._on_frame_added)
        gif.written.connect(self._on_written)
        gif.failed.connect(lambda message: window.files.show_error("Cannot write the GIF", message))

    def set_recording(self, on: bool) -> None:
        """Start recording a GIF (asks where to save it) or stop and write it."""
        window = self._window
        if not on:
            window.gif.stop()
            return
        path = window.files.ask_gif_path()
        if path is None:
            window.commands["record_gif"].setChecked(False)
            return
        window.gif.start(path)

    def _on_recording_changed(self, recording: bool) -> None:
        self._window.status_bar.showMessage("● Recording GIF" if recording else "")

    def _on_frame_added(self, count: int) -> None:
        self._window.status_bar.showMessage(
            f"● Recording GIF: {count} / {self._window.gif.max_frames} frames"
        )

    def _on_written(self, path: str) -> None:
        self._window.status_bar.showMessage(f"GIF written to {path}", 8000)
