"""Figures for slides: any view of the window rendered at projector resolution as a PNG.

A view is painted into an image whose device pixel ratio is the scale (QWidget.render), so text,
lines and markers are drawn at the target resolution, crisp, not a blown-up screenshot; plots
are put in pyqtgraph's export mode (markers drawn as shapes) with their cosmetic (pixel-wide)
lines widened by the scale. The view keeps its aspect ratio, centred on a white 1920×1080 canvas.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QRegion
from PySide6.QtWidgets import QWidget

from playground.io.atomic import atomic_write_bytes
from playground.ui.widgets.theme import SURFACE

FIGURE_WIDTH = 1920
FIGURE_HEIGHT = 1080


@dataclass(frozen=True)
class Figure:
    """A view that can be exported: its title, keys, and how to find its widget in the window
    (and prepare it, e.g. draw a curve tab that is not shown)."""

    name: str
    title: str
    widget: Callable[[Any], QWidget]  # MainWindow → the widget to render
    keys: tuple[str, ...] = ()
    width: int = FIGURE_WIDTH
    height: int = FIGURE_HEIGHT


FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        Figure("boundary", "Decision boundary", lambda w: w.output_view.plot, ("Ctrl+Shift+E",)),
        Figure("loss", "Loss curves", lambda w: w.metrics.figure("Loss")),
        Figure("accuracy", "Accuracy curves", lambda w: w.metrics.figure("Accuracy")),
        Figure("gradients", "Gradient magnitudes", lambda w: w.metrics.figure("Gradients")),
        Figure("weights", "Weight norms", lambda w: w.metrics.figure("Weights")),
        Figure("diagram", "Network diagram", lambda w: w.network_panel),
        Figure("window", "Whole window", lambda w: w),
    )
}


def render_widget(widget: QWidget, width: int, height: int, background: str = SURFACE) -> QImage:
    """The widget painted into a width×height image, scaled to fit and centred.

    The image gets a device pixel ratio equal to the scale, so Qt draws the widget as on a
    high-DPI screen: text, lines (cosmetic pens included) and markers grow with it, crisp.
    """
    size = widget.size()
    scale = min(width / size.width(), height / size.height()) if not size.isEmpty() else 1.0
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(QColor(background))
    if size.isEmpty():
        return image
    painter = QPainter(image)
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    painter.translate(
        QPointF((width / scale - size.width()) / 2, (height / scale - size.height()) / 2)
    )
    flags = QWidget.RenderFlag.DrawChildren
    if widget.isWindow():
        flags |= QWidget.RenderFlag.DrawWindowBackground
    try:
        with _plots_for_export(widget, scale):
            # QWidget.render even for graphics views (whose own render() draws only the scene)
            QWidget.render(widget, painter, QPoint(), QRegion(), flags)
    finally:
        painter.end()
    image.setDevicePixelRatio(1.0)
    return image


def _graphics_views(widget: QWidget) -> list[pg.GraphicsView]:
    views = widget.findChildren(pg.GraphicsView)
    return [widget, *views] if isinstance(widget, pg.GraphicsView) else views


@contextmanager
def _plots_for_export(widget: QWidget, scale: float) -> Iterator[None]:
    """While rendering: pyqtgraph items in export mode, cosmetic pens `scale` times wider."""
    exported, widened = [], []
    items = [item for view in _graphics_views(widget) for item in view.scene().items()]
    for item in items:  # first: export mode may reset an item's pens
        if hasattr(item, "setExportMode"):
            item.setExportMode(True, {"antialias": True, "resolutionScale": 1.0})
            exported.append(item)
    for item in items:
        if isinstance(item, pg.PlotCurveItem) and isinstance(item.parentItem(), pg.PlotDataItem):
            continue  # its PlotDataItem sets its pen (again before every paint)
        if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem, pg.AxisItem)):
            pen = pg.mkPen(item.opts["pen"]) if not isinstance(item, pg.AxisItem) else item.pen()
            if pen.isCosmetic() and pen.style() != Qt.PenStyle.NoPen:
                _set_pen(item, _wider(pen, scale))
                widened.append((item, pen))
        elif isinstance(item, pg.ScatterPlotItem):
            pens = item.data["pen"].copy()
            item.data["pen"] = [
                _wider(pen, scale) if isinstance(pen, QPen) else pen for pen in pens
            ]
            widened.append((item, pens))
    try:
        yield
    finally:
        for item, pen in widened:
            if isinstance(item, pg.ScatterPlotItem):
                item.data["pen"] = pen
            else:
                _set_pen(item, pen)
        for item in exported:
            item.setExportMode(False)


def _set_pen(item: Any, pen: QPen) -> None:
    """setPen, keeping an axis label's colour (AxisItem.setPen recolours the label)."""
    style = dict(getattr(item, "labelStyle", {}))
    item.setPen(pen)
    if isinstance(item, pg.AxisItem):
        item.labelStyle = style
        item._updateLabel()


def _wider(pen: QPen, scale: float) -> QPen:
    wider = QPen(pen)
    if pen.isCosmetic():
        wider.setWidthF(max(pen.widthF(), 1.0) * scale)
    return wider


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("could not encode the image as PNG")
    buffer.close()
    return bytes(data.data())


def export_figure(
    path: str | os.PathLike[str],
    widget: QWidget,
    width: int = FIGURE_WIDTH,
    height: int = FIGURE_HEIGHT,
) -> None:
    """Render the widget at width×height and write it as a PNG, atomically."""
    atomic_write_bytes(path, png_bytes(render_widget(widget, width, height)))
