"""The race window's top bar: play / pause and step for every contestant, the epoch, the speed,
which plane the paths are drawn on, what the race is doing, and Close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.race_worker import RaceStatus
from playground.ui.classroom.shortcuts import tip_with_keys
from playground.ui.models.race_runner import RaceRunner
from playground.ui.panels.training_panel import SPEEDS, speed_text
from playground.ui.widgets.appearance import Look
from playground.ui.widgets.icons import icon
from playground.ui.widgets.theme import TEXT

PLANES = {  # the plane choice's entries: directions → what the combo says
    "random": "Random directions",
    "pca": "Fitted to the paths (PCA)",
}
STATES = {"starting": "Starting the race…"}  # paused or running: the play button says it
SPEED_WIDTH = 110


class RaceControls(QWidget):
    """Buttons and choices that drive a RaceRunner; `close_button` is the window's to connect."""

    def __init__(self, runner: RaceRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.play_button = QToolButton()
        self.play_button.setObjectName("playButton")
        self._play_icon_size = self.play_button.iconSize() * 1.6
        self.play_button.setToolTip(tip_with_keys("Play / pause every contestant", "play"))
        self.step_button = QToolButton()
        self.step_button.setObjectName("roundButton")
        self.step_button.setIcon(icon("step", TEXT))
        self._step_icon_size = self.step_button.iconSize()
        self.step_button.setToolTip(
            "Every contestant trains one epoch (→); with Shift one mini-batch (Shift+→)"
        )
        self.epoch_label = QLabel("0")
        self.epoch_label.setProperty("role", "big")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setToolTip("Epochs per second of every contestant (right end: as fast as "
                              "the computer can)")  # fmt: skip
        self.speed_label = _caption("")
        self.plane = QComboBox()
        for directions, text in PLANES.items():
            self.plane.addItem(text, directions)
        self.plane.setToolTip(
            "The plane the paths are drawn on: two random filter-normalised directions "
            "through the start, or the plane that fits every path so far (choose it again "
            "to fit it again); it stays fixed while the race goes on"
        )
        self.status_label = _caption(STATES["starting"])
        self.status_label.setWordWrap(True)
        self.close_button = QPushButton("Close race")
        self.close_button.setToolTip("End the race and go back to the playground (Esc or Ctrl+W)")
        row.addWidget(self.play_button)
        row.addWidget(self.step_button)
        row.addWidget(_stacked(_caption("Epoch"), self.epoch_label))
        speed_head = QHBoxLayout()
        speed_head.setSpacing(8)
        speed_head.addWidget(_caption("Speed"))
        speed_head.addStretch(1)
        speed_head.addWidget(self.speed_label)
        row.addWidget(_stacked(speed_head, self.speed))
        row.addWidget(_stacked(_caption("Plane"), self.plane))
        row.addWidget(self.status_label, 1)
        row.addWidget(self.close_button)
        self.play_button.clicked.connect(runner.toggle_play)
        self.step_button.clicked.connect(self._on_step_clicked)
        self.speed.valueChanged.connect(lambda index: runner.set_speed(SPEEDS[index]))
        self.plane.activated.connect(
            lambda index: runner.set_directions(self.plane.itemData(index))
        )
        runner.running_changed.connect(self._update_play)
        runner.status_changed.connect(self._update_status)
        runner.speed_changed.connect(self._update_speed)
        self._update_speed(runner.speed)
        self._update_play(runner.playing)

    def apply_look(self, look: Look) -> None:
        """Icon sizes and the slider's width in the look's scale."""
        self.play_button.setIconSize(self._play_icon_size * look.px(100) / 100)
        self.step_button.setIconSize(self._step_icon_size * look.px(100) / 100)
        self.speed.setFixedWidth(look.px(SPEED_WIDTH))

    def show_epoch(self, epoch: int) -> None:
        """The race's epoch count."""
        self.epoch_label.setText(f"{epoch:,}")

    def show_plane(self, directions: str) -> None:
        """The plane the paths are drawn on now."""
        index = self.plane.findData(directions)
        if index >= 0 and index != self.plane.currentIndex():
            self.plane.setCurrentIndex(index)

    def _on_step_clicked(self) -> None:
        if QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._runner.step_batch()
        else:
            self._runner.step_epoch()

    def _update_play(self, playing: bool) -> None:
        self.play_button.setIcon(icon("pause" if playing else "play", "#ffffff"))

    def _update_speed(self, speed: float | None) -> None:
        self.speed.blockSignals(True)
        self.speed.setValue(SPEEDS.index(speed) if speed in SPEEDS else len(SPEEDS) - 1)
        self.speed.blockSignals(False)
        self.speed_label.setText(speed_text(speed))

    def _update_status(self, status: RaceStatus) -> None:
        self.status_label.setText(status.message or STATES.get(status.state, ""))
        for control in (self.play_button, self.step_button, self.plane):
            control.setEnabled(status.state != "blocked")


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "caption")
    return label


def _stacked(top: QWidget | QHBoxLayout, bottom: QWidget) -> QWidget:
    """A caption (or a row) above a control."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(top, QWidget):
        column.addWidget(top)
    else:
        column.addLayout(top)
    column.addWidget(bottom)
    return box


__all__ = ["PLANES", "RaceControls"]
