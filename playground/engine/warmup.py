"""Compile (or load from numba's cache) every kernel before the first real use, with progress."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from .trainer import GridRequest, Trainer, TrainingData

Progress = Callable[[int, int], None]


def _tiny_trainer() -> Trainer:
    rng = np.random.default_rng(0)
    xy = rng.uniform(-1, 1, (8, 2))
    labels = (xy[:, 0] > 0).astype(float)
    network = NetworkSpec(layers=(LayerSpec(2, "tanh", dropout=0.1, batch_norm=True),))
    return Trainer(network, TrainingSpec(optimizer=OptimizerSpec("sgd", 0.01), batch_size=4,
                                         early_stopping_patience=1),
                   TrainingData(xy[:6], labels[:6], xy[6:], labels[6:]))


def _steps() -> list[Callable[[Trainer], object]]:
    """One callable per kernel entry point, in the order their callees compile."""
    from . import activations

    return [
        lambda t: activations.curve("tanh", np.zeros(2)),
        lambda t: t.run(1),
        lambda t: t.evaluate(t.data.train_xy, t.data.train_labels),
        lambda t: t.snapshot(GridRequest(resolution=2)),
        lambda t: t.predict(t.data.train_xy),
        lambda t: t.current_learning_rate(),
    ]


def warm_up(progress: Progress | None = None) -> None:
    """Compile every kernel (seconds on the first start, milliseconds from the cache)."""
    steps = _steps()
    trainer = _tiny_trainer()
    for done, step in enumerate(steps):
        if progress is not None:
            progress(done, len(steps))
        step(trainer)
    if progress is not None:
        progress(len(steps), len(steps))
