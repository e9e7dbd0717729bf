"""Curves over training: loss (train/test, log toggle), accuracy, gradient magnitude per layer
(log scale) and weights (per-layer norm or a histogram). Plot items are created once (per-layer
curves once per architecture) and fed with setData; presentation mode thickens the lines and
enlarges the tick labels and legends."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.ui.classroom.presentation import mark_advanced
from playground.ui.models.session_model import SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.axes import SpacedAxis
from playground.ui.widgets.theme import ACCENT, TEXT, TEXT_MUTED, text_color
from playground.worker import Frame, Record, WorkerStatus

MAX_HISTORY = 4000  # points per curve before the history is thinned out
REDRAW_MS = 100  # curves redraw at most 10 times a second (the heatmaps at the frame rate)
LAYER_COLORS = ("#1f6fd1", "#f08c00", "#2e9e44", "#d6334a", "#8e5cc6", "#8c6239", "#e060b0",
                "#12a4b0", "#5b6b7a")  # fmt: skip
TRAIN_COLOR = TEXT
TEST_COLOR = "#f08c00"
TRAIN_PEN = pg.mkPen(TRAIN_COLOR, width=2)
TEST_PEN = pg.mkPen(TEST_COLOR, width=2, style=Qt.PenStyle.DashLine)
VALIDATION_COLOR = "#8e5cc6"
VALIDATION_PEN = pg.mkPen(VALIDATION_COLOR, width=2, style=Qt.PenStyle.DotLine)
TABS = ("Loss", "Accuracy", "Gradients", "Weights")
SHORT_TABS = ("Loss", "Acc.", "Grad.", "Wts.")
TAB_HINTS = ("Data loss, no penalty", "Points classified right", "‖∂L/∂W‖ per layer", "")
TAB_TIPS = (
    "Training loss (solid), test loss (dashed) and validation loss (dotted, when there are "
    "validation points) over the epochs: the data loss, without the regularization penalty",
    "Share of the training (solid), test (dashed) and validation (dotted) points classified right",
    "Gradient magnitude ‖∂L/∂W‖ of every layer (log scale): vanishing gradients sink, "
    "exploding ones climb",
    "The size of every layer's weights ‖W‖, or a histogram of all the weights",
)
TICK_POINTS = 8.0
LEGEND_POINTS = 8.0


def train_pen(look: Look) -> QPen:
    """The solid pen of training curves."""
    return pg.mkPen(TRAIN_COLOR, width=look.line(2))


def test_pen(look: Look) -> QPen:
    """The dashed pen of test curves."""
    return pg.mkPen(TEST_COLOR, width=look.line(2), style=Qt.PenStyle.DashLine)


def validation_pen(look: Look) -> QPen:
    """The dotted pen of validation curves."""
    return pg.mkPen(VALIDATION_COLOR, width=look.line(2), style=Qt.PenStyle.DotLine)


def apply_plot_look(plot: pg.PlotWidget, look: Look, axis_label: str | None = "epoch") -> None:
    """Tick labels, axis label, legend text and the left axis's width for a look."""
    item = plot.getPlotItem()
    muted = text_color("TEXT_MUTED", look.high_contrast)
    font = QFont()
    font.setPointSizeF(look.pt(TICK_POINTS))
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(tickFont=font, tickLength=look.px(5))
        axis.setTextPen(pg.mkPen(muted))
    item.getAxis("left").setWidth(look.px(46))
    if axis_label is not None:
        item.setLabel(
            "bottom", axis_label, color=muted, **{"font-size": f"{look.pt(TICK_POINTS + 1):.1f}pt"}
        )
    legend = item.legend
    if legend is not None:
        size = f"{look.pt(LEGEND_POINTS):.1f}pt"
        legend.setLabelTextSize(size)
        legend.setLabelTextColor(muted)
        for _, label in legend.items:
            label.setText(label.text, size=size, color=muted)
    band = getattr(plot, "legend_band", None)
    if band is not None:
        band.fit()


