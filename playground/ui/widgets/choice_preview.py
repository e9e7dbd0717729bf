"""Pickers that explain their choices: activation curves as item icons, and a preview beside the
open list that follows the highlighted item (the curve f and its derivative f′ with the formula,
or an optimizer's update rule). Everything is read from the engine registries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QHideEvent,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QVBoxLayout, QWidget

from playground.engine import ACTIVATIONS, INITIALIZERS, OPTIMIZERS, SCHEDULES, curve
from playground.ui.widgets.theme import ACCENT, BORDER, BORDER_STRONG, SURFACE, TEXT, TEXT_MUTED

Z_RANGE = (-3.0, 3.0)
Y_RANGE = (-1.5, 3.0)
DERIVATIVE_COLOR = "#e07b00"


@dataclass(frozen=True)
class Preview:
    """What the preview shows for one choice: a title, text (rich) and an optional picture."""

    title: str
    text: str
    picture: QPixmap | None = None


def _map(z: float, y: float, rect: QRectF) -> QPointF:
    (z0, z1), (y0, y1) = Z_RANGE, Y_RANGE
    return QPointF(
        rect.left() + (z - z0) / (z1 - z0) * rect.width(),
        rect.bottom() - (y - y0) / (y1 - y0) * rect.height(),
    )


def _curve_path(z: np.ndarray, y: np.ndarray, rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    y = np.clip(y, Y_RANGE[0] - 1, Y_RANGE[1] + 1)
    for i, (a, b) in enumerate(zip(z.tolist(), y.tolist(), strict=True)):
        point = _map(a, b, rect)
        path.moveTo(point) if i == 0 else path.lineTo(point)
    return path


def paint_activation(painter: QPainter, name: str, rect: QRectF, detailed: bool) -> None:
    """Draw f (solid) and f′ (dashed) of an activation into rect; detailed adds axis ticks."""
    z = np.linspace(*Z_RANGE, 241)
    values, slopes = curve(name, z)
    painter.save()
    painter.setClipRect(rect.adjusted(-1, -1, 1, 1))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = rect.height() / 100.0
    axis = QPen(QColor(BORDER_STRONG), max(1.0, 1.2 * scale))
    painter.setPen(axis)
    painter.drawLine(_map(Z_RANGE[0], 0, rect), _map(Z_RANGE[1], 0, rect))
    painter.drawLine(_map(0, Y_RANGE[0], rect), _map(0, Y_RANGE[1], rect))
    if detailed:
        painter.setPen(QPen(QColor(BORDER), 1))
        for y in (-1, 1, 2):
            painter.drawLine(_map(Z_RANGE[0], y, rect), _map(Z_RANGE[1], y, rect))
    derivative = QPen(QColor(DERIVATIVE_COLOR), max(1.2, 2.2 * scale))
    derivative.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(derivative)
    painter.drawPath(_curve_path(z, slopes, rect))
    painter.setPen(QPen(QColor(ACCENT), max(1.6, 3.2 * scale)))
    painter.drawPath(_curve_path(z, values, rect))
    painter.restore()
    if detailed:
        painter.save()
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        painter.setPen(QColor(TEXT_MUTED))
        for y in (-1, 1, 2):
            p = _map(Z_RANGE[0], y, rect)
            painter.drawText(
                QRectF(rect.left() - 26, p.y() - 9, 22, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{y}",
            )
        for z_tick in (-2, 2):
            p = _map(z_tick, Y_RANGE[0], rect)
            painter.drawText(
                QRectF(p.x() - 12, rect.bottom() + 2, 24, 16),
                Qt.AlignmentFlag.AlignCenter,
                f"{z_tick}",
            )
        painter.restore()


@cache
def activation_icon(name: str, width: int = 30, height: int = 20) -> QIcon:
    """A small picture of f and f′ for an activation's item in a combo box."""
    ratio = 3.0  # drawn at 3× for high-DPI screens and presentation mode
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(BORDER), 1))
    painter.setBrush(QColor(SURFACE))
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 3, 3)
    paint_activation(painter, name, QRectF(2, 2, width - 4, height - 4), detailed=False)
    painter.end()
    return QIcon(pixmap)


def activation_picture(name: str, width: int, height: int, ratio: float = 2.0) -> QPixmap:
    """A labelled plot of f and f′ (for the preview)."""
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor(SURFACE))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_activation(painter, name, QRectF(30, 6, width - 38, height - 26), detailed=True)
    painter.end()
    return pixmap


def activation_preview(name: str, scale: float = 1.0) -> Preview:
    """f and f′ of an activation with its formula."""
    legend = (
        f"<span style='color:{ACCENT}'>━ f(z)</span> &nbsp; "
        f"<span style='color:{DERIVATIVE_COLOR}'>╍ f′(z)</span>"
    )
    return Preview(
        name,
        f"{ACTIVATIONS[name].formula}<br>{legend}",
        activation_picture(name, round(250 * scale), round(150 * scale)),
    )


def _defaults_text(defaults: dict[str, object]) -> str:
    return ", ".join(
        f"{key} {value}" for key, value in defaults.items() if not isinstance(value, bool)
    )


