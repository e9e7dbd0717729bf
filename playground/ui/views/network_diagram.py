"""The network diagram: every neuron as its own live heatmap, links coloured by the sign of the
weight and thick by its size. Items are built once per architecture; frames update them in
place (images and link pens), and a resize only moves them. Colours follow the palette; the
labels follow the font (larger in presentation mode)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from playground.engine import FEATURES, GridRequest, LayerWeights, NetworkSpec
from playground.engine.neuron_masks import NeuronMasks, bake_off
from playground.ui.controller import label_range
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.diagram_items import LinksItem, NeuronItem, neuron_columns
from playground.ui.views.diagram_layout import (
    MAX_NEURON,
    MIN_HEIGHT,
    MIN_WIDTH,
    RIGHT_MARGIN,
    column_name,
    feature_size,
    link_ends,
    link_index,
    place_columns,
)
from playground.ui.views.diagram_pointer import DiagramPointer
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.neuron_style import lut32, render_layer
from playground.ui.widgets.theme import TEXT, TEXT_MUTED
from playground.worker import Frame

__all__ = ["MAX_NEURON", "RIGHT_MARGIN", "LinksItem", "NetworkDiagram", "NeuronItem"]

THUMBNAIL_PIXELS = 50  # the grid is subsampled to at most about this many pixels per side
LINK_HIT_PIXELS = 5.0


class NetworkDiagram(QGraphicsView):
    """Draws the session's network; feeds on the runner's frames."""

    columns_changed = Signal(object)  # list[float]: the x centre of every column (widget coords)
    neuron_clicked = Signal(int, int)  # grid layer, unit
    feature_clicked = Signal(str)  # feature name
    link_clicked = Signal(int, int, int)  # dense layer, target unit, source unit (its W entry)
    neuron_double_clicked = Signal(int, int)  # grid layer (1 = first hidden), unit
    neuron_hovered = Signal(object)  # (grid layer, unit) under the mouse, or None

    def __init__(
        self,
        *,
        model: SessionModel,
        runner: TrainingRunner,
        selection: Selection,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model, self._runner, self._selection = model, runner, selection
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setStyleSheet("background: transparent;")
        self.setMinimumHeight(160)
        self._network: NetworkSpec | None = None
        self._columns: list[list[NeuronItem]] = []
        self._links = LinksItem()
        self._link_index = np.zeros((0, 3), dtype=np.int64)  # (layer, out, in) per link
        self._labels: list[QGraphicsSimpleTextItem] = []
        self._feature_cache: FeatureCache | None = None
        self._look = appearance.look
        self._links.palette = self._look.colors
        self._frame: Frame | None = None
        self.hovered: tuple[int, int] | None = None  # the neuron under the mouse
        # What colours the links: per layer (out, in) values in weight units from the weights;
        # None: the weights themselves (the step-through and the gradient view set it).
        self.link_source: Callable[[tuple[LayerWeights, ...]], list[np.ndarray]] | None = None
        self.column_x: list[float] = []
        self._scene.addItem(self._links)
        model.network_changed.connect(self._on_network_changed, self)
        model.replaced.connect(self._on_network_changed, self)
        runner.frame_ready.connect(self._on_frame)
        runner.grid_changed.connect(self._update_features)
        selection.changed.connect(self._update_selection, self)
        appearance.changed.connect(self._apply_look)
        self._rebuild()
        self.pointer = DiagramPointer(self)

    # ----- structure ------------------------------------------------------------------------

    def _on_network_changed(self, _: object = None) -> None:
        network = self._model.session.network
        if network != self._network:
            self._rebuild()

    def _rebuild(self) -> None:
        """Create the items for the session's architecture (only when it changes)."""
        network = self._model.session.network
        self._network = network
        for column in self._columns:
            for item in column:
                self._scene.removeItem(item)
        for label in self._labels:
            self._scene.removeItem(label)
        self._columns = neuron_columns(network)
        self._labels = [_feature_label(item) for item in self._columns[0]]
        for label in self._labels:
            self._scene.addItem(label)
        self._style_items()
        for column in self._columns:
            for item in column:
                self._scene.addItem(item)
        self._link_index = link_index(network)
        self._feature_cache = None
        self._layout()
        self._update_features()
        self._update_selection(self._selection.neuron)
        frame = self._runner.frame
        if frame is not None:
            self._on_frame(frame)

    def _style_items(self) -> None:
        """Label fonts (from the widget's font) and empty-neuron colour for the look."""
        self._label_pitch = None
        middle = QColor(colors.hex_color(self._look.colors.middle))
        for column in self._columns:
            for item in column:
                item.empty_color = middle

    def _apply_look(self, look: Look) -> None:
        self._look = look
        self._links.set_palette(look.colors)
        self._style_items()
        self._layout()
        self._update_features()
        if self._frame is not None:
            self._on_frame(self._frame)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and getattr(self, "_columns", None):
            self._style_items()
            self._layout()

    def _fit_labels(self, pitch: float) -> None:
        """The feature names in the widget's font, smaller if the rows are too close for it."""
        if pitch == getattr(self, "_label_pitch", None):
            return
        self._label_pitch = pitch
        font = _label_font(self.font(), pitch)
        for label in self._labels:
            label.setFont(font)

    def label_width(self) -> float:
        """Room the feature names need left of the first column."""
        shown = [label.boundingRect().width() for label in self._labels if label.isVisible()]
        return max(shown, default=0) + 12

    def _shown(self, column: list[NeuronItem]) -> list[NeuronItem]:
        """The items of a column that are drawn: in presentation mode only the inputs in use."""
        if column is self._columns[0] and self._look.presentation:
            return [item for item in column if item.active]
        return column

    def _layout(self) -> None:
        """Place the items for the current widget size (no items are created)."""
        width = max(self.viewport().width(), MIN_WIDTH)
        height = max(self.viewport().height(), MIN_HEIGHT)
        self._scene.setSceneRect(0, 0, width, height)
        shown = [self._shown(column) for column in self._columns]
        for item, label in zip(self._columns[0], self._labels, strict=True):
            item.setVisible(item in shown[0])
            label.setVisible(item in shown[0])
        self._fit_labels(feature_size(len(shown[0]), height) * 1.2)
        placements = place_columns([len(c) for c in shown], width, height, self.label_width())
        for column, place in zip(shown, placements, strict=True):
            for item, top in zip(column, place.tops, strict=True):
                item.set_size(place.size)
                item.setPos(place.centre - place.size / 2, top)
        self.column_x = [place.centre for place in placements]
        for label, item in zip(self._labels, self._columns[0], strict=True):
            rect = label.boundingRect()
            label.setPos(item.x() - rect.width() - 8, item.y() + (item.size - rect.height()) / 2)
        self._layout_links()
        if self._frame is not None and self._frame.network == self._network:
            self._update_thumbnails(self._frame)  # their resolution follows the neurons' size
        self.columns_changed.emit(self.column_x)

    def _layout_links(self) -> None:
        rows = [list(FEATURES).index(name) for name in self._network.inputs]
        neurons = [
            np.array([(item.x(), item.y(), item.size) for item in column])
            for column in self._columns
        ]
        starts, ends = link_ends(neurons, self._link_index, rows)
        self._links.set_geometry(starts, ends, self._scene.sceneRect())
        if self._frame is not None:
            self._update_links(self._frame.weights)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._layout()

    # ----- frames ---------------------------------------------------------------------------

    def _on_frame(self, frame: Frame) -> None:
        if frame.network != self._network or frame.snapshot.grid is None:
            return
        self._frame = frame
        self._update_thumbnails(frame)
        self._update_links(frame.weights)

    def _update_thumbnails(self, frame: Frame) -> None:
        grid, network = frame.snapshot.grid, self._network
        value_range = label_range(self._model.session.points)
        ratio = max(1.0, self.devicePixelRatioF())  # device pixels per scene unit
        for layer in range(1, len(grid.layers)):
            column = self._columns[layer]
            step = thumbnail_step(grid.request.resolution, column[0].size * ratio)
            images = grid.layers[layer][:, ::-step, ::step]  # row 0 at the top
            pixels = render_layer(network, layer, images, value_range, self._look.palette)
            for item, unit_pixels in zip(column, pixels, strict=True):
                item.set_pixels(unit_pixels)

    def refresh_links(self) -> None:
        """Colour the links again (after `link_source` changed)."""
        if self._frame is not None:
            self._update_links(self._frame.weights)

    def _update_links(self, weights: tuple[LayerWeights, ...]) -> None:
        if len(weights) != len(self._columns) - 1:
            return
        acting = bake_off(weights, self._masks())  # an off neuron's links: 0
        values = self.link_source(weights) if self.link_source else [w.W for w in acting]
        flat = np.concatenate([np.ravel(v) for v in values]) if values else np.zeros(0)
        if flat.size == len(self._link_index):
            self._links.set_weights(flat)

    def _update_features(self, _: object = None) -> None:
        request = self._runner.grid
        palette = self._look.palette
        if self._feature_cache is None or self._feature_cache[:2] != (request, palette):
            self._feature_cache = (request, palette, _feature_images(request, palette))
        images = self._feature_cache[2]
        for name, item in zip(FEATURES, self._columns[0], strict=True):
            item.set_pixels(images[name])

    def _update_selection(self, selection: tuple[int, int] | None) -> None:
        for column in self._columns[1:]:
            for item in column:
                selected = selection == (item.layer, item.unit)
                if item.selected != selected:
                    item.selected = selected
                    item.update()

    # ----- what the mouse points at (DiagramPointer turns gestures into signals) -----------

    def link_at(self, scene_pos: QPointF) -> tuple[int, int, int] | None:
        """(dense layer, target, source) of the link at a scene position, or None."""
        k = self._links.nearest(scene_pos.x(), scene_pos.y(), LINK_HIT_PIXELS)
        if k is None or len(self._links.weights) != len(self._link_index):
            return None
        layer, target, source = (int(v) for v in self._link_index[k])
        return layer, target, source

    def describe(self, scene_pos: QPointF) -> str:
        """The hover text at a scene position: a neuron, a link's weight (as drawn), or ''."""
        for item in self._scene.items(scene_pos):
            if isinstance(item, NeuronItem) and item.isVisible():
                return neuron_text(self._network, item.layer, item.unit, item.active, self._frame)
        link = self.link_at(scene_pos)
        if link is None or self._frame is None:
            return ""
        return link_hover(self._network, link, self._frame.weights, self._masks())

    def _masks(self) -> NeuronMasks | None:
        """The frozen and off neurons the links are drawn with: the frame's, else the session's."""
        masks = self._frame.masks if self._frame is not None else None
        return masks if masks is not None else self._model.session.neurons

    @property
    def columns(self) -> list[list[NeuronItem]]:
        """The neuron items, column by column (features first)."""
        return self._columns

    @property
    def links(self) -> LinksItem:
        """The links item."""
        return self._links


