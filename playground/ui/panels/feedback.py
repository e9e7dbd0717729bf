"""Feedback: the status bar (state, epoch, samples/s, engine warm-up) and the message banner
that explains why training paused (divergence, early stopping, no data)."""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

from playground.ui.models.file_state import FileState
from playground.ui.models.session_model import SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.widgets.theme import TEXT_MUTED
from playground.worker import WorkerStatus

STATE_TEXT = {"warming_up": "Preparing engine", "paused": "Paused", "running": "Training",
              "diverged": "Diverged", "stopped_early": "Stopped early",
              "blocked": "Waiting for data"}  # fmt: skip
STATE_COLOR = {
    "running": "#2e9e44",
    "paused": "#98a3ae",
    "warming_up": "#f08c00",
    "diverged": "#d6334a",
    "stopped_early": "#1f6fd1",
    "blocked": "#f08c00",
}


def samples_text(rate: float) -> str:
    """'3.2 M samples/s' style."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rate >= limit:
            return f"{rate / limit:.1f} {suffix} samples/s"
    return f"{rate:.0f} samples/s"


class TrainingStatusBar(QStatusBar):
    """Epoch · samples/s · state, and 'Preparing engine… n/m' while numba compiles."""

    def __init__(
        self,
        *,
        model: SessionModel,
        runner: TrainingRunner,
        files: FileState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.state_label = QLabel()
        self.epoch_label = QLabel()
        self.rate_label = QLabel()
        self.file_label = QLabel()
        self.file_label.setStyleSheet(f"color: {TEXT_MUTED};")
        for label in (self.state_label, self.epoch_label, self.rate_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addWidget(label)
        self.addPermanentWidget(self.file_label)
        self._model, self._files = model, files
        runner.status_changed.connect(self._update_status)
        files.path_changed.connect(self._update_file, self)
        files.dirty_changed.connect(lambda _: self._update_file(files.path), self)
        model.replaced.connect(lambda _: self._update_file(files.path), self)
        self._update_status(runner.status)
        self._update_file(files.path)

    def _update_status(self, status: WorkerStatus) -> None:
        text = STATE_TEXT.get(status.state, status.state)
        if status.state == "warming_up":
            total = status.warmup_total
            text += f"… {status.warmup_done}/{total}" if total else "…"
        if status.engine:  # e.g. the fast engine compiling while Python trains
            text += f" · {status.engine}"
        color = STATE_COLOR.get(status.state, TEXT_MUTED)
        self.state_label.setText(f"<span style='color:{color}'>●</span> {text}")
        self.epoch_label.setText(f"Epoch {status.epoch:,}")
        self.rate_label.setText(
            samples_text(status.samples_per_s) if status.state == "running" else ""
        )

    def _update_file(self, path: object) -> None:
        notes = self._model.session.notes
        untitled = f"Lesson: {notes.title}" if notes is not None else "Untitled session"
        name = str(path).replace("\\", "/").rsplit("/", 1)[-1] if path else untitled
        self.file_label.setText(name + (" •" if self._files.dirty else "") + "  ")


class MessageBanner(QFrame):
    """A dismissable one-line message above the playground (warning or info), shown for each
    (level, message) that `notice` sends."""

    def __init__(self, notice: SignalInstance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.setSpacing(10)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setStyleSheet(
            f"QToolButton {{ border: none; background: transparent; color: {TEXT_MUTED}; }}"
        )
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()
        notice.connect(self.show_message)

    def show_message(self, level: str, text: str) -> None:
        """Show text ('warning' or 'info'); an empty level hides the banner."""
        if not level or not text:
            self.hide()
            return
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.show()

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return "" if self.isHidden() else self.label.text()
