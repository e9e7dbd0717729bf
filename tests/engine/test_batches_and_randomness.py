"""Mini-batches, shuffling, dropout and reproducibility of the training loop."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import Trainer, TrainingData
from tests.engine import naive
from tests.engine.engine_pass import (
    assert_close,
    engine_order,
    engine_pass,
    engine_state,
    make_case,
    make_points,
    naive_state,
    random_weights,
    to_naive,
)

N = 12


def all_arrays_equal(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(engine_state(a), engine_state(b), strict=True))


# ----- batches ---------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 5, N, 100])
def test_unshuffled_batches_walk_the_points_in_order(batch_size):
    """Batch size 1 is SGD, >= n full-batch GD; 5 of 12 gives batches of 5, 5 and 2."""
    case = make_case(OptimizerSpec("momentum", 0.02), batch_size=batch_size, n=N)
    trainer, reference = case.trainer(), case.reference()
    assert trainer.steps_per_epoch == -(-N // batch_size)
    trainer.run_epochs(2)
    for _ in range(2):
        for batch in naive.batches(N, batch_size):
            reference.step(case.X[batch], case.labels[batch])
    assert trainer.epoch == 2 and trainer.step == 2 * len(naive.batches(N, batch_size))
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_steps_left_in_epoch_counts_down():
    trainer = make_case(batch_size=5, n=N).trainer()  # batches of 5, 5 and 2
    left = [trainer.steps_left_in_epoch]
    for _ in range(4):
        trainer.run(1)
        left.append(trainer.steps_left_in_epoch)
    assert left == [3, 2, 1, 3, 2]
    assert trainer.epoch == 1 and trainer.step == 4


@pytest.mark.parametrize("batch_size", [1, 5])
def test_shuffled_batches_follow_the_seeded_generator(batch_size):
    """Each epoch reshuffles with the seeded xorshift64* generator that the kernels document."""
    seed = 7
    case = make_case(OptimizerSpec("sgd", 0.05), batch_size=batch_size, shuffle=True, seed=seed)
    trainer, reference = case.trainer(), case.reference()
    orders = engine_order(N, seed, epochs=3)
    assert all(sorted(order) == list(range(N)) for order in orders)
    assert orders[0] != orders[1] != orders[2]
    trainer.run_epochs(3)
    for order in orders:
        for batch in naive.batches(N, batch_size, np.array(order)):
            reference.step(case.X[batch], case.labels[batch])
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_shuffling_changes_the_result_of_small_batches():
    case = make_case(OptimizerSpec("sgd", 0.05), batch_size=1)
    shuffled, ordered = case.trainer(shuffle=True), case.trainer(shuffle=False)
    shuffled.run_epochs(2)
    ordered.run_epochs(2)
    assert not np.allclose(shuffled.weights()[0].W, ordered.weights()[0].W)


def test_shuffling_does_not_change_full_batch_descent():
    layers = (LayerSpec(5, "tanh", batch_norm=True), LayerSpec(4, "relu"))
    case = make_case(OptimizerSpec("momentum", 0.05), batch_size=N, layers=layers)
    shuffled, ordered = case.trainer(shuffle=True), case.trainer(shuffle=False)
    shuffled.run_epochs(4)
    ordered.run_epochs(4)
    assert_close(engine_state(shuffled.weights()), engine_state(ordered.weights()), rtol=1e-11)


# ----- dropout ---------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_masks_are_inverted_with_mean_one(p):
    network = NetworkSpec(inputs=("x1", "x2"), layers=(LayerSpec(64, "tanh", dropout=p),))
    X = np.random.default_rng(0).normal(size=(500, 2))
    result = engine_pass(network, random_weights(network, 0), X, np.zeros(500), "bce")
    mask = result.masks[0]
    assert set(np.unique(mask)) == {0.0, 1.0 / (1.0 - p)}
    assert mask.mean() == pytest.approx(1.0, abs=0.04)  # 32,000 draws: std of the mean < 0.01
    assert (mask == 0).mean() == pytest.approx(p, abs=0.015)
    hidden = to_naive(network, random_weights(network, 0), "bce").forward(X, train=True)[0].h
    np.testing.assert_allclose(result.outputs[1], hidden * mask, rtol=1e-12, atol=1e-15)


def test_dropout_is_off_in_eval_mode():
    network = NetworkSpec(inputs=("x1", "x2"), layers=(LayerSpec(16, "relu", dropout=0.5),))
    weights = random_weights(network, 1)
    X = np.random.default_rng(1).normal(size=(40, 2))
    result = engine_pass(network, weights, X, np.zeros(40), "bce", train=False)
    assert result.masks == [None, None]
    np.testing.assert_allclose(
        result.outputs[1], np.maximum(X @ weights[0].W.T + weights[0].b, 0.0), rtol=1e-12
    )


def test_same_generator_state_draws_the_same_masks():
    network = NetworkSpec(
        inputs=("x1", "x2"),
        layers=(LayerSpec(8, "tanh", dropout=0.5), LayerSpec(8, "tanh", dropout=0.3)),
    )
    weights = random_weights(network, 2)
    X = np.random.default_rng(2).normal(size=(30, 2))
    first, again, other = (
        engine_pass(network, weights, X, np.zeros(30), "bce", rng_state=s) for s in (99, 99, 100)
    )
    for a, b, c in zip(first.masks[:2], again.masks[:2], other.masks[:2], strict=True):
        assert np.array_equal(a, b)
        assert not np.array_equal(a, c)
    assert not np.array_equal(first.masks[0], first.masks[1][:, :8])  # fresh draws per layer


def test_trainer_with_dropout_predicts_without_it():
    layers = (LayerSpec(8, "tanh", dropout=0.5), LayerSpec(6, "relu", dropout=0.3))
    case = make_case(OptimizerSpec("adam", 0.02), batch_size=4, shuffle=True, layers=layers)
    trainer = case.trainer()
    trainer.run_epochs(3)
    reference = to_naive(case.network, trainer.weights(), case.loss)
    # predict goes through the float32 unit-output buffer
    np.testing.assert_allclose(trainer.predict(case.xy), reference.predict(case.X), rtol=1e-6)
    assert trainer.snapshot().train_loss == pytest.approx(
        reference.data_loss(case.X, case.labels, train=False), rel=1e-10
    )


# ----- reproducibility -----------------------------------------------------------------------


def reproducible_setup(seed: int) -> tuple[NetworkSpec, TrainingSpec, TrainingData]:
    network = NetworkSpec(
        layers=(
            LayerSpec(8, "relu", dropout=0.2, batch_norm=True),
            LayerSpec(6, "tanh", dropout=0.1),
        )
    )
    training = TrainingSpec(
        optimizer=OptimizerSpec("adam", 0.01), batch_size=7, seed=seed, init="he_uniform"
    )
    xy, labels = make_points("binary", 40, 0)
    return network, training, TrainingData(xy[:30], labels[:30], xy[30:], labels[30:])


def test_same_specs_and_seed_give_bit_identical_weights():
    first, second = (Trainer(*reproducible_setup(3)) for _ in range(2))
    first.run_epochs(6)
    second.run_epochs(6)
    assert first.step == second.step == 6 * 5
    assert all_arrays_equal(first.weights(), second.weights())
    assert first.snapshot().train_loss == second.snapshot().train_loss


def test_chunk_sizes_do_not_change_the_weights():
    whole, chunked = (Trainer(*reproducible_setup(3)) for _ in range(2))
    whole.run(30)
    for chunk in (1, 4, 7, 3, 15):
        chunked.run(chunk)
        chunked.snapshot()
    assert all_arrays_equal(whole.weights(), chunked.weights())


def test_different_seeds_give_different_weights():
    one, two = Trainer(*reproducible_setup(3)), Trainer(*reproducible_setup(4))
    assert not np.array_equal(one.weights()[0].W, two.weights()[0].W)  # initialisation
    network, training, data = reproducible_setup(4)
    start = one.weights()
    three = Trainer(network, training, data, weights=start)  # same start, other shuffles/masks
    one.run_epochs(2)
    three.run_epochs(2)
    assert not np.array_equal(one.weights()[0].W, three.weights()[0].W)


def test_reset_replays_the_same_run():
    trainer = Trainer(*reproducible_setup(5))
    trainer.run_epochs(3)
    after_three = trainer.weights()
    trainer.reset()
    assert trainer.step == 0 and trainer.epoch == 0
    trainer.run_epochs(3)
    assert all_arrays_equal(trainer.weights(), after_three)
