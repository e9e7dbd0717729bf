"""The network column: add/remove hidden layers, per-layer controls above each column, and the
diagram below. Every control reads the session from the SessionModel and writes through it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine import ACTIVATIONS, LayerSpec, NetworkSpec
from playground.ui.classroom.presentation import mark_advanced
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import MAX_LAYERS, MAX_UNITS, SessionModel
from playground.ui.models.training_runner import TrainingRunner
from playground.ui.views.network_diagram import MAX_NEURON, RIGHT_MARGIN, NetworkDiagram
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.choice_preview import PreviewCombo, activation_preview
from playground.ui.widgets.icons import icon
from playground.ui.widgets.theme import TEXT

CARD_WIDTH = 92
COMPACT_CARD_WIDTH = 34  # the least: below it the diagram scrolls sideways
HEADER_GAP = 8  # between the column titles
DROPOUT_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def _mini_button(name: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName("miniButton")
    button.setIcon(icon(name, TEXT))
    button.setToolTip(tooltip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _section_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


def _activation_box(scale: float) -> PreviewCombo:
    """The activations of the registry, each with its formula as tooltip."""
    box = PreviewCombo(activation_preview)
    box.setToolTip("Activation of this layer")
    for name, activation in ACTIVATIONS.items():
        box.addItem(name, name)
        box.setItemData(box.count() - 1, activation.formula, Qt.ItemDataRole.ToolTipRole)
    box.scale = scale
    return box


class LayerCard(QFrame):
    """Controls of one hidden layer: neurons −/+, activation, dropout and batch norm."""

    def __init__(
        self, model: SessionModel, layer: int, look: Look, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self.layer = layer
        self.setFixedWidth(card_width(look))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._units_row())
        self.activation_box = _activation_box(look.scale)
        layout.addWidget(self.activation_box)
        # Compact (a crowded diagram): the units and the activation as text, no controls.
        self.summary_label = QLabel()
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary_label.setProperty("role", "caption")
        self.summary_label.hide()
        layout.addWidget(self.summary_label)
        self.compact = False
        self.options_button = self._options_button()
        # Presentation mode hides the row (advanced); a compact card hides the button in it.
        self.options_row = mark_advanced(QWidget())
        row_layout = QHBoxLayout(self.options_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.options_button)
        layout.addWidget(self.options_row)
        self.options_row.setVisible(not look.presentation)

        self.minus_button.clicked.connect(lambda: model.change_units(self.layer, -1))
        self.plus_button.clicked.connect(lambda: model.change_units(self.layer, +1))
        self.activation_box.activated.connect(self._on_activation_chosen)

    def _units_row(self) -> QHBoxLayout:
        """Neurons −/+ around their number."""
        row = QHBoxLayout()
        row.setSpacing(2)
        self.minus_button = _mini_button("minus", "Remove a neuron")
        self.plus_button = _mini_button("plus", "Add a neuron")
        self.units_label = QLabel()
        self.units_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.units_label.setProperty("role", "metric")
        row.addWidget(self.minus_button)
        row.addWidget(self.units_label, 1)
        row.addWidget(self.plus_button)
        return row

    def _options_button(self) -> QToolButton:
        """A button whose menu holds the dropout rates and batch normalization."""
        button = QToolButton()
        button.setObjectName("layerOptions")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolTip("Dropout and batch normalization of this layer")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        menu = QMenu(button)
        menu.addSection("Dropout while training")
        self._dropout_group = QActionGroup(self)
        self.dropout_actions = {}
        model = self._model
        for rate in DROPOUT_RATES:
            action = menu.addAction("none" if rate == 0 else f"{rate:g}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, r=rate: model.set_layer(self.layer, dropout=r))
            self._dropout_group.addAction(action)
            self.dropout_actions[rate] = action
        menu.addSeparator()
        self.batch_norm_action = menu.addAction("Batch normalization")
        self.batch_norm_action.setCheckable(True)
        self.batch_norm_action.triggered.connect(
            lambda on: model.set_layer(self.layer, batch_norm=on)
        )
        button.setMenu(menu)
        return button

    def update_from(self, spec: LayerSpec) -> None:
        """Show a layer's settings."""
        self.units_label.setText(str(spec.units))
        self.units_label.setToolTip(
            f"{spec.units} neuron{'s' if spec.units != 1 else ''} in this layer"
        )
        self.minus_button.setEnabled(spec.units > 1)
        self.plus_button.setEnabled(spec.units < MAX_UNITS)
        self.activation_box.setCurrentIndex(self.activation_box.findData(spec.activation))
        self.activation_box.setToolTip(
            f"Activation of layer {self.layer + 1} (starts training "
            f"over): {ACTIVATIONS[spec.activation].formula}"
        )
        for rate, action in self.dropout_actions.items():
            action.setChecked(rate == spec.dropout)
        self.batch_norm_action.setChecked(spec.batch_norm)
        dropout = f"drop {spec.dropout:g}" if spec.dropout else "no dropout"
        self.options_button.setText(dropout + (" · BN" if spec.batch_norm else ""))
        self._activation = spec.activation
        self._update_summary()

    def set_compact(self, compact: bool) -> None:
        """Compact: the units and the activation as text (the transport's Activation box and
        the normal window change them); full: the −/+ buttons and the activation box."""
        self.compact = compact
        for widget in (self.minus_button, self.plus_button, self.activation_box):
            widget.setVisible(not compact)
        self.options_button.setVisible(not compact)
        self.summary_label.setVisible(compact)
        self._update_summary()

    def _update_summary(self) -> None:
        name = getattr(self, "_activation", "")
        metrics = self.summary_label.fontMetrics()
        self.summary_label.setText(
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(8, self.width() - 2))
        )
        self.summary_label.setToolTip(
            f"Layer {self.layer + 1}: {self.units_label.text()} neurons, {name}"
        )

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        if self.compact:
            self._update_summary()

    def _on_activation_chosen(self, index: int) -> None:
        self._model.set_layer(self.layer, activation=self.activation_box.itemData(index))


