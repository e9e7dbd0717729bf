"""The main window: composes the panels (data and training settings left, network centre,
output and curves right), the menus and the status bar. Logic lives in the controller."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.session import Session

from .autosave import Autosaver, pending_restore
from .controller import Controller
from .data_panel import DataPanel
from .feedback import MessageBanner, TrainingStatusBar
from .file_actions import FileActions
from .heatmap_view import OutputView
from .network_panel import NetworkPanel
from .plots import LossSummary, MetricsPanel
from .theme import app_font
from .training_panel import TrainingSettings, TransportBar

APP_TITLE = "NN Playground"
LEFT_WIDTH = 312
LEFT_WIDTH_COMPACT = 284  # below COMPACT_BELOW pixels of window width
COMPACT_BELOW = 1400
RIGHT_MIN_WIDTH = 340
RIGHT_MAX_WIDTH = 560


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
        self.transport = TransportBar(controller)
        self.banner = MessageBanner(controller)
        self.data_panel = DataPanel(controller)
        self.training_settings = TrainingSettings(controller)
        self.network_panel = NetworkPanel(controller)
        self.loss_summary = LossSummary(controller)
        self.output_view = OutputView(controller)
        self.metrics = MetricsPanel(controller)
        self.status_bar = TrainingStatusBar(controller)
        self.files = FileActions(controller, self, figure=lambda: self.output_view.plot,
                                 settings=settings)
        self.autosaver = Autosaver(controller, parent=self) if autosave else None
        self._closed = False
        self._presenting = False
        self._compose()
        self._build_menus()
        self.setStatusBar(self.status_bar)
        controller.path_changed.connect(lambda _: self._update_title())
        controller.dirty_changed.connect(lambda _: self._update_title())
        self.data_panel.import_button.clicked.connect(self.files.import_csv)
        self.data_panel.export_button.clicked.connect(self.files.export_csv)
        self._update_title()
        self.resize(1440, 900)

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
        left.addWidget(self.left_tabs)
        self.left_card.setFixedWidth(LEFT_WIDTH)
        body.addWidget(self.left_card)

        centre = QVBoxLayout()
        centre.setSpacing(10)
        centre.addWidget(self.banner)
        self.network_card, network = _card()
        network.addWidget(self.network_panel)
        centre.addWidget(self.network_card, 1)
        body.addLayout(centre, 5)

        self.output_card, right = _card()
        title = QLabel("OUTPUT")
        title.setProperty("role", "section")
        right.addWidget(title)
        right.addWidget(self.loss_summary)
        right.addWidget(self.output_view, 5)
        right.addWidget(self.metrics, 3)
        self.output_card.setMinimumWidth(RIGHT_MIN_WIDTH)
        self.output_card.setMaximumWidth(RIGHT_MAX_WIDTH)
        body.addWidget(self.output_card, 3)

        outer.addLayout(body, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        files = self.files
        menu = self.menuBar().addMenu("&File")
        menu.addAction(files.new_action)
        menu.addAction(files.open_action)
        menu.addMenu(files.recent_menu)
        menu.addAction(files.save_action)
        menu.addAction(files.save_as_action)
        menu.addSeparator()
        menu.addAction(files.import_csv_action)
        menu.addAction(files.export_csv_action)
        menu.addAction(files.export_model_action)
        menu.addAction(files.export_png_action)
        menu.addSeparator()
        menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close))

        c = self.controller
        edit = self.menuBar().addMenu("&Edit")
        self.undo_action = self._action("&Undo", "Ctrl+Z", c.undo)
        self.redo_action = self._action("&Redo", "Ctrl+Shift+Z", c.redo)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addAction(self._action("&Clear points", None, c.clear_points))

        training = self.menuBar().addMenu("&Training")
        self.play_action = self._action("&Play / pause", "Space", c.toggle_play)
        training.addAction(self.play_action)
        training.addAction(self._action("&Step one epoch", "Right", c.step_epoch))
        training.addAction(self._action("Step one &batch", "Shift+Right", c.step_batch))
        training.addAction(self._action("&Reset", "Ctrl+R", c.reset))

        view = self.menuBar().addMenu("&View")
        self.show_test_action = self._action("Show &test data", None,
                                             self.output_view.set_show_test, checkable=True)
        self.show_test_action.setChecked(True)
        self.output_view.show_test_box.toggled.connect(self.show_test_action.setChecked)
        self.discretize_action = self._action("&Discretize output", None,
                                              self.output_view.set_discretize, checkable=True)
        self.output_view.discretize_box.toggled.connect(self.discretize_action.setChecked)
        view.addAction(self.show_test_action)
        view.addAction(self.discretize_action)
        view.addAction(self._action("&Reset zoom", "Ctrl+0", self.output_view.reset_zoom))
        view.addSeparator()
        self.presentation_action = self._action("&Presentation mode", "F11",
                                                self.set_presentation, checkable=True)
        view.addAction(self.presentation_action)

    def _action(self, text: str, shortcut: QKeySequence.StandardKey | str | None, slot,
                checkable: bool = False) -> QAction:  # noqa: ANN001 - any callable
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if checkable:
            action.triggered.connect(slot)
        else:
            action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        compact = self.width() < COMPACT_BELOW
        self.left_card.setFixedWidth(LEFT_WIDTH_COMPACT if compact else LEFT_WIDTH)

    def _update_title(self) -> None:
        path = self.controller.path
        name = Path(path).name if path else "Untitled"
        self.setWindowTitle(f"{name}{' •' if self.controller.dirty else ''} — {APP_TITLE}")

    # ----- hooks for other features -----------------------------------------------------------

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: hide the settings column and enlarge the text."""
        self._presenting = bool(on)
        self.left_card.setVisible(not on)
        self.menuBar().setVisible(not on)
        self.setFont(app_font(1.25 if on else 1.0))
        self.presentation_action.setChecked(bool(on))

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
        self.controller.load(session)
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
        """Stop training (joins the thread) and remove the autosave: a clean exit."""
        if self._closed:
            return
        self._closed = True
        self.controller.shutdown()
        if self.autosaver is not None:
            self.autosaver.finish()
