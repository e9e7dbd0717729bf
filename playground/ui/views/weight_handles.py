"""Hands on the weights from the network diagram: a click on a link types its weight, a double
click on a neuron types its bias and freezes it or switches it off; frozen and switched-off
neurons are marked on the diagram. The diagram only reports the clicks; this does the rest."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QCursor

from playground.ui.models.session_model import SessionModel
from playground.ui.models.weight_editor import BIAS, WeightEditor
from playground.ui.views.diagram_layout import column_name
from playground.ui.views.network_diagram import NetworkDiagram, link_text
from playground.ui.views.weight_popups import NeuronPopup, ValuePopup


class WeightHandles(QObject):
    """Opens the weight and neuron editors from the diagram and marks frozen / off neurons."""

    def __init__(
        self, diagram: NetworkDiagram, *, weights: WeightEditor, model: SessionModel
    ) -> None:
        super().__init__(diagram)
        self._diagram, self._weights, self._model = diagram, weights, model
        self.popup: ValuePopup | None = None  # the open editor, if any
        diagram.link_clicked.connect(self._on_link_clicked)
        diagram.neuron_double_clicked.connect(self._on_neuron_double_clicked)
        weights.masks_changed.connect(self._update_marks)
        model.network_changed.connect(self._update_marks, self)
        model.replaced.connect(self._update_marks, self)
        self._update_marks()

    def open_neuron(self, grid_layer: int, unit: int, at: QPoint | None = None) -> None:
        """Open the editor of a neuron (grid layer 1 = first hidden) near `at` (screen)."""
        self._on_neuron_double_clicked(grid_layer, unit, at)

    def _on_link_clicked(self, layer: int, target: int, source: int) -> None:
        value = self._weights.value(layer, target, source)
        network = self._model.session.network
        title = link_text(network, layer, target, source, value or 0.0).split("\n")[1]
        self._open(
            ValuePopup(
                f"Weight {title}",
                value,
                lambda v: self._weights.set_weight(layer, target, source, v),
                self._diagram,
            )
        )

    def _on_neuron_double_clicked(
        self, grid_layer: int, unit: int, at: QPoint | None = None
    ) -> None:
        layer = grid_layer - 1  # dense layer: 0 = first hidden
        network = self._model.session.network
        masks = self._weights.masks
        hidden = layer < len(network.layers)
        self._open(
            NeuronPopup(
                column_name(grid_layer, network, unit).capitalize(),
                self._weights.value(layer, unit, BIAS),
                lambda v: self._weights.set_weight(layer, unit, BIAS, v),
                masks.is_frozen(layer, unit),
                lambda on: self._weights.set_frozen(layer, unit, on),
                masks.is_off(layer, unit) if hidden else None,
                lambda on: self._weights.set_off(layer, unit, on),
                self._diagram,
            ),
            at,
        )

    def _open(self, popup: ValuePopup, at: QPoint | None = None) -> None:
        if self.popup is not None:
            self.popup.close()
        self.popup = popup
        popup.closed.connect(lambda p=popup: self._forget(p))
        popup.popup_at(at if at is not None else QCursor.pos())

    def _forget(self, popup: ValuePopup) -> None:
        if self.popup is popup:
            self.popup = None

    def _update_marks(self, _: object = None) -> None:
        """Mark each neuron of the diagram frozen or off as the session says."""
        masks = self._weights.masks
        for column in self._diagram.columns[1:]:
            for item in column:
                layer, unit = item.layer - 1, item.unit
                fits = layer < len(masks.frozen) and unit < len(masks.frozen[layer])
                frozen = fits and masks.is_frozen(layer, unit)
                off = fits and masks.is_off(layer, unit)
                if (item.frozen, item.off) != (frozen, off):
                    item.frozen, item.off = frozen, off
                    item.update()
