"""The main window's body: the top bar over the data and training settings (left), the network
(centre), the output and its curves (right) and the lesson notes (a dock); and how the columns
rearrange for presentation mode, a lesson that names a plot, and a narrow window (there the
notes dock takes the left column's place and holds Data and Training as tabs beside the notes:
four columns leave the network no room below COMPACT_BELOW pixels)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.ui.panels.notes_panel import (
    NOTES_SHARE_PRESENTING,
    NOTES_WIDTH,
    NOTES_WIDTH_PRESENTING,
)

LEFT_WIDTH = 312
LEFT_WIDTH_COMPACT = 284  # below COMPACT_BELOW pixels of central width
LEFT_WIDTH_PRESENTING = 100  # one column of preset thumbnails
COMPACT_BELOW = 1400
RIGHT_MIN_WIDTH = 300  # with the notes open the window still fits a 1024×768 screen
RIGHT_MIN_WIDTH_BESIDE_NOTES = 262  # the notes in the left column: the network's 8 columns fit
NOTES_WIDTH_LEFT = 244  # the notes (and Data, Training) as the left column of a narrow window
RIGHT_MAX_WIDTH = 560
RIGHT_MIN_WIDTH_PRESENTING = 280
RIGHT_MAX_WIDTH_PRESENTING = 720
PRESETS_PRESENTING_FROM = 1200  # presentation: the preset column shows from this body width


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


class WindowBody(QWidget):
    """The window's central widget: the panels in their cards and columns."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._window = window
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(window.transport)
        body = QHBoxLayout()
        body.setContentsMargins(14, 12, 14, 12)
        body.setSpacing(12)
        body.addWidget(self._build_left_card())
        centre = QVBoxLayout()
        centre.setSpacing(10)
        centre.addWidget(window.banner)
        self.network_card, network = _card()
        network.addWidget(window.network_panel)
        centre.addWidget(self.network_card, 3)
        body.addLayout(centre, 5)
        body.addWidget(self._build_output_card(), 3)
        self._body = body
        # The notes dock sits in an inner main window under the top bar, so the top bar keeps
        # the window's whole width (one row of controls, also in presentation mode).
        self.stage = QMainWindow()
        self.stage.setWindowFlags(Qt.WindowType.Widget)
        playground = QWidget()
        playground.setLayout(body)
        self.stage.setCentralWidget(playground)
        self.stage.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.notes_panel)
        self.notes_in_left_column = False
        outer.addWidget(self.stage, 1)

    def _build_left_card(self) -> QFrame:
        self.left_card, left = _card()
        self._left_layout = left
        left.setContentsMargins(12, 8, 8, 10)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(_scrolled(self._window.data_panel), "Data")
        self.left_tabs.addTab(_scrolled(self._window.training_settings), "Training")
        self.left_tabs.setTabToolTip(
            0, "Presets, their noise and size, and drawing your own points"
        )
        self.left_tabs.setTabToolTip(
            1,
            "Optimizer parameters, learning-rate schedule, batches, "
            "loss, clipping, initialization, early stopping",
        )
        left.addWidget(self.left_tabs)
        self.left_card.setFixedWidth(LEFT_WIDTH)
        return self.left_card

    def _build_output_card(self) -> QFrame:
        window = self._window
        self.output_card, self._right_layout = _card()
        self.output_title = QLabel("OUTPUT")
        self.output_title.setProperty("role", "section")
        self._right_layout.addWidget(self.output_title)
        self._right_layout.addWidget(window.loss_summary)
        self._right_layout.addWidget(window.output_view, 1)
        self._right_layout.addWidget(window.metrics, 1)
        window.landscape_view.big_changed.connect(self.show_plot_big)
        window.hidden_view.big_changed.connect(self.show_plot_big)
        self.output_card.setMinimumWidth(RIGHT_MIN_WIDTH)
        self.output_card.setMaximumWidth(RIGHT_MAX_WIDTH)
        return self.output_card

    def arrange(self, presenting: bool) -> None:
        """Presentation: the output view over the curves with more room, the left column
        without its tab bar on the data tab; back to the normal columns otherwise."""
        self._size_output(presenting)
        self.left_tabs.tabBar().setVisible(not presenting)
        if presenting:
            self.left_tabs.setCurrentIndex(0)

    def _size_output(self, presenting: bool) -> None:
        """The output column's least and most width (narrower and with less of the spare
        width while the notes hold the left column: the network's columns come first)."""
        if presenting:
            least, most = RIGHT_MIN_WIDTH_PRESENTING, RIGHT_MAX_WIDTH_PRESENTING
        else:
            narrow = self.notes_in_left_column
            least, most = (
                RIGHT_MIN_WIDTH_BESIDE_NOTES if narrow else RIGHT_MIN_WIDTH,
                RIGHT_MAX_WIDTH,
            )
        self.output_card.setMinimumWidth(least)
        self.output_card.setMaximumWidth(most)
        self._body.setStretchFactor(self.output_card, 2 if self.notes_in_left_column else 3)

    def give_plot_room(self, named: bool) -> None:
        """A lesson that names a plot, presented: the plot as tall as the output view (they
        share the column evenly otherwise)."""
        self._right_layout.setStretchFactor(self._window.output_view, 4 if named else 1)
        self._right_layout.setStretchFactor(self._window.metrics, 7 if named else 1)

    def show_plot_big(self, on: bool) -> None:
        """The curves' panel (the loss landscape) in the output view's place, or both."""
        self._window.output_view.setVisible(not on)

    def update_left_width(self, presenting: bool) -> None:
        """The left column's width for the window's width (hidden beside the notes when
        presenting in a narrow window: the keys 1–8 still switch presets)."""
        if presenting:
            self.left_card.setFixedWidth(LEFT_WIDTH_PRESENTING)
            body = self.stage.centralWidget()
            roomy = body is None or body.width() >= PRESETS_PRESENTING_FROM
            self.left_card.setVisible(roomy)
        else:
            self.left_card.setVisible(not self.notes_in_left_column)
            self.left_card.setFixedWidth(
                LEFT_WIDTH_COMPACT if self.width() < COMPACT_BELOW else LEFT_WIDTH
            )

    def fit_notes(self, presenting: bool) -> None:
        """The notes take about a quarter of the window (less in presentation mode)."""
        notes = self._window.notes_panel
        if notes.isVisible() and not notes.isFloating():
            window_width = self._window.width()
            if presenting:
                widest = min(NOTES_WIDTH_PRESENTING, int(window_width * NOTES_SHARE_PRESENTING))
            elif self.notes_in_left_column:
                widest = NOTES_WIDTH_LEFT
            else:
                widest = min(NOTES_WIDTH, window_width // 4)
            width = max(notes.minimumWidth(), widest)
            self.stage.resizeDocks([notes], [width], Qt.Orientation.Horizontal)

    def place_notes_soon(self) -> None:
        """place_notes once the current rearrangement is over: moving the notes reparents
        widgets, and leaving presentation mode walks a list of widgets that this would change
        under it (a crash)."""
        QTimer.singleShot(0, self, self._place_notes_now)

    def _place_notes_now(self) -> None:
        window = self._window
        if window.isVisible() and self.place_notes(window.presenting):
            self.fit_notes(window.presenting)
            self.update_left_width(window.presenting)

    def place_notes(self, presenting: bool) -> bool:
        """Normal mode in a narrow window with the notes docked: the notes dock on the left in
        the left column's place, Data and Training as tabs beside the notes (the network keeps
        room for every layer); back to a notes dock on the right otherwise. Whether it moved."""
        notes = self._window.notes_panel
        narrow = self._window.width() < COMPACT_BELOW
        merge = not presenting and narrow and not notes.isHidden() and not notes.isFloating()
        if merge == self.notes_in_left_column:
            return False
        self.notes_in_left_column = merge
        tabs, browser = self.left_tabs, notes.browser
        if merge:
            current = tabs.currentIndex()
            tabs.insertTab(0, browser, "Notes")
            tabs.setTabToolTip(0, "The lesson's text")
            notes.setWidget(tabs)
            tabs.setCurrentIndex(0 if current == 0 else current + 1)  # the Step tab stays
            self.left_card.hide()
            self.stage.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, notes)
        else:
            tabs.removeTab(tabs.indexOf(browser))
            self._left_layout.addWidget(tabs)
            notes.setWidget(browser)
            self.left_card.show()
            if not notes.isFloating():
                self.stage.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, notes)
        tabs.show()
        browser.show()
        self._size_output(presenting)
        return True
