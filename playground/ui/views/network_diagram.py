"""The network diagram: every neuron as its own live heatmap, links coloured by the sign of the
weight and thick by its size. Items are built once per architecture; frames update them in
place (images and link pens), and a resize only moves them. Colours follow the palette; the
labels follow the font (larger in presentation mode)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QToolTip,
    QWidget,
)

from playground.engine import FEATURES, GridRequest, LayerWeights, NetworkSpec
from playground.ui.controller import Controller, label_range
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Look
from playground.ui.widgets.neuron_style import lut32, render_neuron
from playground.ui.widgets.theme import ACCENT, BORDER_STRONG, TEXT, TEXT_MUTED
from playground.worker import Frame

THUMBNAIL_PIXELS = 50  # the grid is subsampled to about this many pixels per side
MAX_NEURON = 58.0
MIN_NEURON = 12.0
READABLE_NEURON = 40.0  # a neuron may take more of its column's spacing to reach this size
LINK_SHARE = 0.42  # of the spacing a neuron takes when there is room (the rest: links)
TIGHT_SHARE = 0.62  # the most it takes on a crowded diagram (a projector beside notes)
RIGHT_MARGIN = 24.0
TOP_MARGIN = 8.0
CURVED_LINK_LIMIT = 400  # more links than this are drawn straight (faster)
DENSE_LINKS = 2000  # more links than this: no antialiasing, the faintest are left out
WIDTH_LEVELS = np.array([0.15, 0.35, 0.6, 1.0, 1.5, 2.2, 3.2])  # |w| bucket edges
LINK_HIT_PIXELS = 5.0


class NeuronItem(QGraphicsItem):
    """One neuron: a rounded square showing its output over the plane."""

    def __init__(self, layer: int, unit: int) -> None:
        super().__init__()
        self.layer = layer
        self.unit = unit
        self.size = 30.0
        self.active = True
        self.selected = False
        self.empty_color = QColor(colors.hex_color(colors.MIDDLE))
        self._image: QImage | None = None
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(-2, -2, self.size + 4, self.size + 4)

    def set_size(self, size: float) -> None:
        """Resize (the item's origin is its top-left corner)."""
        self.prepareGeometryChange()
        self.size = size

    def set_pixels(self, pixels: npt.NDArray[np.uint32] | None) -> None:
        """New ARGB pixels (h, w), row 0 at the top; None clears."""
        if pixels is None:
            self._image = None
        else:
            h, w = pixels.shape
            if self._image is None or (self._image.height(), self._image.width()) != (h, w):
                self._image = QImage(w, h, QImage.Format.Format_RGB32)
            # Copy into the image's own memory (no buffer shared between numpy and Qt).
            view = np.frombuffer(self._image.bits(), dtype=np.uint32, count=w * h)
            view[:] = pixels.ravel()
        self.update()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: D102
        widget: QWidget | None = None,
    ) -> None:
        rect = QRectF(0, 0, self.size, self.size)
        painter.setOpacity(1.0 if self.active else 0.32)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(rect, self._image)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setBrush(QBrush(self.empty_color))
        pen = QPen(QColor(ACCENT), 2.6) if self.selected else QPen(QColor(BORDER_STRONG), 1.0)
        painter.setPen(pen)
        painter.drawRect(rect)


