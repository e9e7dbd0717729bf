"""Views follow the controller: the diagram, the big view, the registries in the combos."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QCheckBox

from playground.data.generators import generate
from playground.engine import ACTIVATIONS, INITIALIZERS, OPTIMIZERS, SCHEDULES
from playground.ui.views.heatmap_view import POINT_SIZE, point_style
from playground.ui.widgets.neuron_style import lut

from .conftest import WAIT_MS


def _first_frame(qtbot, controller):  # noqa: ANN001, ANN202
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    return controller.frame


def test_clicking_a_neuron_shows_it_in_the_big_view(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    frame = _first_frame(qtbot, controller)
    diagram = window.network_panel.diagram
    neuron = diagram.columns[1][2]  # hidden layer 1, neuron 3
    centre = diagram.mapFromScene(neuron.sceneBoundingRect().center())

    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    assert controller.selection == (1, 2)
    assert neuron.selected
    assert "neuron 3 of hidden layer 1" in window.output_view.selection_label.text()
    controller.step_batch()
    qtbot.waitUntil(lambda: controller.frame is not frame, timeout=WAIT_MS)
    shown = window.output_view.image.image
    expected = controller.frame.snapshot.grid.layers[1][2]
    np.testing.assert_array_equal(shown, expected)

    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert controller.selection is None


def test_hovering_a_link_tells_its_weight(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    frame = _first_frame(qtbot, controller)
    diagram = window.network_panel.diagram
    links = diagram.links
    k = 5
    middle = links.samples[k, 6]
    text = diagram.describe(QPointF(*middle))
    layer, j, i = diagram._link_index[k]
    assert f"{frame.weights[layer].W[j, i]:+.4f}" in text


def test_clicking_a_feature_toggles_the_input_and_restarts(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    _first_frame(qtbot, controller)
    diagram = window.network_panel.diagram
    square = diagram.columns[0][2]  # x1^2
    centre = diagram.mapFromScene(square.sceneBoundingRect().center())

    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    assert controller.session.network.inputs == ("x1", "x2", "x1^2")
    qtbot.waitUntil(
        lambda: (
            controller.frame is not None and controller.frame.network.inputs == ("x1", "x2", "x1^2")
        ),
        timeout=WAIT_MS,
    )
    assert controller.frame.weights[0].W.shape == (4, 3)
    assert diagram.columns[0][2].active


def test_zooming_moves_the_grid_with_the_view(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    window.output_view.view_box.setRange(xRange=(-2, 2), yRange=(-2, 2), padding=0)
    qtbot.waitUntil(lambda: controller.grid.x_max - controller.grid.x_min < 6, timeout=WAIT_MS)
    grid = controller.grid
    assert grid.x_min <= -1.9 and grid.x_max >= 1.9
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.snapshot.grid.request == grid,
        timeout=WAIT_MS,
    )
    window.output_view.reset_zoom()
    qtbot.waitUntil(lambda: controller.grid.x_max - controller.grid.x_min >= 12, timeout=WAIT_MS)


def test_discretize_switches_to_two_flat_colours(qtbot, window) -> None:  # noqa: ANN001
    _first_frame(qtbot, window.controller)
    window.output_view.discretize_box.click()
    assert window.discretize_action.isChecked()
    np.testing.assert_array_equal(window.output_view.image.lut, lut("faded_discrete"))
    window.output_view.discretize_box.click()
    np.testing.assert_array_equal(window.output_view.image.lut, lut("faded"))


def test_regression_points_take_the_value_of_the_slider(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    window.transport.problem_box.setCurrentIndex(
        window.transport.problem_box.findData("regression")
    )
    window.transport.problem_box.activated.emit(window.transport.problem_box.currentIndex())
    assert controller.session.points.problem == "regression"
    assert controller.session.network.output_units == 1
    assert window.data_panel.value_slider.isVisibleTo(window)
    window.data_panel.value_slider.slider.setValue(35)  # (35 - 20) / 20 = +0.75
    n = controller.session.points.n
    view = window.output_view
    pos = view.data_to_viewport(-1.0, 4.0)
    qtbot.mouseClick(
        view.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(pos.x()), round(pos.y()))
    )
    qtbot.waitUntil(lambda: controller.session.points.n == n + 1, timeout=WAIT_MS)
    assert controller.session.points.labels[-1] == 0.75


def test_more_classes_change_the_output_layer(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    window.data_panel.classes_box.setValue(4)
    assert controller.session.points.classes == 4
    assert controller.session.network.output_units == 4
    assert sum(b.isVisibleTo(window) for b in window.data_panel.class_buttons) == 4
    qtbot.waitUntil(
        lambda: (
            controller.frame is not None and controller.frame.snapshot.grid.output.shape[0] == 4
        ),
        timeout=WAIT_MS,
    )
    assert window.output_view.image.image.shape[-1] == 3  # blended class colours (RGB)
    controller.undo()
    assert controller.session.points.classes == 2


def test_combo_boxes_are_filled_from_the_registries(window) -> None:  # noqa: ANN001
    transport, settings = window.transport, window.training_settings
    card = window.network_panel.cards[0]

    def items(box):  # noqa: ANN001, ANN202
        return [box.itemData(i) for i in range(box.count())]

    assert items(transport.optimizer_box) == list(OPTIMIZERS)
    assert items(transport.activation_box) == list(ACTIVATIONS)
    assert items(card.activation_box) == list(ACTIVATIONS)
    assert items(settings.init_box) == list(INITIALIZERS)
    assert items(settings.schedule_box) == list(SCHEDULES)


def test_optimizer_parameters_apply_live(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    box = window.transport.optimizer_box
    box.setCurrentIndex(box.findData("adam"))
    box.activated.emit(box.currentIndex())
    assert controller.session.training.optimizer.name == "adam"
    edits = window.training_settings._hyper_widgets["betas"]
    edits[0].setText("0.8")
    edits[0].editingFinished.emit()
    assert controller.session.training.optimizer.hyper()["betas"] == (0.8, 0.999)
    eps = window.training_settings._hyper_widgets["eps"]
    eps.setText("-1")  # refused by the spec: a notice, and the field shows the old value
    eps.editingFinished.emit()
    assert controller.session.training.optimizer.hyper()["eps"] == 1e-8
    assert "eps" in window.banner.text


def test_shift_step_trains_one_batch(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    _first_frame(qtbot, controller)
    qtbot.mouseClick(
        window.transport.step_button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: controller.status.step == 1, timeout=WAIT_MS)
    qtbot.mouseClick(window.transport.step_button, Qt.MouseButton.LeftButton)
    steps_per_epoch = -(-int((~controller.session.points.is_test).sum()) // 10)
    qtbot.waitUntil(lambda: controller.status.epoch == 1, timeout=WAIT_MS)
    assert controller.status.step == steps_per_epoch


def test_presentation_mode_hides_the_drawing_tools(window) -> None:  # noqa: ANN001
    window.set_presentation(True)
    assert not window.data_panel.drawing_section.isVisibleTo(window)
    assert window.data_panel.gallery_buttons["circle"].isVisibleTo(window)
    window.set_presentation(False)
    assert window.data_panel.drawing_section.isVisibleTo(window)


def test_dense_points_stay_readable_small_dots_without_white_outline(window) -> None:  # noqa: ANN001
    view = window.output_view
    few = point_style(200, POINT_SIZE)
    assert few.outline and few.size > POINT_SIZE
    assert view.scatter.data["pen"][0].color().getRgb()[:3] == (255, 255, 255)  # 200 points

    many = generate("circle", n=100_000, noise=0.1, seed=0, test_ratio=0.3)
    window.controller.set_points(many)
    dense = point_style(many.n, POINT_SIZE)
    assert not dense.outline and dense.size <= POINT_SIZE / 2
    assert len(view.scatter.data) == 0  # no outlined markers left
    shown = [item for item in view.dense_items if len(item.xy)]
    assert sum(len(item.xy) for item in shown) == many.n
    assert len(shown) == 4  # two classes × train/test, one draw call each
    for item in shown:
        assert item.size == dense.size
        assert item.color.getRgb()[:3] != (255, 255, 255)

    sine = generate("sine", n=100_000, seed=0, test_ratio=0.3)  # regression: colour bands
    window.controller.set_points(sine)
    assert sum(len(item.xy) for item in view.dense_items if item.isVisible()) == sine.n
    few_points = generate("xor", n=150, seed=0)  # back to few: the dots go, markers return
    window.controller.set_points(few_points)
    assert not any(item.isVisible() or len(item.xy) for item in view.dense_items)
    assert len(view.scatter.data) == few_points.n


def test_the_output_axes_tick_alike_and_never_crowd(qtbot, make_window) -> None:  # noqa: ANN001
    for width, height in ((1280, 720), (1024, 768), (1920, 1080)):
        window = make_window(None, width, height)
        qtbot.waitUntil(lambda w=window: w.controller.frame is not None, timeout=WAIT_MS)
        plot_item = window.output_view.plot.getPlotItem()
        (x0, x1), (y0, y1) = plot_item.getViewBox().viewRange()
        bottom, left = plot_item.getAxis("bottom"), plot_item.getAxis("left")
        x_step = bottom.tickSpacing(x0, x1, bottom.width())[0][0]
        y_step = left.tickSpacing(y0, y1, left.height())[0][0]

        assert x_step == y_step  # one unit looks the same both ways
        assert x_step * bottom.width() / (x1 - x0) >= 0.99 * bottom.min_gap
        assert y_step * left.height() / (y1 - y0) >= 0.99 * left.min_gap


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)], ids=["1024x768", "1280x720"])
def test_the_output_column_never_squeezes_a_view_below_its_minimum(
    qtbot, make_window, size, presenting
) -> None:  # noqa: ANN001
    window = make_window(None, *size)
    window.set_presentation(presenting)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.controller.frame is not None, timeout=WAIT_MS)
    for layout in (window.output_card.layout(), window.metrics.layout()):
        layout.activate()
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item.widget() is not None and item.widget().isVisible():
                assert item.widget().height() >= item.minimumSize().height(), item.widget()
    view = window.output_view
    below_plot = view.plot.geometry().bottom()
    boxes = [
        box.mapTo(view, QPoint(0, 0)).y() for box in view.findChildren(QCheckBox) if box.isVisible()
    ]
    assert min(boxes, default=below_plot + 1) > below_plot  # the axis labels are not covered
    loss_item = window.metrics.loss_plot.getPlotItem()
    (_, _), (y0, y1) = loss_item.getViewBox().viewRange()
    axis = loss_item.getAxis("left")
    values = sorted(v for _, level in axis.tickValues(y0, y1, axis.height()) for v in level)
    gaps = [(b - a) * axis.height() / (y1 - y0) for a, b in zip(values, values[1:], strict=False)]
    assert values and min(gaps, default=axis.height()) >= axis._label_gap() - 0.5  # no overlap
