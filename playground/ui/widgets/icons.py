"""Small vector icons drawn with QPainter (crisp at any DPI, no image files, no icon font)."""

from __future__ import annotations

from collections.abc import Callable

from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)

from playground.ui.widgets import colors
from playground.ui.widgets.theme import TEXT

Painter = Callable[[QPainter, QColor], None]
SIZE = 24.0  # icons are drawn on a 24×24 canvas


def _pen(color: QColor, width: float = 2.0) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _play(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawPolygon(QPolygonF([QPointF(8, 5), QPointF(19, 12), QPointF(8, 19)]))


def _pause(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawRoundedRect(QRectF(7, 5, 3.5, 14), 1, 1)
    p.drawRoundedRect(QRectF(13.5, 5, 3.5, 14), 1, 1)


def _step(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawPolygon(QPolygonF([QPointF(6, 6), QPointF(15, 12), QPointF(6, 18)]))
    p.drawRoundedRect(QRectF(15.5, 6, 3, 12), 1, 1)


def _reset(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 2.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(5, 5, 14, 14), 100 * 16, 290 * 16)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawPolygon(QPolygonF([QPointF(9.5, 2.5), QPointF(14.5, 5.5), QPointF(9.5, 8.8)]))


def _undo(p: QPainter, c: QColor) -> None:
    path = QPainterPath(QPointF(7, 10))
    path.cubicTo(QPointF(11, 6), QPointF(19, 7), QPointF(19, 14))
    path.cubicTo(QPointF(19, 17), QPointF(17, 19), QPointF(14, 19))
    p.setPen(_pen(c))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.drawPolyline(QPolygonF([QPointF(7, 5), QPointF(7, 10), QPointF(12, 10)]))


def _redo(p: QPainter, c: QColor) -> None:
    p.translate(SIZE, 0)
    p.scale(-1, 1)
    _undo(p, c)


def _pencil(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolygon(
        QPolygonF(
            [QPointF(5, 19), QPointF(6, 14.5), QPointF(15.5, 5), QPointF(19, 8.5), QPointF(9.5, 18)]
        )
    )
    p.drawLine(QPointF(13.5, 7), QPointF(17, 10.5))


def _eraser(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolygon(
        QPolygonF(
            [
                QPointF(4.5, 14.5),
                QPointF(13, 6),
                QPointF(19.5, 12.5),
                QPointF(13, 19),
                QPointF(9, 19),
            ]
        )
    )
    p.drawLine(QPointF(8.5, 10.5), QPointF(15, 17))
    p.drawLine(QPointF(13, 19), QPointF(20, 19))


def _trash(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(5, 7), QPointF(19, 7))
    p.drawPolyline(QPolygonF([QPointF(10, 7), QPointF(10, 4.5), QPointF(14, 4.5), QPointF(14, 7)]))
    p.drawPolyline(QPolygonF([QPointF(7, 7), QPointF(8, 19.5), QPointF(16, 19.5), QPointF(17, 7)]))
    p.drawLine(QPointF(10.5, 10.5), QPointF(10.5, 16.5))
    p.drawLine(QPointF(13.5, 10.5), QPointF(13.5, 16.5))


def _fit(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        x, y = 12 - 7 * sx, 12 - 7 * sy
        p.drawLine(QPointF(x, y), QPointF(x + 4.5 * sx, y))
        p.drawLine(QPointF(x, y), QPointF(x, y + 4.5 * sy))
    p.drawEllipse(QPointF(12, 12), 2.2, 2.2)


def _plus(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 2.4))
    p.drawLine(QPointF(12, 6), QPointF(12, 18))
    p.drawLine(QPointF(6, 12), QPointF(18, 12))


def _minus(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 2.4))
    p.drawLine(QPointF(6, 12), QPointF(18, 12))


def _dice(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(4.5, 4.5, 15, 15), 3, 3)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    for x, y in ((8.5, 8.5), (15.5, 15.5), (12, 12), (15.5, 8.5), (8.5, 15.5)):
        p.drawEllipse(QPointF(x, y), 1.4, 1.4)


ICONS: dict[str, Painter] = {
    "play": _play, "pause": _pause, "step": _step, "reset": _reset, "undo": _undo,
    "redo": _redo, "draw": _pencil, "erase": _eraser, "clear": _trash, "fit": _fit,
    "plus": _plus, "minus": _minus, "regenerate": _dice,
}  # fmt: skip


def icon(name: str, color: str = TEXT, size: int = 48) -> QIcon:
    """A named icon in one colour (drawn at `size` px, scaled down crisply by Qt)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / SIZE, size / SIZE)
    ICONS[name](painter, QColor(color))
    painter.end()
    return QIcon(pixmap)


def marker_icon(
    label: int, size: int = 48, filled: bool = True, palette: str = colors.DEFAULT_PALETTE
) -> QIcon:
    """The colour and marker shape of a class, as an icon for its swatch."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(*colors.class_color(label, palette))
    painter.setPen(QPen(QColor("white"), size / 16))
    painter.setBrush(QBrush(color) if filled else Qt.BrushStyle.NoBrush)
    painter.drawPath(marker_path(colors.CLASS_MARKERS[label], size / 2, size / 2, size * 0.36))
    painter.end()
    return QIcon(pixmap)


def marker_path(marker: str, cx: float, cy: float, r: float) -> QPainterPath:
    """The path of a pyqtgraph marker (a key of pyqtgraph's Symbols) centred at (cx, cy), as
    wide as a circle of radius r, in the orientation the plot draws it (y pointing down)."""
    scale = 2.0 * r * colors.MARKER_SCALES.get(marker, 1.0)
    return QTransform().translate(cx, cy).scale(scale, scale).map(Symbols[marker])
