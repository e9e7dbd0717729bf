"""The painted items of the network diagram: a neuron (a live heatmap in a rounded square) and
all links (pens by sign and size of the weight)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from playground.engine import FEATURES, NetworkSpec
from playground.ui.widgets import colors
from playground.ui.widgets.theme import ACCENT, BORDER_STRONG

CURVED_LINK_LIMIT = 400  # more links than this are drawn straight (faster)
DENSE_LINKS = 2000  # more links than this: no antialiasing, the faintest are left out
WIDTH_LEVELS = np.array([0.15, 0.35, 0.6, 1.0, 1.5, 2.2, 3.2])  # |w| bucket edges
FROZEN_COLOR = "#1f8fd6"  # a frozen neuron's frame


class NeuronItem(QGraphicsItem):
    """One neuron: a rounded square showing its output over the plane."""

    def __init__(self, layer: int, unit: int) -> None:
        super().__init__()
        self.layer = layer
        self.unit = unit
        self.size = 30.0
        self.active = True
        self.selected = False
        self.frozen = False  # its weights do not change (a blue frame and a lock bar)
        self.off = False  # it outputs 0 (drawn greyed and struck through)
        self.empty_color = QColor(colors.hex_color(colors.MIDDLE))
        self._image: QImage | None = None
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(-2, -2, self.size + 4, self.size + 4)

    def set_size(self, size: float) -> None:
        """Resize (the item's origin is its top-left corner)."""
        self.prepareGeometryChange()
        self.size = size

    def set_pixels(self, pixels: npt.NDArray[np.uint32] | None) -> None:
        """New ARGB pixels (h, w), row 0 at the top; None clears."""
        if pixels is None:
            self._image = None
        else:
            h, w = pixels.shape
            if self._image is None or (self._image.height(), self._image.width()) != (h, w):
                self._image = QImage(w, h, QImage.Format.Format_RGB32)
            # Copy into the image's own memory (no buffer shared between numpy and Qt).
            view = np.frombuffer(self._image.bits(), dtype=np.uint32, count=w * h)
            view[:] = pixels.ravel()
        self.update()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: D102
        widget: QWidget | None = None,
    ) -> None:
        rect = QRectF(0, 0, self.size, self.size)
        painter.setOpacity(1.0 if self.active else 0.32)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(rect, self._image)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setBrush(QBrush(self.empty_color))
        pen = QPen(QColor(ACCENT), 2.6) if self.selected else QPen(QColor(BORDER_STRONG), 1.0)
        painter.setPen(pen)
        painter.drawRect(rect)
        if self.off or self.frozen:
            paint_hands_on(painter, rect, frozen=self.frozen, off=self.off)


def paint_hands_on(painter: QPainter, rect: QRectF, *, frozen: bool, off: bool) -> None:
    """Mark a neuron switched off (a grey veil, struck through) or frozen (a blue frame and a
    padlock badge in its top-right corner)."""
    painter.setOpacity(1.0)
    if off:
        painter.fillRect(rect, QColor(240, 240, 240, 215))
        painter.setPen(QPen(QColor(90, 90, 90), 1.6))
        painter.drawLine(rect.topLeft(), rect.bottomRight())
        painter.drawLine(rect.topRight(), rect.bottomLeft())
    if frozen:
        ice = QColor(FROZEN_COLOR)
        painter.setPen(QPen(ice, 2.0, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1.0, 1.0, -1.0, -1.0))
        r = max(5.0, rect.width() * 0.2)  # the badge's radius
        centre = QPointF(rect.right() - r * 0.6, rect.top() + r * 0.6)
        painter.setPen(QPen(ice, 1.2))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(centre, r, r)
        body = QRectF(centre.x() - r * 0.5, centre.y() - r * 0.1, r, r * 0.7)
        painter.setPen(QPen(ice, max(1.0, r * 0.18)))
        painter.drawArc(
            QRectF(body.left() + r * 0.15, centre.y() - r * 0.6, r * 0.7, r * 0.9), 0, 180 * 16
        )
        painter.fillRect(body, ice)


