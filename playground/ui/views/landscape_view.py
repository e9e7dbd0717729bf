"""The loss landscape, live: the training loss over a plane through weight space with the run's
path on it, and the loss along the straight line from the run's start to now (Goodfellow).

`LandscapeFigure` draws (a plane, a path, a line), for the window and for the command line's
PNG. `LandscapeView` is the tab beside the curves: the directions (random or PCA), Re-centre,
a click on the plane moves the weights there; it feeds the landscape worker (a thread of its
own, on the second core) with the training frames while it is visible, and draws its results.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGraphicsSceneMouseEvent,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine.landscape import LandscapeResult as EngineLandscape
from playground.landscape_worker import LandscapeResult, LandscapeWorker
from playground.ui.models.landscape_model import DIRECTIONS, LandscapeModel, Move
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.landscape_plot import LandscapePlot, PlanePath
from playground.ui.views.opens_big import OpensBig
from playground.ui.views.plots import LogAxis, apply_plot_look
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.axes import SpacedAxis
from playground.ui.widgets.icons import icon
from playground.ui.widgets.theme import TEXT, TEXT_MUTED
from playground.worker import Frame

DIRECTION_TIPS = {
    "random": "Two random directions, filter-normalised (Li et al. 2018), drawn once per run: "
    "the plane goes through the run's first weights (Re-centre: through the current ones)",
    "pca": "The first two principal components of the training path: the plane goes "
    "through the current weights and follows the path",
}
POLL_MS = 40  # how often the view looks for a new result of the landscape worker
LINE_FROM_HEIGHT = 280  # the figure shows the line plot from this height (pixels, scaled)
CAPTION_FROM_HEIGHT = 150  # and the caption from this one
MIN_HEIGHT = 100  # the view's own minimum: the curves' (the window's minimum stays theirs)
# Opened with less room than this (pixels, scaled) for the figure: shown big at once (the plane
# needs more than the hidden space's plot: a colour bar and axis titles around it)
BIG_BELOW = 200
PATH_COLOR = "#ff5a36"
LINE_COLOR = TEXT
TIP = (
    "The training loss over a plane through weight space, θ = θc + α·d₁ + β·d₂ (log colours, "
    "contour lines), with the way training took (● now). Click the plane to move the weights "
    "there and train on from that point. Below: the loss on the straight line from the "
    "run's first weights (t = 0) to the current ones (t = 1)."
)


def _line_plot() -> pg.PlotWidget:
    axis = LogAxis("left")
    plot = pg.PlotWidget(axisItems={"left": axis, "bottom": SpacedAxis("bottom")})
    plot.setBackground("w")
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    item.showGrid(x=True, y=True, alpha=0.12)
    item.setLogMode(y=True)
    plot.setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom"):
        item.getAxis(name).setPen(pg.mkPen("#c3cbd3"))
        item.getAxis(name).setTextPen(pg.mkPen(TEXT_MUTED))
        item.getAxis(name).enableAutoSIPrefix(False)
    plot.setXRange(0, 1, padding=0.02)
    return plot


class LandscapeFigure(QWidget):
    """The plane (surface, contours, colour bar, path) over the start-to-now line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.caption = QLabel()
        self.caption.setProperty("role", "hint")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plane = LandscapePlot(legend=False)
        self.line = _line_plot()
        self.line.setMinimumHeight(80)
        self.line_curve = self.line.plot([], [], pen=pg.mkPen(LINE_COLOR, width=2))
        self.line_ends = pg.ScatterPlotItem(size=10)
        self.line.addItem(self.line_ends)
        layout.addWidget(self.caption)
        layout.addWidget(self.plane, 3)
        layout.addWidget(self.line, 1)
        self.path = np.zeros((0, 2))
        self.line_loss = np.zeros(0)
        self._show_line = True  # (False: a picture without a line)
        self.line.hide()  # until a resize shows that there is room (see _fit_line)
        self.caption.hide()
        self._look = Look()
        self.apply_look(self._look)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_line()

    def _fit_line(self) -> None:
        """A short figure gives the plane all its room: no line plot (the caption still tells
        both losses), and in a very short one no caption either (the window's minimum height
        stays that of the curves)."""
        height = self.height()
        wanted = self._show_line and height >= self._look.px(LINE_FROM_HEIGHT)
        if self.line.isVisibleTo(self) != wanted:
            self.line.setVisible(wanted)
        wanted = height >= self._look.px(CAPTION_FROM_HEIGHT)
        if self.caption.isVisibleTo(self) != wanted:
            self.caption.setVisible(wanted)

    def apply_look(self, look: Look) -> None:
        """Ticks, labels and line widths for the look (presentation mode)."""
        self._look = look
        self.plane.apply_look(look)
        apply_plot_look(self.line, look, axis_label="t   (0: the run's start, 1: now)")
        self.line_curve.setPen(pg.mkPen(LINE_COLOR, width=look.line(2)))
        self.line_ends.setSize(look.px(10))
        self.line.setMinimumHeight(look.px(80))
        if self.isVisible():
            self._fit_line()

    def show_surface(
        self, alphas: npt.ArrayLike, betas: npt.ArrayLike, loss: npt.ArrayLike
    ) -> None:
        """The loss over the plane: loss[i, j] at (alphas[j], betas[i])."""
        self.plane.set_surface(np.asarray(alphas), np.asarray(betas), np.asarray(loss))

    def show_path(self, path: npt.ArrayLike) -> None:
        """The path (N, 2) on the plane, oldest first (● at its end)."""
        self.path = np.asarray(path, float).reshape(-1, 2)
        self.plane.set_paths([PlanePath("training", self.path, PATH_COLOR)])

    def show_line(self, ts: npt.ArrayLike, losses: npt.ArrayLike) -> None:
        """The loss at t of the straight line from the start (t = 0) to now (t = 1)."""
        ts, self.line_loss = np.asarray(ts, float), np.asarray(losses, float)
        finite = np.isfinite(self.line_loss) & (self.line_loss > 0)
        self.line_curve.setData(ts[finite], self.line_loss[finite])
        ends = [i for i in (0, len(ts) - 1) if len(ts) and finite[i]]
        self.line_ends.setData(
            ts[ends],
            np.log10(self.line_loss[ends]),
            brush=[pg.mkBrush("w"), pg.mkBrush(PATH_COLOR)][: len(ends)],
            pen=[pg.mkPen(TEXT, width=1.5)] * len(ends),
        )
        self.caption.setText(caption_text(self.line_loss))

    def clear(self) -> None:
        """Nothing to show (a new run before its first result)."""
        self.plane.image.clear()
        self.plane.set_paths([])
        self.line_curve.setData([], [])
        self.line_ends.setData([], [])
        self.caption.setText("")


