"""Classroom look: presentation mode, the colour-blind-safe palette, marker shapes, tooltips on
every control, and the pickers that show curves and update rules."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)

from playground.engine import ACTIVATIONS, OPTIMIZERS
from playground.ui.classroom.presentation import advanced_widgets
from playground.ui.widgets import colors
from playground.ui.widgets.appearance import PRESENTATION_SCALE
from playground.ui.widgets.neuron_style import lut
from playground.ui.widgets.theme import scale_lengths

from .conftest import WAIT_MS


def _first_frame(qtbot, controller):  # noqa: ANN001, ANN202
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    return controller.frame


def test_presentation_mode_enlarges_text_lines_and_points(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    _first_frame(qtbot, controller)
    epoch, caption = window.transport.epoch_label, window.transport.speed_label
    tick_font = window.output_view.plot.getPlotItem().getAxis("left").style["tickFont"]
    before = (
        QApplication.font().pointSizeF(),
        epoch.font().pointSizeF(),
        caption.font().pointSizeF(),
        tick_font.pointSizeF(),
        window.output_view.point_size,
        window.metrics.train_curve.opts["pen"].widthF(),
    )

    window.commands["presentation"].trigger()

    assert window.presenting
    tick_font = window.output_view.plot.getPlotItem().getAxis("left").style["tickFont"]
    after = (
        QApplication.font().pointSizeF(),
        epoch.font().pointSizeF(),
        caption.font().pointSizeF(),
        tick_font.pointSizeF(),
        window.output_view.point_size,
        window.metrics.train_curve.opts["pen"].widthF(),
    )
    for old, new in zip(before[:4], after[:4], strict=True):
        assert new == pytest.approx(old * PRESENTATION_SCALE, rel=0.02)
    assert after[4] > before[4]  # bigger points
    assert after[5] >= 1.5 * before[5]  # thicker curves
    assert window.output_view.scatter.data["size"].max() > before[4] + 1

    window.commands["presentation"].trigger()

    assert not window.presenting
    assert epoch.font().pointSizeF() == pytest.approx(before[1])
    assert QApplication.font().pointSizeF() == pytest.approx(before[0])


def test_presentation_mode_hides_the_advanced_controls(qtbot, window) -> None:  # noqa: ANN001
    transport, settings, data = window.transport, window.training_settings, window.data_panel
    card = window.network_panel.cards[0]
    always = [
        transport.play_button,
        transport.learning_rate_box,
        transport.optimizer_box,
        transport.activation_box,
        data.gallery_buttons["spiral"],
        card.activation_box,
        window.output_view.plot,
        window.metrics.tabs,
    ]
    advanced = [
        data.drawing_section,
        data.noise_slider,
        transport.regularization_box,
        transport.regularization_rate_box,
        transport.problem_box,
        card.options_button,
        window.output_view.discretize_box,
        window.menuBar(),
    ]
    settings_advanced = [
        settings.schedule_section,
        settings.clip_section,
        settings.init_box,
        settings.seed_edit,
        settings.optimizer_section,
    ]
    assert [w for w in always + advanced if not w.isVisible()] == []
    window.left_tabs.setCurrentIndex(1)
    assert all(w.isVisible() for w in settings_advanced)

    window.set_presentation(True)

    assert all(w.isVisible() for w in always)
    for widget in advanced + settings_advanced:
        assert not widget.isVisible(), widget
    assert window.left_tabs.currentIndex() == 0 and not window.left_tabs.tabBar().isVisible()
    assert advanced_widgets(window) and not any(w.isVisible() for w in advanced_widgets(window))

    window.set_presentation(False)

    assert [w for w in always + advanced if not w.isVisible()] == []
    assert window.data_panel.value_slider.isHidden()  # still classification: stays hidden


def test_a_layer_added_in_presentation_mode_hides_its_options(qtbot, window) -> None:  # noqa: ANN001
    window.set_presentation(True)
    window.controller.add_layer()
    assert not any(card.options_button.isVisible() for card in window.network_panel.cards)
    window.set_presentation(False)
    assert all(card.options_button.isVisible() for card in window.network_panel.cards)


def test_the_style_sheet_scales_every_length() -> None:
    sheet = "QLabel { font-size: 10pt; padding: 4px 10px; border: 1px solid #1f6fd1; }"
    scaled = scale_lengths(sheet, 1.6)
    assert "font-size: 16.00pt" in scaled
    assert "padding: 5px 13px" in scaled  # boxes grow more gently than text
    assert "#1f6fd1" in scaled
    assert scale_lengths(sheet, 1.0) == sheet


def test_the_colour_blind_palette_recolours_heatmaps_thumbnails_and_points(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    _first_frame(qtbot, controller)
    view = window.output_view
    np.testing.assert_array_equal(view.image.lut, lut("faded", "orange_blue"))
    neuron = window.network_panel.diagram.columns[1][0]
    before = neuron._image.copy()
    brush = view.scatter.data["brush"][0].color().getRgb()[:3]

    window.commands["palette_cbd1"].trigger()

    np.testing.assert_array_equal(view.image.lut, lut("faded", "cbd1"))
    assert not np.array_equal(view.image.lut, lut("faded", "orange_blue"))
    assert neuron._image != before  # the thumbnails follow
    after = view.scatter.data["brush"][0].color().getRgb()[:3]
    assert after != brush and after in colors.PALETTES["cbd1"].classes
    assert window.commands["palette_cbd1"].isChecked()
    assert not window.commands["palette_orange_blue"].isChecked()
    pixels = np.frombuffer(
        window.data_panel.gallery_buttons["xor"].icon().pixmap(40).toImage().constBits(), np.uint8
    )
    assert pixels.size  # the thumbnails were redrawn (no crash on the palette switch)

    window.commands["palette_orange_blue"].trigger()
    np.testing.assert_array_equal(view.image.lut, lut("faded", "orange_blue"))


def test_the_colour_blind_palette_is_pyqtgraphs_cet_cbd1() -> None:
    table = pg.colormap.get("CET-CBD1").getLookupTable(nPts=17, mode=pg.ColorMap.BYTE)
    assert colors.PALETTES["cbd1"].stops == colors.CBD1_STOPS
    np.testing.assert_array_equal(np.asarray(colors.CBD1_STOPS), table[::-1, :3])
    assert colors.PALETTES["cbd1"].classes[:2] == (colors.CBD1_STOPS[0], colors.CBD1_STOPS[-1])


def test_the_palette_is_remembered(qtbot, make_window) -> None:  # noqa: ANN001
    first = make_window()
    first.set_palette("cbd1")
    second = make_window()
    assert second.appearance.look.palette == "cbd1"
    np.testing.assert_array_equal(
        colors.diverging_lut(colors="cbd1")[0], colors.PALETTES["cbd1"].negative
    )


def test_classes_differ_by_marker_shape_as_well_as_colour(qtbot, window) -> None:  # noqa: ANN001
    points = window.controller.session.points
    symbols = window.output_view.scatter.data["symbol"]
    labels = points.labels.astype(int)
    assert set(symbols[labels == 0]) == {colors.CLASS_MARKERS[0]}
    assert set(symbols[labels == 1]) == {colors.CLASS_MARKERS[1]}
    assert colors.CLASS_MARKERS[0] != colors.CLASS_MARKERS[1]
    assert len(set(colors.CLASS_MARKERS)) == len(colors.CLASS_MARKERS)


def _input_widgets(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QLineEdit)
    found = []
    for widget in root.findChildren(QWidget):
        if (
            not isinstance(widget, kinds)
            or isinstance(widget, QScrollBar)
            or not widget.isVisible()
        ):
            continue
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), (QAbstractSpinBox, QComboBox)
        ):
            continue  # the editor inside a spin or combo box: the box has the tooltip
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own parts (scroll area corners, tab scroll buttons)
        found.append(widget)
    return found


def _untipped(root: QWidget) -> list[str]:
    missing = [
        f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
        for w in _input_widgets(root)
        if not w.toolTip().strip()
    ]
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            missing += [
                f"tab {bar.tabText(i)!r}"
                for i in range(bar.count())
                if not bar.tabToolTip(i).strip()
            ]
    return missing


@pytest.mark.parametrize(
    "optimizer, schedule", [("sgd", "constant"), ("adam", "one_cycle"), ("rmsprop", "step")]
)
def test_every_visible_control_has_a_tooltip(qtbot, window, optimizer, schedule) -> None:  # noqa: ANN001
    controller = window.controller
    controller.set_optimizer(optimizer)
    controller.set_schedule(schedule)
    controller.set_training(grad_clip=1.0)
    checked = 0
    for tab in (0, 1):
        window.left_tabs.setCurrentIndex(tab)
        assert _untipped(window) == []
        checked += len(_input_widgets(window))
    controller.set_problem("regression")
    window.left_tabs.setCurrentIndex(0)
    assert _untipped(window) == []
    window.set_presentation(True)
    assert _untipped(window) == []
    assert checked > 60  # the walk really saw the controls


def test_the_activation_picker_shows_the_curve_and_its_derivative(qtbot, window) -> None:  # noqa: ANN001
    box = window.transport.activation_box
    assert all(not box.itemIcon(i).isNull() for i in range(box.count()))
    box.showPopup()
    relu = box.findData("relu")
    box.highlighted.emit(relu)
    preview = box.preview
    assert preview.isVisible()
    assert ACTIVATIONS["relu"].formula in preview.text.text()
    assert "f′(z)" in preview.text.text()
    picture = preview.picture.pixmap()
    assert not picture.isNull() and picture.width() > 200
    other = box.preview_of(box.findData("sigmoid")).picture.toImage()
    assert other != picture.toImage()  # a different curve
    box.hidePopup()
    assert not preview.isVisible()


def test_the_optimizer_picker_shows_the_update_rule(qtbot, window) -> None:  # noqa: ANN001
    box = window.transport.optimizer_box
    box.showPopup()
    box.highlighted.emit(box.findData("adam"))
    text = box.preview.text.text()
    assert "m ← β₁m + (1−β₁)g" in text and "√v̂ + ε" in text
    assert box.preview.title.text() == OPTIMIZERS["adam"].title
    box.highlighted.emit(box.findData("sgd"))
    assert "θ ← θ − η·g" in box.preview.text.text()
    box.hidePopup()
    assert OPTIMIZERS["sgd"].rule in box.toolTip()
    card_box = window.network_panel.cards[0].activation_box
    card_box.showPopup()
    card_box.highlighted.emit(card_box.findData("tanh"))
    assert ACTIVATIONS["tanh"].formula in card_box.preview.text.text()
    card_box.hidePopup()
