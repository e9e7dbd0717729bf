"""The main window: composes the panels (data and training settings left, network centre,
output and curves right, lesson notes in a side panel), the menus and the status bar. Every
command comes from the shortcut registry; logic lives in the controller and the panels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from playground.lessons import LESSONS, Lesson
from playground.session import Session
from playground.ui.autosave import Autosaver
from playground.ui.classroom.gif_recorder import GifRecorder
from playground.ui.classroom.presentation import set_advanced_visible
from playground.ui.classroom.shortcuts import SHORTCUTS, CheatSheet, TypingGuard
from playground.ui.controller import Controller
from playground.ui.file_actions import FileActions
from playground.ui.inside_views import InsideViews
from playground.ui.panels.data_panel import DataPanel
from playground.ui.panels.feedback import MessageBanner, TrainingStatusBar
from playground.ui.panels.network_panel import NetworkPanel
from playground.ui.panels.notes_panel import NotesPanel, named_tab
from playground.ui.panels.training_panel import TrainingSettings, TransportBar
from playground.ui.race_command import RaceCommand
from playground.ui.step_command import StepThroughCommand
from playground.ui.views.heatmap_view import OutputView
from playground.ui.views.plots import LossSummary, MetricsPanel
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.window_geometry import activate, keep_size, place_window, save_window_geometry
from playground.ui.window_layout import WindowBody
from playground.ui.window_menus import (
    GifCommand,
    add_figure_menus,
    build_menus,
    create_actions,
)

APP_TITLE = "NN Playground"
PALETTE_KEY = "view/palette"


class MainWindow(QMainWindow):
    """The playground window."""

    def __init__(
        self,
        session: Session | None = None,
        *,
        warm_up: bool = True,
        settings: QSettings | None = None,
        autosave: bool = True,
    ) -> None:
        super().__init__()
        self.controller = Controller(session, warm_up=warm_up, parent=self)
        controller = self.controller
        self.appearance = controller.appearance
        self._settings = settings or QSettings()
        self._create_panels(controller)
        self.files = FileActions(controller, self, settings=self._settings)
        self.gif = GifRecorder(controller, lambda: self.output_view.plot, parent=self)
        self.autosaver = Autosaver(controller, parent=self) if autosave else None
        self.cheat_sheet: CheatSheet | None = None
        self._closed = False
        self._shown = False
        self._typing_guard = TypingGuard(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._typing_guard)
        self._compose()
        self.race = RaceCommand(self)
        self.step_through = StepThroughCommand(self)
        self.commands: dict[str, QAction] = {**self.files.actions, **create_actions(self)}
        for name in ("play", "undo", "redo", "show_test", "discretize", "presentation"):
            setattr(self, f"{name}_action", self.commands[name])  # short names for callers
        self.lessons_menu = build_menus(self)
        self.figure_menus = add_figure_menus(self)
        self._recording = GifCommand(self)
        self.setStatusBar(self.status_bar)
        self._connect(controller)
        saved_palette = str(self._settings.value(PALETTE_KEY, colors.DEFAULT_PALETTE))
        if saved_palette in colors.PALETTES:
            self.set_palette(saved_palette)
        self._update_title()
        self.show_lesson_view()  # a window opened on a lesson: the tab its notes name
        place_window(self, self._settings)  # the last geometry, or a size fitting the screen

    # ----- composition ----------------------------------------------------------------------

    def _create_panels(self, controller: Controller) -> None:
        """Each view takes the models it shows."""
        model, data, runner = controller.model, controller.data, controller.runner
        selection, look = controller.selection_model, controller.appearance
        shows = {"model": model, "runner": runner, "appearance": look}
        self.transport = TransportBar(**shows, data=data, reset=controller.reset)
        self.banner = MessageBanner(controller.notice)
        self.data_panel = DataPanel(model=model, data=data, appearance=look)
        self.training_settings = TrainingSettings(model)
        self.network_panel = NetworkPanel(**shows, selection=selection)
        self.loss_summary = LossSummary(**shows)
        self.output_view = OutputView(**shows, data=data, selection=selection)
        self.metrics = MetricsPanel(**shows)
        inside = InsideViews.build(
            controller, self.network_panel.diagram, self.output_view, self.metrics
        )
        self.inside = inside
        self.landscape_view, self.hidden_view, self.errors_view = (
            inside.landscape,
            inside.hidden,
            inside.errors,
        )
        self.weight_handles, self.neuron_line = inside.weight_handles, inside.neuron_line
        self.status_bar = TrainingStatusBar(model=model, runner=runner, files=controller.files)
        self.notes_panel = NotesPanel(model, look, self)

    def _compose(self) -> None:
        self.body = WindowBody(self)
        self.setCentralWidget(self.body)
        self.left_card, self.left_tabs = self.body.left_card, self.body.left_tabs
        self.network_card, self.output_card = self.body.network_card, self.body.output_card
        self.stage = self.body.stage

    def _connect(self, controller: Controller) -> None:
        controller.files.path_changed.connect(lambda _: self._update_title(), self)
        controller.files.dirty_changed.connect(lambda _: self._update_title(), self)
        controller.model.replaced.connect(lambda _: self._update_title(), self)
        controller.model.replaced.connect(lambda _: self.show_lesson_view(), self)
        self.appearance.changed.connect(self._on_look_changed)
        self.notes_panel.visibilityChanged.connect(self._on_notes_visibility)
        self.notes_panel.topLevelChanged.connect(lambda _: self._update_left_width())
        self.data_panel.import_button.clicked.connect(self.files.import_csv)
        self.data_panel.export_button.clicked.connect(self.files.export_csv)

    # ----- view commands --------------------------------------------------------------------

    @property
    def presenting(self) -> bool:
        """Whether presentation mode is on."""
        return self.appearance.look.presentation

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: text ~1.6× larger, thick lines, big points, high contrast, the
        advanced controls hidden."""
        self.appearance.set_presentation(bool(on))

    def set_palette(self, name: str) -> None:
        """Colour the data, heatmaps and weights with a palette (a key of colors.PALETTES)."""
        self.appearance.set_palette(name)
        self._settings.setValue(PALETTE_KEY, name)

    def _on_look_changed(self, look: Look) -> None:
        on = look.presentation
        size = self.size()  # rearranging may grow the window for a moment (past the screen)
        set_advanced_visible(self, not on)
        self.menuBar().setVisible(not on)
        self.status_bar.setVisible(not on)
        self.body.output_title.setVisible(not on)
        self.body.arrange(on)
        self.show_lesson_view()
        self.commands["presentation"].setChecked(on)
        self.commands[f"palette_{look.palette}"].setChecked(True)
        self._update_leave()
        self._update_left_width()
        keep_size(self, size)
        self._fit_notes()

    def show_lesson_view(self) -> None:
        """Bring the curves tab the lesson's notes name ("Watch: the gradient plot") to front."""
        notes = self.controller.session.notes
        tab = named_tab(notes.text) if notes is not None else None
        if tab is not None:
            self.metrics.show_tab(tab)
        if notes is not None and self.body.notes_in_left_column:  # the lesson's text in front
            self.left_tabs.setCurrentWidget(self.notes_panel.browser)
        self.body.give_plot_room(tab is not None and self.presenting)

    def set_full_screen(self, on: bool) -> None:
        """Fill the screen (F11) or go back to a normal window."""
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        self.commands["full_screen"].setChecked(bool(on))
        self._update_leave()

    def leave_presentation(self) -> None:
        """Esc: back to the normal window (presentation mode and full screen off)."""
        if self.isFullScreen():
            self.set_full_screen(False)
        self.set_presentation(False)

    def _update_leave(self) -> None:
        self.commands["leave"].setEnabled(self.presenting or self.isFullScreen())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and hasattr(self, "commands"):
            self.commands["full_screen"].setChecked(self.isFullScreen())
            self._update_leave()

    def set_notes_visible(self, on: bool) -> None:
        """Show or hide the lesson notes."""
        self.notes_panel.setVisible(bool(on))

    def _on_notes_visibility(self, visible: bool) -> None:
        self.commands["notes"].setChecked(visible)
        self._update_left_width()
        if visible:
            self._fit_notes()

    def _fit_notes(self) -> None:
        self.body.fit_notes(self.presenting)

    def show_lessons_menu(self) -> None:
        """Pop up the list of lessons in the middle of the window (L)."""
        size = self.lessons_menu.sizeHint()
        centre = self.mapToGlobal(self.rect().center())
        self.lessons_menu.popup(centre - QPoint(size.width() // 2, size.height() // 2))

    def open_lesson(self, lesson: Lesson | str) -> bool:
        """Open a lesson (or a lesson id) as the Lessons menu does."""
        if isinstance(lesson, str):
            lesson = next(item for item in LESSONS if item.id == lesson)
        return self.files.open_lesson(lesson)

    def toggle_cheat_sheet(self) -> None:
        """Show the keyboard shortcuts (F1 or ?), or close them."""
        if self.cheat_sheet is not None and self.cheat_sheet.isVisible():
            self.cheat_sheet.close()
            return
        if self.cheat_sheet is None:
            self.cheat_sheet = CheatSheet(self)
        self.cheat_sheet.fit_to(self)
        self.cheat_sheet.show()
        self.cheat_sheet.raise_()

    def set_recording(self, on: bool) -> None:
        """Start recording a GIF (asks where to save it) or stop and write it."""
        self._recording.set_recording(on)

    # ----- layout ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._shown:  # the first show: keyboard focus at once, no click needed
            self._shown = True
            activate(self)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._update_left_width()

    def _update_left_width(self) -> None:
        self.body.update_left_width(self.presenting)
        self.body.place_notes_soon()  # a narrow window: the notes in the left column

    def _update_title(self) -> None:
        path = self.controller.path
        notes = self.controller.session.notes
        if path:
            name = Path(path).name
        else:
            name = notes.title if notes is not None else "Untitled"
        self.setWindowTitle(f"{name}{' •' if self.controller.dirty else ''} — {APP_TITLE}")

    # ----- start-up -----------------------------------------------------------------------------

    def offer_restore(self) -> bool:
        """After a crash, offer the autosaved session; True if it was restored."""
        return self.autosaver is not None and self.autosaver.offer_restore(self)

    # ----- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._closed:
            event.accept()
            return
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop recording and training (joins the thread), remove the autosave: a clean exit."""
        if self._closed:
            return
        self._closed = True
        if self._shown:
            save_window_geometry(self, self._settings)
        if self.gif.recording:
            self.gif.stop()
        self.race.close()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._typing_guard)
        if self.presenting:
            self.appearance.set_presentation(False)  # the app's theme back to normal
        self.inside.shutdown()
        self.controller.shutdown()
        if self.autosaver is not None:
            self.autosaver.finish()


__all__ = ["APP_TITLE", "MainWindow", "SHORTCUTS"]
