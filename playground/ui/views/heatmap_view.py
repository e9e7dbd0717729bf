"""The big output view: the decision boundary (or one neuron) as a heatmap under the points.

You draw on it (see drawing.py), zoom with the wheel and pan with the middle button; the grid the
worker evaluates follows the visible rectangle. Classes differ by marker shape as well as by
colour; the colours follow the palette, and presentation mode draws bigger points and ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.data.points import Points
from playground.engine import GridRequest
from playground.ui.classroom.presentation import mark_advanced
from playground.ui.classroom.shortcuts import tip_with_keys
from playground.ui.controller import label_range
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.drawing import PICK_PIXELS, PointDrawing
from playground.ui.views.point_highlight import HighlightLayer
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.axes import SpacedAxis
from playground.ui.widgets.icons import icon
from playground.ui.widgets.neuron_style import lut, neuron_style
from playground.ui.widgets.theme import TEXT_MUTED, text_color
from playground.worker import Frame

EXTENT = 6.0
GRID_RESOLUTION = 100
POINT_SIZE = 8
POINT_SIZE_PRESENTING = 10
MARKER_SIZES = colors.MARKER_SCALES  # squares look bigger than circles of one width
TICK_POINTS = 8.0
DENSE_POINTS = 2_000  # above this the points shrink, lose their outline and draw by group
DENSE_REFERENCE = 1_000  # dense points keep the ink of this many full-size points
MIN_DENSE_SIZE = 2.5
DENSE_ALPHA = 200  # dense points let the boundary show through a little
DENSE_TEST_ALPHA = 110  # test points are fainter (rings would be too small to see)
DENSE_BANDS = 32  # colour bands of dense regression targets
AXIS_PEN = pg.mkPen("#b8c1cb")


class DrawingViewBox(pg.ViewBox):
    """A ViewBox whose left/right mouse gestures draw points; middle drag pans, wheel zooms."""

    clicked = Signal(float, float, bool)  # x, y, right button
    drag_started = Signal(float, float, bool)  # x, y, right button
    drag_moved = Signal(float, float)  # x, y
    drag_finished = Signal()

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setAspectLocked(True)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802, ANN001 - pyqtgraph API
        if ev.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            ev.accept()
            p = self.mapToView(ev.pos())
            self.clicked.emit(p.x(), p.y(), ev.button() == Qt.MouseButton.RightButton)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802, ANN001 - pyqtgraph API
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        p = self.mapToView(ev.pos())
        if ev.isStart():
            start = self.mapToView(ev.buttonDownPos())
            self.drag_started.emit(start.x(), start.y(), ev.button() == Qt.MouseButton.RightButton)
        self.drag_moved.emit(p.x(), p.y())
        if ev.isFinish():
            self.drag_finished.emit()

    def pixel(self) -> float:
        """Data units per screen pixel (the larger of the two axes)."""
        size = self.viewPixelSize()
        return float(max(size[0], size[1]))


@dataclass(frozen=True)
class PointStyle:
    """How big the points are and whether training points get their white outline."""

    size: float
    outline: bool


def point_style(n: int, base: float) -> PointStyle:
    """Readable at any count: full size with outlines up to DENSE_POINTS; beyond, smaller
    (about the ink of DENSE_REFERENCE points in all) and without the white outline, which
    would turn dense data into a white band."""
    if n <= DENSE_POINTS:
        return PointStyle(base + (1 if n < 400 else 0), True)
    return PointStyle(max(MIN_DENSE_SIZE, base * math.sqrt(DENSE_REFERENCE / n)), False)


class DenseDots(pg.GraphicsObject):
    """Many round dots of one colour and size (pixels), drawn in one call and cached as a
    pixmap, so that a new heatmap under them costs nothing; ignores the mouse."""

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.xy = np.zeros((0, 2))
        self.color = QColor()
        self.size = 0.0
        self._polygon = QPolygonF()
        self._rect = QRectF()

    def set_dots(self, xy: np.ndarray, color: QColor, size: float) -> None:
        """Show these points (data units) as dots `size` pixels wide."""
        if len(xy) == 0 and len(self.xy) == 0:
            return
        self.prepareGeometryChange()
        self.xy, self.color, self.size = xy, QColor(color), size
        if len(xy):
            self._polygon = pg.functions.arrayToQPolygonF(xy[:, 0], xy[:, 1])
            (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
            self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        else:  # (pyqtgraph cannot make an empty polygon)
            self._polygon, self._rect = QPolygonF(), QRectF()
        self.setVisible(bool(len(xy)))
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        if self._rect.isNull() and not len(self.xy):
            return QRectF()
        pixel_x, pixel_y = self.pixelLength(QPointF(1, 0)), self.pixelLength(QPointF(0, 1))
        pad_x = self.size * (pixel_x or 0.0)  # a whole dot beyond the outermost centres
        pad_y = self.size * (pixel_y or 0.0)
        return self._rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph API
        self.prepareGeometryChange()  # the padding is in pixels

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):  # noqa: ANN001, ANN201, N802, N803
        if len(self.xy) == 0:
            return (None, None)
        return (float(self.xy[:, axis].min()), float(self.xy[:, axis].max()))

    def paint(self, painter: QPainter, *args: object) -> None:
        if self._polygon.isEmpty():
            return
        pen = QPen(self.color)
        pen.setWidthF(self.size)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(pen)
        painter.drawPoints(self._polygon)


class PassiveScatter(pg.ScatterPlotItem):
    """The points: clicks pass through to the view box, which draws."""

    def mouseClickEvent(self, ev) -> None:  # noqa: N802, ANN001 - pyqtgraph API
        ev.ignore()


class PointsLayer:
    """The data points over the heatmap: styled markers (outlined, shape per class, test points
    as rings) for small data sets, flat dense dots for large ones."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self._view_box = view_box
        self.scatter = PassiveScatter(size=POINT_SIZE, pxMode=True)
        self.scatter.setZValue(10)
        view_box.addItem(self.scatter)
        self.dense_items: list[DenseDots] = []  # one per class and split when dense
        self._look: Look | None = None

    def apply_look(self, look: Look) -> None:
        """Brushes and pens in the look's palette and line widths."""
        self._look = look
        palette = look.colors
        self._brushes = [pg.mkBrush(*c) for c in palette.classes]
        self._test_pens = [pg.mkPen(*c, width=look.line(2.2)) for c in palette.classes]
        self._train_pen = pg.mkPen(QColor(255, 255, 255), width=look.line(1.2))

    def update(self, points: Points, show_test: bool, point_size: float) -> None:
        """Show the points (or only the training points); test and validation points, both held
        out of training, are drawn as rings."""
        held_out = points.is_test | points.is_validation
        show = np.ones(points.n, bool) if show_test else ~held_out
        xy, labels, is_test = points.xy[show], points.labels[show], held_out[show]
        look = self._look
        style = point_style(points.n, point_size)
        if not style.outline:
            self.scatter.setData(pos=np.zeros((0, 2)))
            self._update_dense(points, xy, labels, is_test, style.size)
            return
        self._update_dense(points, xy[:0], labels[:0], is_test[:0], style.size)
        if points.problem == "regression":
            low, high = label_range(points)
            rgb = [tuple(c) for c in colors.value_colors(labels, low, high, look.palette).tolist()]
            # one brush and pen per colour (not per point): pyqtgraph renders each style once
            brush_of = {c: pg.mkBrush(*c) for c in set(rgb)}
            pen_of = {c: pg.mkPen(*c, width=look.line(2)) for c in brush_of}
            fills = [brush_of[c] for c in rgb]
            symbols = ["o"] * len(labels)
            edge = [pen_of[c] for c in rgb]
        else:
            index = labels.astype(int)
            fills = [self._brushes[i] for i in index]
            edge = [self._test_pens[i] for i in index]
            symbols = [colors.CLASS_MARKERS[i] for i in index]  # shape tells the class too
        tests = is_test.tolist()
        brushes = [_WHITE_BRUSH if t else fill for fill, t in zip(fills, tests, strict=True)]
        pens = [pen if t else self._train_pen for pen, t in zip(edge, tests, strict=True)]
        sizes = [style.size * MARKER_SIZES.get(symbol, 1.0) for symbol in symbols]
        self.scatter.setData(pos=xy, symbol=symbols, brush=brushes, pen=pens, size=sizes)

    def _update_dense(
        self, points: Points, xy: np.ndarray, labels: np.ndarray, is_test: np.ndarray, size: float
    ) -> None:
        """Many points: round dots without outline, one item per class (or colour band) and
        split, test points fainter. Each item draws all its dots in one call, so 100,000
        points take milliseconds instead of being styled one by one."""
        look = self._look
        if points.problem == "regression":
            low, high = label_range(points)
            keys = np.clip(
                ((labels - low) / max(high - low, 1e-12) * DENSE_BANDS).astype(np.intp),
                0,
                DENSE_BANDS - 1,
            )
            centres = low + (np.arange(DENSE_BANDS) + 0.5) * (high - low) / DENSE_BANDS
            palette_rgb = colors.value_colors(centres, low, high, look.palette).tolist()
        else:
            keys = labels.astype(np.intp)
            palette_rgb = [list(c)[:3] for c in look.colors.classes]
        used = 0
        for key in np.unique(keys).tolist():
            for test in (False, True):
                mask = (keys == key) & (is_test == test)
                if mask.any():
                    color = QColor(*palette_rgb[key][:3], DENSE_TEST_ALPHA if test else DENSE_ALPHA)
                    self._dense_item(used).set_dots(xy[mask], color, size)
                    used += 1
        for item in self.dense_items[used:]:
            item.set_dots(xy[:0], QColor(), size)

    def _dense_item(self, index: int) -> DenseDots:
        while len(self.dense_items) <= index:
            item = DenseDots()
            item.setZValue(10)
            self._view_box.addItem(item)
            self.dense_items.append(item)
        return self.dense_items[index]


