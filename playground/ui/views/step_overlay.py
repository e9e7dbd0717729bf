"""The step-through on the network diagram: numbers on every neuron and (small networks) every
link for the stage shown, the links coloured by the stage's values (weights, ∂L/∂w or Δw), the
selected link drawn over in the accent colour, and a click on a link selecting it. The live
gradient view also lives here: links coloured by ∂L/∂w from the frames while training runs.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from playground.engine import FEATURES, LayerWeights
from playground.ui.models.step_model import StepModel
from playground.ui.models.step_texts import link_label, link_values, neuron_caption, scaled
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.diagram_items import NeuronItem
from playground.ui.views.diagram_layout import link_index
from playground.ui.views.network_diagram import NetworkDiagram
from playground.ui.views.tag_places import link_spot, place_neuron_tags
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.theme import ACCENT, BORDER_STRONG, TEXT

MAX_LINK_LABELS = 24  # more links than this: only the selected link shows its number
LINK_PICK_PIXELS = 6.0
CAPTION_POINTS = 8.5


class Tag(QGraphicsItem):
    """A short text (one or two lines) on a rounded, nearly opaque white background."""

    def __init__(self, font: QFont) -> None:
        super().__init__()
        self.setZValue(5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._font = font
        self._text = ""
        self._size = QRectF()

    @property
    def text(self) -> str:
        """The text shown."""
        return self._text

    def set_text(self, text: str, font: QFont | None = None) -> None:
        """New text (and font)."""
        self.prepareGeometryChange()
        self._text = text
        self._font = font or self._font
        metrics = QFontMetricsF(self._font)
        lines = text.split("\n")
        width = max(metrics.horizontalAdvance(line) for line in lines)
        self._size = QRectF(0, 0, width + 6, metrics.height() * len(lines) + 2)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._size

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: D102
        widget: QWidget | None = None,
    ) -> None:
        painter.setPen(QPen(QColor(BORDER_STRONG), 0.8))
        painter.setBrush(QBrush(QColor(255, 255, 255, 232)))
        painter.drawRoundedRect(self._size, 3, 3)
        painter.setFont(self._font)
        painter.setPen(QColor(TEXT))
        painter.drawText(self._size, Qt.AlignmentFlag.AlignCenter, self._text)


class StepOverlay(QObject):
    """Draws a StepModel on a NetworkDiagram (and the live gradient view when it is on)."""

    def __init__(
        self,
        diagram: NetworkDiagram,
        step: StepModel,
        runner: TrainingRunner,
        appearance: Appearance,
    ) -> None:
        super().__init__(diagram)
        self._diagram, self._step, self._runner = diagram, step, runner
        self._look = appearance.look
        self._neuron_tags: dict[tuple[int, int], Tag] = {}
        self._link_tags: dict[int, Tag] = {}
        self._highlight = QGraphicsPathItem()
        self._highlight.setZValue(0)
        pen = QPen(QColor(ACCENT), 4.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._highlight.setPen(pen)
        self._highlight.setVisible(False)
        diagram.scene().addItem(self._highlight)
        self.gradients = False  # links coloured by dL/dW from the frames (while training)
        step.changed.connect(lambda _: self.update(), self)
        diagram.columns_changed.connect(lambda _: self._place())
        appearance.changed.connect(self._apply_look)
        diagram.viewport().installEventFilter(self)

    # ----- link colours ---------------------------------------------------------------------

    def set_gradients(self, on: bool) -> None:
        """Colour the links by ∂L/∂w averaged over recent batches (the frames carry it)."""
        self.gradients = bool(on)
        self.update()

    def _link_source(self, weights: tuple[LayerWeights, ...]) -> list[np.ndarray]:
        trace = self._step.trace
        if trace is not None:
            return link_values(trace, self._step.stage_name)
        frame = self._runner.frame
        if self.gradients and frame is not None and frame.weight_grads is not None:
            if [g.shape for g in frame.weight_grads] == [w.W.shape for w in weights]:
                return scaled(list(frame.weight_grads))
        return [w.W for w in weights]

    # ----- numbers ----------------------------------------------------------------------------

    def update(self) -> None:
        """Show the model's stage (or nothing when it is not inspecting)."""
        diagram = self._diagram
        trace = self._step.trace
        uses_source = trace is not None or self.gradients
        diagram.link_source = self._link_source if uses_source else None
        diagram.refresh_links()
        if trace is None:
            self._clear()
            return
        stage = self._step.stage_name
        font = self._font()
        network = self._step.trainer_state.network
        inputs = network.inputs
        wanted: dict[tuple[int, int], str] = {}
        for column, items in enumerate(diagram.columns):
            for item in items:
                if column == 0:
                    name = list(FEATURES)[item.unit]
                    if name in inputs:
                        wanted[(0, item.unit)] = neuron_caption(trace, stage, 0, inputs.index(name))
                else:
                    wanted[(column, item.unit)] = neuron_caption(trace, stage, column, item.unit)
        self._sync_tags(self._neuron_tags, wanted, font)
        index = link_index(network)
        link = self._step.link
        labels: dict[int, str] = {}
        for k, (layer, j, i) in enumerate(index.tolist()):
            if len(index) <= MAX_LINK_LABELS or link == (layer, j, i):
                labels[k] = link_label(trace, stage, (layer, j, i))
        self._sync_tags(self._link_tags, labels, font)
        self._place()

    def _sync_tags(self, tags: dict, wanted: dict, font: QFont) -> None:
        scene = self._diagram.scene()
        for key in [key for key in tags if key not in wanted]:
            scene.removeItem(tags.pop(key))
        for key, text in wanted.items():
            if key not in tags:
                tags[key] = Tag(font)
                scene.addItem(tags[key])
            tags[key].set_text(text, font)

    def _clear(self) -> None:
        self._sync_tags(self._neuron_tags, {}, self._font())
        self._sync_tags(self._link_tags, {}, self._font())
        self._highlight.setVisible(False)

    def _font(self) -> QFont:
        font = QFont(self._diagram.font())
        font.setPointSizeF(self._look.pt(CAPTION_POINTS))
        return font

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self.update()

    def _place(self) -> None:
        """Put every tag on its neuron or link (after a layout or a new stage), none over
        another or a feature's name (tag_places): the selected link's first (it always
        shows), then the neurons', then the other links' where they find room."""
        diagram = self._diagram
        columns = diagram.columns
        names = [
            item.sceneBoundingRect()
            for item in diagram.scene().items()
            if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()
        ]
        neurons = [item.sceneBoundingRect() for c in columns for item in c if item.isVisible()]
        samples = diagram.links.samples
        selected = self._selected_position()
        fixed = list(names)
        for k, tag in self._link_tags.items():
            tag.setVisible(k == selected and k < len(samples))
            if tag.isVisible():
                size = tag.boundingRect().size()
                free, middle = link_spot(samples[k], size, [*names, *neurons])
                free = free or link_spot(samples[k], size, names)[0]
                tag.setPos((free or middle).topLeft())
                fixed.append(tag.sceneBoundingRect())
        tags, wanted = [], []
        for (column, unit), tag in sorted(self._neuron_tags.items()):
            item = columns[column][unit] if column < len(columns) else None
            tag.setVisible(item is not None and item.isVisible())
            if tag.isVisible():
                tags.append(tag)
                wanted.append((item.sceneBoundingRect(), tag.boundingRect().size()))
        bounds = diagram.scene().sceneRect()
        for tag, rect in zip(tags, place_neuron_tags(wanted, fixed, neurons, bounds), strict=True):
            tag.setPos(rect.topLeft())
        taken = [*fixed, *neurons, *(tag.sceneBoundingRect() for tag in tags)]
        for k, tag in self._link_tags.items():
            if k == selected or k >= len(samples):
                continue
            free, _ = link_spot(samples[k], tag.boundingRect().size(), taken)
            tag.setVisible(free is not None)  # only where it fits
            if free is not None:
                tag.setPos(free.topLeft())
                taken.append(tag.sceneBoundingRect())
        self._place_highlight(samples)

    def _selected_position(self) -> int | None:
        state, link = self._step.trainer_state, self._step.link
        if state is None or link is None:
            return None
        index = link_index(state.network).tolist()
        return index.index(list(link)) if list(link) in index else None

    def _place_highlight(self, samples: np.ndarray) -> None:
        link = self._step.link
        state = self._step.trainer_state
        if link is None or state is None:
            self._highlight.setVisible(False)
            return
        index = link_index(state.network).tolist()
        if list(link) not in index or len(samples) != len(index):
            self._highlight.setVisible(False)
            return
        points = samples[index.index(list(link))]
        path = QPainterPath(QPointF(*points[0]))
        for x, y in points[1:]:
            path.lineTo(x, y)
        self._highlight.setPath(path)
        self._highlight.setVisible(True)

    # ----- clicks on links ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and self._step.active
            and event.button() == Qt.MouseButton.LeftButton
        ):
            return self._click(event.position())
        return False

    def _click(self, position: QPointF) -> bool:
        """Select the link under a click (True: the click is used up)."""
        diagram = self._diagram
        scene_pos = diagram.mapToScene(position.toPoint())
        if any(isinstance(item, NeuronItem) for item in diagram.scene().items(scene_pos)):
            return False
        k = diagram.links.nearest(scene_pos.x(), scene_pos.y(), LINK_PICK_PIXELS)
        if k is None:
            return False
        layer, j, i = (int(v) for v in link_index(self._step.trainer_state.network)[k])
        self._step.select_link((layer, j, i))
        return True

    @property
    def neuron_tags(self) -> dict[tuple[int, int], Tag]:
        """The numbers on the neurons by (column, unit) (column 0: the feature's index)."""
        return self._neuron_tags

    @property
    def link_tags(self) -> dict[int, Tag]:
        """The numbers on the links by link position."""
        return self._link_tags
