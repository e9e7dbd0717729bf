"""Screenshot scene of hands on the weights (see screenshots.py): XOR half trained, one neuron
frozen, one switched off, a first-layer neuron shown big with its line to drag, and the editor
of its bias open below the diagram's second layer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF

from playground.data.generators import generate
from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session
from playground.ui.main_window import MainWindow

WAIT_MS = 120_000  # a cold numba cache compiles the kernels first
Wait = Callable[[Callable[[], bool], int], None]  # wait(predicate, timeout_ms)


def xor_session() -> Session:
    """XOR on x1 and x2 alone (so first-layer neurons have lines), hidden [4, 2] tanh."""
    points = generate("xor", n=200, noise=0.0, seed=0, test_ratio=0.2)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"), LayerSpec(2, "tanh")))
    training = TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10, seed=0)
    return Session(points, network, training)


def hands_on(window: MainWindow, wait: Wait) -> None:
    """Train XOR 60 epochs, freeze neuron 2 and switch off neuron 4 of layer 1, show neuron 1
    big with its line, and open its editor next to it."""
    controller = window.controller
    controller.load(xor_session())
    window.metrics.show_tab("Loss")
    controller.set_speed(60)  # a readable epoch count
    controller.play()
    wait(lambda: controller.frame is not None and controller.frame.epoch >= 60, WAIT_MS)
    controller.pause()
    wait(lambda: controller.status.state == "paused", WAIT_MS)
    controller.weights.set_frozen(0, 1, True)
    controller.weights.set_off(0, 3, True)
    controller.select_neuron((1, 0))
    wait(lambda: window.neuron_line.roi.isVisible(), WAIT_MS)
    step = controller.status.step
    controller.step_batch()  # a frame with the neuron off
    wait(lambda: controller.frame.snapshot.step > step, WAIT_MS)
    diagram = window.network_panel.diagram
    below = diagram.columns[1][-1]  # the editor under the second hidden layer, clear of it
    corner = diagram.mapFromScene(below.mapToScene(QPointF(below.size, 0)))
    window.weight_handles.open_neuron(1, 0, diagram.mapToGlobal(corner) + QPoint(14, 0))
    wait(lambda: window.weight_handles.popup is not None, WAIT_MS)