class CurveHistory:
    """Growing columns of floats (x first); halves its resolution when it gets long."""

    def __init__(self, columns: int) -> None:
        self._data = np.zeros((256, columns))
        self._n = 0
        self._stride = 1  # keep one record in `stride`
        self._seen = 0

    def append(self, row: npt.ArrayLike) -> None:
        """Add one record (thinned out once the history is long)."""
        self._seen += 1
        if (self._seen - 1) % self._stride:
            return
        if self._n == self._data.shape[0]:
            if self._n >= MAX_HISTORY:
                self._data[: self._n // 2] = self._data[: self._n : 2]
                self._n //= 2
                self._stride *= 2
            else:
                self._data = np.concatenate([self._data, np.zeros_like(self._data)])
        self._data[self._n] = row
        self._n += 1

    def columns(self) -> npt.NDArray[np.float64]:
        """The records so far, (n, columns)."""
        return self._data[: self._n]

    def __len__(self) -> int:
        return self._n


class LogAxis(SpacedAxis):
    """A value axis whose labels never overlap: linear ticks at a 1-2-5 spacing at least 1.4
    lines apart; on a log scale decades first (10⁻³), then 2× and 5× values, each kept only if
    it is far enough (in pixels) from the labels already kept."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803, ANN001, ANN201 - pyqtgraph API
        self.min_gap = self._label_gap()
        return super().tickSpacing(minVal, maxVal, size)

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803, ANN001, ANN201 - pyqtgraph API
        return [(1.0, log_ticks(minVal, maxVal, size, self._label_gap()))]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201 - pyqtgraph API
        return [power_text(value) for value in values]

    def _label_gap(self) -> float:
        font = self.style.get("tickFont") or QFont()
        return 1.4 * QFontMetricsF(font).height()


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_ticks(low: float, high: float, pixels: float, gap: float) -> list[float]:
    """log10 tick values between low and high (log10 units) at least `gap` pixels apart on an
    axis `pixels` long: decades, then 5× and 2× values, as many as fit."""
    low, high = sorted((low, high))
    if not (math.isfinite(low) and math.isfinite(high)) or pixels <= 0:
        return []
    per_unit = pixels / max(high - low, 1e-12)
    kept: list[float] = []
    decades = range(math.floor(low), math.ceil(high) + 1)
    step = max(1, math.ceil(gap / per_unit))  # every step-th decade when they are crowded
    candidates = [float(d) for d in decades if d % step == 0]
    candidates += [d + math.log10(m) for m in (5, 2, 3) for d in decades]
    for value in candidates:
        if low - 1e-9 <= value <= high + 1e-9 and all(
            abs(value - k) * per_unit >= gap for k in kept
        ):
            kept.append(value)
    return sorted(kept)


def power_text(log_value: float) -> str:
    """10⁻³ for a decade, 2·10⁻³ otherwise (from a log10 value)."""
    exponent = math.floor(log_value + 1e-9)
    mantissa = round(10 ** (log_value - exponent), 6)
    power = f"10{str(exponent).translate(SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


class EpochAxis(pg.AxisItem):
    """The epoch axis: whole numbers with thousands separators once the ticks are ≥ 1 apart
    (never a row of identical labels)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802, ANN001, ANN201 - pyqtgraph API
        if spacing >= 1:
            return [f"{round(value * scale):,}" for value in values]
        places = max(0, math.ceil(-math.log10(spacing * scale) + 1e-9)) if spacing > 0 else 1
        return [f"{value * scale:,.{places}f}" for value in values]


class PlotLegend:
    """A plot's legend in a band above the plot area (it never covers a curve); its entries
    wrap onto as many rows as the plot's width needs, so every entry stays visible."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.item = plot.getPlotItem()
        self.legend = self.item.addLegend(
            offset=None,
            labelTextColor=TEXT_MUTED,
            labelTextSize="8pt",
            colCount=1,
            horSpacing=6,
            pen=pg.mkPen(255, 255, 255, 0),
            brush=pg.mkBrush(255, 255, 255, 0),
        )
        self.legend.setParentItem(self.item)  # out of the view box: not over the curves
        self.legend.mouseDragEvent = lambda event: event.ignore()  # it stays in its band
        self.legend.layout.setContentsMargins(0, 0, 0, 0)
        self._fitting = False
        self.item.geometryChanged.connect(self.fit)

    def fit(self) -> None:
        """Re-flow the entries for the plot's width and reserve the band's height; short
        names ("L1", "out") when the full ones would need more than MAX_LEGEND_ROWS rows."""
        if self._fitting:
            return
        self._fitting = True
        try:
            legend, layout = self.legend, self.item.layout
            available = max(1.0, self.item.geometry().width() - 4)
            columns = self._columns(available, short=False)
            if math.ceil(len(legend.items) / columns) > MAX_LEGEND_ROWS:
                columns = self._columns(available, short=True)
            size = self._size(columns) if legend.items else QSizeF(0, 0)
            legend.setGeometry(QRectF(QPointF(2, 1), size))  # its preferred size, not more
            band = size.height() + 2 if legend.items else 0
            if layout.rowMaximumHeight(0) != band:
                layout.setRowFixedHeight(0, band)
                layout.invalidate()  # lay the plot out again now, not at its next resize
        finally:
            self._fitting = False

    def _columns(self, available: float, short: bool) -> int:
        """Show the full or the short names; the most entries per row that fit (set)."""
        legend = self.legend
        base = float(str(legend.opts["labelTextSize"]).removesuffix("pt") or 8)
        size = f"{base * (SHORT_LEGEND_TEXT if short else 1.0):.1f}pt"
        for _, label in legend.items:
            full = label.property("full_name") or label.text
            label.setProperty("full_name", full)
            text = short_name(full) if short else full
            if label.text != text or label.opts.get("size") != size:
                label.setText(text, size=size)
        for columns in range(len(legend.items), 1, -1):
            if self._size(columns).width() <= available:
                return columns
        self._size(1)
        return 1

    def _size(self, columns: int) -> QSizeF:
        """The legend's size with `columns` entries per row (the legend is re-flowed)."""
        legend = self.legend
        if columns != legend.columnCount:
            legend.setColumnCount(columns)
        for _, label in legend.items:
            label.updateGeometry()
        legend.layout.invalidate()
        return legend.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)