def thumbnail_step(resolution: int, pixels: float) -> int:
    """Every how many grid points a thumbnail `pixels` device pixels wide takes: as many
    points as it has pixels (at most THUMBNAIL_PIXELS), so that small neurons of a big network
    colour no more pixels than the screen shows."""
    wanted = min(THUMBNAIL_PIXELS, max(1, math.ceil(pixels)))
    return max(1, resolution // wanted)


FeatureCache = tuple[GridRequest, str, dict[str, npt.NDArray[np.uint32]]]  # request, palette


def _feature_label(item: NeuronItem) -> QGraphicsSimpleTextItem:
    """The name of the feature an input neuron shows, muted when the input is not used."""
    label = QGraphicsSimpleTextItem(FEATURES[list(FEATURES)[item.unit]].label)
    label.setBrush(QColor(TEXT if item.active else TEXT_MUTED))
    return label


def _label_font(base: QFont, pitch: float) -> QFont:
    """The feature names' font: a little smaller than `base`, smaller still if the rows are
    closer than its height."""
    font = QFont(base)
    points = max(8.0, font.pointSizeF() - 0.5)
    font.setPointSizeF(points)
    height = QFontMetricsF(font).height()
    if height > pitch:
        font.setPointSizeF(max(6.5, points * pitch / height))
    return font


def link_hover(
    network: NetworkSpec,
    link: tuple[int, int, int],
    weights: tuple[LayerWeights, ...],
    masks: NeuronMasks | None,
) -> str:
    """The hover text of link (dense layer, target, source) as it is drawn: a switched-off
    neuron's outgoing links act as 0, whatever weight is held for when it is back on."""
    layer, target, source = link
    weight = float(weights[layer].W[target, source])
    off = layer > 0 and masks is not None and masks.is_off(layer - 1, source)
    return link_text(network, layer, target, source, weight, off=off)


def link_text(
    network: NetworkSpec, layer: int, target: int, source: int, weight: float, *, off: bool = False
) -> str:
    """The hover text of a link: its weight, where it comes from and goes to (`off`: the link
    acts as 0 and `weight` is the one held for later)."""
    if layer == 0:
        origin = FEATURES[network.inputs[source]].label
    else:
        origin = f"neuron {source + 1} of layer {layer}"
    to = column_name(layer + 1, network, target)
    if off:
        return (
            f"Weight 0 (neuron off; held {weight:+.4f})\nfrom {origin} to {to}"
            "\nclick to type the held weight"
        )
    return f"Weight {weight:+.4f}\nfrom {origin} to {to}\nclick to type it"


def neuron_text(
    network: NetworkSpec, layer: int, unit: int, active: bool, frame: Frame | None = None
) -> str:
    """The hover text of a neuron (layer 0: an input feature), with its bias from `frame`."""
    if layer == 0:
        name = list(FEATURES)[unit]
        state = "used" if active else "not used"
        return f"{FEATURES[name].label}: {state} (click to toggle)"
    text = column_name(layer, network, unit).capitalize()
    if frame is not None and layer - 1 < len(frame.weights):
        text += f"\nbias {float(frame.weights[layer - 1].b[unit]):+.4f}"
    return text + (
        "\nclick to show it in the big view"
        "\ndouble-click to type its bias, freeze it or switch it off"
    )


def _feature_images(
    request: GridRequest, palette: str = colors.DEFAULT_PALETTE
) -> dict[str, npt.NDArray[np.uint32]]:
    """Every input feature over the view as ARGB thumbnails, row 0 at the top."""
    size = THUMBNAIL_PIXELS
    xs = np.linspace(request.x_min, request.x_max, size)
    ys = np.linspace(request.y_max, request.y_min, size)  # top row first
    gx, gy = np.meshgrid(xs, ys)
    images = {}
    for name, feature in FEATURES.items():
        values = feature.compute(gx, gy)
        low, high = colors.symmetric_range(values)
        images[name] = colors.map_values(values, low, high, lut32("diverging", palette))
    return images
