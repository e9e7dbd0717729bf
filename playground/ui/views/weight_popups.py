"""Small editors that float where the user clicked: type a link's weight, or a neuron's bias and
freeze it or switch it off. Enter applies; a refused value keeps the editor open with the reason;
Esc, a click elsewhere or the focus leaving closes it.

The editor is a child of the main window laid over it, not a window of its own: no window
manager can take the keyboard from it (a Qt.Popup lost its grab under openbox when the window was
activated by the same click, and the typed keys became shortcuts), and the window's TypingGuard
keeps typing keys from triggering shortcuts while it has the focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from playground.ui.models.weight_editor import parse_weight
from playground.ui.widgets.theme import TEXT_MUTED

ERROR_COLOR = "#c0392b"
POPUP_STYLE = (
    "QFrame#weightPopup { background: white; border: 1px solid #9aa4b1; border-radius: 6px; }"
    "QFrame#weightPopup QLabel { color: #1d2733; background: transparent; }"
    "QFrame#weightPopup QLabel#hint { color: " + TEXT_MUTED + "; }"
)


class ValuePopup(QFrame):
    """A title, a number field and a line for the reason a value is refused."""

    closed = Signal()

    def __init__(
        self,
        title: str,
        value: float | None,
        apply: Callable[[float], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent.window() if parent is not None else None)
        self.setObjectName("weightPopup")
        self.setStyleSheet(POPUP_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setAutoFillBackground(True)
        self._apply = apply
        self._watching = False  # the app's clicks and focus changes (while shown)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(title)
        self.field = QLineEdit("" if value is None else repr(float(value)))
        self.field.setMinimumWidth(190)
        self.field.selectAll()
        self.field.returnPressed.connect(self.accept)
        hint = QLabel("Enter to apply, Esc to close")
        hint.setObjectName("hint")
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setWordWrap(True)
        self.error.hide()
        for widget in (self.title, self.field, hint, self.error):
            self.layout_.addWidget(widget)

    def accept(self) -> None:
        """Apply the typed value: close if taken, else say why not and stay open."""
        try:
            value = parse_weight(self.field.text())
        except ValueError as error:
            self.show_error(str(error))
            return
        if self._apply(value):
            self.close()
        else:
            self.show_error("The network has no weights yet: press Play or Step first.")

    def show_error(self, message: str) -> None:
        """Show why the value was refused."""
        self.error.setText(message)
        self.error.show()
        self.adjustSize()

    def popup_at(self, global_pos: QPoint) -> None:
        """Show near a screen position, inside the window, with the field focused."""
        self.adjustSize()
        host = self.parentWidget()
        pos = QPoint(global_pos.x() + 8, global_pos.y() + 8)
        if host is not None:
            pos = host.mapFromGlobal(pos)
            pos.setX(max(0, min(pos.x(), host.width() - self.width())))
            pos.setY(max(0, min(pos.y(), host.height() - self.height())))
        self.move(pos)
        self.show()
        self.raise_()
        self.field.setFocus(Qt.FocusReason.PopupFocusReason)
        app = QApplication.instance()
        if app is not None and not self._watching:
            self._watching = True
            app.installEventFilter(self)
            app.focusChanged.connect(self._on_focus_changed)

    def _inside(self, widget: QObject | None) -> bool:
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parent()
        return False

    def _on_focus_changed(self, _: QWidget | None, new: QWidget | None) -> None:
        if not self._inside(new):
            self.close()  # Esc (the TypingGuard takes the focus away) or focus elsewhere

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(watched, QWidget)  # not the QWindow that sees every press first
            and not self._inside(watched)
        ):
            self.close()  # a click elsewhere closes the editor; the click goes on
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        if self._watching:  # once: closing moves the focus, which would close it again
            self._watching = False
            app = QApplication.instance()
            app.removeEventFilter(self)
            app.focusChanged.disconnect(self._on_focus_changed)
            self.closed.emit()
        super().closeEvent(event)


class NeuronPopup(ValuePopup):
    """A neuron's bias, and whether it is frozen or switched off (applied at once)."""

    def __init__(
        self,
        title: str,
        bias: float | None,
        apply_bias: Callable[[float], bool],
        frozen: bool,
        set_frozen: Callable[[bool], object],
        off: bool | None,
        set_off: Callable[[bool], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, bias, apply_bias, parent)
        self.field.setPlaceholderText("bias")
        self.freeze_box = QCheckBox("Freeze (its weights and bias stop changing)")
        self.freeze_box.setChecked(frozen)
        self.freeze_box.toggled.connect(set_frozen)
        self.off_box = QCheckBox("Switch off (it outputs 0)")
        self.off_box.setChecked(bool(off))
        self.off_box.setEnabled(off is not None)
        if off is None:
            self.off_box.setToolTip("An output neuron cannot be switched off")
        self.off_box.toggled.connect(set_off)
        self.layout_.insertWidget(1, QLabel("Bias"))
        self.layout_.addWidget(self.freeze_box)
        self.layout_.addWidget(self.off_box)
