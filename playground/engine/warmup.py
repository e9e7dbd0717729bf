"""Compile (or load from numba's cache) every kernel before the first real use, with progress.

`warm_up` runs each entry point of the Trainer once on a tiny network, which compiles it (or
loads it from numba's on-disk cache). The compiler child process (compiler.py) runs it on an
empty cache; the app then calls `load_step` for one step at a time between chunks of training,
so that each load from the cache holds our GIL only briefly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .landscape import loss_grid, random_plane
from .spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from .trainer import GridRequest, Trainer, TrainingData

Progress = Callable[[int, int], None]


def _tiny_trainer(activation: str = "tanh") -> Trainer:
    rng = np.random.default_rng(0)
    xy = rng.uniform(-1, 1, (8, 2))
    labels = (xy[:, 0] > 0).astype(float)
    network = NetworkSpec(layers=(LayerSpec(2, activation, dropout=0.1, batch_norm=True),))
    return Trainer(
        network,
        TrainingSpec(optimizer=OptimizerSpec("sgd", 0.01), batch_size=4, early_stopping_patience=1),
        TrainingData(xy[:6], labels[:6], xy[6:], labels[6:]),
    )


# One callable per entry point of the Trainer into the kernels (each with the argument types
# the Trainer passes), in the order their callees compile.
STEPS: tuple[Callable[[Trainer], object], ...] = (
    lambda t: t.current_learning_rate(),  # scheduled_lr
    lambda t: t.evaluate(t.data.train_xy, t.data.train_labels),  # evaluate
    lambda t: _tiny_trainer("relu").snapshot(GridRequest(resolution=2)),  # grid_pass, float32
    lambda t: t.predict(t.data.train_xy),  # grid_pass into float64 (also grid_eval's, for tanh)
    lambda t: loss_grid(  # landscape.plane_losses (the loss landscape, H2's view)
        t.loss_inputs(), random_plane(t.layout, t.parameters()), [0.0, 1.0], [0.0, 1.0]
    ),
    lambda t: t.run(1),  # train_steps
)


def warm_up(progress: Progress | None = None) -> None:
    """Compile every kernel (seconds on the first start, milliseconds from the cache)."""
    trainer = _tiny_trainer()
    for done, step in enumerate(STEPS):
        if progress is not None:
            progress(done, len(STEPS))
        step(trainer)
    if progress is not None:
        progress(len(STEPS), len(STEPS))


class CacheLoader:
    """Loads the compiled kernels in-process, one entry point per `load_next` call."""

    def __init__(self) -> None:
        self._trainer = _tiny_trainer()
        self.done = 0

    @property
    def total(self) -> int:
        """Steps in all."""
        return len(STEPS)

    @property
    def finished(self) -> bool:
        """Whether every entry point is loaded."""
        return self.done >= len(STEPS)

    def load_next(self) -> None:
        """Load (or, if the cache lacks it, compile) the next entry point."""
        if not self.finished:
            STEPS[self.done](self._trainer)
            self.done += 1
