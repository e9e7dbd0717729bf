"""The hidden space, live: a hidden layer's activations of the training points, in two of its
neurons or its first two principal components, with the input grid bent by the network up to
that layer (ConvNetJS's view) and, for the last hidden layer, the output's decision line there.
Watch XOR's four clusters move until one straight line separates the classes.

The pictures are computed on the inspection worker's thread (only while the tab is visible) and
drawn by `HiddenSpacePlot`.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine import kernels as K
from playground.engine.hidden_space import PROJECTIONS, Projection
from playground.inspection_worker import InspectionWorker
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.inspection import SpaceChoice, SpaceResult, compute_space
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.hidden_space_plot import HiddenSpacePlot
from playground.ui.views.opens_big import OpensBig
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.fitted_caption import FittedCaption
from playground.worker import Frame

OUTPUT_DRAWN = {  # what shows the output layer, by its kind (kernels.OUT_*)
    K.OUT_SIGMOID: "Background and black line (its decision line, P = 0.5)",
    K.OUT_SOFTMAX: "Background (the class regions; their borders are its decision lines)",
    K.OUT_LINEAR: "Background (its value)",
}
MIN_HEIGHT = 100  # the view's own minimum: the curves' (the window's minimum stays theirs)
PLOT_ROOM = 120  # the caption shows only when the plot keeps at least this many pixels
POLL_MS = 40  # how often the view looks for a new picture from the worker
JOB = "hidden space"
TIP = (
    "Each training point where a hidden layer puts it: the layer's activations in two of its "
    "neurons, or in their first two principal components. Grey lines: the input plane's grid "
    "lines, bent by the layers up to this one. For the last hidden layer the output layer only "
    "draws a straight line (background: its output, black: P = 0.5), so training must move the "
    "classes until a line separates them."
)


def caption_text(result: SpaceResult) -> str:
    """What the picture shows, in a sentence or two (rich text)."""
    space, projection = result.space, result.space.projection
    layer = f"Hidden layer {space.layer + 1}"
    if projection.kind == "pca":
        share = 100 * projection.explained
        where = (
            f"{layer} ({space.units} neurons) on its first two principal components "
            f"({share[0]:.0f} % + {share[1]:.0f} % of the variance)."
        )
    elif space.units == 1:
        where = f"{layer}: its one neuron's activation, left to right."
    else:
        i, j = projection.neurons or (0, 1)
        where = f"{layer}: neuron {i + 1} across, neuron {j + 1} up."
    boundary = space.boundary
    drawn = OUTPUT_DRAWN[boundary.out_kind] if boundary is not None else ""
    if boundary is None:
        line = "No decision line: more layers follow this one."
    elif boundary.exact:
        line = f"{drawn}: the output layer there, exact."
    elif projection.kind == "pca":
        line = (
            f"{drawn}: the output on the PCA plane through the points' mean (the other "
            "directions held at the mean), an approximation."
        )
    else:
        line = f"{drawn}: the output with the other neurons held at their mean, an approximation."
    shown = len(space.points)
    if shown < result.training_points:
        line += f" (An even sample: {shown:,} of the {result.training_points:,} training points.)"
    return f"{where} {line}"


class HiddenSpaceView(QWidget):
    """The hidden space tab: layer, projection and neurons; the plot; live while visible."""

    updated = Signal(object)  # SpaceResult, once drawn
    big_changed = Signal(bool)  # shown in the output view's place (big) or not
    TAB_TIP = "The hidden space: where a hidden layer puts the points, and the grid it bends"

    def __init__(
        self,
        *,
        runner: TrainingRunner,
        data: DataEditor,
        appearance: Appearance,
        parent: QWidget | None = None,
        min_interval: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._data = data
        self.choice = SpaceChoice()
        self.frame: Frame | None = None
        self.result: SpaceResult | None = None
        self._previous: tuple[tuple[int, int, str, int], Projection] | None = None
        self._sizes: tuple[int, ...] | None = None
        self.worker = InspectionWorker() if min_interval is None else InspectionWorker(min_interval)
        self.worker.start()
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._take_result)
        self._timer.start()
        runner.frame_ready.connect(self._on_frame)
        appearance.changed.connect(self._apply_look)
        self._apply_look(appearance.look)
        self.opens_big = OpensBig(self, self.big_button, appearance)
        if runner.frame is not None:
            self._on_frame(runner.frame)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("The hidden layer whose space is shown")
        self.layer_box.currentIndexChanged.connect(self._on_layer)
        self.projection_box = QComboBox()
        for key, text in PROJECTIONS.items():
            self.projection_box.addItem(text, key)
        self.projection_box.setToolTip(
            "A layer of more than two neurons: its first two principal components (the plane "
            "where the points spread most), or two neurons you choose"
        )
        self.projection_box.currentIndexChanged.connect(self._on_projection)
        self.neuron_boxes = (QSpinBox(), QSpinBox())
        for axis, box in zip(("across", "up"), self.neuron_boxes, strict=True):
            box.setMinimum(1)
            box.setToolTip(f"The neuron drawn {axis} (the axes name it)")
            box.valueChanged.connect(self._on_neurons)
        row.addWidget(self.layer_box)
        row.addWidget(self.projection_box)
        for box in self.neuron_boxes:
            row.addWidget(box)
        for box in (self.layer_box, self.projection_box):  # narrow panels: elide the text
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
        row.addStretch(1)
        self.big_button = QToolButton()
        self.big_button.setText("Big")
        self.big_button.setCheckable(True)
        self.big_button.setToolTip(
            "Show the hidden space in the output view's place (big); on by itself when the "
            "panel under the output view is too short for the plot"
        )
        self.big_button.toggled.connect(self.big_changed)
        row.addWidget(self.big_button)
        layout.addLayout(row)
        self.caption = FittedCaption()
        layout.addWidget(self.caption)
        self.plot = HiddenSpacePlot()
        self.plot.setToolTip(TIP)
        layout.addWidget(self.plot, 1)
        self.setMinimumHeight(MIN_HEIGHT)  # (a caption that needs lines may hide, see below)
        self._update_controls()

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self.plot.apply_look(look)

    # ----- the choice -----------------------------------------------------------------------

    def set_layer(self, layer: int) -> None:
        """Show hidden layer `layer` (0-based)."""
        self.layer_box.setCurrentIndex(layer)

    def set_projection(self, kind: str) -> None:
        """'pca' or 'neurons' (for a layer of more than two neurons)."""
        self.projection_box.setCurrentIndex(list(PROJECTIONS).index(kind))

    def set_neurons(self, across: int, up: int) -> None:
        """The two neurons (0-based) drawn across and up."""
        for box, value in zip(self.neuron_boxes, (across, up), strict=True):
            box.setValue(value + 1)

    def _on_layer(self, index: int) -> None:
        if index >= 0:
            self._choose(layer=index)

    def _on_projection(self, index: int) -> None:
        self._choose(kind=self.projection_box.itemData(index))

    def _on_neurons(self, _: int = 0) -> None:
        self._choose(neurons=tuple(box.value() - 1 for box in self.neuron_boxes))

    def _choose(self, **changes: object) -> None:
        self.choice = dataclasses.replace(self.choice, **changes)
        self._update_controls()
        self._submit()

    def _units(self) -> int:
        sizes, layer = self._sizes or (), self.choice.layer
        if not sizes:
            return 0
        return sizes[-1 if layer is None else min(layer, len(sizes) - 1)]

    def _update_controls(self) -> None:
        units = self._units()
        self.projection_box.setVisible(units > 2)  # 1 or 2 neurons: their own axes
        neurons = units > 2 and self.choice.kind == "neurons"
        for box in self.neuron_boxes:
            box.blockSignals(True)
            box.setMaximum(max(units, 1))
            box.blockSignals(False)
            box.setVisible(neurons)

    def _update_layers(self, sizes: tuple[int, ...]) -> None:
        """Refill the layer box when the hidden layers change (the last one chosen)."""
        if sizes == self._sizes:
            return
        self._sizes = sizes
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for layer, units in enumerate(sizes):
            self.layer_box.addItem(f"Layer {layer + 1} · {units} neurons", layer)
        last = len(sizes) - 1
        self.layer_box.setCurrentIndex(last)
        self.layer_box.blockSignals(False)
        self.choice = dataclasses.replace(self.choice, layer=last if sizes else None)
        self._update_controls()
        if not sizes:
            self.plot.clear_space()
            self.caption.setText("The network has no hidden layer: add one to see its space.")
            self._fit_caption()

    # ----- frames and results ---------------------------------------------------------------

    def _on_frame(self, frame: Frame) -> None:
        self.frame = frame
        self._update_layers(tuple(layer.units for layer in frame.network.layers))
        self._submit()

    def _submit(self) -> None:
        """Ask the worker for the newest picture (only while the tab is on screen)."""
        frame = self.frame
        if frame is None or not self.isVisible() or not self._sizes:
            return
        points, choice = self._data.points, self.choice
        key = (frame.run, choice.layer, choice.kind, self._units())
        previous = self._previous[1] if self._previous and self._previous[0] == key else None
        self.worker.submit(JOB, lambda: compute_space(frame, points, choice, previous))

    def _take_result(self) -> None:
        result = self.worker.take(JOB)
        if result is None or self.frame is None or result.run != self.frame.run:
            return
        if result.choice.layer != self.choice.layer:
            return  # a picture of a layer no longer chosen
        self.result = result
        space = result.space
        key = (result.run, space.layer, result.choice.kind, space.units)
        self._previous = (key, space.projection)
        self.plot.show_space(result)
        self.caption.setText(caption_text(result))
        self._fit_caption()
        self.updated.emit(result)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_caption()

    def _fit_caption(self) -> None:
        """The caption only where the plot keeps its room (a short panel: the plot alone)."""
        room = self.height() - self.big_button.sizeHint().height() - self._look.px(PLOT_ROOM)
        self.caption.show_if_room(room, self.width())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)  # (OpensBig has checked Big where the panel is short)
        self._submit()

    def shutdown(self) -> None:
        """Stop the poll timer and the worker thread (joins it)."""
        self._timer.stop()
        self.worker.stop()


__all__ = ["HiddenSpaceView", "caption_text"]
