"""Where the network is wrong: for a classifier the confusion matrices of the training and test
points, for a regression the residuals (prediction − target) against the target. Click a cell,
or drag the band over a range of residuals, to ring those points on the output view
(`points_chosen`; the main window connects it to OutputView.highlight_points). Live while the
tab is visible; the predictions are computed on the inspection worker's thread."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from playground.inspection_worker import InspectionWorker
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.inspection import SPLITS, Mistakes, compute_mistakes
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.confusion_table import ConfusionMatrices
from playground.ui.views.plots import apply_plot_look
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.axes import SpacedAxis
from playground.ui.widgets.fitted_caption import FittedCaption
from playground.ui.widgets.theme import TEXT
from playground.worker import Frame

MIN_HEIGHT = 100  # the view's own minimum: the curves' (the window's minimum stays theirs)
TABLE_ROOM = 100  # the caption shows only when the matrices or the plot keep this much
POLL_MS = 60
MIN_INTERVAL = 0.2  # seconds between two computations of the predictions
JOB = "mistakes"
BAND_COLOR = (255, 212, 0, 70)


class BandViewBox(pg.ViewBox):
    """A view box where a left drag spans a range of y (`band_dragged(y0, y1, finished)`)."""

    band_dragged = Signal(float, float, bool)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802, ANN001 - pyqtgraph API
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos()).y()
        now = self.mapSceneToView(ev.scenePos()).y()
        self.band_dragged.emit(float(min(start, now)), float(max(start, now)), ev.isFinish())


class ResidualPlot(pg.PlotWidget):
    """Residual (prediction − target) against target, training dots and held-out (test and
    validation) rings, a zero line
    and a band that chooses a range of residuals (`range_chosen(low, high)`): drag up or down
    across the plot to span it, drag the band or its edges to move it."""

    range_chosen = Signal(float, float)

    def __init__(self) -> None:
        self.view_box = BandViewBox()
        self.view_box.setMouseEnabled(False, False)
        super().__init__(
            viewBox=self.view_box,
            axisItems={name: SpacedAxis(name) for name in ("left", "bottom")},
        )
        self.setBackground("w")
        self.getPlotItem().hideButtons()
        self.getPlotItem().setMenuEnabled(False)
        self.train = pg.ScatterPlotItem(pxMode=True, pen=None)
        self.test = pg.ScatterPlotItem(pxMode=True, brush=None)
        self.zero = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(TEXT, width=1))
        self.band = pg.LinearRegionItem(
            (0.0, 0.0), orientation="horizontal", brush=pg.mkBrush(*BAND_COLOR)
        )
        self.band.setZValue(-5)
        self.band.sigRegionChangeFinished.connect(self._on_band)
        self.view_box.band_dragged.connect(self._on_dragged)
        for item in (self.zero, self.band, self.train, self.test):
            self.addItem(item)

    def apply_look(self, look: Look) -> None:
        """Ticks and point sizes for the look."""
        apply_plot_look(self, look, axis_label="target")
        muted = {"color": "#5b6773", "font-size": f"{look.pt(9):.1f}pt"}
        self.getPlotItem().setLabel("left", "prediction − target", **muted)
        self.train.setSize(look.px(6))
        self.test.setSize(look.px(7))
        self.test.setPen(pg.mkPen("#1f6fd1", width=look.line(1.5)))
        self.train.setBrush(pg.mkBrush("#1f6fd1"))

    def show_residuals(self, mistakes: Mistakes) -> None:
        """The residuals of every point."""
        points, r = mistakes.points, mistakes.residual
        held_out = ~points.is_train  # test and validation points: rings
        self.train.setData(points.labels[~held_out], r[~held_out])
        self.test.setData(points.labels[held_out], r[held_out])

    def choose(self, low: float, high: float) -> None:
        """Put the band on [low, high] (as a drag would)."""
        self.band.setRegion((low, high))
        self._on_band()

    def _on_dragged(self, low: float, high: float, finished: bool) -> None:
        self.band.blockSignals(True)
        self.band.setRegion((low, high))
        self.band.blockSignals(False)
        if finished:
            self._on_band()

    def _on_band(self) -> None:
        low, high = self.band.getRegion()
        self.range_chosen.emit(float(low), float(high))


class ErrorsView(QWidget):
    """The 'Where it is wrong' tab: confusion matrices or residuals, linked to the canvas."""

    points_chosen = Signal(object)  # np.ndarray: indices into the data's points (empty: none)
    updated = Signal(object)  # Mistakes, once drawn
    TAB_TIP = "Where the network is wrong: confusion matrices, or the residuals of a regression"

    def __init__(
        self,
        *,
        runner: TrainingRunner,
        data: DataEditor,
        appearance: Appearance,
        parent: QWidget | None = None,
        min_interval: float = MIN_INTERVAL,
    ) -> None:
        super().__init__(parent)
        self._data = data
        self.frame: Frame | None = None
        self.mistakes: Mistakes | None = None
        self.chosen: tuple[str, int, int] | tuple[str, float, float] | None = None
        self.chosen_points = np.zeros(0, np.intp)
        self.worker = InspectionWorker(min_interval)
        self.worker.start()
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._take_result)
        self._timer.start()
        runner.frame_ready.connect(self._on_frame)
        data.points_edited.connect(lambda _: self.clear_choice(), self)
        appearance.changed.connect(self._apply_look)
        self._apply_look(appearance.look)
        if runner.frame is not None:
            self._on_frame(runner.frame)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.caption = FittedCaption()
        self.caption.linkActivated.connect(lambda _: self.clear_choice())
        layout.addWidget(self.caption)
        self.stack = QStackedWidget()
        self.matrices = ConfusionMatrices(SPLITS)
        self.matrices.cell_chosen.connect(self.choose_cell)
        self.tables = self.matrices.tables
        self.residuals = ResidualPlot()
        self.residuals.range_chosen.connect(self.choose_residuals)
        self.stack.addWidget(self.matrices)
        self.stack.addWidget(self.residuals)
        layout.addWidget(self.stack, 1)
        self.setMinimumHeight(MIN_HEIGHT)  # (a caption that needs lines may hide, see below)

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self.matrices.apply_look(look)
        self.residuals.apply_look(look)

    # ----- choosing points ------------------------------------------------------------------

    def choose_cell(self, split: str, true: int, guess: int) -> None:
        """Ring the `split` points of class `true` predicted as `guess` (again: un-ring)."""
        if self.chosen == (split, true, guess):
            self.clear_choice()
            return
        self.chosen = (split, true, guess)
        self.matrices.choose(split, (true, guess))
        self._emit_chosen()

    def choose_residuals(self, low: float, high: float) -> None:
        """Ring the points whose residual lies in [low, high] (an empty band: none)."""
        self.chosen = ("residual", low, high) if high > low else None
        self._emit_chosen()

    def clear_choice(self) -> None:
        """Ring nothing."""
        self.chosen = None
        self.matrices.choose(None, None)
        self._emit_chosen()

    def _indices(self) -> npt.NDArray[np.intp]:
        mistakes, chosen = self.mistakes, self.chosen
        if mistakes is None or chosen is None:
            return np.zeros(0, np.intp)
        if chosen[0] == "residual":
            return mistakes.residual_range(chosen[1], chosen[2])
        return mistakes.cell(*chosen)

    def _emit_chosen(self) -> None:
        indices = self._indices()
        if not np.array_equal(indices, self.chosen_points) or not indices.size:
            self.chosen_points = indices
            self.points_chosen.emit(indices)
        self._update_caption()

    # ----- frames and results ---------------------------------------------------------------

    def _on_frame(self, frame: Frame) -> None:
        self.frame = frame
        self._submit()

    def _submit(self) -> None:
        frame = self.frame
        if frame is None or not self.isVisible():
            return
        points = self._data.points
        self.worker.submit(JOB, lambda: compute_mistakes(frame, points))

    def _take_result(self) -> None:
        mistakes = self.worker.take(JOB)
        if mistakes is None or mistakes.points is not self._data.points:
            return  # (the points changed since: a newer computation is on its way)
        self.mistakes = mistakes
        if mistakes.classification:
            self.stack.setCurrentIndex(0)
            self.matrices.show_counts(mistakes.counts)
        else:
            self.stack.setCurrentIndex(1)
            self.residuals.show_residuals(mistakes)
        if self.chosen is not None:
            self._emit_chosen()  # the ringed points follow training
        self._update_caption()
        self.updated.emit(mistakes)

    def _update_caption(self) -> None:
        mistakes = self.mistakes
        if mistakes is None:
            self.caption.setText("")
            return
        ask = (
            "Rows: the true class, columns: the predicted one. Click a cell to ring its "
            "points on the output view."
            if mistakes.classification
            else "Drag across the plot to put a band on a range of residuals: its points are "
            "ringed on the output view."
        )
        if self.chosen is None:
            self.caption.setText(ask)
            self._fit_caption()
            return
        what = (
            f"{self.chosen_points.size} {self.chosen[0]} points of class {self.chosen[1]} "
            f"predicted as {self.chosen[2]}"
            if self.chosen[0] != "residual"
            else f"{self.chosen_points.size} points with a residual from {self.chosen[1]:.3g} "
            f"to {self.chosen[2]:.3g}"
        )
        self.caption.setText(f"Ringed: {what}. <a href='clear'>Clear</a>")
        self._fit_caption()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_caption()

    def _fit_caption(self) -> None:
        """The caption only where the matrices keep their room (a short panel: them alone)."""
        room = self.height() - self._look.px(TABLE_ROOM)
        self.caption.show_if_room(room, self.width())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._submit()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        if not event.spontaneous() and self.chosen is not None:  # another tab: no rings
            self.clear_choice()

    def shutdown(self) -> None:
        """Stop the poll timer and the worker thread (joins it)."""
        self._timer.stop()
        self.worker.stop()


__all__ = ["ErrorsView", "ResidualPlot"]
