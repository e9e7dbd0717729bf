"""Learning tests: the engine learns XOR and a spiral, and a linear model cannot."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import Trainer, TrainingData

pytestmark = pytest.mark.slow


def xor_points(n: int, seed: int, margin: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in [-6, 6]², kept `margin` off the axes; class 1 where x1·x2 > 0."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-6.0 + margin, 6.0 - margin, (n, 2))
    xy += np.where(xy > 0, margin, -margin)
    return xy, (xy[:, 0] * xy[:, 1] > 0).astype(float)


def spiral_points(n: int, seed: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms, 1.75 turns out to radius 5; the class is the arm."""
    rng = np.random.default_rng(seed)
    arm = np.arange(n) % 2
    r = rng.uniform(0.2, 5.0, n)
    angle = 1.75 * 2.0 * np.pi * r / 5.0 + np.pi * arm
    xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)]) + rng.normal(0.0, noise, (n, 2))
    return xy, arm.astype(float)


def train(
    layers: tuple[LayerSpec, ...],
    points,
    test_points,
    epochs: int,
    lr: float,
    seed: int,
    batch_size: int = 10,
):
    network = NetworkSpec(layers=layers)
    training = TrainingSpec(optimizer=OptimizerSpec("adam", lr), batch_size=batch_size, seed=seed)
    trainer = Trainer(network, training, TrainingData(*points, *test_points))
    trainer.run_epochs(epochs)
    assert not trainer.diverged
    return trainer.snapshot()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_hidden_layer_of_four_tanh_units_learns_xor(seed):
    snapshot = train(
        (LayerSpec(4, "tanh"),),
        xor_points(200, seed),
        xor_points(200, seed + 50),
        epochs=500,
        lr=0.01,
        seed=seed,
    )
    assert snapshot.train_accuracy >= 0.97
    assert snapshot.test_accuracy >= 0.93


def test_no_hidden_layer_cannot_learn_xor():
    snapshot = train((), xor_points(200, 0), xor_points(200, 50), epochs=300, lr=0.01, seed=0)
    assert snapshot.train_accuracy <= 0.80


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_a_deeper_net_learns_the_spiral(activation):
    points, test_points = spiral_points(400, 0), spiral_points(200, 1)
    snapshot = train(
        (LayerSpec(16, activation),) * 3,
        points,
        test_points,
        epochs=300,
        lr=0.01,
        seed=0,
        batch_size=16,
    )
    assert snapshot.train_accuracy >= 0.95
    assert snapshot.test_accuracy >= 0.93
    linear = train((), points, test_points, epochs=100, lr=0.01, seed=0, batch_size=16)
    assert linear.train_accuracy <= 0.75
