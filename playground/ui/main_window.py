"""The main window: composes the panels (data and training settings left, network centre,
output and curves right, lesson notes in a side panel), the menus and the status bar. Every
command comes from the shortcut registry; logic lives in the controller and the panels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.data.generators import DATASETS
from playground.lessons import LESSONS, Lesson
from playground.session import Session
from playground.ui.autosave import Autosaver, autosaved_file, pending_restore
from playground.ui.classroom.gif_recorder import GifRecorder
from playground.ui.classroom.presentation import set_advanced_visible
from playground.ui.classroom.shortcuts import (
    PRESET_KEYS,
    SHORTCUTS,
    CheatSheet,
    TypingGuard,
    make_action,
)
from playground.ui.controller import Controller
from playground.ui.file_actions import FileActions
from playground.ui.panels.data_panel import DataPanel
from playground.ui.panels.feedback import MessageBanner, TrainingStatusBar
from playground.ui.panels.network_panel import NetworkPanel
from playground.ui.panels.notes_panel import (
    NOTES_SHARE_PRESENTING,
    NOTES_WIDTH,
    NOTES_WIDTH_PRESENTING,
    NotesPanel,
    lessons_menu,
    named_tab,
)
from playground.ui.panels.training_panel import TrainingSettings, TransportBar
from playground.ui.views.heatmap_view import OutputView
from playground.ui.views.plots import LossSummary, MetricsPanel
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.window_geometry import activate, place_window, save_window_geometry

APP_TITLE = "NN Playground"
LEFT_WIDTH = 312
LEFT_WIDTH_COMPACT = 284  # below COMPACT_BELOW pixels of central width
LEFT_WIDTH_PRESENTING = 100  # one column of preset thumbnails
COMPACT_BELOW = 1400
RIGHT_MIN_WIDTH = 300  # with the notes open the window still fits a 1024×768 screen
RIGHT_MAX_WIDTH = 560
RIGHT_MIN_WIDTH_PRESENTING = 280
RIGHT_MAX_WIDTH_PRESENTING = 720
PRESETS_PRESENTING_FROM = 1200  # presentation: the preset column shows from this body width
PALETTE_KEY = "view/palette"


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(16, 14, 16, 14)
    layout.setSpacing(10)
    return card, layout


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class MainWindow(QMainWindow):
    """The playground window."""

    def __init__(self, session: Session | None = None, *, warm_up: bool = True,
                 settings: QSettings | None = None, autosave: bool = True) -> None:
        super().__init__()
        self.controller = Controller(session, warm_up=warm_up, parent=self)
        controller = self.controller
        self.appearance = controller.appearance
        self._settings = settings or QSettings()
        self.transport = TransportBar(controller)
        self.banner = MessageBanner(controller)
        self.data_panel = DataPanel(controller)
        self.training_settings = TrainingSettings(controller)
        self.network_panel = NetworkPanel(controller)
        self.loss_summary = LossSummary(controller)
        self.output_view = OutputView(controller)
        self.metrics = MetricsPanel(controller)
        self.status_bar = TrainingStatusBar(controller)
        self.notes_panel = NotesPanel(controller, self)
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
        self.commands: dict[str, QAction] = {**self.files.actions, **self._create_actions()}
        for name in ("play", "undo", "redo", "show_test", "discretize", "presentation"):
            setattr(self, f"{name}_action", self.commands[name])  # short names for callers
        self._build_menus()
        self._add_figure_menus()
        self.setStatusBar(self.status_bar)
        controller.path_changed.connect(lambda _: self._update_title())
        controller.dirty_changed.connect(lambda _: self._update_title())
        controller.session_replaced.connect(lambda _: self._update_title())
        controller.session_replaced.connect(lambda _: self.show_lesson_view())
        self.appearance.changed.connect(self._on_look_changed)
        self.notes_panel.visibilityChanged.connect(self._on_notes_visibility)
        self.gif.recording_changed.connect(self.commands["record_gif"].setChecked)
        self.gif.recording_changed.connect(self._on_recording_changed)
        self.gif.frame_added.connect(self._on_gif_frame)
        self.gif.written.connect(self._on_gif_written)
        self.gif.failed.connect(lambda message: self.files.show_error("Cannot write the GIF",
                                                                      message))
        self.data_panel.import_button.clicked.connect(self.files.import_csv)
        self.data_panel.export_button.clicked.connect(self.files.export_csv)
        saved_palette = str(self._settings.value(PALETTE_KEY, colors.DEFAULT_PALETTE))
        if saved_palette in colors.PALETTES:
            self.set_palette(saved_palette)
        self._update_title()
        place_window(self, self._settings)  # the last geometry, or a size fitting the screen

    # ----- composition ----------------------------------------------------------------------

    def _compose(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.transport)

        body = QHBoxLayout()
        body.setContentsMargins(14, 12, 14, 12)
        body.setSpacing(12)

        self.left_card, left = _card()
        left.setContentsMargins(12, 8, 8, 10)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(_scrolled(self.data_panel), "Data")
        self.left_tabs.addTab(_scrolled(self.training_settings), "Training")
        self.left_tabs.setTabToolTip(0, "Presets, their noise and size, and drawing your own "
                                        "points")
        self.left_tabs.setTabToolTip(1, "Optimizer parameters, learning-rate schedule, batches, "
                                        "loss, clipping, initialization, early stopping")
        left.addWidget(self.left_tabs)
        self.left_card.setFixedWidth(LEFT_WIDTH)
        body.addWidget(self.left_card)

        centre = QVBoxLayout()
        centre.setSpacing(10)
        centre.addWidget(self.banner)
        self.network_card, network = _card()
        network.addWidget(self.network_panel)
        centre.addWidget(self.network_card, 3)
        body.addLayout(centre, 5)

        self.output_card, right = _card()
        self._right_layout = right
        self.output_title = QLabel("OUTPUT")
        self.output_title.setProperty("role", "section")
        right.addWidget(self.output_title)
        right.addWidget(self.loss_summary)
        right.addWidget(self.output_view, 1)
        right.addWidget(self.metrics, 1)
        self.output_card.setMinimumWidth(RIGHT_MIN_WIDTH)
        self.output_card.setMaximumWidth(RIGHT_MAX_WIDTH)
        body.addWidget(self.output_card, 3)

        # The notes dock sits in an inner main window under the top bar, so the top bar keeps
        # the window's whole width (one row of controls, also in presentation mode).
        self.stage = QMainWindow()
        self.stage.setWindowFlags(Qt.WindowType.Widget)
        playground = QWidget()
        playground.setLayout(body)
        self.stage.setCentralWidget(playground)
        self.stage.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_panel)
        outer.addWidget(self.stage, 1)
        self.setCentralWidget(central)

    def _create_actions(self) -> dict[str, QAction]:
        """One QAction per registered command (the file commands come from FileActions)."""
        c, view = self.controller, self.output_view
        slots: dict[str, Callable[..., object]] = {
            "play": c.toggle_play, "step_epoch": c.step_epoch, "step_batch": c.step_batch,
            "reset": c.reset, "lr_up": lambda: c.step_learning_rate(+1),
            "lr_down": lambda: c.step_learning_rate(-1), "record_gif": self.set_recording,
            "undo": c.undo, "redo": c.redo, "clear_points": c.clear_points,
            "show_test": view.set_show_test, "discretize": view.set_discretize,
            "reset_zoom": view.reset_zoom, "presentation": self.set_presentation,
            "full_screen": self.set_full_screen, "leave": self.leave_presentation,
            "lessons": self.show_lessons_menu, "notes": self.set_notes_visible,
            "cheat_sheet": self.toggle_cheat_sheet, "quit": self.close,
            **{f"preset_{key}": (lambda n=name: c.set_recipe(name=n))
               for key, name in zip(PRESET_KEYS, DATASETS, strict=False)},
            **{f"palette_{name}": (lambda _=False, n=name: self.set_palette(n))
               for name in colors.PALETTES},
        }  # fmt: skip
        actions = {name: make_action(self, name, slot) for name, slot in slots.items()}
        actions["show_test"].setChecked(True)
        view.show_test_box.toggled.connect(actions["show_test"].setChecked)
        view.discretize_box.toggled.connect(actions["discretize"].setChecked)
        actions["leave"].setEnabled(False)
        self._palette_group = QActionGroup(self)
        for name in colors.PALETTES:
            self._palette_group.addAction(actions[f"palette_{name}"])
        actions[f"palette_{self.appearance.look.palette}"].setChecked(True)
        return actions

    def _build_menus(self) -> None:
        a, files = self.commands, self.files
        bar = self.menuBar()

        def menu(title: str, entries: list[str | None]):  # noqa: ANN202 - QMenu
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
        training = menu("&Training", ["play", "step_epoch", "step_batch", "reset", None,
                                      "lr_up", "lr_down", None, "record_gif"])
        data_sets = training.addMenu("&Data set")
        for key in PRESET_KEYS:
            if f"preset_{key}" in a:
                data_sets.addAction(a[f"preset_{key}"])
        palettes = [f"palette_{name}" for name in colors.PALETTES]
        menu("&View", ["show_test", "discretize", "reset_zoom", None, "presentation",
                       "full_screen", None, *palettes, None, "notes"])
        self.lessons_menu = lessons_menu(self, self.files.open_lesson)
        self.lessons_menu.addSeparator()
        self.lessons_menu.addAction(a["notes"])
        bar.addMenu(self.lessons_menu)
        menu("&Help", ["cheat_sheet", "lessons"])

    def _add_figure_menus(self) -> None:
        """Right-click on the curves or the diagram: export it (or the window) for slides.
        (A right-click on the output view removes a point; File ▸ Export figure has it.)"""
        figures = self.files.figure_actions
        self.figure_menus: dict[str, QMenu] = {}
        for key, widget, names in (
                ("curves", self.metrics.stack, ("loss", "accuracy", "gradients", "weights",
                                                "window")),
                ("diagram", self.network_panel.diagram, ("diagram", "window"))):
            menu = QMenu(widget)
            menu.addActions([figures[name] for name in names])
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(
                lambda pos, w=widget, m=menu: m.popup(w.mapToGlobal(pos)))
            self.figure_menus[key] = menu

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
        self.output_title.setVisible(not on)
        self._arrange(on)
        self.commands["presentation"].setChecked(on)
        self.commands[f"palette_{look.palette}"].setChecked(True)
        self._update_leave()
        self._update_left_width()
        self._keep_size(size)
        self._fit_notes()

    def _keep_size(self, size: QSize) -> None:
        """Back to `size` (or the new minimum size) after a rearrangement grew the window."""
        if self.windowState() & (Qt.WindowState.WindowMaximized
                                 | Qt.WindowState.WindowFullScreen):
            return
        for _ in range(4):  # the new minimum size, from the innermost layout out
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.resize(size.expandedTo(self.minimumSizeHint()))

    def _arrange(self, presenting: bool) -> None:
        """Presentation: the presets as one column (when there is room), the network with the
        whole height, the output view over the curves on the right, the tab the lesson's notes
        point at; back to the normal columns otherwise."""
        if presenting:
            self.output_card.setMinimumWidth(RIGHT_MIN_WIDTH_PRESENTING)
            self.output_card.setMaximumWidth(RIGHT_MAX_WIDTH_PRESENTING)
        else:
            self.output_card.setMinimumWidth(RIGHT_MIN_WIDTH)
            self.output_card.setMaximumWidth(RIGHT_MAX_WIDTH)
        self.show_lesson_view()
        self.left_tabs.tabBar().setVisible(not presenting)
        if presenting:
            self.left_tabs.setCurrentIndex(0)

    def show_lesson_view(self) -> None:
        """Bring the curves tab the lesson's notes name ("Watch: the gradient plot") to front."""
        notes = self.controller.session.notes
        tab = named_tab(notes.text) if notes is not None else None
        if tab is not None:
            self.metrics.show_tab(tab)
        # presenting a lesson that names a plot: the plot gets as much height as the output
        named = tab is not None and self.presenting
        self._right_layout.setStretchFactor(self.output_view, 4 if named else 1)
        self._right_layout.setStretchFactor(self.metrics, 7 if named else 1)

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
        if visible:
            self._fit_notes()

    def _fit_notes(self) -> None:
        """The notes take about a quarter of the window (less in presentation mode)."""
        if self.notes_panel.isVisible() and not self.notes_panel.isFloating():
            if self.presenting:
                widest = min(NOTES_WIDTH_PRESENTING, int(self.width() * NOTES_SHARE_PRESENTING))
            else:
                widest = min(NOTES_WIDTH, self.width() // 4)
            width = max(self.notes_panel.minimumWidth(), widest)
            self.stage.resizeDocks([self.notes_panel], [width], Qt.Orientation.Horizontal)

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

    # ----- recording ----------------------------------------------------------------------------

    def set_recording(self, on: bool) -> None:
        """Start recording a GIF (asks where to save it) or stop and write it."""
        if not on:
            self.gif.stop()
            return
        path = self.files.ask_gif_path()
        if path is None:
            self.commands["record_gif"].setChecked(False)
            return
        self.gif.start(path)

    def _on_recording_changed(self, recording: bool) -> None:
        self.status_bar.showMessage("● Recording GIF" if recording else "")

    def _on_gif_frame(self, count: int) -> None:
        self.status_bar.showMessage(f"● Recording GIF: {count} / {self.gif.max_frames} frames")

    def _on_gif_written(self, path: str) -> None:
        self.status_bar.showMessage(f"GIF written to {path}", 8000)

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
        central = self.centralWidget()
        width = central.width() if central is not None else self.width()
        if self.presenting:
            self.left_card.setFixedWidth(LEFT_WIDTH_PRESENTING)
            body = self.stage.centralWidget()
            roomy = body is None or body.width() >= PRESETS_PRESENTING_FROM
            self.left_card.setVisible(roomy)  # beside the notes: the keys 1–8 still switch
        else:
            self.left_card.setVisible(True)
            self.left_card.setFixedWidth(LEFT_WIDTH_COMPACT if width < COMPACT_BELOW
                                         else LEFT_WIDTH)

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
        if self.autosaver is None:
            return False
        session = pending_restore(self.autosaver.path)
        if session is None:
            return False
        answer = QMessageBox.question(
            self, "Restore the last session?",
            "NN Playground did not close properly last time. Restore the session it was "
            "working on?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self.autosaver.path.unlink(missing_ok=True)
            return False
        self.controller.load(session, autosaved_file(self.autosaver.path))  # keeps its name
        self.controller.mark_unsaved()  # restored work is unsaved work
        return True

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
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._typing_guard)
        if self.presenting:
            self.appearance.set_presentation(False)  # the app's theme back to normal
        self.controller.shutdown()
        if self.autosaver is not None:
            self.autosaver.finish()


__all__ = ["APP_TITLE", "MainWindow", "SHORTCUTS"]
