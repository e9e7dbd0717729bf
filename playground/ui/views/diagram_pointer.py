"""The mouse on the network diagram: clicks on features, neurons and links, double clicks,
the neuron under the mouse and the hover text. An event filter on the diagram's viewport, so
the diagram itself only draws; what a gesture means goes out on the diagram's signals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QToolTip

from playground.engine import FEATURES
from playground.ui.views.diagram_items import NeuronItem

if TYPE_CHECKING:
    from playground.ui.views.network_diagram import NetworkDiagram


class DiagramPointer(QObject):
    """Turns mouse events on a NetworkDiagram into its signals (and keeps `hovered`)."""

    def __init__(self, diagram: NetworkDiagram) -> None:
        super().__init__(diagram)
        self._diagram = diagram
        diagram.setMouseTracking(True)
        diagram.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            return self._press(event)
        if kind == QEvent.Type.MouseButtonDblClick:
            return self._double_click(event)
        if kind == QEvent.Type.MouseMove:
            self._move(event)
        elif kind == QEvent.Type.Leave:
            self._hover(None)
        return False  # the view goes on with the event

    def neuron_at(self, pos: QPointF) -> NeuronItem | None:
        """The visible neuron at a widget position, or None."""
        for item in self._diagram.items(pos.toPoint()):
            if isinstance(item, NeuronItem) and item.isVisible():
                return item
        return None

    def _press(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        diagram = self._diagram
        item = self.neuron_at(event.position())
        if item is None:
            link = diagram.link_at(diagram.mapToScene(event.position().toPoint()))
            if link is None:
                return False
            diagram.link_clicked.emit(*link)
        elif item.layer == 0:
            diagram.feature_clicked.emit(list(FEATURES)[item.unit])
        else:
            diagram.neuron_clicked.emit(item.layer, item.unit)
        return True

    def _double_click(self, event: QMouseEvent) -> bool:
        item = self.neuron_at(event.position())
        if item is None or item.layer == 0 or event.button() != Qt.MouseButton.LeftButton:
            return False
        self._diagram.neuron_double_clicked.emit(item.layer, item.unit)
        return True

    def _move(self, event: QMouseEvent) -> None:
        diagram = self._diagram
        pos = event.position()
        item = self.neuron_at(pos)
        self._hover((item.layer, item.unit) if item is not None and item.layer > 0 else None)
        text = diagram.describe(diagram.mapToScene(pos.toPoint()))
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, diagram)
        else:
            QToolTip.hideText()

    def _hover(self, neuron: tuple[int, int] | None) -> None:
        if neuron != self._diagram.hovered:
            self._diagram.hovered = neuron
            self._diagram.neuron_hovered.emit(neuron)
