"""The hidden space tab, built from its models alone: live while training, its coordinates the
frame's activations, the layer and projection choices, XOR separated by the output's line."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.generators import generate
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.inspection import eval_network_of
from playground.ui.views.hidden_space import HiddenSpaceView
from playground.ui.widgets.appearance import Appearance

from .window_checks import assert_big_stays_the_users

WAIT_MS = 30_000


def xor_session(layers: tuple[LayerSpec, ...], **training: object) -> Session:
    points = generate("xor", n=120, noise=0.0, seed=1, test_ratio=0.2)
    network = NetworkSpec(("x1", "x2"), layers, points.problem, points.classes)
    options = {"optimizer": OptimizerSpec("adam", 0.03), "batch_size": 10, "seed": 4}
    return Session(points, network, TrainingSpec(**{**options, **training}))


@pytest.fixture
def make_view(qtbot):  # noqa: ANN001, ANN201
    from playground.ui.models.training_runner import TrainingRunner

    made = []

    def make(session: Session) -> HiddenSpaceView:
        runner = TrainingRunner(session, warm_up=False)
        data = DataEditor(session.points, lambda: session)
        view = HiddenSpaceView(runner=runner, data=data, appearance=Appearance(), min_interval=0)
        qtbot.addWidget(view)
        view.resize(520, 480)
        view.show()
        qtbot.waitExposed(view)
        made.append((view, runner))
        view.runner = runner
        return view

    yield make
    for view, runner in made:
        view.shutdown()
        runner.shutdown()
        assert not view.worker.alive


def test_the_view_follows_training_with_the_frames_activations(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(xor_session((LayerSpec(4, "tanh"), LayerSpec(2, "tanh"))))
    view.runner.play()
    epochs = []
    for _ in range(3):
        with qtbot.waitSignal(view.updated, timeout=WAIT_MS) as blocker:
            pass
        result = blocker.args[0]
        epochs.append(view.frame.epoch)
    view.runner.pause()
    assert epochs[-1] > 0 and result.space.layer == 1  # the last hidden layer by default
    frame = view.frame
    qtbot.waitUntil(lambda: view.result.run == frame.run and not view.runner.playing)
    # the drawn coordinates are the layer's activations of that run's weights
    drawn = view.plot.drawn_points()
    np.testing.assert_array_equal(drawn, view.result.space.points)
    assert view.result.space.boundary is not None and view.result.space.boundary.exact
    assert "exact" in view.caption.text()
    assert len(view.plot.lines.getData()[0]) > 0


def test_coordinates_are_the_activations_of_the_frame(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(xor_session((LayerSpec(5, "relu"), LayerSpec(3, "tanh"))))
    view.runner.step_epoch()
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.epoch == 1, timeout=WAIT_MS)
    frame = view.frame
    view.set_layer(0)
    view.set_projection("neurons")
    view.set_neurons(4, 1)
    qtbot.waitUntil(
        lambda: view.result is not None and view.result.choice.neurons == (4, 1), timeout=WAIT_MS
    )
    net = eval_network_of(frame, view._data.points)
    H = net.activations(frame.loss_inputs.X, 0)
    np.testing.assert_allclose(view.result.space.points, H[:, [4, 1]], atol=1e-12)
    assert view.result.space.boundary is None  # another layer follows
    assert "No decision line" in view.caption.text()
    assert view.plot.getPlotItem().getAxis("bottom").labelText == "neuron 5"

    view.set_layer(1)
    view.set_projection("pca")
    qtbot.waitUntil(
        lambda: view.result.space.layer == 1 and view.result.choice.kind == "pca", timeout=WAIT_MS
    )
    H = net.activations(frame.loss_inputs.X, 1)
    U, S, _ = np.linalg.svd(H - H.mean(axis=0), full_matrices=False)
    np.testing.assert_allclose(
        np.abs(view.result.space.points), np.abs(U[:, :2] * S[:2]), atol=1e-9
    )
    assert "principal components" in view.caption.text() and "approximation" in view.caption.text()
    assert view.neuron_boxes[0].isHidden()  # PCA: no neuron boxes


def test_a_trained_xor_net_is_split_by_the_drawn_line(qtbot, make_view) -> None:  # noqa: ANN001
    session = xor_session((LayerSpec(4, "tanh"), LayerSpec(2, "tanh")), batch_size=96, seed=0)
    trainer = session.make_trainer()
    trainer.run_epochs(300)
    assert trainer.snapshot().train_accuracy == 1.0
    view = make_view(session.replace(weights=tuple(trainer.weights()), epoch=300))
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    space = view.result.space
    side = space.boundary.logits(space.points)[:, 0] >= 0
    np.testing.assert_array_equal(side, space.labels == 1)  # one line separates the classes
    x, y = view.plot.boundary.getData()
    assert len(x) == 2  # and it is drawn
    normal, offset = space.boundary.A[0], space.boundary.d[0]
    np.testing.assert_allclose(normal[0] * x + normal[1] * y + offset, 0, atol=1e-9)


def test_many_points_show_as_an_even_sample_and_the_caption_says_what_is_drawn(
    qtbot,  # noqa: ANN001
    make_view,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playground.ui.models import inspection

    monkeypatch.setattr(inspection, "MAX_SPACE_POINTS", 40)
    points = generate("gaussians", n=150, noise=0.2, seed=3, classes=3)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"),), "classification", 3)
    view = make_view(Session(points, network, TrainingSpec(seed=2)))
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    space = view.result.space
    X = view.frame.loss_inputs.X
    step = -(-X.shape[1] // 40)
    assert len(space.points) == len(range(0, X.shape[1], step)) <= 40
    net = eval_network_of(view.frame, view._data.points)
    H = net.activations(X[:, ::step], 0)
    np.testing.assert_allclose(space.projection.coordinates(H), space.points, atol=1e-12)
    text = view.caption.text()
    assert f"{len(space.points)} of the {X.shape[1]} training points" in text
    assert "class regions" in text and "PCA plane" in text
    x, _ = view.plot.boundary.getData()
    assert x is None or len(x) == 0  # no single line for 3 classes: the regions show them


def test_a_new_network_refills_the_layers_and_a_network_without_hidden_layers_says_so(
    qtbot,  # noqa: ANN001
    make_view,  # noqa: ANN001
) -> None:
    session = xor_session((LayerSpec(3, "relu"),))
    view = make_view(session)
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    assert [view.layer_box.itemText(i) for i in range(view.layer_box.count())] == [
        "Layer 1 · 3 neurons"
    ]
    wider = session.replace(
        network=NetworkSpec(("x1", "x2"), (LayerSpec(5, "tanh"), LayerSpec(6, "tanh")))
    )
    view.runner.start(wider)
    qtbot.waitUntil(
        lambda: view.result is not None and view.result.space.units == 6, timeout=WAIT_MS
    )
    assert view.layer_box.count() == 2 and view.layer_box.currentIndex() == 1
    assert view.result.space.projection.kind == "pca"
    view.runner.start(session.replace(network=NetworkSpec(("x1", "x2"), ())))
    qtbot.waitUntil(lambda: "no hidden layer" in view.caption.text(), timeout=WAIT_MS)
    assert view.layer_box.count() == 0
    x, _ = view.plot.lines.getData()
    assert x is None or len(x) == 0


@pytest.mark.parametrize(
    ("size", "big"), [((1280, 720), True), ((1024, 768), True), ((1280, 1000), False)]
)
def test_the_tab_opens_big_where_the_panel_under_the_output_view_is_short(
    qtbot, make_window, size, big
) -> None:  # noqa: ANN001
    """At 1280×720 the panel under the output view leaves the plot a strip of ~45 px: the tab
    opens big (in the output view's place); a tall window keeps both. Big stays the user's."""
    window = make_window(None, *size)
    qtbot.waitUntil(lambda: window.controller.runner.frame is not None, timeout=WAIT_MS)
    view, output = window.hidden_view, window.output_view
    window.metrics.show_tab("Hidden space")
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    qtbot.wait(100)  # laid out
    assert view.plot.getPlotItem().vb.sceneBoundingRect().height() >= 110  # room to read it
    assert view.big_button.isChecked() == big
    assert output.isVisible() == (not big)
    if not big:
        return
    assert_big_stays_the_users(qtbot, window, view, "Hidden space")