class LinksItem(QGraphicsItem):
    """All links between neurons, painted in a few pens (grouped by sign and thickness)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(-1)
        self._bounds = QRectF()
        self._starts = np.zeros((0, 2))
        self._ends = np.zeros((0, 2))
        self._weights = np.zeros(0)
        self._curved = True
        self._shapes: list = []  # one QPainterPath (curved) or QLineF (straight) per link
        self._groups: list[tuple[QPen, list[int]]] = []
        self.samples = np.zeros((0, 12, 2))  # points along each link, for hit testing
        self.palette = colors.palette()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def set_geometry(
        self, starts: npt.NDArray[np.float64], ends: npt.NDArray[np.float64], bounds: QRectF
    ) -> None:
        """Link end points (n, 2) each; the weights keep their order."""
        self.prepareGeometryChange()
        self._bounds = bounds
        self._starts, self._ends = starts, ends
        t = np.linspace(0.0, 1.0, 12)[None, :, None]
        self._curved = len(starts) <= CURVED_LINK_LIMIT
        if self._curved:
            mid = (starts[:, 0] + ends[:, 0]) / 2
            c1 = np.column_stack([mid, starts[:, 1]])[:, None, :]
            c2 = np.column_stack([mid, ends[:, 1]])[:, None, :]
            s, e = starts[:, None, :], ends[:, None, :]
            self.samples = (
                (1 - t) ** 3 * s + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t**2 * c2 + t**3 * e
            )
            self._shapes = []
            for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist(), strict=True):
                path = QPainterPath(QPointF(x0, y0))
                mid = (x0 + x1) / 2
                path.cubicTo(mid, y0, mid, y1, x1, y1)
                self._shapes.append(path)
        else:
            self.samples = starts[:, None, :] * (1 - t) + ends[:, None, :] * t
            self._shapes = [
                QLineF(x0, y0, x1, y1)
                for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist(), strict=True)
            ]
        self._group()

    def set_palette(self, palette: colors.Palette) -> None:
        """Colour the links with another palette (class 1 positive, class 0 negative)."""
        self.palette = palette
        self._group()
        self.update()

    def set_weights(self, weights: npt.NDArray[np.float64]) -> None:
        """One weight per link, in geometry order."""
        self._weights = np.nan_to_num(np.asarray(weights, float))
        self._group()
        self.update()

    def _group(self) -> None:
        """Sort the links into pens (sign × thickness); faint links of dense layers are left
        out, they would only be noise."""
        n = len(self._starts)
        if n == 0 or len(self._weights) != n:
            self._groups = []
            return
        level = np.searchsorted(WIDTH_LEVELS, np.abs(self._weights))
        key = level * 2 + (self._weights > 0)
        order = np.argsort(key, kind="stable")
        bounds = np.flatnonzero(np.diff(key[order])) + 1
        groups = []
        for members in np.split(order, bounds):
            k = int(key[members[0]])
            if not self._curved and k // 2 == 0 and n > DENSE_LINKS:
                continue
            groups.append((_link_pen(k // 2, bool(k % 2), n, self.palette), members.tolist()))
        self._groups = groups

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: D102
        widget: QWidget | None = None,
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shapes = self._shapes
        if not self._curved:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(shapes) <= DENSE_LINKS)
        for pen, members in self._groups:
            painter.setPen(pen)
            if self._curved:
                for i in members:
                    painter.drawPath(shapes[i])
            else:
                painter.drawLines([shapes[i] for i in members])

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """The link passing closest to (x, y) within radius, or None."""
        if len(self.samples) == 0:
            return None
        distance = np.hypot(self.samples[..., 0] - x, self.samples[..., 1] - y).min(axis=1)
        i = int(np.argmin(distance))
        return i if distance[i] <= radius else None

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """The weights shown, one per link."""
        return self._weights


def _link_pen(
    level: int, positive: bool, links: int, palette: colors.Palette | None = None
) -> QPen:
    """Blue for positive, orange for negative weights (the palette's ends); thicker and stronger
    for larger |w|. Dense diagrams get thin pens (thick lines by the thousand are slow and
    unreadable)."""
    palette = palette or colors.palette()
    strength = min(level / len(WIDTH_LEVELS), 1.0)
    # Opaque colours faded toward white: translucent pens are many times slower to draw.
    end = palette.positive if positive else palette.negative
    rgb = colors.lighten(end, 0.72 - 0.62 * strength)
    color = QColor(*rgb)
    if links > DENSE_LINKS:
        width = 1.0
    else:
        width = 0.7 + (5.3 if links <= CURVED_LINK_LIMIT else 2.3) * strength**1.2
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if width > 1.5 else Qt.PenCapStyle.FlatCap)
    return pen


class NetworkDiagram(QGraphicsView):
    """Draws the network of the controller's session; feeds on its frames."""

    columns_changed = Signal(object)  # list[float]: the x centre of every column (widget coords)
    neuron_clicked = Signal(int, int)  # grid layer, unit
    feature_clicked = Signal(str)  # feature name

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMouseTracking(True)
        self.setStyleSheet("background: transparent;")
        self.setMinimumHeight(160)
        self._network: NetworkSpec | None = None
        self._columns: list[list[NeuronItem]] = []
        self._links = LinksItem()
        self._link_index = np.zeros((0, 3), dtype=np.int64)  # (layer, out, in) per link
        self._labels: list[QGraphicsSimpleTextItem] = []
        self._feature_cache: tuple[GridRequest, str, dict[str, npt.NDArray[np.uint32]]] | None = (
            None
        )
        self._look = controller.appearance.look
        self._links.palette = self._look.colors
        self._frame: Frame | None = None
        self.column_x: list[float] = []
        self._scene.addItem(self._links)
        controller.network_changed.connect(self._on_network_changed)
        controller.session_replaced.connect(self._on_network_changed)
        controller.frame_ready.connect(self._on_frame)
        controller.grid_changed.connect(self._update_features)
        controller.selection_changed.connect(self._update_selection)
        controller.appearance.changed.connect(self._apply_look)
        self._rebuild()

    # ----- structure ------------------------------------------------------------------------

    def _on_network_changed(self, _: object = None) -> None:
        network = self._controller.session.network
        if network != self._network:
            self._rebuild()

    def _rebuild(self) -> None:
        """Create the items for the session's architecture (only when it changes)."""
        network = self._controller.session.network
        self._network = network
        for column in self._columns:
            for item in column:
                self._scene.removeItem(item)
        for label in self._labels:
            self._scene.removeItem(label)
        self._columns, self._labels = [], []
        features = [NeuronItem(0, i) for i in range(len(FEATURES))]
        self._columns.append(features)
        for i, layer in enumerate(network.layers):
            self._columns.append([NeuronItem(i + 1, u) for u in range(layer.units)])
        self._columns.append(
            [NeuronItem(len(network.layers) + 1, u) for u in range(network.output_units)]
        )
        for name, item in zip(FEATURES, features, strict=True):
            item.active = name in network.inputs
            label = QGraphicsSimpleTextItem(FEATURES[name].label)
            label.setBrush(QColor(TEXT if item.active else TEXT_MUTED))
            self._labels.append(label)
            self._scene.addItem(label)
        self._style_items()
        for column in self._columns:
            for item in column:
                self._scene.addItem(item)
        index = []
        for layer in range(len(self._columns) - 1):
            n_out = network.layer_sizes[layer + 1]
            n_in = network.layer_sizes[layer]
            for j in range(n_out):
                for i in range(n_in):
                    index.append((layer, j, i))
        self._link_index = np.array(index, dtype=np.int64).reshape(-1, 3)
        self._feature_cache = None
        self._layout()
        self._update_features()
        self._update_selection(self._controller.selection)
        frame = self._controller.frame
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
        font = QFont(self.font())
        points = max(8.0, font.pointSizeF() - 0.5)
        font.setPointSizeF(points)
        height = QFontMetricsF(font).height()
        if height > pitch:
            font.setPointSizeF(max(6.5, points * pitch / height))
        for label in self._labels:
            label.setFont(font)

    def label_width(self) -> float:
        """Room the feature names need left of the first column."""
        return (
            max(
                (label.boundingRect().width() for label in self._labels if label.isVisible()),
                default=0,
            )
            + 12
        )

    def _shown(self, column: list[NeuronItem]) -> list[NeuronItem]:
        """The items of a column that are drawn: in presentation mode only the inputs in use."""
        if column is self._columns[0] and self._look.presentation:
            return [item for item in column if item.active]
        return column

    def _layout(self) -> None:
        """Place the items for the current widget size (no items are created)."""
        width, height = max(self.viewport().width(), 200), max(self.viewport().height(), 120)
        self._scene.setSceneRect(0, 0, width, height)
        n_cols = len(self._columns)
        usable = height - 2 * TOP_MARGIN

        def fit(rows: int, spacing: float) -> float:
            across = max(spacing * LINK_SHARE, min(spacing * TIGHT_SHARE, READABLE_NEURON))
            size = min(MAX_NEURON, usable / (rows * 1.22 + 0.2), across)
            return max(MIN_NEURON, size)

        shown_features = self._shown(self._columns[0])
        for item, label in zip(self._columns[0], self._labels, strict=True):
            item.setVisible(item in shown_features)
            label.setVisible(item in shown_features)
        feature_size = fit(len(shown_features), 1e9)
        self._fit_labels(feature_size * 1.2)
        first = self.label_width() + feature_size / 2
        last = width - RIGHT_MARGIN - MAX_NEURON / 2
        spacing = (last - first) / max(n_cols - 1, 1)
        xs = []
        for c, column in enumerate(self._columns):
            column = self._shown(column)
            rows = len(column)
            size = fit(rows, spacing)
            gap = min(size * 0.22, (usable - rows * size) / max(rows - 1, 1)) if rows > 1 else 0
            centre = first + c * spacing
            for r, item in enumerate(column):
                item.set_size(size)
                item.setPos(centre - size / 2, TOP_MARGIN + r * (size + gap))
            xs.append(centre)
        self.column_x = xs
        for label, item in zip(self._labels, self._columns[0], strict=True):
            rect = label.boundingRect()
            label.setPos(item.x() - rect.width() - 8, item.y() + (item.size - rect.height()) / 2)
        self._layout_links()
        self.columns_changed.emit(xs)

    def _layout_links(self) -> None:
        network = self._network
        rows = [list(FEATURES).index(name) for name in network.inputs]
        # (x, y, size) of every neuron, column by column; links index into them
        geometry = [
            np.array([(item.x(), item.y(), item.size) for item in column])
            for column in self._columns
        ]
        starts, ends = [], []
        for layer in range(len(self._columns) - 1):
            mask = self._link_index[:, 0] == layer
            src_rows = self._link_index[mask, 2]
            if layer == 0:
                src_rows = np.asarray(rows)[src_rows]
            src = geometry[layer][src_rows]
            dst = geometry[layer + 1][self._link_index[mask, 1]]
            starts.append(np.column_stack([src[:, 0] + src[:, 2], src[:, 1] + src[:, 2] / 2]))
            ends.append(np.column_stack([dst[:, 0], dst[:, 1] + dst[:, 2] / 2]))
        self._links.set_geometry(
            np.concatenate(starts) if starts else np.zeros((0, 2)),
            np.concatenate(ends) if ends else np.zeros((0, 2)),
            self._scene.sceneRect(),
        )
        if self._frame is not None:
            self._update_links(self._frame.weights)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._layout()

    # ----- frames ---------------------------------------------------------------------------

    def _on_frame(self, frame: Frame) -> None:
        network = self._network
        if frame.network != network or frame.snapshot.grid is None:
            return
        self._frame = frame
        grid = frame.snapshot.grid
        step = max(1, grid.request.resolution // THUMBNAIL_PIXELS)
        value_range = label_range(self._controller.session.points)
        for layer in range(1, len(grid.layers)):
            images = grid.layers[layer][:, ::-step, ::step]  # row 0 at the top
            for unit, item in enumerate(self._columns[layer]):
                item.set_pixels(
                    render_neuron(
                        network, layer, unit, images[unit], value_range, self._look.palette
                    )
                )
        self._update_links(frame.weights)

    def _update_links(self, weights: tuple[LayerWeights, ...]) -> None:
        if len(weights) != len(self._columns) - 1:
            return
        flat = np.concatenate([w.W.ravel() for w in weights]) if weights else np.zeros(0)
        if flat.size == len(self._link_index):
            self._links.set_weights(flat)

    def _update_features(self, _: object = None) -> None:
        request = self._controller.grid
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

    # ----- mouse ----------------------------------------------------------------------------

    def _neuron_at(self, pos: QPointF) -> NeuronItem | None:
        for item in self.items(pos.toPoint()):
            if isinstance(item, NeuronItem) and item.isVisible():
                return item
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        item = self._neuron_at(event.position())
        if item is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        if item.layer == 0:
            self.feature_clicked.emit(list(FEATURES)[item.unit])
        else:
            self.neuron_clicked.emit(item.layer, item.unit)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().mouseMoveEvent(event)
        pos = event.position()
        text = self.describe(self.mapToScene(pos.toPoint()))
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def describe(self, scene_pos: QPointF) -> str:
        """The hover text at a scene position: a neuron, a link's weight, or ''."""
        for item in self._scene.items(scene_pos):
            if isinstance(item, NeuronItem) and item.isVisible():
                return self._describe_neuron(item)
        k = self._links.nearest(scene_pos.x(), scene_pos.y(), LINK_HIT_PIXELS)
        if k is None or len(self._links.weights) != len(self._link_index):
            return ""
        layer, j, i = self._link_index[k]
        source = (
            FEATURES[self._network.inputs[i]].label
            if layer == 0
            else f"neuron {i + 1} of layer {layer}"
        )
        target = _column_name(layer + 1, self._network, j)
        return f"Weight {self._links.weights[k]:+.4f}\nfrom {source} to {target}"

    def _describe_neuron(self, item: NeuronItem) -> str:
        if item.layer == 0:
            name = list(FEATURES)[item.unit]
            state = "used" if item.active else "not used"
            return f"{FEATURES[name].label}: {state} (click to toggle)"
        text = _column_name(item.layer, self._network, item.unit).capitalize()
        frame = self._frame
        if frame is not None and item.layer - 1 < len(frame.weights):
            bias = frame.weights[item.layer - 1].b[item.unit]
            text += f"\nbias {bias:+.4f}"
        return text + "\nclick to show it in the big view"

    @property
    def columns(self) -> list[list[NeuronItem]]:
        """The neuron items, column by column (features first)."""
        return self._columns

    @property
    def links(self) -> LinksItem:
        """The links item."""
        return self._links


def _column_name(layer: int, network: NetworkSpec, unit: int) -> str:
    if layer == len(network.layers) + 1:
        if network.output_units == 1:
            return "the output"
        return f"output (class {unit})"
    return f"neuron {unit + 1} of layer {layer}"


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
