"""The optimizer race's curves and small multiples: every contestant's training loss on one
plot (log scale, one colour each), and every contestant's decision boundary as a small labelled
heatmap with the training points."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

from playground.data.points import Points
from playground.engine import NetworkSpec
from playground.race_worker import ContestantFrame, RaceFrame
from playground.ui.views.plots import EpochAxis, LogAxis, PlotLegend, apply_plot_look
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.widgets.neuron_style import lut32
from playground.ui.widgets.theme import TEXT_MUTED, text_color

# Okabe–Ito colours (safe for colour-blind viewers) and one marker shape per contestant.
RACE_COLORS = ("#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#000000")
RACE_MARKERS = ("o", "s", "t1", "d", "p", "h")
TILE_POINT_SIZE = 2.6
MAX_TILE_POINTS = 600  # training points drawn on each small multiple (a regular sample)
TILE_CAPTION_POINTS = 8.5


def contestant_style(index: int) -> tuple[str, str]:
    """(colour '#rrggbb', pyqtgraph marker) of the index-th contestant."""
    return RACE_COLORS[index % len(RACE_COLORS)], RACE_MARKERS[index % len(RACE_MARKERS)]


class RaceCurves(pg.PlotWidget):
    """Every contestant's training loss over the epochs, overlaid (log scale)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            background="w",
            axisItems={"bottom": EpochAxis("bottom"), "left": LogAxis("left")},
        )
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.12)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#c3cbd3"))
            axis.setTextPen(pg.mkPen(TEXT_MUTED))
            axis.enableAutoSIPrefix(False)
        item.setLogMode(y=True)
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(120)
        self.legend_band = PlotLegend(self)
        self.curves: list[pg.PlotDataItem] = []
        self._look = Look()
        self.apply_look(self._look)

    def apply_look(self, look: Look) -> None:
        """Ticks, legend and line widths for the look."""
        self._look = look
        apply_plot_look(self, look, axis_label="epoch")
        for index, curve in enumerate(self.curves):
            curve.setPen(pg.mkPen(contestant_style(index)[0], width=look.line(2)))

    def show_frame(self, frame: RaceFrame) -> None:
        """Push every contestant's curve."""
        self._ensure_curves([c.name for c in frame.contestants])
        high = 1.0
        for curve, contestant in zip(self.curves, frame.contestants, strict=True):
            x, y = contestant.epochs, contestant.losses
            keep = np.isfinite(y) & (y > 0)
            curve.setData(x[keep], y[keep])
            if len(x):
                high = max(high, float(x[-1]))
        self.setXRange(0.0, high, padding=0)

    def _ensure_curves(self, names: list[str]) -> None:
        if [c.name() for c in self.curves] == names:
            return
        item = self.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        self.curves = [
            item.plot(
                [], [], pen=pg.mkPen(contestant_style(i)[0], width=self._look.line(2)), name=name
            )
            for i, name in enumerate(names)
        ]
        apply_plot_look(self, self._look, axis_label="epoch")


