"""The pictures' grid pass (numpy activations over the kernels' dense sums) against the kernels'
own grid pass: the same values to float32 rounding, for every activation and output."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import (
    GridRequest,
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    Trainer,
    TrainingData,
    TrainingSpec,
)
from playground.engine import kernels as K
from playground.engine.activations import ACTIVATIONS
from playground.engine.grid_eval import grid_pass, worth_it
from playground.engine.network import Layout


def _trainer(activation: str, classes: int, batch_norm: bool) -> Trainer:
    rng = np.random.default_rng(3)
    xy = rng.uniform(-1.5, 1.5, (120, 2))
    problem = "regression" if classes == 1 else "classification"
    labels = xy[:, 0] * xy[:, 1] if classes == 1 else np.arange(120) % classes
    network = NetworkSpec(
        ("x1", "x2", "x1^2"),
        (LayerSpec(6, activation, batch_norm=batch_norm), LayerSpec(4, "tanh")),
        problem,
        classes,
    )
    trainer = Trainer(network, TrainingSpec(OptimizerSpec("adam", 0.05), batch_size=16),
                      TrainingData(xy, labels))  # fmt: skip
    trainer.run(60)
    return trainer


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize(("classes", "batch_norm"), [(2, False), (3, True), (1, True)])
def test_grid_pass_gives_the_kernels_values(activation: str, classes: int, batch_norm: bool):
    trainer = _trainer(activation, classes, batch_norm)
    X = trainer._features(GridRequest(resolution=70).points())  # more points than a tile
    table = trainer._layout.table
    out_kind = np.int64(K.OUT_SOFTMAX if classes > 2 else K.OUT_SIGMOID if classes == 2 else 2)
    expected = np.empty((trainer._layout.n_rows, X.shape[1]))
    K.grid_pass(trainer._params, table, out_kind, X, trainer._A, trainer._Y,
                trainer._bn_mean, trainer._bn_var, expected)  # fmt: skip
    got = np.empty_like(expected, dtype=np.float32)
    grid_pass(trainer._params, table, out_kind, X, trainer._bn_mean, trainer._bn_var, got,
              trainer._A, trainer._Y)  # fmt: skip
    np.testing.assert_allclose(got, expected.astype(np.float32), rtol=1e-6, atol=1e-12)


def test_the_trainer_pictures_use_it_only_for_costly_activations() -> None:
    cheap = Layout.of(NetworkSpec(layers=(LayerSpec(8, "relu"), LayerSpec(3, "linear")))).table
    costly = Layout.of(NetworkSpec(layers=(LayerSpec(8, "relu"), LayerSpec(3, "elu")))).table
    vectorised = Layout.of(NetworkSpec(layers=(LayerSpec(8, "tanh"), LayerSpec(3, "sigmoid"))))
    assert not worth_it(cheap)
    assert worth_it(costly)
    assert not worth_it(vectorised.table)  # no libm call: the kernels are faster (vector_math)
    trainer = _trainer("elu", 2, False)
    points = GridRequest(resolution=30).points()
    picture = trainer.unit_outputs(points)
    exact = trainer.unit_outputs(points, np.float64)  # predictions: the kernels, exactly
    for got, want in zip(picture, exact, strict=True):
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-6, atol=1e-12)
