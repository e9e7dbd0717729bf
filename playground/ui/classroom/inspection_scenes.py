"""Screenshot scenes of the inspection tabs (see screenshots.py): XOR made linearly separable in
a hidden layer's space, and where a three-class classifier is wrong, ringed on the output view."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.data.generators import generate
from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session
from playground.ui.main_window import MainWindow

WAIT_MS = 120_000  # a cold numba cache compiles the kernels first
SPEED = 100  # epochs per second while a scene trains
Wait = Callable[[Callable[[], bool], int], None]  # wait(predicate, timeout_ms)


def xor_session() -> Session:
    """XOR, hidden [4, 2] tanh: its last hidden layer has two neurons, so the picture is the
    layer's whole space and the output's line in it is exact."""
    points = generate("xor", n=200, noise=0.0, seed=0, test_ratio=0.2)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"), LayerSpec(2, "tanh")))
    training = TrainingSpec(OptimizerSpec("adam", 0.03), batch_size=10, seed=0)
    return Session(points, network, training)


def gaussians_session() -> Session:
    """Three overlapping clouds and a small network: some points stay wrong."""
    points = generate("gaussians", n=300, noise=0.6, seed=1, test_ratio=0.3, classes=3)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"),), "classification", 3)
    training = TrainingSpec(OptimizerSpec("adam", 0.03), batch_size=10, seed=0)
    return Session(points, network, training)


def _train(window: MainWindow, wait: Wait, session: Session, done: Callable[[], bool]) -> None:
    """Load a session, train until done(), pause, and wait for the curves to catch up."""
    controller = window.controller
    controller.load(session)
    window.metrics.show_tab("Loss")
    controller.set_speed(SPEED)  # the pause lands near the target (not thousands of epochs on)
    controller.play()
    wait(lambda: controller.frame is not None and done(), 4 * WAIT_MS)
    controller.pause()
    wait(lambda: controller.status.state == "paused", WAIT_MS)
    epoch = controller.status.epoch
    wait(lambda: window.metrics.train_curve.getData()[0] is not None, WAIT_MS)
    wait(lambda: window.metrics.train_curve.getData()[0][-1] >= epoch - 1, WAIT_MS)


def train_hidden_space(window: MainWindow, wait: Wait) -> None:
    """XOR trained until every training point is right, then its last hidden layer's space,
    big: four clusters pulled apart until one straight line separates the classes."""
    controller = window.controller

    def solved() -> bool:
        snapshot = controller.frame.snapshot
        return controller.frame.epoch >= 150 and (snapshot.train_accuracy or 0) >= 0.995

    _train(window, wait, xor_session(), solved)
    window.metrics.show_tab("Hidden space")
    view = window.hidden_view
    view.big_button.setChecked(True)
    wait(lambda: view.result is not None and view.result.frame is controller.frame, WAIT_MS)
    caption = view.caption  # laid out with all its lines before the picture
    wait(
        lambda: caption.minimumHeight() > 0 and caption.height() >= caption.minimumHeight(), WAIT_MS
    )


def train_mistakes(window: MainWindow, wait: Wait) -> None:
    """Overlapping clouds trained a while; the test matrix's largest wrong cell chosen, its
    points ringed on the output view."""
    controller = window.controller
    _train(window, wait, gaussians_session(), lambda: controller.frame.epoch >= 60)
    window.metrics.show_tab("Where wrong")
    view = window.errors_view
    wait(lambda: view.mistakes is not None and view.mistakes.frame is controller.frame, WAIT_MS)
    wrong = view.mistakes.counts["test"] * (1 - np.eye(3, dtype=np.int64))
    true, guess = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
    view.choose_cell("test", int(true), int(guess))
    wait(lambda: window.output_view.highlight.indices.size == int(wrong.max()), WAIT_MS)


__all__ = ["gaussians_session", "train_hidden_space", "train_mistakes", "xor_session"]
