"""The loss over a plane of weight space, θ(α, β) = θc + α·d₁ + β·d₂: a heatmap on a log colour
scale with contour lines and a colour bar, and paths through the plane drawn on top (one per
run: the training path, or every contestant of an optimizer race) with a marker at the end.

A plain plot widget fed with arrays (no controller, no worker): `set_surface(alphas, betas,
loss)` and `set_paths([PlanePath(...)])`. The landscape view and the optimizer race share it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from playground.ui.views.plots import LogAxis, PlotLegend, apply_plot_look
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.widgets.axes import SpacedAxis, even_step
from playground.ui.widgets.theme import TEXT_MUTED

CONTOURS = 9  # contour lines, evenly spaced in log(loss) between the surface's extremes
SURFACE_FADE = 0.25  # the heatmap is lightened toward white so that the paths stand out
SURFACE_MAP = "viridis"
CONTOUR_PEN = pg.mkPen(255, 255, 255, 120, width=1)
HALO = QColor(255, 255, 255, 230)  # drawn under every path: readable on dark and light ground
PATH_WIDTH = 2.2
MARKER_SIZE = 11
TICK_POINTS = 8.0


@dataclass(frozen=True, eq=False)
class PlanePath:
    """One run's way through the plane: (α, β) float64 (n, 2), oldest first; drawn in `color`
    ('#rrggbb') with a `symbol` (a pyqtgraph marker) at its last point."""

    name: str
    xy: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 2)))
    color: str = "#000000"
    symbol: str = "o"


def surface_lut() -> npt.NDArray[np.uint8]:
    """The heatmap's table uint8 (256, 3): viridis (low loss dark), faded toward white."""
    try:
        table = pg.colormap.get(SURFACE_MAP).getLookupTable(nPts=colors.LUT_SIZE, mode="byte")
        stops = [tuple(int(c) for c in row[:3]) for row in table[:: colors.LUT_SIZE // 16]]
    except (OSError, ValueError, KeyError, AttributeError):  # no colour-map files (frozen)
        stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    return colors.gradient_lut([colors.lighten(s, SURFACE_FADE) for s in stops])


def log_surface(loss: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.float32], float, float]:
    """log10 of the loss as float32 (non-finite and huge values at the top level), and the
    levels (low, high) in log10 units."""
    loss = np.asarray(loss, dtype=np.float64)
    finite = np.isfinite(loss) & (loss > 0)
    if not finite.any():
        return np.zeros(loss.shape, np.float32), 0.0, 1.0
    logs = np.log10(np.where(finite, loss, 1.0))
    low, high = float(logs[finite].min()), float(logs[finite].max())
    if high - low < 1e-6:
        low, high = low - 0.5, high + 0.5
    logs[~finite] = high
    return np.ascontiguousarray(logs, np.float32), low, high


def pixel_rect(alphas: npt.NDArray[np.floating], betas: npt.NDArray[np.floating]) -> QRectF:
    """The image rectangle of a grid: grid points are pixel centres (half a pixel beyond)."""
    da = (alphas[-1] - alphas[0]) / max(len(alphas) - 1, 1)
    db = (betas[-1] - betas[0]) / max(len(betas) - 1, 1)
    return QRectF(
        float(alphas[0] - da / 2),
        float(betas[0] - db / 2),
        float(alphas[-1] - alphas[0] + da),
        float(betas[-1] - betas[0] + db),
    )


class LandscapePlot(pg.PlotWidget):
    """The loss surface of a plane with contour lines, a log colour bar and paths on top."""

    def __init__(self, parent: QWidget | None = None, *, legend: bool = True) -> None:
        axes = {name: SpacedAxis(name) for name in ("left", "bottom")}
        super().__init__(parent, background="w", axisItems=axes)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)  # a smooth surface
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        item.setAspectLocked(True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#c3cbd3"))
            axis.setTextPen(pg.mkPen(TEXT_MUTED))
            axis.enableAutoSIPrefix(False)
        item.setLabel("left", "β", color=TEXT_MUTED)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        for _ in range(CONTOURS):
            curve = pg.IsocurveItem(level=0.0, pen=CONTOUR_PEN, axisOrder="row-major")
            curve.setParentItem(self.image)
            self.contours.append(curve)
        self.color_bar = _log_color_bar(self.image, item)
        self.legend_band = PlotLegend(self) if legend else None
        self.path_items: list[tuple[pg.PlotDataItem, pg.PlotDataItem, pg.ScatterPlotItem]] = []
        self.alphas = np.zeros(0)
        self.betas = np.zeros(0)
        self.loss = np.zeros((0, 0))
        self.levels = (0.0, 1.0)  # log10 of the loss at the bottom and top of the colour bar
        self._paths: list[PlanePath] = []
        self._look = Look()
        self.apply_look(self._look)

    # ----- data --------------------------------------------------------------------------------

    def set_surface(
        self,
        alphas: npt.NDArray[np.floating],
        betas: npt.NDArray[np.floating],
        loss: npt.NDArray[np.floating],
    ) -> None:
        """Show loss (R_β, R_α): loss[i, j] is the loss at (alphas[j], betas[i])."""
        self.alphas, self.betas = np.asarray(alphas, float), np.asarray(betas, float)
        self.loss = np.asarray(loss, float)
        logs, low, high = log_surface(self.loss)
        self.levels = (low, high)
        self.image.setImage(logs, autoLevels=False, levels=(low, high))
        self.image.setRect(pixel_rect(self.alphas, self.betas))
        self.color_bar.setLevels((low, high))
        for curve, level in zip(self.contours, _contour_levels(low, high), strict=True):
            curve.setData(logs, level)
        self._fit_range()

    def set_paths(self, paths: Sequence[PlanePath]) -> None:
        """Draw these paths (one line with a halo and an end marker each), legend included."""
        self._paths = list(paths)
        if len(self.path_items) != len(self._paths) or any(
            items[1].name() != path.name
            for items, path in zip(self.path_items, paths, strict=False)
        ):
            self._rebuild_path_items()
        for (halo, line, marker), path in zip(self.path_items, self._paths, strict=True):
            xy = np.asarray(path.xy, float).reshape(-1, 2)
            halo.setData(xy[:, 0], xy[:, 1])
            line.setData(xy[:, 0], xy[:, 1])
            marker.setData(pos=xy[-1:] if len(xy) else np.zeros((0, 2)))
        self._fit_range()

    @property
    def paths(self) -> list[PlanePath]:
        """The paths shown."""
        return list(self._paths)

    def _rebuild_path_items(self) -> None:
        item = self.getPlotItem()
        for halo, line, marker in self.path_items:
            for graphic in (halo, line, marker):
                item.removeItem(graphic)
        if item.legend is not None:
            item.legend.clear()
        self.path_items = []
        look = self._look
        for index, path in enumerate(self._paths):
            halo = pg.PlotDataItem(pen=pg.mkPen(HALO, width=look.line(PATH_WIDTH) + 3))
            halo.setZValue(10 + index)
            line = pg.PlotDataItem(
                pen=pg.mkPen(path.color, width=look.line(PATH_WIDTH)),
                name=path.name,
                symbol=path.symbol,
                symbolSize=look.px(MARKER_SIZE),
                symbolBrush=path.color,
                symbolPen=pg.mkPen("w", width=1.5),
            )
            line.setSymbol(None)  # the legend shows the symbol; the line draws no markers
            line.setZValue(10.2 + index)
            marker = pg.ScatterPlotItem(
                symbol=path.symbol,
                size=look.px(MARKER_SIZE),
                brush=pg.mkBrush(path.color),
                pen=pg.mkPen("w", width=1.5),
            )
            marker.setZValue(30 + index)
            for graphic in (halo, line, marker):
                item.addItem(graphic)
            self.path_items.append((halo, line, marker))
        if self.legend_band is not None:
            for (_, line, _), path in zip(self.path_items, self._paths, strict=True):
                item.legend.removeItem(line)
                sample = pg.PlotDataItem(
                    pen=pg.mkPen(path.color, width=look.line(PATH_WIDTH)),
                    symbol=path.symbol,
                    symbolBrush=path.color,
                    symbolPen=pg.mkPen("w"),
                    symbolSize=look.px(MARKER_SIZE),
                )
                item.legend.addItem(sample, path.name)
            apply_plot_look(self, look, axis_label=None)

    def _fit_range(self) -> None:
        """Show the whole surface, and every path even where it leaves the surface."""
        boxes = []
        if len(self.alphas) > 1:
            rect = pixel_rect(self.alphas, self.betas)
            boxes.append((rect.left(), rect.right(), rect.top(), rect.bottom()))
        for path in self._paths:
            xy = np.asarray(path.xy, float).reshape(-1, 2)
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy):
                boxes.append((xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max()))
        if not boxes:
            return
        x0, x1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
        y0, y1 = min(b[2] for b in boxes), max(b[3] for b in boxes)
        if x1 > x0 and y1 > y0:
            self.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    # ----- look --------------------------------------------------------------------------------

    def apply_look(self, look: Look) -> None:
        """Tick labels, axis labels, line widths and markers for a look."""
        self._look = look
        apply_plot_look(self, look, axis_label="α")
        item = self.getPlotItem()
        muted = pg.mkPen(TEXT_MUTED)
        font = QFont()
        font.setPointSizeF(look.pt(TICK_POINTS))
        item.getAxis("left").setWidth(look.px(40))
        item.setLabel("left", "β", color=TEXT_MUTED, **{"font-size": f"{look.pt(9):.1f}pt"})
        bar_axis = self.color_bar.axis
        bar_axis.setStyle(tickFont=font, tickLength=look.px(4))
        bar_axis.setTextPen(muted)
        bar_axis.setWidth(look.px(44))
        self.color_bar.getAxis("left").setLabel(
            "loss (log scale)", color=TEXT_MUTED, **{"font-size": f"{look.pt(8):.1f}pt"}
        )
        if self._paths:
            self._rebuild_path_items()
            self.set_paths(self._paths)