def caption_text(line_loss: npt.NDArray[np.floating]) -> str:
    """'Loss now 0.042 ● · start 0.69 ○' (the training loss) from the line's ends."""
    if len(line_loss) == 0:
        return ""
    now, start = float(line_loss[-1]), float(line_loss[0])
    if not (math.isfinite(now) and math.isfinite(start)):
        return "Loss: not finite"
    return f"Loss now <b>{now:.3g}</b> ● · start {start:.3g} ○"


class LandscapeView(QWidget):
    """The landscape tab: directions, Re-centre, the figure; live while it is visible."""

    updated = Signal(object)  # LandscapeResult, once drawn
    big_changed = Signal(bool)  # shown in the output view's place (big) or not
    TAB_TIP = "The loss landscape: the training loss around the weights, and the way there"

    def __init__(
        self,
        *,
        runner: TrainingRunner,
        appearance: Appearance,
        parent: QWidget | None = None,
        min_interval: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.model = LandscapeModel()
        self.worker = LandscapeWorker() if min_interval is None else LandscapeWorker(min_interval)
        self.worker.start()
        self.result: LandscapeResult | None = None
        self._drawn_surface: np.ndarray | None = None
        self.last_move: Move | None = None  # the last click's (α, β) and parameters
        self._stale = False  # frames came since the last request
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()
        runner.frame_ready.connect(self._on_frame)
        appearance.changed.connect(self.figure.apply_look)
        self.figure.apply_look(appearance.look)
        self.opens_big = OpensBig(self, self.big_button, appearance, BIG_BELOW)
        self.figure.plane.scene().sigMouseClicked.connect(self._on_scene_click)
        if runner.frame is not None:
            self._on_frame(runner.frame)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.directions_box = QComboBox()
        for key, text in DIRECTIONS.items():
            self.directions_box.addItem(text, key)
            self.directions_box.setItemData(
                self.directions_box.count() - 1, DIRECTION_TIPS[key], Qt.ItemDataRole.ToolTipRole
            )
        self.directions_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.directions_box.setToolTip(
            "The plane's directions: two random directions, filter-normalised (Li et al. "
            "2018), or the first two principal components of the training path"
        )
        self.directions_box.currentIndexChanged.connect(self._on_directions)
        self.recentre_button = QToolButton()
        self.recentre_button.setText("Re-centre")
        self.recentre_button.setToolTip("A new plane through the current weights")
        self.recentre_button.clicked.connect(self.recentre)
        self.big_button = QToolButton()
        self.big_button.setIcon(icon("fit", TEXT_MUTED))
        self.big_button.setCheckable(True)
        self.big_button.setToolTip(
            "Big: the landscape in the output view's place (again: both, side by side); on "
            "by itself when the panel under the output view is too short for the landscape"
        )
        self.big_button.toggled.connect(self.big_changed)
        row.addWidget(self.directions_box)
        row.addWidget(self.recentre_button)
        row.addStretch(1)
        row.addWidget(self.big_button)
        layout.addLayout(row)
        self.figure = LandscapeFigure()
        self.figure.setToolTip(TIP)
        layout.addWidget(self.figure, 1)
        # the curves' minimum, whatever the figure shows: a big figure's line plot (shown once
        # it had the room) would otherwise hold the curves' panel, and the window, taller when
        # the output view comes back (at 1280x720 the window grew past the screen)
        self.setMinimumHeight(MIN_HEIGHT)

    # ----- controls -------------------------------------------------------------------------

    @property
    def directions(self) -> str:
        """'random' or 'pca'."""
        return self.model.directions

    def set_directions(self, directions: str) -> None:
        """Random or PCA directions (as the choice box)."""
        self.directions_box.setCurrentIndex(list(DIRECTIONS).index(directions))

    def _on_directions(self, index: int) -> None:
        self.model.set_directions(self.directions_box.itemData(index))
        self.recentre_button.setEnabled(self.model.directions == "random")
        self._submit()

    def recentre(self) -> None:
        """A new plane through the current weights; the path is projected on it again."""
        self.model.recentre()
        self._submit()

    def move_to(self, alpha: float, beta: float) -> np.ndarray | None:
        """Move the weights to (α, β) of the plane shown; training goes on from there. The
        parameters sent, or None (nothing shown yet)."""
        if self.result is None:
            return None
        move = self.model.move_to(self.result.plane, alpha, beta)
        if move is None:
            return None
        self._runner.worker.set_parameters(move.params, move.run)
        self.last_move = move
        return move.params

    def _on_scene_click(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view_box = self.figure.plane.getPlotItem().vb
        if not view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = view_box.mapSceneToView(event.scenePos())
        self.move_to(point.x(), point.y())

    # ----- frames and results ---------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether the view is on screen (only then does it compute)."""
        return self.isVisible()

    def _on_frame(self, frame: Frame) -> None:
        if self.model.add_frame(frame):
            self.worker.forget()
            self.result = self._drawn_surface = None
            self.figure.clear()
        if self.active:
            if self.result is not None and self.result.request.run == self.model.run:
                self.figure.show_path(self.model.path_on(self.result.plane))
            self._stale = True  # a request goes out at the next poll with no request waiting

    def _submit(self) -> None:
        """Ask the landscape worker for the newest state (it computes the latest request)."""
        if not self.active:
            return
        self._stale = False
        request = self.model.request()
        if request is not None:
            self.worker.submit(request)

    def _poll(self) -> None:
        """Draw a new result; ask for the newest state once no request is waiting (a request
        per frame would build the PCA path 30 times a second for nothing)."""
        if self._stale and not self.worker.waiting:
            self._submit()
        self._take_result()

    def _take_result(self) -> None:
        result = self.worker.take()
        if result is None or result.request.run != self.model.run:
            return
        self.result = result
        if result.loss is not self._drawn_surface:  # (a result not taken may have had it)
            self.figure.show_surface(result.alphas, result.betas, result.loss)
            self._drawn_surface = result.loss
        self.figure.show_path(self.model.path_on(result.plane))
        self.figure.show_line(result.request.line_ts, result.line_loss)
        self.updated.emit(result)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._submit()

    def shutdown(self) -> None:
        """Stop the poll timer and the landscape thread (joins it)."""
        self._timer.stop()
        self.worker.stop()


PICTURE_SIZE = (900, 860)  # pixels of `landscape -o OUT.png`


def landscape_png(result: EngineLandscape, size: tuple[int, int] = PICTURE_SIZE) -> bytes:
    """The picture of a computed landscape (`nn-playground landscape -o OUT.png`): the view's
    figure drawn offscreen into PNG bytes. Needs a QApplication."""
    figure = LandscapeFigure()
    figure.layout().setContentsMargins(12, 10, 12, 10)
    figure.setStyleSheet("background: white")
    figure.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    figure.resize(*size)
    figure.show_surface(result.alphas, result.betas, result.loss)
    figure.show_path(result.path if result.path is not None else np.zeros((0, 2)))
    if result.line_ts is not None and result.line_loss is not None:
        figure.show_line(result.line_ts, result.line_loss)
    else:
        figure._show_line = False  # noqa: SLF001 - the figure's own module
        figure.line.hide()
        figure.caption.setText(f"Loss at the centre {centre_loss(result):.3g}")
    directions = {"random": "Random directions", "pca": "PCA of the path"}.get(
        result.directions, result.directions
    )
    figure.caption.setText(f"{directions} · {figure.caption.text()}")
    figure.show()
    QApplication.processEvents()
    image = figure.grab().toImage()
    figure.close()
    figure.deleteLater()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the landscape picture could not be drawn")
    return bytes(data.data())


def centre_loss(result: EngineLandscape) -> float:
    """The loss at the plane's centre (α = β = 0), or at the grid point nearest to it."""
    i = int(np.argmin(np.abs(result.betas)))
    j = int(np.argmin(np.abs(result.alphas)))
    return float(result.loss[i, j])


__all__ = ["LandscapeFigure", "LandscapeView", "caption_text", "landscape_png"]
