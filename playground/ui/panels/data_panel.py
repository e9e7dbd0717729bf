"""The data column: a gallery of presets (keys 1–9), their parameters, the drawing tools (class
or value, draw/erase, undo/redo, clear) and CSV import/export buttons. Presentation mode hides
the drawing tools; the colours follow the palette."""

from __future__ import annotations

from functools import cache

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.data.generators import DATASETS, generate
from playground.data.points import MAX_CLASSES, Points
from playground.ui.classroom.presentation import mark_advanced
from playground.ui.classroom.shortcuts import PRESET_KEYS
from playground.ui.controller import label_range
from playground.ui.models.data_editor import DataEditor, DataRecipe, DrawSettings
from playground.ui.models.session_model import SessionModel
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import Appearance, Look
from playground.ui.widgets.icons import icon, marker_icon
from playground.ui.widgets.theme import BORDER, TEXT

THUMBNAIL = 62
THUMBNAIL_PRESENTING = 48  # one column of thumbnails, each with its key
POINT_COUNTS = (20, 50, 100, 200, 300, 500, 1000, 2000)
GALLERY_COLUMNS = 3


@cache
def dataset_thumbnail(
    name: str, size: int = THUMBNAIL, palette: str = colors.DEFAULT_PALETTE, badge: str = ""
) -> QPixmap:
    """A small picture of a preset: its points on white, with an optional key badge in the
    corner (cached; drawn at 3× for crispness)."""
    points = generate(name, n=160, noise=0.0, seed=1)
    ratio = 3.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(BORDER), 1))
    painter.setBrush(QBrush(QColor("white")))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 6, 6)
    painter.setPen(Qt.PenStyle.NoPen)
    rgb = colors.point_colors(points.labels, points.problem, label_range(points), palette)
    scale = (size - 8) / 12.0
    radius = 1.7 * size / THUMBNAIL
    for (x, y), c in zip(points.xy, rgb, strict=True):
        painter.setBrush(QColor(int(c[0]), int(c[1]), int(c[2])))
        painter.drawEllipse(QPointF(size / 2 + x * scale, size / 2 - y * scale), radius, radius)
    if badge:
        side = size * 0.36
        painter.setBrush(QColor(TEXT))
        painter.drawRoundedRect(QRectF(1.5, 1.5, side, side), side * 0.25, side * 0.25)
        font = QFont()
        font.setPixelSize(round(side * 0.78))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(1.5, 1.5, side, side), Qt.AlignmentFlag.AlignCenter, badge)
    painter.end()
    return pixmap


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


class GalleryButton(QToolButton):
    """A square preset button that keeps its size when the style sheet polishes it (the sheet's
    min-height for tool buttons would otherwise let the column squeeze it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._side = THUMBNAIL + 8

    def set_side(self, side: int) -> None:
        """The button's width and height."""
        self._side = side
        self.setFixedSize(side, side)

    def event(self, event: QEvent) -> bool:  # noqa: D102
        handled = super().event(event)
        if event.type() in (QEvent.Type.Polish, QEvent.Type.StyleChange):
            self.setFixedSize(self._side, self._side)
        return handled


class LabelledSlider(QWidget):
    """A slider with a caption and its value on one line above it; commits after a pause."""

    committed = Signal(int)  # the slider position

    def __init__(
        self, caption: str, maximum: int, text: callable, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._text = text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        top = QHBoxLayout()
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "caption")
        self.value_label = QLabel()
        self.value_label.setProperty("role", "value")
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.value_label)
        layout.addLayout(top)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, maximum)
        self.slider.setPageStep(1)
        layout.addWidget(self.slider)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(lambda: self.committed.emit(self.slider.value()))
        self.slider.valueChanged.connect(self._on_moved)

    def set_position(self, position: int) -> None:
        """Move without committing."""
        self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(False)
        self.value_label.setText(self._text(position))

    def _on_moved(self, position: int) -> None:
        self.value_label.setText(self._text(position))
        self._timer.start()