MAX_LEGEND_ROWS = 2
SHORT_LEGEND_TEXT = 0.85  # the short names' text size (of the legend's): one row more fits


def short_name(name: str) -> str:
    """A legend entry's short form: 'layer 3' → 'L3', 'output' → 'out', 'training' →
    'train'."""
    if name.startswith("layer "):
        return "L" + name[len("layer ") :]
    return {"output": "out", "training": "train"}.get(name, name)


def _plot(x_follows_data: bool = True) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"bottom": EpochAxis("bottom"), "left": LogAxis("left")})
    plot.setBackground("w")
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    item.showGrid(x=True, y=True, alpha=0.12)
    item.setLabel("bottom", "epoch", color=TEXT_MUTED)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen("#c3cbd3"))
        axis.setTextPen(pg.mkPen(TEXT_MUTED))
        axis.enableAutoSIPrefix(False)
    item.getAxis("left").setWidth(46)
    plot.setMinimumHeight(100)  # the window fits a 1280×720 screen
    plot.setMouseEnabled(x=False, y=False)
    if x_follows_data:
        item.enableAutoRange(x=False)  # set by _follow_data after every redraw
        item.setXRange(0, 1, padding=0)
    plot.legend_band = PlotLegend(plot)
    return plot


def _follow_data(plot: pg.PlotWidget, x: npt.NDArray[np.float64]) -> None:
    """Show the epochs the data covers (at least one epoch; 0–1 without data)."""
    finite = x[np.isfinite(x)]
    low = float(finite.min()) if finite.size else 0.0
    high = max(float(finite.max()) if finite.size else 1.0, low + 1.0)
    if plot.getPlotItem().vb.viewRange()[0] != [low, high]:
        plot.setXRange(low, high, padding=0)


