"""The window's Save keeps what resuming exactly needs (optimizer, schedule, random state)."""

from __future__ import annotations

import numpy as np

from playground.data.generators import generate
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, ScheduleSpec, TrainingSpec
from playground.session import Session, load_session

from .conftest import WAIT_MS


def _session() -> Session:
    points = generate("moons", n=60, noise=0.1, seed=0, test_ratio=1 / 3)
    network = NetworkSpec(
        ("x1", "x2"), (LayerSpec(5, "tanh", dropout=0.2),), points.problem, points.classes
    )
    training = TrainingSpec(
        OptimizerSpec("adam", 0.05),
        batch_size=7,
        schedule=ScheduleSpec("step", {"step_size": 1, "gamma": 0.7}),
    )
    return Session(points, network, training)


def _step_epochs(qtbot, controller, epochs: int) -> None:  # noqa: ANN001
    for _ in range(epochs):
        target = controller.status.epoch + 1
        controller.step_epoch()
        qtbot.waitUntil(
            lambda t=target: (
                controller.frame is not None
                and controller.frame.epoch == t
                and controller.status.state == "paused"
            ),
            timeout=WAIT_MS,
        )


def test_save_then_open_and_train_on_equals_training_in_one_go(
    qtbot, make_window, tmp_path
) -> None:  # noqa: ANN001
    session = _session()
    reference = session.make_trainer()
    reference.run_epochs(4)

    controller = make_window(session).controller
    _step_epochs(qtbot, controller, 2)
    controller.save(tmp_path / "half.json")
    saved = load_session(tmp_path / "half.json")
    assert saved.epoch == 2 and saved.state is not None and saved.state.optimizer_step == 12

    controller.open(tmp_path / "half.json")
    _step_epochs(qtbot, controller, 2)
    assert controller.frame.epoch == 4
    for got, want in zip(controller.frame.weights, reference.weights(), strict=True):
        assert np.array_equal(got.W, want.W) and np.array_equal(got.b, want.b)