class LinksItem(QGraphicsItem):
    """All links between neurons, painted in a few pens (grouped by sign and thickness)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(-1)
        self._bounds = QRectF()
        self._starts = np.zeros((0, 2))
        self._ends = np.zeros((0, 2))
        self._weights = np.zeros(0)
        self._curved = True
        self._shapes: list = []  # one QPainterPath (curved) or QLineF (straight) per link
        self._groups: list[tuple[QPen, list[int]]] = []
        self.samples = np.zeros((0, 12, 2))  # points along each link, for hit testing
        self.palette = colors.palette()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def set_geometry(
        self, starts: npt.NDArray[np.float64], ends: npt.NDArray[np.float64], bounds: QRectF
    ) -> None:
        """Link end points (n, 2) each; the weights keep their order."""
        self.prepareGeometryChange()
        self._bounds = bounds
        self._starts, self._ends = starts, ends
        t = np.linspace(0.0, 1.0, 12)[None, :, None]
        self._curved = len(starts) <= CURVED_LINK_LIMIT
        if self._curved:
            mid = (starts[:, 0] + ends[:, 0]) / 2
            c1 = np.column_stack([mid, starts[:, 1]])[:, None, :]
            c2 = np.column_stack([mid, ends[:, 1]])[:, None, :]
            s, e = starts[:, None, :], ends[:, None, :]
            self.samples = (
                (1 - t) ** 3 * s + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t**2 * c2 + t**3 * e
            )
            self._shapes = []
            for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist(), strict=True):
                path = QPainterPath(QPointF(x0, y0))
                mid = (x0 + x1) / 2
                path.cubicTo(mid, y0, mid, y1, x1, y1)
                self._shapes.append(path)
        else:
            self.samples = starts[:, None, :] * (1 - t) + ends[:, None, :] * t
            self._shapes = [
                QLineF(x0, y0, x1, y1)
                for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist(), strict=True)
            ]
        self._group()

    def set_palette(self, palette: colors.Palette) -> None:
        """Colour the links with another palette (class 1 positive, class 0 negative)."""
        self.palette = palette
        self._group()
        self.update()

    def set_weights(self, weights: npt.NDArray[np.float64]) -> None:
        """One weight per link, in geometry order."""
        self._weights = np.nan_to_num(np.asarray(weights, float))
        self._group()
        self.update()

    def _group(self) -> None:
        """Sort the links into pens (sign × thickness); faint links of dense layers are left
        out, they would only be noise."""
        n = len(self._starts)
        if n == 0 or len(self._weights) != n:
            self._groups = []
            return
        level = np.searchsorted(WIDTH_LEVELS, np.abs(self._weights))
        key = level * 2 + (self._weights > 0)
        order = np.argsort(key, kind="stable")
        bounds = np.flatnonzero(np.diff(key[order])) + 1
        groups = []
        for members in np.split(order, bounds):
            k = int(key[members[0]])
            if not self._curved and k // 2 == 0 and n > DENSE_LINKS:
                continue
            groups.append((_link_pen(k // 2, bool(k % 2), n, self.palette), members.tolist()))
        self._groups = groups

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: D102
        widget: QWidget | None = None,
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shapes = self._shapes
        if not self._curved:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(shapes) <= DENSE_LINKS)
        for pen, members in self._groups:
            painter.setPen(pen)
            if self._curved:
                for i in members:
                    painter.drawPath(shapes[i])
            else:
                painter.drawLines([shapes[i] for i in members])

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """The link passing closest to (x, y) within radius, or None."""
        if len(self.samples) == 0:
            return None
        distance = np.hypot(self.samples[..., 0] - x, self.samples[..., 1] - y).min(axis=1)
        i = int(np.argmin(distance))
        return i if distance[i] <= radius else None

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """The weights shown, one per link."""
        return self._weights


def _link_pen(
    level: int, positive: bool, links: int, palette: colors.Palette | None = None
) -> QPen:
    """Blue for positive, orange for negative weights (the palette's ends); thicker and stronger
    for larger |w|. Dense diagrams get thin pens (thick lines by the thousand are slow and
    unreadable)."""
    palette = palette or colors.palette()
    strength = min(level / len(WIDTH_LEVELS), 1.0)
    # Opaque colours faded toward white: translucent pens are many times slower to draw.
    end = palette.positive if positive else palette.negative
    rgb = colors.lighten(end, 0.72 - 0.62 * strength)
    color = QColor(*rgb)
    if links > DENSE_LINKS:
        width = 1.0
    else:
        width = 0.7 + (5.3 if links <= CURVED_LINK_LIMIT else 2.3) * strength**1.2
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if width > 1.5 else Qt.PenCapStyle.FlatCap)
    return pen


def neuron_columns(network: NetworkSpec) -> list[list[NeuronItem]]:
    """New neuron items, column by column: every input feature (inactive when unused), each
    hidden layer, the output."""
    features = [NeuronItem(0, i) for i in range(len(FEATURES))]
    for name, item in zip(FEATURES, features, strict=True):
        item.active = name in network.inputs
    sizes = [layer.units for layer in network.layers] + [network.output_units]
    hidden = [[NeuronItem(c + 1, u) for u in range(n)] for c, n in enumerate(sizes)]
    return [features, *hidden]