def card_width(look: Look) -> int:
    """The width of a layer's card (and so the least spacing of the diagram's columns)."""
    return round(CARD_WIDTH * (1.25 if look.presentation else 1.0))


class ColumnHeader(QWidget):
    """A row of widgets, each centred over a column of the diagram."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widgets: list[QWidget] = []
        self._xs: list[float] = []

    def set_widgets(self, widgets: list[QWidget]) -> None:
        """Replace the widgets (one per column to be placed)."""
        for widget in self._widgets:
            if widget not in widgets:
                widget.setParent(None)
                widget.deleteLater()
        self._widgets = widgets
        for widget in widgets:
            widget.setParent(self)
            widget.show()
        height = max((w.sizeHint().height() for w in widgets), default=0)
        self.setFixedHeight(height)
        self._place()

    def set_columns(self, xs: list[float]) -> None:
        """The x centres to place the widgets at (in this widget's coordinates)."""
        self._xs = xs
        self._place()

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._place()  # inside the row as it is now (the columns may not move)

    def _place(self) -> None:
        """Centre each widget over its column, then push them apart so none overlaps another
        or leaves the row (titles first stay left, the last stays right)."""
        placed = list(zip(self._widgets, self._xs, strict=False))
        widths, lefts = [], []
        for widget, x in placed:
            fixed = widget.minimumWidth() == widget.maximumWidth()
            width = max(
                widget.width() if fixed else widget.sizeHint().width(), widget.minimumWidth()
            )
            widths.append(width)
            lefts.append(min(max(0.0, x - width / 2), max(0.0, self.width() - width)))
        gap = HEADER_GAP if self._widgets and not isinstance(self._widgets[0], LayerCard) else 2
        for i in range(1, len(lefts)):  # left to right: no overlap
            lefts[i] = max(lefts[i], lefts[i - 1] + widths[i - 1] + gap)
        for i in range(len(lefts) - 1, -1, -1):  # right to left: inside the row
            limit = (
                self.width() - widths[i] if i == len(lefts) - 1 else lefts[i + 1] - gap - widths[i]
            )
            lefts[i] = max(0.0, min(lefts[i], limit))
        for (widget, _), left, width in zip(placed, lefts, widths, strict=True):
            widget.setGeometry(int(left), 0, int(width), self.height())


def _scroll_area(content: QWidget) -> QScrollArea:
    """Scrolls `content` sideways when the cards do not fit (never up and down)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll


class NetworkPanel(QWidget):
    """Layer count controls, per-layer cards and the live network diagram."""

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
        self._model, self._selection, self._appearance = model, selection, appearance
        self._cards: list[LayerCard] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self._content = QWidget()
        layout = QVBoxLayout(self._content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        self.title_header = ColumnHeader()
        self.features_title = _section_label("FEATURES")
        self.output_title = _section_label("OUTPUT")
        self.layers_control = self._layers_control()
        layout.addWidget(self.title_header)

        self.card_header = ColumnHeader()
        layout.addWidget(self.card_header)

        self.diagram = NetworkDiagram(
            model=model, runner=runner, selection=selection, appearance=appearance
        )
        self.diagram.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.diagram, 1)

        self._scroll = _scroll_area(self._content)
        outer.addWidget(self._scroll)

        self.diagram.columns_changed.connect(self._on_columns_changed)
        self.diagram.neuron_clicked.connect(self._on_neuron_clicked)
        self.diagram.feature_clicked.connect(model.toggle_input)
        model.network_changed.connect(self._update_network, self)
        model.replaced.connect(self._update_network, self)
        appearance.changed.connect(self._apply_look)
        self._update_network()

    def _layers_control(self) -> QWidget:
        """Hidden layers +/− and their count."""
        control = QWidget()
        row = QHBoxLayout(control)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.add_layer_button = _mini_button("plus", "Add a hidden layer")
        self.remove_layer_button = _mini_button("minus", "Remove the last hidden layer")
        self.layers_label = _section_label("")
        row.addWidget(self.add_layer_button)
        row.addWidget(self.remove_layer_button)
        row.addWidget(self.layers_label)
        self.add_layer_button.clicked.connect(self._model.add_layer)
        self.remove_layer_button.clicked.connect(self._model.remove_layer)
        return control

    def _apply_look(self, look: Look) -> None:
        """Card sizes for the look (their options button hides in presentation mode)."""
        for card in self._cards:
            card.activation_box.scale = look.scale
            card.options_row.setVisible(not look.presentation)
        self._fit_cards(force=True)
        self.title_header.set_widgets([self.features_title, self.layers_control, self.output_title])
        self._update_network()

    def _update_network(self, _: object = None) -> None:
        network: NetworkSpec = self._model.session.network
        hidden = len(network.layers)
        if len(self._cards) != hidden:
            self._cards = [LayerCard(self._model, i, self._appearance.look) for i in range(hidden)]
            self._fit_cards(force=True)
        for card, spec in zip(self._cards, network.layers, strict=True):
            card.update_from(spec)
        self._update_layers_label()
        self.add_layer_button.setEnabled(hidden < MAX_LAYERS)
        self.remove_layer_button.setEnabled(hidden > 0)
        self._update_minimum_width()
        self.layers_control.adjustSize()
        self._on_columns_changed(self.diagram.column_x)

    def _card_fit(self) -> tuple[int, bool]:
        """(card width, compact) for the panel's width: the full cards when they fit over
        their columns, else narrower compact ones (the whole network stays in view)."""
        full = card_width(self._appearance.look)
        columns = len(self._model.session.network.layers) + 2
        room = self.width() - self.diagram.label_width() - MAX_NEURON - RIGHT_MARGIN
        spacing = room / max(columns - 1, 1)
        if spacing - 4 >= full:
            return full, False
        return max(COMPACT_CARD_WIDTH, int(spacing - 4)), True

    def _fit_cards(self, force: bool = False) -> None:
        """Give the cards the width (and the compact form) that fits the panel."""
        width, compact = self._card_fit()
        changed = force or any(
            card.compact != compact or card.width() != width for card in self._cards
        )
        if not changed:
            return
        for card in self._cards:
            card.setFixedWidth(width)
            card.set_compact(compact)
        self._update_layers_label()
        self.card_header.set_widgets(list(self._cards))
        self.title_header.set_widgets([self.features_title, self.layers_control, self.output_title])
        self._update_minimum_width()

    def _update_layers_label(self) -> None:
        """'3 HIDDEN LAYERS'; compact: '6 LAYERS', and the cards show only their units when
        the layers share one activation (the top bar's Activation box names it)."""
        layers = self._model.session.network.layers
        compact = bool(self._cards) and self._cards[0].compact
        shared = {layer.activation for layer in layers}
        plural = "S" if len(layers) != 1 else ""
        full = f"{len(layers)} HIDDEN LAYER{plural}"
        short = compact or self._titles_too_wide(full)
        self.layers_label.setText(f"{len(layers)} LAYER{plural}" if short else full)
        changed = False
        for card in self._cards:
            show = card.compact and len(shared) > 1
            changed |= card.summary_label.isVisibleTo(card) != show
            card.summary_label.setVisible(show)
        self.layers_control.adjustSize()
        if changed:
            self.card_header.set_widgets(list(self._cards))

    def _titles_too_wide(self, layers_text: str) -> bool:
        """Presentation mode: whether the titles with `layers_text` would be wider than the
        panel (then it says 'N LAYERS': the diagram must not scroll sideways on a projector)."""
        if not self._appearance.look.presentation:
            return False
        metrics = self.layers_label.fontMetrics()
        extra = metrics.horizontalAdvance(layers_text) - metrics.horizontalAdvance(
            self.layers_label.text()
        )
        return self._titles_width() + extra > self._scroll.viewport().width()

    def _titles_width(self) -> int:
        """The least width of the title row: the three titles and the gaps between them."""
        titles = (self.features_title, self.layers_control, self.output_title)
        return sum(w.sizeHint().width() for w in titles) + 3 * HEADER_GAP

    def _update_minimum_width(self) -> None:
        """Room for every column's card (the diagram scrolls sideways below that)."""
        columns = len(self._model.session.network.layers) + 2
        spacing = (self._cards[0].width() if self._cards else COMPACT_CARD_WIDTH) + 4
        width = int(
            self.diagram.label_width() + MAX_NEURON + RIGHT_MARGIN + (columns - 1) * spacing
        )
        width = max(width, self._titles_width())  # the column titles never overlap
        if width != self._content.minimumWidth():
            self._content.setMinimumWidth(width)

    def _on_columns_changed(self, xs: list[float]) -> None:
        self._update_minimum_width()
        if not xs:
            return
        offset = self.diagram.x()
        shifted = [x + offset for x in xs]
        self.card_header.set_columns(shifted[1:-1])
        middle = (
            (shifted[1] + shifted[-2]) / 2 if len(shifted) > 2 else (shifted[0] + shifted[-1]) / 2
        )
        self.title_header.set_columns([max(shifted[0], 40), middle, shifted[-1]])

    def _on_neuron_clicked(self, layer: int, unit: int) -> None:
        selection = None if self._selection.neuron == (layer, unit) else (layer, unit)
        if layer == len(self._model.session.network.layers) + 1 and (
            self._model.session.network.output_units == 1
        ):
            selection = None  # the single output is what the big view shows anyway
        self._selection.select(selection)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt API
        super().resizeEvent(event)
        self._fit_cards()
        self._update_layers_label()
        self._on_columns_changed(self.diagram.column_x)

    @property
    def cards(self) -> list[LayerCard]:
        """The per-layer control cards."""
        return self._cards