class PresetGallery(QWidget):
    """The presets as a grid of thumbnails (one column with key badges when presenting)."""

    def __init__(self, data: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = data
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self.buttons: dict[str, GalleryButton] = {}
        keys = dict(zip(DATASETS, PRESET_KEYS, strict=False))
        for i, (name, info) in enumerate(DATASETS.items()):
            button = GalleryButton()
            button.setObjectName("galleryButton")
            button.setCheckable(True)
            key = f" — key {keys[name]}" if name in keys else ""
            button.setToolTip(f"<b>{info.title}</b> ({info.problem}){key}<br>{info.description}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, n=name: data.set_recipe(name=n))
            self.group.addButton(button)
            self.buttons[name] = button
            self._grid.addWidget(button, i // GALLERY_COLUMNS, i % GALLERY_COLUMNS)

    def apply_look(self, look: Look) -> None:
        """Thumbnails in the palette's colours, larger in presentation mode."""
        size = THUMBNAIL_PRESENTING if look.presentation else THUMBNAIL
        columns = 1 if look.presentation else GALLERY_COLUMNS
        keys = dict(zip(DATASETS, PRESET_KEYS, strict=False))
        for i, (name, button) in enumerate(self.buttons.items()):
            badge = keys.get(name, "") if look.presentation else ""
            button.setIcon(QIcon(dataset_thumbnail(name, size, look.palette, badge)))
            button.setIconSize(QSize(size, size))
            button.set_side(size + 8)
            self._grid.removeWidget(button)
            self._grid.addWidget(button, i // columns, i % columns)
        self._grid.setSpacing(3 if look.presentation else 6)

    def update_checked(self) -> None:
        """Check the active preset's button (none when the points were edited by hand)."""
        recipe = self._data.recipe
        active = self._data.recipe_active
        self.group.setExclusive(False)
        for name, button in self.buttons.items():
            button.setChecked(active and name == recipe.name)
        self.group.setExclusive(True)


class RecipeForm(QWidget):
    """The preset's title and parameters: its option, test and validation shares, noise, point
    count."""

    def __init__(self, data: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.dataset_title = QLabel()
        self.dataset_title.setProperty("role", "value")
        layout.addWidget(self.dataset_title)
        layout.addWidget(self._build_option_row())
        self.test_slider = LabelledSlider("Test data", 9, lambda p: f"{10 * p} %")
        self.validation_slider = LabelledSlider("Validation data", 9, lambda p: f"{10 * p} %")
        self.noise_slider = LabelledSlider("Noise", 20, lambda p: f"{p * 0.05:.2f}")
        self.count_slider = LabelledSlider(
            "Points", len(POINT_COUNTS) - 1, lambda p: f"{POINT_COUNTS[p]}"
        )
        self.test_slider.slider.setToolTip(
            "Share of the points held out as test data (drawn as rings, never trained on)"
        )
        self.validation_slider.slider.setToolTip(
            "Share of the points held out for early stopping (drawn as rings, never trained "
            "on): the test points stay untouched, so the test loss stays a fair measure"
        )
        self.noise_slider.slider.setToolTip("How far the points scatter from the clean pattern")
        self.count_slider.slider.setToolTip("How many points the data set has")
        sliders = (self.test_slider, self.validation_slider, self.noise_slider, self.count_slider)
        for slider in sliders:
            layout.addWidget(slider)
        self.regenerate_button = QPushButton(icon("regenerate", TEXT), "Regenerate")
        self.regenerate_button.setToolTip("The same kind of data with a new random seed")
        layout.addWidget(self.regenerate_button)

        self.option_box.valueChanged.connect(self._on_option_changed)
        self.test_slider.committed.connect(lambda p: self._set_shares(test_ratio=p / 10))
        self.validation_slider.committed.connect(
            lambda p: self._set_shares(validation_ratio=p / 10)
        )
        self.noise_slider.committed.connect(lambda p: data.set_recipe(noise=p * 0.05))
        self.count_slider.committed.connect(lambda p: data.set_recipe(n=POINT_COUNTS[p]))
        self.regenerate_button.clicked.connect(data.regenerate)

    def _set_shares(self, **share: float) -> None:
        """A new test or validation share; the sliders go back if the two exceed 90 %."""
        if not self._data.set_recipe(**share):
            self.update_recipe(self._data.recipe)

    def _build_option_row(self) -> QWidget:
        self.option_row = QWidget()
        option_layout = QHBoxLayout(self.option_row)
        option_layout.setContentsMargins(0, 0, 0, 0)
        self.option_label = QLabel()
        self.option_label.setProperty("role", "caption")
        self.option_box = QSpinBox()
        self.option_box.setKeyboardTracking(False)
        self.option_box.setToolTip("A parameter of this data set")
        option_layout.addWidget(self.option_label)
        option_layout.addStretch(1)
        option_layout.addWidget(self.option_box)
        return self.option_row

    def _on_option_changed(self, value: int) -> None:
        info = DATASETS[self._data.recipe.name]
        if info.options:
            self._data.set_recipe(options=((info.options[0].name, int(value)),))

    def update_title(self) -> None:
        """The preset's title, or 'your own data' once the points were edited."""
        points = self._data.points
        title = DATASETS[self._data.recipe.name].title
        self.dataset_title.setText(
            title if self._data.recipe_active else f"Your own data · {points.n} points"
        )

    def update_recipe(self, recipe: DataRecipe) -> None:
        """Show the recipe's parameters without committing them back."""
        info = DATASETS[recipe.name]
        self.option_row.setVisible(bool(info.options))
        if info.options:
            option = info.options[0]
            value = dict(recipe.options).get(option.name, option.default)
            self.option_label.setText(option.title)
            self.option_box.blockSignals(True)
            self.option_box.setRange(option.minimum, option.maximum)
            self.option_box.setValue(value)
            self.option_box.blockSignals(False)
        self.test_slider.set_position(round(recipe.test_ratio * 10))
        self.validation_slider.set_position(round(recipe.validation_ratio * 10))
        self.noise_slider.set_position(round(recipe.noise / 0.05))
        self.count_slider.set_position(_nearest_index(POINT_COUNTS, recipe.n))


class ClassPicker(QWidget):
    """One swatch per class to draw with, and how many classes there are."""

    def __init__(self, data: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._group = QButtonGroup(self)
        self.buttons: list[QToolButton] = []
        for label in range(MAX_CLASSES):
            button = QToolButton()
            button.setObjectName("swatch")
            button.setCheckable(True)
            button.setIconSize(QSize(18, 18))
            button.setToolTip(f"Draw class {label} (its colour and marker shape)")
            button.clicked.connect(lambda _=False, c=label: data.set_draw(label=c))
            self._group.addButton(button)
            self.buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self.classes_box = QSpinBox()
        self.classes_box.setRange(2, MAX_CLASSES)
        self.classes_box.setPrefix("classes ")
        self.classes_box.setKeyboardTracking(False)
        self.classes_box.setToolTip("How many classes to draw with (changes the output layer)")
        layout.addWidget(self.classes_box)
        self.classes_box.valueChanged.connect(data.set_classes)

    def apply_look(self, look: Look) -> None:
        """Swatches in the palette's colours and marker shapes."""
        for label, button in enumerate(self.buttons):
            button.setIcon(marker_icon(label, palette=look.palette))

    def update_points(self, points: Points) -> None:
        """As many swatches as classes; the box shows the count without committing it."""
        regression = points.problem == "regression"
        for label, button in enumerate(self.buttons):
            button.setVisible(not regression and label < points.classes)
        self.classes_box.blockSignals(True)
        self.classes_box.setValue(points.classes if not regression else 2)
        self.classes_box.blockSignals(False)


def _button_row(*buttons: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(6)
    for button in buttons:
        row.addWidget(button)
    return row


class DrawingTools(QWidget):
    """Draw or erase, which class or value, test points, undo/redo/clear, CSV import/export."""

    def __init__(self, data: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = data
        self._palette = colors.DEFAULT_PALETTE
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(_section("DRAW YOUR OWN"))
        layout.addLayout(self._build_tool_row())
        self.class_picker = ClassPicker(data)
        layout.addWidget(self.class_picker)
        self.value_slider = LabelledSlider(
            "Value of new points", 40, lambda p: f"{(p - 20) / 20:+.2f}"
        )
        self.value_slider.slider.setToolTip("The regression target of the points you draw")
        layout.addWidget(self.value_slider)
        self.test_box = QCheckBox("Add as test points")
        self.test_box.setToolTip("New points go to the test set (drawn as rings)")
        layout.addWidget(self.test_box)
        layout.addLayout(self._build_edit_row())
        layout.addLayout(self._build_file_row())

        self.draw_button.clicked.connect(lambda: data.set_draw(tool="draw"))
        self.erase_button.clicked.connect(lambda: data.set_draw(tool="erase"))
        self.test_box.clicked.connect(lambda on: data.set_draw(as_test=on))
        self.value_slider.slider.valueChanged.connect(lambda p: data.set_draw(value=(p - 20) / 20))
        self.undo_button.clicked.connect(data.undo)
        self.redo_button.clicked.connect(data.redo)
        self.clear_button.clicked.connect(data.clear_points)

    def _build_tool_row(self) -> QHBoxLayout:
        self.draw_button = QToolButton()
        self.draw_button.setIcon(icon("draw"))
        self.draw_button.setText("Draw")
        self.erase_button = QToolButton()
        self.erase_button.setIcon(icon("erase"))
        self.erase_button.setText("Erase")
        self._tool_group = QButtonGroup(self)
        for button, tip in (
            (
                self.draw_button,
                "Click to add a point, drag to spray, drag a point to move it; right-click removes",
            ),
            (self.erase_button, "Click or drag to remove points"),
        ):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(tip)
            self._tool_group.addButton(button)
        row = _button_row(self.draw_button, self.erase_button)
        row.addStretch(1)
        return row

    def _build_edit_row(self) -> QHBoxLayout:
        self.undo_button = QPushButton(icon("undo"), "Undo")
        self.undo_button.setToolTip("Undo the last data edit (Ctrl+Z)")
        self.redo_button = QPushButton(icon("redo"), "Redo")
        self.redo_button.setToolTip("Redo (Ctrl+Shift+Z)")
        self.clear_button = QPushButton(icon("clear"), "Clear")
        self.clear_button.setToolTip("Remove every point")
        return _button_row(self.undo_button, self.redo_button, self.clear_button)

    def _build_file_row(self) -> QHBoxLayout:
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip(
            "Replace the points with a CSV file's (x1, x2, label and "
            "an optional split column); undoable"
        )
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Write the points as CSV (x1, x2, label, split)")
        return _button_row(self.import_button, self.export_button)

    def apply_look(self, look: Look) -> None:
        """Swatches and the value's colour in the palette."""
        self.class_picker.apply_look(look)
        self._palette = look.palette
        self._update_value_color(self._data.draw.value, look.palette)

    def _update_value_color(self, value: float, palette: str) -> None:
        rgb = colors.value_color(value, -1.0, 1.0, palette)
        self.value_slider.value_label.setStyleSheet(f"color: {colors.hex_color(rgb)};")

    def update_draw(self, draw: DrawSettings) -> None:
        """Show the drawing settings without committing them back."""
        (self.erase_button if draw.tool == "erase" else self.draw_button).setChecked(True)
        self.test_box.setChecked(draw.as_test)
        if draw.label < len(self.class_picker.buttons):
            self.class_picker.buttons[draw.label].setChecked(True)
        self.value_slider.set_position(round(draw.value * 20 + 20))
        self._update_value_color(draw.value, self._palette)

    def update_points(self, points: Points) -> None:
        """Classes or a value to draw with; what can be undone, redone, exported."""
        regression = points.problem == "regression"
        self.class_picker.setVisible(not regression)
        self.value_slider.setVisible(regression)
        self.class_picker.update_points(points)
        self.undo_button.setEnabled(self._data.editor.can_undo)
        self.redo_button.setEnabled(self._data.editor.can_redo)
        self.export_button.setEnabled(points.n > 0)


class DataPanel(QWidget):
    """Presets, their parameters, and the drawing tools."""

    def __init__(
        self,
        *,
        model: SessionModel,
        data: DataEditor,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._data = data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 12, 4)
        layout.setSpacing(12)
        layout.addWidget(mark_advanced(_section("WHICH DATA SET?")))
        self.gallery = PresetGallery(data)
        layout.addWidget(self.gallery)
        # Everything below the gallery is hidden in presentation mode (keys 1–9 pick presets).
        self.details_section = mark_advanced(QWidget())
        details = QVBoxLayout(self.details_section)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(12)
        self.recipe_form = RecipeForm(data)
        self.drawing_section = DrawingTools(data)
        details.addWidget(self.recipe_form)
        details.addWidget(self.drawing_section)
        layout.addWidget(self.details_section)
        layout.addStretch(1)

        data.recipe_changed.connect(self._update_recipe, self)
        data.draw_changed.connect(self.drawing_section.update_draw, self)
        data.points_edited.connect(self._update_points, self)
        model.replaced.connect(lambda s: self._update_points(s.points), self)
        appearance.changed.connect(self._apply_look)
        self._apply_look(appearance.look)
        self._update_recipe(data.recipe)
        self.drawing_section.update_draw(data.draw)
        self._update_points(data.points)

    # The widgets that the window, the presentation mode and the tests reach for.
    @property
    def gallery_buttons(self) -> dict[str, GalleryButton]:  # noqa: D102
        return self.gallery.buttons

    @property
    def dataset_title(self) -> QLabel:  # noqa: D102
        return self.recipe_form.dataset_title

    @property
    def noise_slider(self) -> LabelledSlider:  # noqa: D102
        return self.recipe_form.noise_slider

    @property
    def class_buttons(self) -> list[QToolButton]:  # noqa: D102
        return self.drawing_section.class_picker.buttons

    @property
    def classes_box(self) -> QSpinBox:  # noqa: D102
        return self.drawing_section.class_picker.classes_box

    @property
    def value_slider(self) -> LabelledSlider:  # noqa: D102
        return self.drawing_section.value_slider

    @property
    def import_button(self) -> QPushButton:  # noqa: D102
        return self.drawing_section.import_button

    @property
    def export_button(self) -> QPushButton:  # noqa: D102
        return self.drawing_section.export_button

    def _apply_look(self, look: Look) -> None:
        self.gallery.apply_look(look)
        self.drawing_section.apply_look(look)

    def _update_recipe(self, recipe: DataRecipe) -> None:
        self.gallery.update_checked()
        self.recipe_form.update_title()
        self.recipe_form.update_recipe(recipe)

    def _update_points(self, points: Points) -> None:
        self.gallery.update_checked()
        self.recipe_form.update_title()
        self.drawing_section.update_points(points)


def _nearest_index(values: tuple[int, ...], value: int) -> int:
    return int(np.argmin([abs(v - value) for v in values]))