class LossSummary(QWidget):
    """Big numbers above the output: test and training loss (and accuracy)."""

    def __init__(
        self,
        *,
        model: SessionModel,
        runner: TrainingRunner,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        self.test_label = QLabel()
        self.train_label = QLabel()
        self.accuracy_label = QLabel()
        for label in (self.test_label, self.train_label, self.accuracy_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)
        layout.addStretch(1)
        self._look = appearance.look
        self._frame: Frame | None = None
        runner.frame_ready.connect(self._update_numbers)
        model.replaced.connect(lambda _: self._clear(), self)
        model.network_changed.connect(lambda _: self._clear(), self)
        appearance.changed.connect(self._apply_look)
        self._clear()

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self._show(self._frame)

    def _clear(self) -> None:
        self._frame = None
        self._show(None)

    def _update_numbers(self, frame: Frame) -> None:
        self._frame = frame
        self._show(frame)

    def _show(self, frame: Frame | None) -> None:
        """The numbers with full captions, or short ones (and smaller digits) when the full
        ones do not fit the column (a projector beside the notes)."""
        for compact in (False, True):
            self._show_as(frame, compact)
            if self._fits():
                break

    def _fits(self) -> bool:
        labels = [
            label
            for label in (self.test_label, self.train_label, self.accuracy_label)
            if label.text()
        ]
        spacing = self.layout().spacing() * (len(labels) - 1)
        return sum(label.sizeHint().width() for label in labels) + spacing <= self.width()

    def _show_as(self, frame: Frame | None, compact: bool) -> None:
        look = self._look
        self.layout().setSpacing(10 if compact else 18)
        size = 0.8 if compact else 1.0
        test, train = ("Test", "Train") if compact else ("Test loss", "Training loss")
        if frame is None:
            self.test_label.setText(_metric(test, None, look, size=size))
            self.train_label.setText(_metric(train, None, look, size=size))
            self.accuracy_label.setText("")
            return
        s = frame.snapshot
        self.test_label.setText(_metric(test, s.test_loss, look, size=size))
        self.train_label.setText(_metric(train, s.train_loss, look, size=size))
        accuracy = s.test_accuracy if s.test_accuracy is not None else s.train_accuracy
        which = "Test" if s.test_accuracy is not None else "Training"
        caption = "Accuracy" if compact else f"{which} accuracy"
        self.accuracy_label.setText(
            _metric(caption, accuracy, look, percent=True, size=size)
            if accuracy is not None
            else ""
        )

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._show(self._frame)


def _metric(
    name: str, value: float | None, look: Look, percent: bool = False, size: float = 1.0
) -> str:
    if value is None or not math.isfinite(value):
        text = "–"
    else:
        text = f"{100 * value:.1f} %" if percent else f"{value:.3f}"
    muted = text_color("TEXT_MUTED", look.high_contrast)
    ink = text_color("TEXT", look.high_contrast)
    return (
        f"<span style='color:{muted}; font-size:{look.pt(8.5):.1f}pt'>{name}</span><br>"
        f"<span style='color:{ink}; font-size:{look.pt(13 * size):.1f}pt; "
        "font-weight:600'>"
        f"{text}</span>"
    )


class MetricsHistory:
    """The records of the current run as curves' columns: epoch, train/test loss, train/test
    accuracy, validation loss and accuracy (NaN without validation points); and epoch, the
    gradient norm and the weight norm of every layer."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget the history (a new run starts)."""
        self.scalars = CurveHistory(7)
        self.layers: CurveHistory | None = None
        self.run: int | None = None

    def add(self, records: list[Record]) -> None:
        """Append records (a record of another run starts the history over)."""
        for record in records:
            if record.run != self.run:
                self.clear()
                self.run = record.run
            s = record.snapshot
            self.scalars.append(
                [
                    record.epoch_progress,
                    s.train_loss,
                    _nan(s.test_loss),
                    _nan(s.train_accuracy),
                    _nan(s.test_accuracy),
                    _nan(s.validation_loss),
                    _nan(s.validation_accuracy),
                ]
            )
            layers = len(s.grad_norm_per_layer)
            if self.layers is None:
                self.layers = CurveHistory(1 + 2 * layers)
            if self.layers.columns().shape[1] == 1 + 2 * layers:
                self.layers.append(
                    [record.epoch_progress, *s.grad_norm_per_layer, *s.weight_norm_per_layer]
                )


class TrainTestCurves:
    """A plot of a training (solid), a test (dashed) and a validation (dotted) curve: the loss
    or the accuracy. The validation curve stays empty without validation points."""

    def __init__(self, train_column: int, test_column: int, validation_column: int) -> None:
        self.plot = _plot()
        self.train_curve = self.plot.plot([], [], pen=TRAIN_PEN, name="training")
        self.test_curve = self.plot.plot([], [], pen=TEST_PEN, name="test")
        self.validation_curve = self.plot.plot([], [], pen=VALIDATION_PEN, name="validation")
        self._columns = (train_column, test_column, validation_column)
        self.log = False  # draw on a log scale (no zeros)

    def apply_look(self, look: Look) -> None:
        """Pens and ticks for the look."""
        apply_plot_look(self.plot, look)
        self.train_curve.setPen(train_pen(look))
        self.test_curve.setPen(test_pen(look))
        self.validation_curve.setPen(validation_pen(look))

    def draw(self, history: MetricsHistory) -> None:
        """Push the history's columns into the curves."""
        data = history.scalars.columns()
        x = data[:, 0]
        train, test, validation = (data[:, column] for column in self._columns)
        if self.log:
            train, test, validation = (np.maximum(y, 1e-12) for y in (train, test, validation))
        _set(self.train_curve, x, train)
        _set(self.test_curve, x, test)
        _set(self.validation_curve, x, validation)
        _follow_data(self.plot, x)


class LayerCurves:
    """One curve per layer: its gradient norm (log scale) or its weight norm."""

    def __init__(self, block: int, log: bool, look: Look) -> None:
        self.plot = _plot()
        self.plot.setLogMode(y=log)
        self.curves: list[pg.PlotDataItem] = []
        self._block = block
        self._log = log
        self._look = look

    def apply_look(self, look: Look) -> None:
        """Pens and ticks for the look."""
        self._look = look
        apply_plot_look(self.plot, look)
        for i, curve in enumerate(self.curves):
            curve.setPen(_layer_pen(i, look))

    def draw(self, history: MetricsHistory) -> None:
        """Push the layers' columns into the curves (one curve per layer, made when the number
        of layers changes)."""
        layer_history, plot, curves = history.layers, self.plot, self.curves
        layers = (layer_history.columns().shape[1] - 1) // 2 if layer_history is not None else 0
        if layers != len(curves):
            for curve in curves:
                plot.removeItem(curve)
            curves.clear()
            for i in range(layers):
                name = "output" if i == layers - 1 else f"layer {i + 1}"
                curves.append(plot.plot([], [], pen=_layer_pen(i, self._look), name=name))
            plot.legend_band.fit()
        if layer_history is None:
            _follow_data(plot, np.zeros(0))
            return
        data = layer_history.columns()
        for i, curve in enumerate(curves):
            y = data[:, 1 + self._block * layers + i]
            _set(curve, data[:, 0], np.where(y > 0, y, np.nan) if self._log else y)  # log: no 0
        _follow_data(plot, data[:, 0])


class WeightHistogram:
    """A histogram of all the weights of the latest frame."""

    def __init__(self) -> None:
        self.plot = _plot(x_follows_data=False)
        self.plot.setLabel("bottom", "weight", color=TEXT_MUTED)
        self.curve = self.plot.plot(
            [0, 1],
            [0],
            stepMode="center",
            fillLevel=0,
            pen=pg.mkPen(ACCENT, width=1.5),
            brush=pg.mkBrush(QColor(31, 111, 209, 70)),
        )

    def apply_look(self, look: Look) -> None:
        """Pen and ticks for the look."""
        apply_plot_look(self.plot, look, "weight")
        self.curve.setPen(pg.mkPen(ACCENT, width=look.line(1.5)))

    def draw(self, frame: Frame | None) -> None:
        """The frame's weights in 41 bins symmetric around 0."""
        if frame is None or not frame.weights:
            self.curve.setData([0, 1], [0], stepMode="center")
            return
        values = np.concatenate([w.W.ravel() for w in frame.weights])
        values = values[np.isfinite(values)]
        if values.size == 0:
            return
        m = max(float(np.abs(values).max()), 1e-3)
        counts, edges = np.histogram(values, bins=41, range=(-m, m))
        self.curve.setData(edges, counts, stepMode="center", fillLevel=0)


class CurveOptions(QWidget):
    """The row over the curves: the tab's hint, a log-scale box (loss), norm or histogram
    (weights)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        self.hint_label = QLabel()
        self.hint_label.setProperty("role", "hint")
        # one line (a wrapped hint squeezed the plot below it); a narrow column clips it
        self.hint_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.hint_label, 1)
        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Show the loss on a logarithmic scale (small losses stay visible)")
        top.addWidget(self.log_box)
        self.norm_button = QRadioButton("Norm")
        self.histogram_button = QRadioButton("Histogram")
        self.norm_button.setChecked(True)
        self.norm_button.setToolTip("The L2 norm ‖W‖ of every layer's weights over the epochs")
        self.histogram_button.setToolTip("A histogram of all the weights now")
        self._weight_mode = QButtonGroup(self)
        self._weight_mode.addButton(self.norm_button)
        self._weight_mode.addButton(self.histogram_button)
        top.addWidget(self.norm_button)
        top.addWidget(self.histogram_button)

    def show_tab(self, index: int) -> None:
        """The hint and the options of a tab (an added tab has neither)."""
        self.hint_label.setText(TAB_HINTS[index] if index < len(TAB_HINTS) else "")
        self.log_box.setVisible(index == 0)
        self.norm_button.setVisible(index == 3)
        self.histogram_button.setVisible(index == 3)


def _tab_bar() -> QTabBar:
    tabs = QTabBar()
    tabs.setExpanding(False)
    tabs.setDrawBase(False)
    tabs.setUsesScrollButtons(True)  # a narrow column scrolls the tabs
    tabs.setElideMode(Qt.TextElideMode.ElideNone)
    for index, name in enumerate(TABS):
        tabs.addTab(name)
        tabs.setTabToolTip(index, TAB_TIPS[index])
    for button in tabs.findChildren(QToolButton):  # the scroll arrows of a narrow bar
        button.setToolTip("More tabs")
    return tabs


class MetricsPanel(QWidget):
    """Tabs of curves fed by the runner's records."""

    def __init__(
        self,
        *,
        model: SessionModel,
        runner: TrainingRunner,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._history = MetricsHistory()
        self._dirty = False
        self._last_weights: Frame | None = None
        self._added_tabs: list[tuple[str, str]] = []  # (name, short name) after TABS
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.tabs = _tab_bar()
        layout.addWidget(self.tabs)
        self.options_row = mark_advanced(CurveOptions())
        layout.addWidget(self.options_row)
        self._build_plots(appearance.look)
        layout.addWidget(self.stack, 1)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(lambda: self._redraw())
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.options_row.log_box.toggled.connect(self._on_log_toggled)
        self.options_row.histogram_button.toggled.connect(self._on_weight_mode)
        runner.records_ready.connect(self._on_records)
        runner.frame_ready.connect(self._on_frame)
        model.network_changed.connect(self._on_network_changed, self)
        model.replaced.connect(self._on_network_changed, self)
        runner.status_changed.connect(self._on_status)
        appearance.changed.connect(self._apply_look)
        self._on_tab_changed(0)
        self._on_network_changed()
        self._apply_look(appearance.look)

    def _build_plots(self, look: Look) -> None:
        self.loss = TrainTestCurves(1, 2, 5)
        self.accuracy = TrainTestCurves(3, 4, 6)
        self.accuracy.plot.setYRange(0, 1, padding=0.02)
        self.gradients = LayerCurves(0, log=True, look=look)
        self.weights = LayerCurves(1, log=False, look=look)
        self.histogram = WeightHistogram()
        self.weights_stack = QStackedWidget()
        self.weights_stack.addWidget(self.weights.plot)
        self.weights_stack.addWidget(self.histogram.plot)
        self.stack = QStackedWidget()
        for widget in (self.loss.plot, self.accuracy.plot, self.gradients.plot, self.weights_stack):
            self.stack.addWidget(widget)
        # The plots and curves under their old names, for the figures, screenshots and tests.
        self.loss_plot, self.train_curve = self.loss.plot, self.loss.train_curve
        self.accuracy_plot, self.gradient_plot = self.accuracy.plot, self.gradients.plot
        self.gradient_curves, self.weight_curves = self.gradients.curves, self.weights.curves
        self.weights_plot, self.histogram_plot = self.weights.plot, self.histogram.plot

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._fit_tab_names()

    def add_tab(self, name: str, widget: QWidget, tip: str, short: str | None = None) -> None:
        """Another tab after the curves' (e.g. the loss landscape), showing `widget`."""
        self._added_tabs.append((name, short or name))
        index = self.tabs.addTab(name)
        self.tabs.setTabToolTip(index, tip)
        self.stack.addWidget(widget)
        self._fit_tab_names()

    def tab_names(self) -> list[str]:
        """Every tab's name, in order."""
        return [*TABS, *(name for name, _ in self._added_tabs)]

    def _fit_tab_names(self) -> None:
        """Short tab names ("Acc.", "Grad.") when the full ones would need scrolling."""
        added = self._added_tabs
        for names in (
            (*TABS, *(name for name, _ in added)),
            (*SHORT_TABS, *(short for _, short in added)),
        ):
            for index, name in enumerate(names):
                self.tabs.setTabText(index, name)
            if self.tabs.sizeHint().width() <= self.width():
                return

    def _apply_look(self, look: Look) -> None:
        """Line widths, tick labels and legends for the look."""
        for plot in (self.loss, self.accuracy, self.gradients, self.weights, self.histogram):
            plot.apply_look(look)
        self.tabs.setMinimumHeight(0)
        self._fit_tab_names()

    def plots(self) -> list[pg.PlotWidget]:
        """Every plot of the panel."""
        return [
            self.loss_plot,
            self.accuracy_plot,
            self.gradient_plot,
            self.weights_plot,
            self.histogram_plot,
        ]

    def figure(self, tab: str) -> QWidget:
        """The plot of a tab, drawn up to date (for exporting it, shown or not)."""
        index = self.tab_names().index(tab)
        self._redraw(index)
        if index == 3:
            return self.weights_stack.currentWidget()
        return self.stack.widget(index)

    # ----- controls -------------------------------------------------------------------------

    def _on_network_changed(self, _: object = None) -> None:
        classification = self._model.session.network.problem == "classification"
        self.tabs.setTabEnabled(TABS.index("Accuracy"), classification)
        if not classification and self.tabs.currentIndex() == TABS.index("Accuracy"):
            self.tabs.setCurrentIndex(0)
        self.clear()

    def show_tab(self, name: str) -> None:
        """Switch to a tab by name ('Loss', 'Accuracy', 'Gradients', 'Weights', or an
        added one)."""
        self.tabs.setCurrentIndex(self.tab_names().index(name))

    def _on_tab_changed(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.options_row.show_tab(index)
        self._redraw()

    def _on_log_toggled(self, on: bool) -> None:
        self.loss.plot.setLogMode(y=on)
        self.loss.log = on
        self._redraw()

    def _on_weight_mode(self, histogram: bool) -> None:
        self.weights_stack.setCurrentIndex(1 if histogram else 0)
        self._redraw()

    # ----- data -----------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget the history (a new run starts)."""
        self._history.clear()
        self._dirty = True
        self._redraw()

    def _on_status(self, status: WorkerStatus) -> None:
        """A reset starts a new run before it has records: empty the curves (and their range)
        as soon as the worker reports it."""
        if self._history.run is not None and status.run != self._history.run:
            self.clear()

    def _on_records(self, records: list[Record]) -> None:
        self._history.add(records)
        self._dirty = True
        if not self._redraw_timer.isActive():  # the last records of a run get drawn too
            self._redraw_timer.start()

    def _on_frame(self, frame: Frame) -> None:
        self._last_weights = frame
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _redraw(self, tab: int | None = None) -> None:
        """Push a tab's data (the visible one by default) into its curves; hidden tabs are
        not drawn."""
        tab = self.tabs.currentIndex() if tab is None else tab
        if tab >= len(TABS):  # an added tab draws itself
            return
        if tab == 3 and self.options_row.histogram_button.isChecked():
            self.histogram.draw(self._last_weights)
        else:
            (self.loss, self.accuracy, self.gradients, self.weights)[tab].draw(self._history)
        if tab == self.tabs.currentIndex():
            self._dirty = False


def _layer_pen(layer: int, look: Look) -> QPen:
    return pg.mkPen(LAYER_COLORS[layer % len(LAYER_COLORS)], width=look.line(2))


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _set(curve: pg.PlotDataItem, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
    finite = np.isfinite(y)
    if finite.all():
        curve.setData(x, y)
    else:
        curve.setData(x[finite], y[finite])