class HeatmapLayer:
    """The heatmap under the points: the network's output over the visible square, or the
    activation of the selected neuron."""

    def __init__(self, view_box: pg.ViewBox, data: DataEditor, selection: Selection) -> None:
        self._data = data
        self._selection = selection
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.image.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        view_box.addItem(self.image)

    def update(self, frame: Frame, look: Look, discretize: bool) -> None:
        """Show a frame's grid (nothing when it has none)."""
        grid = frame.snapshot.grid
        if grid is None:
            return
        network = frame.network
        selection = self._selection.neuron
        request = grid.request
        rect = _pixel_rect(request)
        if selection is not None and selection[0] < len(grid.layers):
            layer, unit = selection
            if unit >= grid.layers[layer].shape[0]:
                return
            image = grid.layers[layer][unit]
            style = neuron_style(
                network,
                layer,
                unit,
                image,
                label_range(self._data.points),
                look.palette,
            )
            self.image.setImage(
                np.ascontiguousarray(image, np.float32),
                autoLevels=False,
                levels=(style.low, style.high),
                lut=style.rgb_lut(),
                rect=rect,
            )
            return
        output = grid.output
        if network.problem == "classification" and network.output_units > 1:
            rgb = colors.blend_classes(
                output, fade=look.colors.background_fade, discrete=discretize, colors=look.palette
            )
            self.image.setImage(rgb, autoLevels=False, levels=(0, 255), lut=None, rect=rect)
            return
        if network.problem == "regression":
            levels = label_range(self._data.points)
        else:
            levels = (0.0, 1.0)
        table = lut("faded_discrete" if discretize else "faded", look.palette)
        self.image.setImage(
            np.ascontiguousarray(output[0], np.float32),
            autoLevels=False,
            levels=levels,
            lut=table,
            rect=rect,
        )


