"""Hands on the weights in the real window: a clicked link and a double-clicked neuron open
editors whose values land exactly in the session; the first layer's line drags; freeze and
switch off; undo; Save keeps it all."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from playground.session import Session, load_session
from playground.ui.models.session_model import SessionModel
from playground.ui.models.weight_editor import BIAS, EditHistory, WeightEditor, parse_weight
from playground.ui.views.neuron_line import line_through, network_weights, raw_line, segment
from playground.ui.views.weight_popups import NeuronPopup

from .conftest import WAIT_MS


def first_frame(qtbot, window):  # noqa: ANN001, ANN201
    runner = window.controller.runner
    qtbot.waitUntil(lambda: runner.frame is not None, timeout=WAIT_MS)
    return runner.frame


def weights_now(qtbot, window, check):  # noqa: ANN001, ANN201
    """Wait for a frame whose weights pass `check`; its weights."""
    runner = window.controller.runner
    qtbot.waitUntil(
        lambda: runner.frame is not None and check(runner.frame.weights), timeout=WAIT_MS
    )
    return runner.frame.weights


def click_link(qtbot, window, k: int) -> tuple[int, int, int]:  # noqa: ANN001
    diagram = window.network_panel.diagram
    x, y = diagram.links.samples[k][6]
    link = diagram.link_at(QPointF(x, y))
    assert link is not None
    pos = diagram.mapFromScene(QPointF(x, y))
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    return link


def test_a_clicked_link_types_its_weight_exactly_and_undo_restores_it(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    diagram, handles = window.network_panel.diagram, window.weight_handles
    qtbot.waitUntil(lambda: len(diagram.links.weights) > 0, timeout=WAIT_MS)
    layer, j, i = click_link(qtbot, window, 9)
    old = float(window.controller.runner.frame.weights[layer].W[j, i])
    popup = handles.popup
    assert popup is not None and popup.isVisible() and popup.field.hasFocus()
    popup.field.clear()
    qtbot.keyClicks(popup.field, "-0.123456789012345")
    qtbot.keyClick(popup.field, Qt.Key.Key_Return)
    assert handles.popup is None  # applied: closed
    weights_now(qtbot, window, lambda w: w[layer].W[j, i] == -0.123456789012345)
    assert window.controller.current_session().weights[layer].W[j, i] == -0.123456789012345
    assert window.controller.dirty
    window.undo_action.trigger()  # Edit > Undo
    weights_now(qtbot, window, lambda w: w[layer].W[j, i] == old)
    window.redo_action.trigger()
    weights_now(qtbot, window, lambda w: w[layer].W[j, i] == -0.123456789012345)


def test_a_bad_value_is_refused_with_a_message_and_esc_closes(qtbot, window) -> None:  # noqa: ANN001
    first = first_frame(qtbot, window)
    diagram, handles = window.network_panel.diagram, window.weight_handles
    qtbot.waitUntil(lambda: len(diagram.links.weights) > 0, timeout=WAIT_MS)
    layer, j, i = click_link(qtbot, window, 2)
    popup = handles.popup
    for text, reason in (("abc", "not a number"), ("nan", "finite"), ("1e9", "too large")):
        popup.field.clear()
        qtbot.keyClicks(popup.field, text)
        qtbot.keyClick(popup.field, Qt.Key.Key_Return)
        assert handles.popup is popup and popup.isVisible()
        assert reason in popup.error.text()
    qtbot.keyClick(popup.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: handles.popup is None, timeout=WAIT_MS)
    assert window.controller.runner.frame.weights[layer].W[j, i] == first.weights[layer].W[j, i]


def test_a_click_elsewhere_closes_the_editor(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    diagram, handles = window.network_panel.diagram, window.weight_handles
    qtbot.waitUntil(lambda: len(diagram.links.weights) > 0, timeout=WAIT_MS)
    click_link(qtbot, window, 0)
    assert handles.popup is not None
    qtbot.mouseClick(window.output_view.plot.viewport(), Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: handles.popup is None, timeout=WAIT_MS)


def open_neuron(qtbot, window, grid_layer: int, unit: int) -> NeuronPopup:  # noqa: ANN001
    diagram = window.network_panel.diagram
    item = diagram.columns[grid_layer][unit]
    centre = item.mapToScene(QPointF(item.size / 2, item.size / 2))
    qtbot.mouseDClick(
        diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.mapFromScene(centre)
    )
    popup = window.weight_handles.popup
    assert isinstance(popup, NeuronPopup)
    return popup


def test_every_bias_can_be_typed_the_outputs_too(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    popup = open_neuron(qtbot, window, 3, 0)  # the output neuron
    assert not popup.off_box.isEnabled()  # an output cannot be switched off
    popup.field.clear()
    qtbot.keyClicks(popup.field, "0.75")
    qtbot.keyClick(popup.field, Qt.Key.Key_Return)
    weights_now(qtbot, window, lambda w: w[2].b[0] == 0.75)
    popup = open_neuron(qtbot, window, 2, 1)
    popup.field.clear()
    qtbot.keyClicks(popup.field, "-3")
    qtbot.keyClick(popup.field, Qt.Key.Key_Return)
    weights_now(qtbot, window, lambda w: w[1].b[1] == -3.0)


def test_freeze_and_switch_off_while_training_then_save_and_undo(
    qtbot,  # noqa: ANN001
    window,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    first = first_frame(qtbot, window)
    popup = open_neuron(qtbot, window, 1, 1)
    popup.freeze_box.click()
    assert window.weight_handles.popup is popup  # a click inside keeps it open
    popup.close()
    popup = open_neuron(qtbot, window, 1, 2)
    popup.off_box.click()
    popup.close()
    items = window.network_panel.diagram.columns[1]
    assert items[1].frozen and not items[1].off and items[2].off
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.runner.frame.epoch >= 30, timeout=WAIT_MS)
    controller.pause()
    frame = controller.runner.frame
    assert np.array_equal(frame.weights[0].W[1], first.weights[0].W[1])
    assert frame.weights[0].b[1] == first.weights[0].b[1]
    assert not np.array_equal(frame.weights[0].W[0], first.weights[0].W[0])
    assert not frame.snapshot.grid.layers[1][2].any()  # off: 0 everywhere
    assert window.output_view.image.image is not None
    controller.save(tmp_path / "s.json")
    saved = load_session(tmp_path / "s.json")
    assert saved.neurons.is_frozen(0, 1) and saved.neurons.is_off(0, 2)
    window.undo_action.trigger()  # the switch-off
    assert not controller.session.neurons.is_off(0, 2) and not items[2].off
    window.undo_action.trigger()  # the freeze
    assert controller.session.neurons is None and not items[1].frozen
    controller.step_batch()  # the neuron is on again: a frame shows its output
    qtbot.waitUntil(
        lambda: controller.runner.frame.snapshot.grid.layers[1][2].any(), timeout=WAIT_MS
    )


def test_the_first_layers_line_drags_to_new_weights(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    window.controller.select_neuron((1, 2))
    line = window.neuron_line
    qtbot.waitUntil(line.roi.isVisible, timeout=WAIT_MS)
    old = window.controller.runner.frame.weights[0]
    norm = float(np.hypot(*old.W[2]))
    handles = line.roi.getHandles()
    line.roi.movePoint(handles[0], QPointF(-2.0, 1.0), finish=False)
    line.roi.movePoint(handles[1], QPointF(3.0, -1.5), finish=True)  # the end of a drag
    weights = weights_now(qtbot, window, lambda w: not np.array_equal(w[0].W[2], old.W[2]))
    w, b = weights[0].W[2], weights[0].b[2]
    for x, y in ((-2.0, 1.0), (3.0, -1.5)):  # the neuron's z is 0 on both ends
        assert abs(w[0] * x + w[1] * y + b) < 1e-12
    assert np.isclose(np.hypot(*w), norm)
    saved = window.controller.current_session().weights[0]
    assert np.array_equal(saved.W[2], w) and saved.b[2] == b  # in the session, bit for bit
    window.undo_action.trigger()
    weights_now(qtbot, window, lambda w: np.array_equal(w[0].W[2], old.W[2]))


def test_no_line_without_raw_inputs(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    controller = window.controller
    controller.select_neuron((1, 0))
    qtbot.waitUntil(window.neuron_line.roi.isVisible, timeout=WAIT_MS)
    controller.toggle_input("x1^2")  # the neuron's zero set is a curve now
    controller.select_neuron((1, 0))

    def shown() -> bool:
        frame = controller.runner.frame
        return frame is not None and "x1^2" in frame.network.inputs

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    window.neuron_line.update_line()
    assert not window.neuron_line.roi.isVisible()


# ----- the pieces without a window ---------------------------------------------------------------


def test_line_geometry_round_trips_through_standardisation() -> None:
    session = Session.default()
    network = session.network
    rng = np.random.default_rng(0)
    mean, std = rng.normal(size=2), rng.uniform(0.5, 2.0, 2)
    from playground.engine import LayerWeights

    lw = LayerWeights(W=rng.normal(size=(4, 2)), b=rng.normal(size=4))
    a, c = raw_line(network, lw, 1, mean, std)
    p, q = segment(a, c, np.zeros(2), 3.0)
    a2, c2 = line_through(p, q, float(np.hypot(*a)))
    np.testing.assert_allclose(a2, a, rtol=1e-12)
    assert np.isclose(c2, c)
    values = network_weights(network, a2, c2, mean, std)
    np.testing.assert_allclose([values[0], values[1], values[BIAS]], [*lw.W[1], lw.b[1]])
    x = rng.normal(size=2)  # z on raw points through standardisation equals a·x + c
    z = lw.W[1] @ ((x - mean) / std) + lw.b[1]
    assert np.isclose(z, a @ x + c)


def test_parse_weight_refuses_what_is_not_a_finite_number() -> None:
    assert parse_weight(" −1.5e-3 ") == -1.5e-3
    for text in ("", "x", "inf", "-nan", "2e6"):
        try:
            parse_weight(text)
        except ValueError as error:
            assert str(error)
        else:
            raise AssertionError(f"{text!r} was taken")


def test_edit_history_undoes_the_newest_edit_of_points_or_weights() -> None:
    model = SessionModel()
    session = model.session
    sent: list[tuple] = []
    shown = [tuple(session.make_trainer().weights())]
    editor = WeightEditor(model, lambda: shown[0], lambda *a: sent.append(a), lambda m: None)
    history = EditHistory()
    editor.edited.connect(lambda _: history.record(editor))

    class Points:
        def __init__(self) -> None:
            self.undone = 0

        def undo(self) -> bool:
            self.undone += 1
            return True

        def redo(self) -> bool:
            self.undone -= 1
            return True

    points = Points()
    history.record(points)
    assert editor.set_weight(0, 1, 0, "0.5")
    assert not editor.set_weight(0, 1, 0, "oops")  # refused: no history entry
    assert editor.set_frozen(1, 0, True)
    assert history.undo() and model.session.neurons is None
    assert history.undo() and sent[-1] == (0, 1, 0, float(shown[0][0].W[1, 0]))
    assert history.undo() and points.undone == 1
    assert not history.undo()
    assert history.redo() and points.undone == 0
    assert history.redo() and sent[-1] == (0, 1, 0, 0.5)
    assert history.redo() and model.session.neurons.is_frozen(1, 0)
    assert not history.redo()


def test_hovering_a_first_layer_neuron_previews_its_line(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    diagram, line = window.network_panel.diagram, window.neuron_line
    assert not line.roi.isVisible()  # the output is shown: no line
    item = diagram.columns[1][3]
    centre = diagram.mapFromScene(item.mapToScene(QPointF(item.size / 2, item.size / 2)))
    qtbot.mouseMove(diagram.viewport(), centre)
    qtbot.waitUntil(lambda: diagram.hovered == (1, 3), timeout=WAIT_MS)
    assert line.roi.isVisible() and line.unit == 3
    a, c = line.current()
    for x, y in line.ends():
        assert abs(a @ np.array([x, y]) + c) < 1e-9  # the hovered neuron's z = 0 on the line
    QApplication.sendEvent(diagram.viewport(), QEvent(QEvent.Type.Leave))  # the mouse left
    assert not line.roi.isVisible()


def test_an_off_neurons_links_are_drawn_as_they_act(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    controller, diagram = window.controller, window.network_panel.diagram
    assert controller.weights.set_off(0, 1, True)
    step = controller.runner.frame.snapshot.step
    controller.step_batch()
    qtbot.waitUntil(lambda: controller.runner.frame.snapshot.step > step, timeout=WAIT_MS)
    held = controller.runner.frame.weights[1].W[:, 1]
    assert np.all(held != 0)  # the session keeps them for later
    index = diagram._link_index
    shown = diagram.links.weights[(index[:, 0] == 1) & (index[:, 2] == 1)]
    assert shown.size == held.size and not shown.any()


def test_an_off_neurons_link_hover_says_what_is_drawn(qtbot, window) -> None:  # noqa: ANN001
    first_frame(qtbot, window)
    controller, diagram = window.controller, window.network_panel.diagram
    assert controller.weights.set_off(0, 1, True)
    runner = controller.runner
    qtbot.waitUntil(
        lambda: runner.frame.masks is not None and runner.frame.masks.is_off(0, 1),
        timeout=WAIT_MS,
    )
    frame = runner.frame
    index = diagram._link_index
    texts = {}
    for k in np.flatnonzero((index[:, 0] == 1) & (index[:, 2] == 1)):
        x, y = diagram.links.samples[k][6]
        if diagram.link_at(QPointF(x, y)) == tuple(int(v) for v in index[k]):
            texts[int(index[k, 1])] = diagram.describe(QPointF(x, y))
    assert texts  # some link of the off neuron can be pointed at
    for j, text in texts.items():
        held = frame.weights[1].W[j, 1]
        assert held != 0
        assert text.startswith(f"Weight 0 (neuron off; held {held:+.4f})"), text
        assert f"Weight {held:+.4f}" not in text
    # a link of a neuron that is on still tells its own weight
    k = int(np.flatnonzero((index[:, 0] == 1) & (index[:, 2] == 0))[0])
    x, y = diagram.links.samples[k][6]
    link = diagram.link_at(QPointF(x, y))
    if link is not None and link[2] != 1:
        text = diagram.describe(QPointF(x, y))
        assert text.startswith(f"Weight {frame.weights[link[0]].W[link[1], link[2]]:+.4f}")
