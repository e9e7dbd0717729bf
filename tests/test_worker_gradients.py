"""The worker publishes dL/dW for the diagram's gradient view (SetGradientView), no Qt."""

from __future__ import annotations

import numpy as np

from playground.engine.explain import explain
from playground.worker import TrainingWorker

from .test_worker import NETWORK, TRAINING, _data, _next_frame, wait, worker  # noqa: F401


def test_frames_carry_the_gradient_only_while_asked(worker: TrainingWorker, wait) -> None:  # noqa: ANN001, F811
    assert _next_frame(wait, worker).weight_grads is None
    worker.set_gradient_view(True)
    frame = _next_frame(wait, worker, lambda f: f.weight_grads is not None)
    data = _data()
    expected = explain(NETWORK, frame.weights, "bce", data.train_xy, data.train_labels).layers
    assert [g.shape for g in frame.weight_grads] == [(4, 2), (1, 4)]
    for got, layer in zip(frame.weight_grads, expected, strict=True):
        np.testing.assert_allclose(got, layer.grad_W, rtol=1e-12)
    worker.set_gradient_view(False)
    worker.step_batch()
    assert _next_frame(wait, worker, lambda f: f.snapshot.step == 1).weight_grads is None


def test_the_gradient_follows_training(worker: TrainingWorker, wait) -> None:  # noqa: ANN001, F811
    worker.set_gradient_view(True)
    first = _next_frame(wait, worker, lambda f: f.weight_grads is not None)
    worker.play()
    later = _next_frame(wait, worker, lambda f: f.snapshot.step > 50 and f.weight_grads is not None)
    worker.pause()
    assert not np.allclose(first.weight_grads[0], later.weight_grads[0])
    assert TRAINING.batch_size == 10
