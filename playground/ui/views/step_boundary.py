"""The update stage's pictures: the network's output over the view before and after the step,
with the step's points marked (the decision boundary moving under one step)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.engine import GridRequest, LayerWeights
from playground.engine.explain import explain, features_of
from playground.engine.step_trace import StepTrace, TrainerState
from playground.engine.trainer import standardization
from playground.ui.widgets import colors
from playground.ui.widgets.neuron_style import render_neuron

PICTURE_GRID = 64  # points per side of each picture's grid


def output_image(
    state: TrainerState,
    weights: tuple[LayerWeights, ...],
    request: GridRequest,
    target: int,
) -> npt.NDArray[np.float64]:
    """(res, res) the output over the view (row 0 at y_min): P(class 1) for two classes,
    P(target class) for more, the value for regression."""
    network = state.network
    grid = GridRequest(request.x_min, request.x_max, request.y_min, request.y_max, PICTURE_GRID)
    X = features_of(network, standardization(network, state.data.train_xy), grid.points())
    loss = state.training.loss_for(network)
    out = explain(network, weights, loss, X, np.zeros(X.shape[0])).output
    column = target if loss == "cross_entropy" else 0
    return out[:, column].reshape(PICTURE_GRID, PICTURE_GRID)


class BoundaryPair(QWidget):
    """Two pictures side by side: the output before and after the step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pictures: list[QLabel] = []
        for title in ("before", "after"):
            column = QVBoxLayout()
            picture = QLabel()
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(title)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(picture)
            column.addWidget(caption)
            layout.addLayout(column)
            self.pictures.append(picture)
        self.images: list[npt.NDArray[np.float64]] = []

    def show_step(
        self,
        trace: StepTrace,
        state: TrainerState,
        request: GridRequest,
        value_range: tuple[float, float],
        palette: str,
        side: int,
    ) -> None:
        """Draw the output before and after `trace` over `request`, `side` pixels square."""
        network = state.network
        target = int(trace.explanation.targets[0]) if network.problem == "classification" else 0
        unit = target if network.output_units > 1 else 0
        self.images = [
            output_image(state, weights, request, target) for weights in (trace.before, trace.after)
        ]
        xy = state.data.train_xy[trace.indices]
        for picture, image in zip(self.pictures, self.images, strict=True):
            pixels = render_neuron(
                network, len(network.layers) + 1, unit, image, value_range, palette
            )[::-1].copy()  # row 0 at the top
            qimage = QImage(
                pixels.data,
                PICTURE_GRID,
                PICTURE_GRID,
                4 * PICTURE_GRID,
                QImage.Format.Format_RGB32,
            ).copy()
            pixmap = QPixmap.fromImage(qimage).scaled(
                side,
                side,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            _mark_points(pixmap, xy, request, palette)
            picture.setPixmap(pixmap)


def _mark_points(
    pixmap: QPixmap, xy: npt.NDArray[np.float64], request: GridRequest, palette: str
) -> None:
    """Ring the step's points on a picture of the view rectangle."""
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    side = pixmap.width()
    pen = QPen(QColor(colors.hex_color(colors.palette(palette).middle)).darker(300), 2.0)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for x, y in xy:
        px = (x - request.x_min) / (request.x_max - request.x_min) * side
        py = (request.y_max - y) / (request.y_max - request.y_min) * side
        painter.drawEllipse(QPointF(px, py), 5.0, 5.0)
    painter.end()
