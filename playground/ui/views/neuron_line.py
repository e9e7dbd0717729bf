"""A first-layer neuron's line on the output view, to drag.

While a neuron of the first hidden layer is hovered on the diagram or selected (shown in the
big view) and the network's inputs are x1 and x2 alone, the view draws the neuron's line
w₁x₁ + w₂x₂ + b = 0 in the plane of the raw points (z = 0 before batch norm and the
activation); a drag moves the selected neuron's line (hovering only previews one). With
standardised inputs the line is drawn where the neuron sees 0 —
(w₁/s₁)x₁ + (w₂/s₂)x₂ + b − Σ wₖmₖ/sₖ = 0 for the training points' means m and standard
deviations s — and a drag sets w and b through the same map. With other features (x1²,
sin x1, ...) the neuron's zero set is a curve, not a line: nothing is drawn.

Dragging the line's body translates it; dragging an end rotates it about the other end. The
weights' length |(w₁, w₂)| is kept (so the neuron's steepness stays), their direction follows
the line (turning it half round flips the sides), and one undo step sets w₁, w₂ and b.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt

from playground.engine import LayerWeights, NetworkSpec
from playground.engine.trainer import standardization
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.models.weight_editor import BIAS, WeightEditor
from playground.ui.views.network_diagram import NetworkDiagram
from playground.worker import Frame

LINE_COLOR = (25, 25, 25)
HALF_LENGTH = 0.38  # of the smaller side of the view


def raw_line(
    network: NetworkSpec, weights: LayerWeights, unit: int, mean: np.ndarray, std: np.ndarray
) -> tuple[np.ndarray, float] | None:
    """(a, c) with the neuron's z = a·(x1, x2) + c over raw points, or None if z is no line."""
    if sorted(network.inputs) != ["x1", "x2"]:
        return None
    order = [network.inputs.index("x1"), network.inputs.index("x2")]
    w = weights.W[unit, order]
    a = w / std[order]
    c = float(weights.b[unit] - np.sum(w * mean[order] / std[order]))
    return a, c


def network_weights(
    network: NetworkSpec, a: np.ndarray, c: float, mean: np.ndarray, std: np.ndarray
) -> dict[int, float]:
    """The first layer's {input index: w, BIAS: b} whose z is a·(x1, x2) + c on raw points."""
    order = [network.inputs.index("x1"), network.inputs.index("x2")]
    values = {source: float(a[k] * std[source]) for k, source in enumerate(order)}
    values[BIAS] = float(c + np.sum(a * mean[order]))
    return values


def segment(a: np.ndarray, c: float, centre: np.ndarray, half: float) -> np.ndarray | None:
    """Two points (2, 2) on a·x + c = 0 around the point nearest `centre`, oriented so that
    a points to the left of the direction from the first to the second."""
    norm2 = float(a @ a)
    if not norm2 > 0 or not np.isfinite(norm2):
        return None
    nearest = centre - (a @ centre + c) * a / norm2
    direction = np.array([-a[1], a[0]]) / np.sqrt(norm2)
    return np.array([nearest + half * direction, nearest - half * direction])


def line_through(p: np.ndarray, q: np.ndarray, length: float) -> tuple[np.ndarray, float] | None:
    """(a, c) of the line through p and q with |a| = length, oriented as `segment` makes it."""
    d = q - p
    span = float(np.hypot(*d))
    if not span > 0:
        return None
    a = length * np.array([-d[1], d[0]]) / span
    return a, float(-(a @ p))


class NeuronLine(QObject):
    """The selected first-layer neuron's line on the output view; drag it to set its weights."""

    def __init__(
        self,
        view_box: pg.ViewBox,
        diagram: NetworkDiagram,
        *,
        model: SessionModel,
        runner: TrainingRunner,
        selection: Selection,
        weights: WeightEditor,
    ) -> None:
        super().__init__(view_box)
        self._view_box, self._model, self._selection = view_box, model, selection
        self._diagram = diagram
        self._runner, self._weights = runner, weights
        self._dragging = False
        self._norm = 1.0
        self._stats_key: tuple | None = None
        self._stats = (np.zeros(2), np.ones(2))
        pen = pg.mkPen(LINE_COLOR, width=3, style=Qt.PenStyle.DashLine)
        self.roi = pg.LineSegmentROI(
            [[0, 0], [1, 1]], pen=pen, hoverPen=pg.mkPen((31, 111, 209), width=4), movable=True
        )
        self.roi.setZValue(20)
        self.roi.setToolTip(
            "Drag the line to move it, an end to turn it: sets the neuron's w and b"
        )
        self.roi.hide()
        view_box.addItem(self.roi, ignoreBounds=True)
        self.roi.sigRegionChangeStarted.connect(self._on_drag_started)
        self.roi.sigRegionChangeFinished.connect(self._on_drag_finished)
        runner.frame_ready.connect(self._on_frame)
        selection.changed.connect(lambda _: self.update_line(), self)
        diagram.neuron_hovered.connect(lambda _: self._on_frame(None))
        weights.edited.connect(lambda _: self.update_line())

    @property
    def unit(self) -> int | None:
        """The first-layer unit whose line is shown (hovered, else selected), or None."""
        for neuron in (self._diagram.hovered, self._selection.neuron):
            if neuron is not None and neuron[0] == 1:
                return neuron[1]
        return None

    def _on_frame(self, _: Frame | None) -> None:
        if not self._dragging:
            self.update_line()

    def _mean_std(self) -> tuple[np.ndarray, np.ndarray]:
        session = self._model.session
        key = (id(session.points), session.network)
        if key != self._stats_key:
            self._stats = standardization(session.network, session.points.train()[0])
            self._stats_key = key
        return self._stats

    def current(self) -> tuple[np.ndarray, float] | None:
        """(a, c) of the shown neuron's raw-space line, or None when there is none to show."""
        unit, frame = self.unit, self._runner.frame
        network = self._model.session.network
        if unit is None or frame is None or frame.network != network or not network.layers:
            return None
        return raw_line(network, frame.weights[0], unit, *self._mean_std())

    def update_line(self) -> None:
        """Draw the line where the neuron's weights put it (or hide it)."""
        line = self.current()
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        ends = None
        if line is not None:
            half = HALF_LENGTH * min(x1 - x0, y1 - y0)
            ends = segment(line[0], line[1], np.array([(x0 + x1) / 2, (y0 + y1) / 2]), half)
        if ends is None:
            self.roi.hide()
            return
        self._norm = float(np.hypot(*line[0]))
        for handle, (x, y) in zip(self.roi.getHandles(), ends, strict=True):
            self.roi.movePoint(handle, QPointF(x, y), finish=False)
        self.roi.show()

    def ends(self) -> np.ndarray:
        """The line's two ends in data coordinates, (2, 2)."""
        return np.array(
            [[p.x(), p.y()] for p in (self.roi.mapToParent(h.pos()) for h in self.roi.getHandles())]
        )

    def _on_drag_started(self) -> None:
        self._dragging = True

    def _on_drag_finished(self) -> None:
        self._dragging = False
        unit = self.unit
        if unit is None or not self.roi.isVisible():
            return
        p, q = self.ends()
        line = line_through(p, q, self._norm)
        if line is None:
            self.update_line()
            return
        values = network_weights(self._model.session.network, *line, *self._mean_std())
        if not self._weights.set_weights(0, unit, values):
            self.update_line()
