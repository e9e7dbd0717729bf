"""The picture of a hidden layer's space: the training points in the layer's coordinates, the
input grid's lines bent by the network up to the layer, and (when the next layer is the output)
the output over the plane as the background with the decision line (P = 0.5) on top."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from playground.engine import kernels as K
from playground.engine.hidden_space import Boundary
from playground.ui.models.inspection import SpaceResult
from playground.ui.views.plots import apply_plot_look
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.widgets.axes import SpacedAxis
from playground.ui.widgets.neuron_style import lut
from playground.ui.widgets.theme import TEXT

BACKGROUND_RESOLUTION = 96  # pixels of the output's background each way
LINE_COLOR = QColor(90, 100, 112, 150)
BOUNDARY_COLOR = TEXT
POINT_SIZE = 8
PADDING = 0.08  # of the points' extent, around them
SHRINK = 0.6  # the view shrinks only when the points take less than this of it (no jitter)


def _lines_path(lines: npt.NDArray[np.float64]) -> tuple[np.ndarray, np.ndarray]:
    """(K, S, 2) polylines as one x, y pair with NaN between the lines (connect='finite')."""
    k, s, _ = lines.shape
    gap = np.full((k, 1, 2), np.nan)
    joined = np.concatenate([lines, gap], axis=1).reshape(-1, 2)
    return joined[:, 0], joined[:, 1]


class HiddenSpacePlot(pg.PlotWidget):
    """The plot of one `SpaceResult`; created once, fed with `show_space`."""

    def __init__(self) -> None:
        axes = {name: SpacedAxis(name) for name in ("left", "bottom")}
        super().__init__(axisItems=axes)
        self.setBackground("w")
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        self.setAspectLocked(True)
        self.setMinimumSize(120, 90)
        self.background = pg.ImageItem(axisOrder="row-major")
        self.background.setZValue(-10)
        self.lines = pg.PlotCurveItem(connect="finite", antialias=True)
        self.points = pg.ScatterPlotItem(pxMode=True)  # regression: one colour per point
        self.class_points: list[pg.ScatterPlotItem] = []  # classes: one item each (fast)
        self.boundary = pg.PlotCurveItem(antialias=True)
        self.boundary.setZValue(5)
        for element in (self.background, self.lines, self.boundary, self.points):
            self.addItem(element)
        self.points.setZValue(10)
        self.result: SpaceResult | None = None
        self._look = Look()
        self._range: QRectF | None = None
        self.getPlotItem().vb.sigRangeChanged.connect(lambda *_: self._draw_boundary())

    def apply_look(self, look: Look) -> None:
        """Ticks, pens and point sizes for the look (presentation mode, palette)."""
        self._look = look
        apply_plot_look(self, look, axis_label=None)
        self.getPlotItem().getAxis("left").setWidth(look.px(44))
        self.getPlotItem().getAxis("bottom").setHeight(look.px(40))  # ticks, then the label
        self.getPlotItem().layout.setContentsMargins(2, 2, look.px(6), look.px(6))  # (label nudge)
        self.lines.setPen(pg.mkPen(LINE_COLOR, width=look.line(1.0)))
        self.boundary.setPen(pg.mkPen(BOUNDARY_COLOR, width=look.line(2.5)))
        if self.result is not None:
            self.show_space(self.result)

    def clear_space(self) -> None:
        """Nothing to show."""
        self.result = None
        self._range = None
        self.background.clear()
        self.lines.setData([], [])
        self.points.setData([])
        for item in self.class_points:
            item.setData([])
        self.boundary.setData([], [])

    def show_space(self, result: SpaceResult) -> None:
        """Draw a computed hidden space."""
        self.result = result
        space = self.result.space
        x, y = _lines_path(space.lines)
        self.lines.setData(x, y)
        self._draw_points(result)
        self._fit(space.points)
        self._set_axis_labels(result)
        self._draw_boundary()

    def _draw_points(self, result: SpaceResult) -> None:
        look, labels, xy = self._look, result.space.labels, result.space.points
        size, pen = look.px(POINT_SIZE), pg.mkPen("w", width=look.line(1.0))
        if result.problem == "regression":
            low, high = colors.symmetric_range(labels, floor=1.0)
            fill = colors.value_colors(labels, low, high, look.palette)
            brushes = [pg.mkBrush(*c) for c in fill.tolist()]
            self.points.setData(pos=xy, brush=brushes, symbol="o", size=size, pen=pen)
            classes = 0
        else:
            self.points.setData([])
            classes = result.classes
        while len(self.class_points) < classes:
            item = pg.ScatterPlotItem(pxMode=True)
            item.setZValue(10)
            self.addItem(item)
            self.class_points.append(item)
        for c, item in enumerate(self.class_points):
            if c >= classes:
                item.setData([])
                continue
            item.setData(
                pos=xy[labels == c],
                brush=pg.mkBrush(*look.colors.classes[c]),
                symbol=colors.CLASS_MARKERS[c],
                size=size * colors.MARKER_SCALES.get(colors.CLASS_MARKERS[c], 1.0),
                pen=pen,
            )

    def drawn_points(self) -> npt.NDArray[np.float64]:
        """Every point drawn (n, 2), in the order of the result's points."""
        result = self.result
        if result is None:
            return np.zeros((0, 2))
        if result.problem == "regression":
            return np.column_stack(self.points.getData())
        drawn = np.zeros_like(result.space.points)
        for c, item in enumerate(self.class_points[: result.classes]):
            mask = result.space.labels == c
            if mask.any():
                drawn[mask] = np.column_stack(item.getData())
        return drawn

    def _fit(self, points: npt.NDArray[np.float64]) -> None:
        """Show the points; grow at once, shrink only when they use little of the view."""
        finite = points[np.all(np.isfinite(points), axis=1)]
        if not len(finite):
            return
        low, high = finite.min(axis=0), finite.max(axis=0)
        extent = np.maximum(high - low, 1e-3)
        low, high = low - PADDING * extent, high + PADDING * extent
        wanted = QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])
        old = self._range
        if old is not None and old.contains(wanted):
            used = (wanted.width() * wanted.height()) / max(old.width() * old.height(), 1e-12)
            if used >= SHRINK * SHRINK:
                return
        self._range = wanted
        self.getPlotItem().vb.setRange(wanted, padding=0)

    def _set_axis_labels(self, result: SpaceResult) -> None:
        projection = result.space.projection
        muted = {"color": "#5b6773", "font-size": f"{self._look.pt(9):.1f}pt"}
        item = self.getPlotItem()
        if projection.kind == "pca":
            share = projection.explained * 100
            item.setLabel("bottom", f"PC 1 ({share[0]:.0f} %)", **muted)
            item.setLabel("left", f"PC 2 ({share[1]:.0f} %)", **muted)
        elif result.space.units == 1:
            item.setLabel("bottom", "neuron 1", **muted)
            item.setLabel("left", "(one neuron: a line)", **muted)
        else:
            i, j = projection.neurons or (0, 1)
            item.setLabel("bottom", f"neuron {i + 1}", **muted)
            item.setLabel("left", f"neuron {j + 1}", **muted)

    def _draw_boundary(self) -> None:
        """The output over the visible plane and the decision line (when the next layer is
        the output)."""
        boundary = None if self.result is None else self.result.space.boundary
        if boundary is None:
            self.background.clear()
            self.boundary.setData([], [])
            return
        (x0, x1), (y0, y1) = self.getPlotItem().vb.viewRange()
        if not (np.isfinite([x0, x1, y0, y1]).all() and x1 > x0 and y1 > y0):
            return
        self._draw_background(boundary, (x0, x1), (y0, y1))
        ends = boundary.line_segment((x0, x1), (y0, y1))
        self.boundary.setData(ends[:, 0], ends[:, 1])

    def _draw_background(
        self, boundary: Boundary, x_range: tuple[float, float], y_range: tuple[float, float]
    ) -> None:
        r = BACKGROUND_RESOLUTION
        gx, gy = np.meshgrid(np.linspace(*x_range, r), np.linspace(*y_range, r))
        out = boundary.outputs(np.column_stack([gx.ravel(), gy.ravel()]))
        rect = QRectF(x_range[0], y_range[0], x_range[1] - x_range[0], y_range[1] - y_range[0])
        look = self._look
        if boundary.out_kind == K.OUT_SOFTMAX:
            probabilities = out.T.reshape(-1, r, r)
            rgb = colors.blend_classes(
                probabilities, fade=look.colors.background_fade, colors=look.palette
            )
            self.background.setImage(rgb, autoLevels=False, levels=(0, 255), lut=None, rect=rect)
            return
        values = np.ascontiguousarray(out[:, 0].reshape(r, r), np.float32)
        if boundary.out_kind == K.OUT_SIGMOID:
            levels = (0.0, 1.0)
        else:
            labels = self.result.space.labels if self.result is not None else np.zeros(0)
            levels = colors.symmetric_range(labels, floor=1.0)
        self.background.setImage(
            values, autoLevels=False, levels=levels, lut=lut("faded", look.palette), rect=rect
        )


__all__ = ["HiddenSpacePlot"]