def optimizer_preview(name: str, scale: float = 1.0) -> Preview:
    """An optimizer's update rule and its PyTorch defaults."""
    optimizer = OPTIMIZERS[name]
    rule = optimizer.rule.replace(";  ", "<br>")
    return Preview(
        optimizer.title or name,
        f"<span style='font-size:large'>{rule}</span><br><br>"
        f"<span style='color:{TEXT_MUTED}'>g: gradient, η: learning rate<br>"
        f"defaults: {_defaults_text(optimizer.defaults)}</span>",
    )


def schedule_preview(name: str, scale: float = 1.0) -> Preview:
    """A schedule's formula."""
    schedule = SCHEDULES[name]
    extra = (
        f"<br><span style='color:{TEXT_MUTED}'>defaults: {_defaults_text(schedule.defaults)}</span>"
        if schedule.defaults
        else ""
    )
    return Preview(name.replace("_", "-"), f"{schedule.formula}{extra}")


def initializer_preview(name: str, scale: float = 1.0) -> Preview:
    """An initializer's distribution."""
    return Preview(
        name,
        f"{INITIALIZERS[name].formula}<br>"
        f"<span style='color:{TEXT_MUTED}'>biases start at 0</span>",
    )


class ChoicePreview(QFrame):
    """A borderless panel beside an open combo list, showing the highlighted choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("choicePreview")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setStyleSheet(
            f"QFrame#choicePreview {{ background: {SURFACE}; "
            f"border: 1px solid {BORDER_STRONG}; border-radius: 6px; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        self.title = QLabel()
        self.title.setStyleSheet(f"font-weight: 700; color: {TEXT};")
        self.picture = QLabel()
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        for label in (self.title, self.picture, self.text):
            layout.addWidget(label)

    def show_preview(self, preview: Preview, beside: QRect) -> None:
        """Show a choice next to a screen rectangle (the open list), on the screen."""
        self.title.setText(preview.title)
        self.picture.setVisible(preview.picture is not None)
        if preview.picture is not None:
            self.picture.setPixmap(preview.picture)
        self.text.setText(preview.text)
        width = max(
            260,
            preview.picture.width() / preview.picture.devicePixelRatio() + 24
            if preview.picture is not None
            else 320,
        )
        self.text.setFixedWidth(round(width) - 24)
        self.adjustSize()
        screen = QGuiApplication.screenAt(beside.center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 4000, 4000)
        x = beside.right() + 6
        if x + self.width() > area.right():
            x = beside.left() - 6 - self.width()
        y = min(max(beside.top(), area.top()), area.bottom() - self.height())
        self.move(QPoint(max(area.left(), x), y))
        self.show()


class PreviewCombo(QComboBox):
    """A combo box whose open list shows a preview of the highlighted item (item data = name).

    The preview is shown only while the list is really on screen: an event filter on the list's
    window follows its Show and Hide, whichever way it closes (a choice, Esc, a click outside,
    the combo hidden). Qt also emits `highlighted` on addItem and on a programmatic
    setCurrentIndex; with the list closed those never show anything."""

    def __init__(
        self, preview: Callable[[str, float], Preview], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._make_preview = preview
        self.scale = 1.0
        self.preview = ChoicePreview(self)
        self._popup: QWidget | None = None
        self._watch_popup()
        self.highlighted.connect(self._on_highlighted)

    def popup_window(self) -> QWidget:
        """The window of the drop-down list (Qt's private container of view())."""
        return self.view().window()

    def _watch_popup(self) -> None:
        popup = self.popup_window()
        if popup is not self._popup and popup is not self:
            if self._popup is not None:
                self._popup.removeEventFilter(self)
            popup.installEventFilter(self)
            self._popup = popup

    def popup_visible(self) -> bool:
        """Whether the drop-down list is open."""
        return self._popup is not None and self._popup.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._popup:
            if event.type() == QEvent.Type.Show:
                self._show_current()
            elif event.type() in (QEvent.Type.Hide, QEvent.Type.Close):
                self.preview.hide()
        return super().eventFilter(watched, event)

    def showPopup(self) -> None:  # noqa: N802 - Qt API
        self._watch_popup()  # setView() may have made a new list window
        super().showPopup()
        self._show_current()

    def hidePopup(self) -> None:  # noqa: N802 - Qt API
        self.preview.hide()
        super().hidePopup()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self.preview.hide()
        super().hideEvent(event)

    def preview_of(self, index: int) -> Preview | None:
        """The preview of item `index` (None for no item)."""
        name = self.itemData(index)
        return None if name is None else self._make_preview(str(name), self.scale)

    def _show_current(self) -> None:
        view = self.view()
        current = view.currentIndex() if view is not None else None
        row = current.row() if current is not None and current.isValid() else self.currentIndex()
        self._on_highlighted(row)

    def _on_highlighted(self, index: int) -> None:
        if not self.popup_visible():
            self.preview.hide()  # addItem / setCurrentIndex with the list closed: nothing to show
            return
        preview = self.preview_of(index)
        if preview is None:
            self.preview.hide()
            return
        self.preview.show_preview(preview, self._popup.geometry())


def set_icon_size(combo: QComboBox, scale: float) -> None:
    """Activation icons a little taller than the text."""
    combo.setIconSize(QSize(round(30 * scale), round(20 * scale)))
