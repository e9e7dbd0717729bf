"""The optimizer race's setup: which contestants (2–6 optimizers, or one optimizer at several
learning rates) and where they start. Seeded from the current session; a bad entry shows a
one-line message and keeps Start disabled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine import OPTIMIZERS
from playground.race import Contestant, parse_contestants
from playground.session import Session

RIVALS = ("sgd", "momentum", "adam", "rmsprop", "nesterov", "adagrad")  # for the default race


def optimizer_race(session: Session) -> str:
    """The session's optimizer at its learning rate against two others at the same rate."""
    optimizer = session.training.optimizer
    names = [optimizer.name] + [name for name in RIVALS if name != optimizer.name][:2]
    return ", ".join(f"{name}@{optimizer.lr:g}" for name in names)


def learning_rate_race(session: Session) -> str:
    """The session's optimizer at a tenth, one and ten times its learning rate."""
    optimizer = session.training.optimizer
    rates = (optimizer.lr / 10, optimizer.lr, min(optimizer.lr * 10, 1000.0))
    return ", ".join(f"{optimizer.name}@{rate:g}" for rate in dict.fromkeys(rates))


class RaceSetup(QDialog):
    """Choose the contestants; `contestants` and `start_session()` once accepted."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Optimizer race")
        self._session = session
        self.contestants: tuple[Contestant, ...] = ()
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Two to six contestants train side by side from the same initial weights on the "
            "same mini-batches. Write optimizers, each with an optional learning rate after @ "
            "(one optimizer at several rates works too)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.field = QLineEdit(optimizer_race(session))
        self.field.setToolTip("Optimizers: " + ", ".join(OPTIMIZERS))
        self.field.setPlaceholderText("sgd, momentum, adam@0.003")
        layout.addWidget(self.field)
        presets = QHBoxLayout()
        self.optimizers_button = QPushButton("Optimizers")
        self.optimizers_button.setToolTip("The session's optimizer against two others")
        self.rates_button = QPushButton("Learning rates")
        self.rates_button.setToolTip("The session's optimizer at ÷10, ×1 and ×10 its rate")
        presets.addWidget(QLabel("Try:"))
        presets.addWidget(self.optimizers_button)
        presets.addWidget(self.rates_button)
        presets.addStretch(1)
        layout.addLayout(presets)
        self.message = QLabel()
        self.message.setProperty("role", "caption")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        epoch = session.epoch
        self.current_weights = QCheckBox(f"Start from the current weights (epoch {epoch:,})")
        self.current_weights.setToolTip(
            "Off: every contestant starts from fresh initial weights (the session's "
            "initializer and seed)"
        )
        self.current_weights.setEnabled(session.weights is not None)
        layout.addWidget(self.current_weights)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start race")
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.field.textChanged.connect(self._check)
        self.optimizers_button.clicked.connect(lambda: self.field.setText(optimizer_race(session)))
        self.rates_button.clicked.connect(lambda: self.field.setText(learning_rate_race(session)))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 38)
        self._check(self.field.text())

    def _check(self, text: str) -> bool:
        """Parse the field: the contestants, or the reason they cannot race."""
        try:
            self.contestants = tuple(parse_contestants(text))
        except ValueError as error:
            self.contestants = ()
            self.message.setText(f"<span style='color:#b3261e'>{_escape(str(error))}</span>")
            self.start_button.setEnabled(False)
            return False
        names = ", ".join(c.name for c in self.contestants)
        self.message.setText(f"{len(self.contestants)} contestants: {_escape(names)}")
        self.start_button.setEnabled(True)
        return True

    def accept(self) -> None:
        """Start only with valid contestants (Enter in the field comes here too)."""
        if self._check(self.field.text()):
            super().accept()

    def start_session(self) -> Session:
        """The session the contestants start from: the current weights, or fresh ones."""
        if self.current_weights.isChecked() and self._session.weights is not None:
            return self._session
        return self._session.replace(weights=None, epoch=0, state=None)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["RaceSetup", "learning_rate_race", "optimizer_race"]
