"""The worker takes typed weights and frozen / switched-off neurons while training runs."""

from __future__ import annotations

import numpy as np

from playground.engine.neuron_masks import NeuronMasks
from tests.test_worker import NETWORK, _next_frame, wait, worker  # noqa: F401 - fixtures


def test_typed_weights_land_exactly_while_training_runs(worker, wait) -> None:  # noqa: ANN001, F811
    first = _next_frame(wait, worker)
    worker.set_weight(0, 2, 1, 1.2345678901234567, first.run)
    worker.set_weight(1, 0, -1, -0.75, first.run)  # the output's bias
    worker.set_weight(0, 9, 0, 1.0, first.run)  # a neuron the network lacks: ignored
    applied = worker.sent
    wait(lambda: worker.status().applied >= applied)
    frame = _next_frame(wait, worker)
    assert frame.weights[0].W[2, 1] == 1.2345678901234567
    assert frame.weights[1].b[0] == -0.75
    assert worker.status().state == "paused"  # nothing blocked


def test_frozen_and_off_neurons_while_training_runs(worker, wait) -> None:  # noqa: ANN001, F811
    first = _next_frame(wait, worker)
    masks = NeuronMasks.none(NETWORK).with_frozen(0, 1, True).with_off(0, 3, True)
    worker.set_neuron_masks(masks)
    worker.play()
    wait(lambda: worker.status().epoch >= 100)
    worker.pause()
    wait(lambda: worker.status().state == "paused")
    frame = _next_frame(wait, worker, lambda f: f.epoch >= 100)
    assert np.array_equal(frame.weights[0].W[1], first.weights[0].W[1])
    assert frame.weights[0].b[1] == first.weights[0].b[1]
    assert frame.weights[1].W[0, 3] == first.weights[1].W[0, 3]  # held while off
    assert not np.array_equal(frame.weights[0].W[0], first.weights[0].W[0])
    assert not frame.snapshot.grid.layers[1][3].any()  # its heatmap: 0 everywhere
    worker.set_neuron_masks(None)
    worker.step_batch()
    step = frame.snapshot.step
    wait(lambda: worker.status().step > step)
    frame = _next_frame(wait, worker, lambda f: f.snapshot.step > step)
    assert frame.snapshot.grid.layers[1][3].any()