class OutputView(QWidget):
    """The decision boundary over the data, with test points, discretize and zoom."""

    view_changed = Signal(object)  # QRectF: the visible data rectangle
    highlight_changed = Signal(object)  # np.ndarray: indices of the ringed points (empty: none)
    point_picked = Signal(float, float, float)  # x, y, reach (data units): an inspecting click

    def __init__(
        self,
        *,
        model: SessionModel,
        data: DataEditor,
        runner: TrainingRunner,
        selection: Selection,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model, self._data, self._runner, self._selection = model, data, runner, selection
        self._drawing = PointDrawing(data)
        self._show_test = True
        self._discretize = False
        self._frame: Frame | None = None
        self.picking = False  # a left click picks a point (point_picked) instead of drawing
        self._look = appearance.look
        self._build()
        self._apply_look(self._look)
        appearance.changed.connect(self._apply_look)
        data.points_edited.connect(self._update_points, self)
        data.points_edited.connect(lambda _: self.highlight_points(None), self)
        model.replaced.connect(self._on_session_replaced, self)
        model.network_changed.connect(self._on_network_changed, self)
        runner.frame_ready.connect(self._on_frame)
        selection.changed.connect(self._on_selection_changed, self)
        self._update_points(data.points)
        self._on_selection_changed(selection.neuron)

    # ----- building -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.view_box = DrawingViewBox()
        self.plot = pg.PlotWidget(
            viewBox=self.view_box, axisItems={name: SpacedAxis(name) for name in ("left", "bottom")}
        )
        self.plot.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot.setMinimumSize(220, 220)
        self.plot.setBackground("w")
        plot_item = self.plot.getPlotItem()
        plot_item.hideButtons()
        for name in ("left", "bottom"):
            axis = plot_item.getAxis(name)
            axis.setPen(AXIS_PEN)
            axis.setTextPen(pg.mkPen(TEXT_MUTED))
            axis.setStyle(tickLength=4, tickTextOffset=3, tickFont=_tick_font())
        plot_item.getAxis("left").setWidth(28)
        plot_item.getAxis("bottom").setHeight(22)

        self.heatmap = HeatmapLayer(self.view_box, self._data, self._selection)
        self.points_layer = PointsLayer(self.view_box)
        # the layers' items under their old names, for the figures and the tests
        self.image, self.scatter = self.heatmap.image, self.points_layer.scatter
        self.dense_items = self.points_layer.dense_items
        self.highlight = HighlightLayer(self.view_box)
        self.view_box.setRange(xRange=(-EXTENT, EXTENT), yRange=(-EXTENT, EXTENT), padding=0)
        self.view_box.setMouseEnabled(True, True)
        layout.addWidget(self.plot, 1)

        self.view_box.clicked.connect(self._on_clicked)
        self.view_box.drag_started.connect(self._on_drag_started)
        self.view_box.drag_moved.connect(self._on_drag_moved)
        self.view_box.drag_finished.connect(self._on_drag_finished)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self._grid_timer = QTimer(self)
        self._grid_timer.setSingleShot(True)
        self._grid_timer.setInterval(40)
        self._grid_timer.timeout.connect(self._update_grid_request)

        self.footer = mark_advanced(QWidget())
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.setSpacing(12)
        self.show_test_box = QCheckBox("Show test data")
        self.show_test_box.setChecked(True)
        self.show_test_box.setToolTip(
            tip_with_keys("Show the test points (rings: held out, never trained on)", "show_test")
        )
        self.show_test_box.toggled.connect(self.set_show_test)
        self.discretize_box = QCheckBox("Discretize")
        self.discretize_box.setToolTip(
            tip_with_keys("Show the decision as flat colours (no probabilities)", "discretize")
        )
        self.discretize_box.toggled.connect(self.set_discretize)
        self.fit_button = QToolButton()
        self.fit_button.setIcon(icon("fit", TEXT_MUTED))
        self.fit_button.setToolTip("Show the whole data square (wheel: zoom, middle drag: pan)")
        self.fit_button.clicked.connect(self.reset_zoom)
        footer.addWidget(self.show_test_box)
        footer.addWidget(self.discretize_box)
        footer.addStretch(1)
        footer.addWidget(self.fit_button)
        layout.addWidget(self.footer)

        self.selection_label = QLabel()
        self.selection_label.setProperty("role", "caption")
        self.selection_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.selection_label.setTextFormat(Qt.TextFormat.RichText)
        self.selection_label.linkActivated.connect(lambda _: self._selection.select(None))
        self.selection_label.hide()
        layout.insertWidget(0, self.selection_label)

    # ----- look -------------------------------------------------------------------------------

    def _apply_look(self, look: Look) -> None:
        """Point size, outlines, tick labels and colours for the current look."""
        self._look = look
        self.points_layer.apply_look(look)
        self.highlight.apply_look(look, self.point_size)
        plot_item = self.plot.getPlotItem()
        font = QFont()
        font.setPointSizeF(look.pt(TICK_POINTS))
        for name in ("left", "bottom"):
            axis = plot_item.getAxis(name)
            axis.setStyle(tickFont=font, tickLength=look.px(4))
            axis.min_gap = look.px(SpacedAxis.min_gap)
            axis.setTextPen(pg.mkPen(text_color("TEXT_MUTED", look.high_contrast)))
        plot_item.getAxis("left").setWidth(look.px(28))
        plot_item.getAxis("bottom").setHeight(look.px(22))
        self._update_points(self._data.points)
        if self._frame is not None:
            self._update_image(self._frame)

    @property
    def point_size(self) -> int:
        """The size of the points in pixels."""
        return POINT_SIZE_PRESENTING if self._look.presentation else POINT_SIZE

    # ----- toggles ----------------------------------------------------------------------------

    def set_show_test(self, show: bool) -> None:
        """Show or hide the test points."""
        self._show_test = show
        self.show_test_box.setChecked(show)
        self._update_points(self._data.points)

    def set_discretize(self, on: bool) -> None:
        """Show the boundary as two (or more) flat colours instead of a gradient."""
        self._discretize = on
        self.discretize_box.setChecked(on)
        if self._frame is not None:
            self._update_image(self._frame)

    def reset_zoom(self) -> None:
        """Show the whole data square."""
        self.view_box.setRange(xRange=(-EXTENT, EXTENT), yRange=(-EXTENT, EXTENT), padding=0)

    # ----- drawing gestures -------------------------------------------------------------------

    def _on_clicked(self, x: float, y: float, right: bool) -> None:
        alt = QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier
        if not right and (self.picking or alt):
            self.point_picked.emit(x, y, PICK_PIXELS * self.view_box.pixel())
            return
        self._drawing.click(x, y, right, self.view_box.pixel())

    def _on_drag_started(self, x: float, y: float, right: bool) -> None:
        if not self.picking:
            self._drawing.drag_start(x, y, right, self.view_box.pixel())

    def _on_drag_moved(self, x: float, y: float) -> None:
        if not self.picking:
            self._drawing.drag_move(x, y, self.view_box.pixel())

    def _on_drag_finished(self) -> None:
        if not self.picking:
            self._drawing.drag_end()

    # ----- model → view -----------------------------------------------------------------------

    def highlight_points(self, indices: npt.ArrayLike | None) -> None:
        """Ring these points (indices into the data's points, test points included); None or
        empty clears. Editing the points clears it too."""
        self.highlight.show(self._data.points, indices)
        self.highlight_changed.emit(self.highlight.indices)

    def _on_session_replaced(self, session: object) -> None:
        self._frame = None
        self.image.clear()
        self.highlight_points(None)
        self._update_points(self._data.points)

    def _on_network_changed(self, network: object) -> None:
        self._update_points(self._data.points)

    def _on_range_changed(self, *_: object) -> None:
        self._grid_timer.start()

    def _update_grid_request(self) -> None:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if not (np.isfinite([x0, x1, y0, y1]).all() and x1 > x0 and y1 > y0):
            return
        self._runner.set_grid(GridRequest(x0, x1, y0, y1, GRID_RESOLUTION))
        self.view_changed.emit(QRectF(x0, y0, x1 - x0, y1 - y0))

    def _update_points(self, points: Points) -> None:
        self.points_layer.update(points, self._show_test, self.point_size)

    def _on_frame(self, frame: Frame) -> None:
        self._frame = frame
        self._update_image(frame)

    def _on_selection_changed(self, selection: tuple[int, int] | None) -> None:
        if selection is None:
            self.selection_label.hide()
        else:
            layer, unit = selection
            hidden = len(self._model.session.network.layers)
            self.selection_label.setText(
                f"Showing neuron {unit + 1} of {_layer_name(layer, hidden)}  "
                f"<a href='output' style='color:#1f6fd1'>show output</a>"
            )
            self.selection_label.show()
        if self._frame is not None:
            self._update_image(self._frame)

    def _update_image(self, frame: Frame) -> None:
        self.heatmap.update(frame, self._look, self._discretize)

    # ----- for tests and the PNG export -------------------------------------------------------

    def data_to_viewport(self, x: float, y: float) -> QPointF:
        """Where data point (x, y) is in the plot's viewport (widget) coordinates."""
        scene = self.view_box.mapViewToScene(QPointF(x, y))
        return QPointF(self.plot.mapFromScene(scene))


def _tick_font() -> QFont:
    font = QFont()
    font.setPointSizeF(TICK_POINTS)
    return font


def _pixel_rect(request: GridRequest) -> QRectF:
    """The image rectangle: grid points are pixel centres, so extend half a pixel each side."""
    r = request.resolution
    dx = (request.x_max - request.x_min) / (r - 1)
    dy = (request.y_max - request.y_min) / (r - 1)
    return QRectF(
        request.x_min - dx / 2,
        request.y_min - dy / 2,
        request.x_max - request.x_min + dx,
        request.y_max - request.y_min + dy,
    )


def _layer_name(layer: int, hidden: int) -> str:
    if layer == 0:
        return "the inputs"
    if layer == hidden + 1:
        return "the output"
    return f"hidden layer {layer}"


_WHITE_BRUSH = pg.mkBrush(255, 255, 255, 235)