def _contour_levels(low: float, high: float) -> list[float]:
    """CONTOURS levels strictly inside (low, high), evenly spaced (log10 units)."""
    return [low + (high - low) * (k + 1) / (CONTOURS + 1) for k in range(CONTOURS)]


class LossBarAxis(LogAxis):
    """The colour bar's axis: log10 positions, labelled with the loss itself (0.05, 0.1, 2)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803, ANN001, ANN201 - pyqtgraph API
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if len(ticks[0][1]) >= 3 or not (maxVal > minVal and size > 0):
            return ticks
        # a narrow range (less than a decade): evenly spaced loss values instead
        low, high = 10.0**minVal, 10.0**maxVal
        gap = self._label_gap()
        step = even_step((high - low) * gap / size * 2.5)
        values = np.arange(math.ceil(low / step) * step, high, step)
        logs = [float(v) for v in np.log10(values[values > 0])]
        kept: list[float] = []
        for value in logs:
            if all(abs(value - k) * size / (maxVal - minVal) >= gap for k in kept):
                kept.append(value)
        if len(kept) <= len(ticks[0][1]):
            return ticks
        self._step = step
        return [(1.0, kept)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201 - pyqtgraph API
        step, self._step = getattr(self, "_step", None), None
        if step is not None:  # evenly spaced values: as many decimals as the step has
            places = max(0, math.ceil(-math.log10(step) - 1e-9))
            return [f"{10.0**value:.{places}f}" for value in values]
        return [f"{10.0**value:.2g}" for value in values]


def _log_color_bar(image: pg.ImageItem, plot_item: pg.PlotItem) -> pg.ColorBarItem:
    """A colour bar beside the plot whose axis reads the loss itself (0.1, 0.2, 0.5, 1, …)
    while the image holds log10 values."""
    lut = surface_lut()
    cmap = pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), lut)
    bar = pg.ColorBarItem(
        values=(0.0, 1.0), colorMap=cmap, interactive=False, width=14, colorMapMenu=False
    )
    axis = LossBarAxis("right")
    bar.setAxisItems({"right": axis})
    axis.unlinkFromView()
    axis.setLogMode(False, True)
    axis.setWidth(44)
    axis.setPen(pg.mkPen("#c3cbd3"))
    axis.enableAutoSIPrefix(False)
    bar.axis = axis
    bar.setImageItem(image, insert_in=plot_item)
    return bar


def levels_text(levels: tuple[float, float]) -> str:
    """'0.031 – 2.4': the loss at the bottom and the top of the colour bar."""
    low, high = (10.0**value for value in levels)
    return f"{low:.2g} – {high:.2g}" if math.isfinite(low + high) else "–"


__all__ = ["LandscapePlot", "PlanePath", "levels_text", "log_surface", "pixel_rect", "surface_lut"]