class BoundaryTile(QWidget):
    """One contestant's decision boundary over the data square with the training points, under
    a caption in the contestant's colour: name, training loss (and accuracy)."""

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.color = QColor(contestant_style(index)[0])
        self.name = ""
        self.caption = ""
        self.captions: tuple[str, ...] = ("",)
        self.names: tuple[str, ...] = ()  # every contestant's (the names share one font size)
        self.image: QImage | None = None
        self._points: tuple[npt.NDArray[np.float64], list[QColor]] = (np.zeros((0, 2)), [])
        self._extent = QRectF(-6.0, -6.0, 12.0, 12.0)
        self._look = Look()
        self.setMinimumSize(90, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(170, 190)

    def apply_look(self, look: Look) -> None:
        """Caption size for the look."""
        self._look = look
        self.update()

    def set_points(self, xy: npt.NDArray[np.float64], fills: list[QColor]) -> None:
        """The training points drawn over the boundary (data units) and their colours."""
        self._points = (xy, fills)
        self.update()

    def show_contestant(
        self,
        contestant: ContestantFrame,
        network: NetworkSpec,
        extent: QRectF,
        value_range: tuple[float, float],
    ) -> None:
        """A contestant's frame: its boundary image and its caption."""
        self.name = contestant.name
        self._extent = extent
        self.captions = caption_texts(contestant)
        self.caption = self.captions[0]
        if contestant.output is not None:
            self.image = boundary_image(contestant.output, network, value_range, self._look)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        look = self._look
        font = painter.font()
        font.setPointSizeF(look.pt(TILE_CAPTION_POINTS))
        painter.setFont(font)
        line = painter.fontMetrics().height()
        caption_height = 2 * line + 4
        side = max(10, min(self.width(), self.height() - caption_height))
        left = (self.width() - side) // 2
        square = QRectF(left, caption_height, side, side)
        self._paint_caption(painter, QRectF(0, 0, self.width(), caption_height), line)
        if self.image is not None:
            painter.drawImage(square, self.image)
        else:
            painter.fillRect(square, QColor("#eef1f4"))
        self._paint_points(painter, square)
        painter.setPen(QPen(self.color, look.line(2.5)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(square.adjusted(1, 1, -1, -1))
        painter.end()

    def _paint_caption(self, painter: QPainter, rect: QRectF, line: int) -> None:
        look = self._look
        swatch = line * 0.7
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawEllipse(QRectF(rect.left() + 2, rect.top() + (line - swatch) / 2 + 1,
                                   swatch, swatch))  # fmt: skip
        painter.setPen(QColor(text_color("TEXT", look.high_contrast)))
        font = painter.font()
        bold = QFont(font)
        bold.setBold(True)
        name_rect = QRectF(rect.left() + swatch + 8, rect.top(), rect.width() - swatch - 8, line)
        widest = max(self.names or (self.name,), key=QFontMetricsF(bold).horizontalAdvance)
        painter.setFont(fitted_font(bold, widest, name_rect.width()))  # one size in every tile
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(self.name, Qt.TextElideMode.ElideRight,
                                                          int(name_rect.width())))  # fmt: skip
        painter.setFont(font)
        painter.setPen(QColor(text_color("TEXT_MUTED", look.high_contrast)))
        width = rect.width() - 2
        metrics = painter.fontMetrics()
        text = next((t for t in self.captions if metrics.horizontalAdvance(t) <= width),
                    self.captions[-1])  # fmt: skip
        painter.drawText(
            QRectF(rect.left() + 2, rect.top() + line, width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )

    def _paint_points(self, painter: QPainter, square: QRectF) -> None:
        xy, fills = self._points
        if not len(xy):
            return
        e = self._extent
        px = square.left() + (xy[:, 0] - e.left()) / e.width() * square.width()
        py = square.bottom() - (xy[:, 1] - e.top()) / e.height() * square.height()
        inside = (px >= square.left()) & (px <= square.right())
        inside &= (py >= square.top()) & (py <= square.bottom())
        r = self._look.line(TILE_POINT_SIZE) / 2 + 0.5
        painter.setPen(QPen(QColor(255, 255, 255), 0.8))
        for x, y, fill, keep in zip(px, py, fills, inside, strict=True):
            if keep:
                painter.setBrush(fill)
                painter.drawEllipse(QRectF(x - r, y - r, 2 * r, 2 * r))


def caption_texts(contestant: ContestantFrame) -> tuple[str, ...]:
    """A tile's second line, longest first ("loss 0.123 · 97 %", "0.123 · 97 %", "0.123"):
    the first that fits is drawn."""
    loss = contestant.train_loss
    if contestant.diverged or not math.isfinite(loss):
        return ("diverged",)
    if contestant.train_accuracy is None:
        return (f"loss {loss:.3f}", f"{loss:.3f}")
    accuracy = f"{100 * contestant.train_accuracy:.0f} %"
    return (f"loss {loss:.3f} · {accuracy}", f"{loss:.3f} · {accuracy}", f"{loss:.3f}")


def fitted_font(font: QFont, text: str, width: float, smallest: float = 0.75) -> QFont:
    """The font, made smaller (down to `smallest` of its size, then not bold) until text fits
    width."""
    fitted = QFont(font)
    size = font.pointSizeF()
    for scale in (1.0, 0.9, 0.8, smallest):
        fitted.setPointSizeF(size * scale)
        if QFontMetricsF(fitted).horizontalAdvance(text) <= width:
            return fitted
    fitted.setBold(False)  # narrower still
    return fitted


def boundary_image(
    output: npt.NDArray[np.float32],
    network: NetworkSpec,
    value_range: tuple[float, float],
    look: Look,
) -> QImage:
    """The output layer over the grid as an RGB QImage, row 0 at the bottom of the square:
    P(class 1) or blended class colours (faded, as the big view), or the value."""
    fade = look.colors.background_fade
    if network.problem == "classification" and output.shape[0] > 1:
        rgb = colors.blend_classes(output, fade=fade, colors=look.palette)
        argb = colors.to_argb32(rgb.reshape(-1, 3)).reshape(rgb.shape[:2])
    else:
        low, high = (0.0, 1.0) if network.problem == "classification" else value_range
        argb = colors.map_values(output[0], low, high, lut32("faded", look.palette))
    argb = np.ascontiguousarray(argb[::-1], dtype=np.uint32)  # QImage's row 0 is the top
    height, width = argb.shape
    image = QImage(argb.data, width, height, 4 * width, QImage.Format.Format_RGB32)
    return image.copy()  # own the pixels (argb goes away)


class BoundaryTiles(QWidget):
    """The small multiples: one BoundaryTile per contestant, in up to three columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(10)
        self.tiles: list[BoundaryTile] = []
        self._points: Points | None = None
        self._look = Look()

    def apply_look(self, look: Look) -> None:
        """Captions and outlines for the look."""
        self._look = look
        for tile in self.tiles:
            tile.apply_look(look)
        if self._points is not None:
            self.set_points(self._points)

    def set_contestants(self, count: int) -> None:
        """Make one tile per contestant."""
        if len(self.tiles) == count:
            return
        for tile in self.tiles:
            self._grid.removeWidget(tile)
            tile.deleteLater()
        columns = 3 if count > 4 or count == 3 else 2
        self.tiles = []
        for index in range(count):
            tile = BoundaryTile(index)
            tile.apply_look(self._look)
            self._grid.addWidget(tile, index // columns, index % columns)
            self.tiles.append(tile)
        if self._points is not None:
            self.set_points(self._points)

    def set_points(self, points: Points) -> None:
        """The training points every tile draws."""
        self._points = points
        xy, labels = points.train()
        every = max(1, math.ceil(len(xy) / MAX_TILE_POINTS))  # small tiles: a sample is enough
        xy, labels = xy[::every], labels[::every]
        value_range = _value_range(points)
        rgb = colors.point_colors(labels, points.problem, value_range, self._look.palette)
        fills = [QColor(*map(int, c)) for c in rgb]
        for tile in self.tiles:
            tile.set_points(xy, fills)

    def show_frame(self, frame: RaceFrame) -> None:
        """Every contestant's boundary and caption."""
        self.set_contestants(len(frame.contestants))
        request = frame.grid
        extent = QRectF(
            request.x_min, request.y_min, request.x_max - request.x_min,
            request.y_max - request.y_min,
        )  # fmt: skip
        value_range = _value_range(self._points) if self._points is not None else (-1.0, 1.0)
        names = tuple(c.name for c in frame.contestants)
        for tile, contestant in zip(self.tiles, frame.contestants, strict=True):
            tile.names = names
            tile.show_contestant(contestant, frame.network, extent, value_range)


def _value_range(points: Points) -> tuple[float, float]:
    """Symmetric colour levels for regression targets (at least ±1), as the big view."""
    m = float(np.abs(points.labels).max()) if points.n else 1.0
    return -max(m, 1.0), max(m, 1.0)


__all__ = [
    "RACE_COLORS", "RACE_MARKERS", "BoundaryTile", "BoundaryTiles", "RaceCurves",
    "boundary_image", "contestant_style",
]  # fmt: skip
