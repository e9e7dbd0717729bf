"""The step-through inspector and the live gradient view in the real window: every number it
shows is the engine's, the update is one training step, keys step through the stages."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from playground.engine import FEATURES, LayerSpec, OptimizerSpec
from playground.engine.explain import explain, features_of
from playground.engine.trainer import standardization
from playground.lessons import LESSONS
from playground.session import Session
from playground.ui.models.step_texts import link_label, neuron_caption, number
from playground.ui.views.diagram_layout import link_index

from .conftest import WAIT_MS
from .window_checks import assert_whole_network_in_view


def small_session(optimizer: str = "sgd", batch_norm: bool = False) -> Session:
    """The default session with a small network (every link gets its number)."""
    session = Session.default()
    network = dataclasses.replace(
        session.network,
        layers=(LayerSpec(3, "tanh", batch_norm=batch_norm), LayerSpec(2, "tanh")),
    )
    training = dataclasses.replace(session.training, optimizer=OptimizerSpec(optimizer, 0.03))
    return session.replace(network=network, training=training)


def open_inspector(qtbot, window):  # noqa: ANN001, ANN201
    """Train a little, then press I: the inspector traces the next mini-batch."""
    runner = window.controller.runner
    qtbot.waitUntil(lambda: runner.frame is not None, timeout=WAIT_MS)
    window.controller.step_epoch()
    qtbot.waitUntil(lambda: runner.frame is not None and runner.frame.epoch >= 1, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_I)
    step = window.step_through.model
    qtbot.waitUntil(lambda: step.active, timeout=WAIT_MS)
    return step


def test_keys_step_through_the_stages_and_the_diagram_shows_each(qtbot, make_window) -> None:
    window = make_window(small_session())
    step = open_inspector(qtbot, window)
    overlay = window.step_through.overlay
    diagram = window.network_panel.diagram
    assert window.step_through.panel.isVisible() and not window.controller.playing
    assert window.output_view.picking
    trace = step.trace
    assert step.stage_name == "forward"
    for (column, unit), tag in overlay.neuron_tags.items():
        position = list(FEATURES)[unit] if column == 0 else None
        if position is not None:
            unit = step.trainer_state.network.inputs.index(position)
        assert tag.text == neuron_caption(trace, "forward", column, unit)
    np.testing.assert_array_equal(diagram.links.weights, np.concatenate(
        [lw.W.ravel() for lw in trace.before]))  # fmt: skip
    weights_drawn = diagram.links.weights.copy()
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert step.stage_name == "loss"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert step.stage_name == "backward"
    grads = np.concatenate([layer.grad_W.ravel() for layer in trace.explanation.layers])
    drawn = diagram.links.weights
    assert not np.allclose(drawn, weights_drawn)
    np.testing.assert_allclose(drawn / np.abs(drawn).max(), grads / np.abs(grads).max())
    for k, tag in overlay.link_tags.items():
        layer, j, i = (int(v) for v in diagram._link_index[k])
        assert tag.text == number(trace.explanation.layers[layer].grad_W[j, i])
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert step.stage_name == "update"
    assert window.step_through.panel.boundary.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert step.stage_name == "update"  # stays on the last stage
    qtbot.keyClick(window, Qt.Key.Key_Comma)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert step.stage_name == "loss"
    qtbot.keyClick(window, Qt.Key.Key_I)
    assert not step.active and not window.step_through.panel.isVisible()
    assert not window.output_view.picking and not overlay.neuron_tags


def test_the_update_stage_is_the_training_step_the_worker_then_takes(qtbot, make_window) -> None:
    window = make_window(small_session("adam", batch_norm=True))
    step = open_inspector(qtbot, window)
    trace = step.trace
    runner = window.controller.runner
    before = runner.frame.params
    np.testing.assert_array_equal(trace.params_before, before)
    window.step_through.set_active(False)
    runner.step_batch()
    qtbot.waitUntil(
        lambda: not np.array_equal(runner.frame.params, before) and not runner.frame.running,
        timeout=WAIT_MS,
    )
    np.testing.assert_array_equal(trace.params_after, runner.frame.params)


def test_a_picked_point_shows_the_engine_numbers_and_the_chain_rule(qtbot, make_window) -> None:
    window = make_window(small_session())
    step = open_inspector(qtbot, window)
    session = window.controller.model.session
    points = session.points
    index = int(np.flatnonzero(~points.is_test)[5])
    x, y = points.xy[index]
    window.output_view.point_picked.emit(float(x), float(y), 0.05)
    qtbot.waitUntil(
        lambda: step.trace is not None and step.trace.indices.size == 1, timeout=WAIT_MS
    )
    np.testing.assert_array_equal(step.point_indices, [index])
    frame = window.controller.runner.frame
    X = features_of(session.network, standardization(session.network, points.train()[0]), [[x, y]])
    reference = explain(session.network, frame.weights, "bce", X, [points.labels[index]])
    trace = step.trace
    for mine, theirs in zip(trace.explanation.layers, reference.layers, strict=True):
        np.testing.assert_allclose(mine.z, theirs.z, rtol=1e-12)  # one point: batch = eval
        np.testing.assert_allclose(mine.grad_W, theirs.grad_W, rtol=1e-10)
    ringed = window.output_view.highlight.indices
    assert list(ringed) == [index]
    diagram = window.network_panel.diagram
    qtbot.keyClick(window, Qt.Key.Key_Period)
    qtbot.keyClick(window, Qt.Key.Key_Period)  # backward
    k = 3
    layer, j, i = (int(v) for v in diagram._link_index[k])
    middle = diagram.links.samples[k, diagram.links.samples.shape[1] // 2]
    point = diagram.mapFromScene(QPointF(*middle))
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert step.link == (layer, j, i)
    text = window.step_through.panel.link_label.text()
    delta, a_in = (
        trace.explanation.layers[layer].delta[0, j],
        trace.explanation.layers[layer].a_in[0, i],
    )
    assert f"{number(delta)} × {number(a_in)} = <b>{number(delta * a_in)}</b>" in text
    assert link_label(trace, "backward", (layer, j, i)) == number(delta * a_in)
    test_index = int(np.flatnonzero(points.is_test)[0])
    assert not step.inspect_point(test_index)  # test points never train
    assert step.trace is trace


def test_the_gradient_toggle_colours_links_while_training(qtbot, make_window) -> None:
    window = make_window(small_session())
    runner = window.controller.runner
    diagram = window.network_panel.diagram
    qtbot.waitUntil(lambda: runner.frame is not None, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_G)
    assert window.commands["link_gradients"].isChecked()
    window.controller.toggle_play()
    qtbot.waitUntil(
        lambda: runner.frame.weight_grads is not None and runner.frame.epoch > 2, timeout=WAIT_MS
    )
    frame = runner.frame
    grads = np.concatenate([g.ravel() for g in frame.weight_grads])
    weights = np.concatenate([w.W.ravel() for w in frame.weights])
    drawn = diagram.links.weights
    np.testing.assert_allclose(drawn * np.abs(grads).max() / 3.2, grads, rtol=1e-9)
    assert not np.allclose(drawn, weights)
    first = drawn.copy()
    qtbot.waitUntil(lambda: not np.allclose(diagram.links.weights, first), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_G)
    window.controller.toggle_play()
    qtbot.waitUntil(lambda: runner.frame.weight_grads is None, timeout=WAIT_MS)
    weights = np.concatenate([w.W.ravel() for w in runner.frame.weights])
    np.testing.assert_array_equal(diagram.links.weights, weights)


@pytest.mark.parametrize(
    ("size", "lesson"),
    [((1024, 768), None), ((1280, 720), None), ((1024, 768), "03-linear-stays-linear")],
)
def test_presenting_the_inspector_keeps_the_whole_diagram_in_view(
    qtbot, make_window, size, lesson
) -> None:  # noqa: ANN001
    """Presentation mode at projector sizes: the Step dock beside the diagram (tabbed with a
    lesson's notes) is narrow enough that the diagram needs no sideways scrolling, and every
    button of the panel shows its whole text."""
    session = None
    if lesson is not None:
        session = next(item for item in LESSONS if item.id.startswith(lesson)).load()
    width, height = size
    window = make_window(session, width, height)
    window.set_presentation(True)
    window.resize(width, height)  # as a full-screen projector window
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=WAIT_MS)
    open_inspector(qtbot, window)
    dock, panel = window.step_through.dock, window.step_through.panel
    qtbot.waitUntil(lambda: dock.isVisible() and panel.isVisible(), timeout=WAIT_MS)
    diagram = window.network_panel.diagram
    qtbot.waitUntil(lambda: diagram.columns[-1][0].size > 20, timeout=WAIT_MS)
    qtbot.wait(200)  # the last relayouts
    assert_whole_network_in_view(window)
    assert dock.width() <= 0.25 * width
    buttons = (*panel.stage_buttons, panel.back_button, panel.next_button, panel.pick_button,
               panel.batch_button, panel.close_button)  # fmt: skip
    for button in buttons:
        assert button.isVisible() and button.width() >= button.sizeHint().width(), button.text()
        assert panel.rect().contains(button.geometry()), button.text()


def test_the_step_panel_shows_its_step_model_alone(qtbot) -> None:
    """Built from plain models (no window, no controller): the panel follows the StepModel."""
    from playground.engine.step_trace import TrainerState
    from playground.ui.models.session_model import SessionModel
    from playground.ui.models.step_model import StepModel
    from playground.ui.panels.chain_rule import LINK_HINT, StepPanel
    from playground.ui.widgets.appearance import Appearance

    session = small_session("momentum")
    trainer = session.make_trainer()
    trainer.run(3)
    state = TrainerState.of(trainer)

    from types import SimpleNamespace

    from playground.engine import GridRequest

    frame = SimpleNamespace(
        network=state.network, weights=state.weights, epoch=state.epoch, state=state.state,
        kernels=None, running=False,
    )  # fmt: skip
    runner = SimpleNamespace(playing=False, grid=GridRequest(), frame=frame)  # as read
    model = SessionModel(session)
    step = StepModel(model, runner)
    panel = StepPanel(step=step, model=model, runner=runner, appearance=Appearance())
    qtbot.addWidget(panel)
    assert not panel.next_button.isEnabled()
    assert step.inspect_next_batch()
    assert panel.stage_buttons[0].isChecked() and panel.next_button.isEnabled()
    assert "Forward" in panel.stage_label.text() and LINK_HINT in panel.link_label.text()
    panel.next_button.click()
    assert step.stage_name == "loss"
    assert "Loss" in panel.stage_label.text()
    step.select_link((1, 0, 2))
    step.set_stage(3)
    text = panel.link_label.text()
    assert "momentum_buffer" in text and "∂L/∂w" in text
    assert len(panel.boundary.images) == 2
    step.close()
    assert not panel.stage_buttons[0].isEnabled()


def test_batch_norm_and_dropout_show_on_the_neurons() -> None:
    """Forward captions: the value after batch norm, and how many points dropout zeroed."""
    from playground.engine.step_trace import TrainerState, trace_step

    session = small_session()
    network = dataclasses.replace(
        session.network, layers=(LayerSpec(3, "tanh", dropout=0.5, batch_norm=True),)
    )
    session = session.replace(network=network)
    trace = trace_step(TrainerState.of(session.make_trainer()))
    layer = trace.explanation.layers[0]
    captions = [neuron_caption(trace, "forward", 1, unit) for unit in range(3)]
    for unit, caption in enumerate(captions):
        assert f"BN {number(layer.y[:, unit].mean())}" in caption
        dropped = int(np.count_nonzero(layer.dropout_mask[:, unit] == 0))
        assert (f"dropped {dropped}/{trace.indices.size}" in caption) == (dropped > 0)
    assert any("dropped" in caption for caption in captions)


def test_take_this_step_trains_the_step_shown_then_traces_the_next(qtbot, make_window) -> None:
    window = make_window(small_session("rmsprop"))
    step = open_inspector(qtbot, window)
    panel = window.step_through.panel
    step.set_stage(3)
    assert panel.take_button.isVisible()
    shown = step.trace
    panel.take_button.click()
    runner = window.controller.runner
    qtbot.waitUntil(lambda: step.trace is not shown and step.trace is not None, timeout=WAIT_MS)
    np.testing.assert_array_equal(runner.frame.params, shown.params_after)  # that very step
    np.testing.assert_array_equal(step.trace.params_before, shown.params_after)
    assert step.stage_name == "forward" and not window.controller.playing


@pytest.mark.parametrize(
    ("lesson", "size", "presenting"),
    [
        ("02b-hidden-space", (1024, 768), True),
        ("02b-hidden-space", (1280, 720), True),
        ("02b-hidden-space", (1024, 768), False),
        ("03b-backprop-by-hand", (1024, 768), True),
        ("02-hidden-layer-xor", (1024, 768), False),
        (None, (1280, 720), True),
        (None, (1280, 720), False),
    ],
)
def test_the_numbers_on_the_diagram_overlap_neither_each_other_nor_the_names(
    qtbot, make_window, lesson, size, presenting
) -> None:  # noqa: ANN001
    """In every stage, each number shown on the diagram (neurons, inputs, links) keeps clear of
    the others and of the feature names ("x 0.174" used to cover "X₁"; "Δb …" tags their
    neighbours)."""
    session = small_session()
    if lesson is not None:
        session = next(item for item in LESSONS if item.id.startswith(lesson)).load()
    window = make_window(session, *size)
    window.set_presentation(presenting)
    window.resize(*size)
    step = open_inspector(qtbot, window)
    overlay, diagram = window.step_through.overlay, window.network_panel.diagram
    qtbot.waitUntil(lambda: diagram.columns[-1][0].size > 20, timeout=WAIT_MS)
    qtbot.wait(200)  # the last relayouts
    names = [
        item.sceneBoundingRect()
        for item in diagram.scene().items()
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()
    ]
    assert names  # the feature names in use
    links = [None, *(tuple(link) for link in link_index(step.trainer_state.network).tolist())]
    for stage, link in [(stage, None) for stage in range(4)] + [(3, link) for link in links]:
        step.set_stage(stage)
        step.select_link(link)  # the selected link's number always shows
        tags = [*overlay.neuron_tags.values(), *overlay.link_tags.values()]
        shown = [(tag.text, tag.sceneBoundingRect()) for tag in tags if tag.isVisible()]
        assert len(shown) >= len(overlay.neuron_tags) + (link is not None), (stage, link)
        for i, (text, tag_rect) in enumerate(shown):
            rect = tag_rect.adjusted(-1, -1, 1, 1)  # not even touching
            for other, other_rect in shown[i + 1 :]:
                assert not rect.intersects(other_rect), (step.stage_name, link, text, other)
            for name in names:
                assert not rect.intersects(name), (step.stage_name, link, text)
