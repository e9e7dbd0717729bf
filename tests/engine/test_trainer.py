"""The Trainer: initialisation, snapshots, divergence, early stopping, changes between chunks."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest

from playground.engine.registry import INITIALIZERS
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import GridRequest, Trainer, TrainingData
from tests.engine import naive
from tests.engine.engine_pass import (
    assert_close,
    engine_state,
    make_case,
    make_points,
    naive_state,
    to_naive,
)


def finite(weights) -> bool:
    return all(np.all(np.isfinite(a)) for a in engine_state(weights))


# ----- initialisation ---------------------------------------------------------------------------

WIDE = NetworkSpec(layers=(LayerSpec(256, "relu", batch_norm=True), LayerSpec(256, "tanh")))
# initializer -> (kind, bound or standard deviation for the 256×256 layer)
FAN = 256
EXPECTED_SCALE = {
    "uniform": 0.5, "normal": 1.0, "glorot_uniform": math.sqrt(6 / (2 * FAN)),
    "glorot_normal": math.sqrt(2 / (2 * FAN)), "he_uniform": math.sqrt(6 / FAN),
    "he_normal": math.sqrt(2 / FAN), "lecun_normal": math.sqrt(1 / FAN),
}  # fmt: skip


@pytest.mark.parametrize("init", sorted(INITIALIZERS))
def test_initial_weights_follow_the_initializer(init):
    xy, labels = make_points("binary", 10, 0)
    weights = Trainer(WIDE, TrainingSpec(init=init, seed=1), TrainingData(xy, labels)).weights()
    W = weights[1].W
    assert W.shape == (256, 256)
    for lw in weights:
        assert np.array_equal(lw.b, np.zeros_like(lw.b))  # biases start at 0
    bn = weights[0].bn
    assert np.array_equal(bn.gamma, np.ones(256)) and np.array_equal(bn.beta, np.zeros(256))
    assert np.array_equal(bn.running_mean, np.zeros(256))
    assert np.array_equal(bn.running_var, np.ones(256))
    if init == "zeros":
        assert not W.any()
    elif init == "constant":
        assert np.all(W == 0.1)
    elif init.endswith("uniform"):
        bound = EXPECTED_SCALE[init]
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.99 * bound
        assert W.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    else:
        assert W.std() == pytest.approx(EXPECTED_SCALE[init], rel=0.02)
        assert abs(W.mean()) < 0.05 * EXPECTED_SCALE[init]


def test_given_weights_are_the_starting_point():
    case = make_case()
    assert_close(engine_state(case.trainer().weights()), engine_state(case.weights), rtol=0, atol=0)


# ----- snapshots and predictions ----------------------------------------------------------------


@pytest.mark.parametrize("problem", ["binary", "three_class", "regression"])
def test_snapshot_and_predictions_match_the_reference_in_eval_mode(problem):
    layers = (LayerSpec(6, "tanh", batch_norm=True), LayerSpec(5, "elu"))
    case = make_case(
        OptimizerSpec("adam", 0.02),
        problem=problem,
        batch_size=5,
        layers=layers,
        regularization="l2",
        regularization_rate=0.01,
    )
    test_xy, test_labels = make_points(problem, 9, 5)
    trainer = Trainer(
        case.network,
        case.training,
        TrainingData(case.xy, case.labels, test_xy, test_labels),
        case.weights,
    )
    trainer.run_epochs(3)
    snapshot = trainer.snapshot()
    reference = to_naive(case.network, trainer.weights(), case.loss)
    X_test = naive.features(test_xy, case.network.inputs)
    assert snapshot.epoch == 3 and snapshot.step == 9
    assert snapshot.train_loss == pytest.approx(
        reference.data_loss(case.X, case.labels, train=False), rel=1e-10
    )
    assert snapshot.test_loss == pytest.approx(
        reference.data_loss(X_test, test_labels, train=False), rel=1e-10
    )
    assert snapshot.penalty == pytest.approx(naive.penalty(reference, "l2", 0.01)[0], rel=1e-12)
    predictions = reference.predict(X_test)
    np.testing.assert_allclose(trainer.predict(test_xy), predictions, rtol=1e-6, atol=1e-7)
    if problem == "regression":
        assert snapshot.train_accuracy is None and snapshot.test_accuracy is None
    else:
        assert snapshot.test_accuracy == pytest.approx(
            np.mean(predictions.argmax(axis=1) == test_labels)
        )
    for got, expected in zip(
        trainer.unit_outputs(test_xy), reference.unit_outputs(X_test), strict=True
    ):
        np.testing.assert_allclose(got, expected.T, rtol=1e-6, atol=1e-6)
    assert trainer.evaluate(test_xy, test_labels) == (snapshot.test_loss, snapshot.test_accuracy)


def test_snapshots_are_copies():
    trainer = make_case(OptimizerSpec("sgd", 0.1)).trainer()
    trainer.run(2)
    snapshot = trainer.snapshot()
    grad_norms = snapshot.grad_norm_per_layer.copy()
    weight_norms = snapshot.weight_norm_per_layer.copy()
    trainer.run(3)
    trainer.snapshot()
    assert np.array_equal(snapshot.grad_norm_per_layer, grad_norms)
    assert np.array_equal(snapshot.weight_norm_per_layer, weight_norms)
    assert snapshot.step == 2 and trainer.step == 5


def test_snapshot_without_test_points_reports_none():
    snapshot = make_case().trainer().snapshot()
    assert snapshot.test_loss is None and snapshot.test_accuracy is None
    assert math.isfinite(snapshot.train_loss) and not snapshot.diverged


def test_grid_images_hold_every_unit_over_the_view_row_zero_at_y_min():
    case = make_case(layers=(LayerSpec(3, "tanh"),))
    trainer = case.trainer()
    request = GridRequest(-2.0, 4.0, -1.0, 3.0, resolution=5)
    grid = trainer.snapshot(request).grid
    assert [image.shape for image in grid.layers] == [(2, 5, 5), (3, 5, 5), (1, 5, 5)]
    assert grid.output is grid.layers[-1]
    np.testing.assert_allclose(grid.layers[0][0, 0], np.linspace(-2.0, 4.0, 5))  # x1 along row
    np.testing.assert_allclose(grid.layers[0][1, :, 0], np.linspace(-1.0, 3.0, 5))  # y rises
    expected = trainer.predict(request.points())[:, 1].reshape(5, 5)
    np.testing.assert_allclose(grid.output[0], expected, rtol=1e-6)


def test_standardized_inputs_match_the_reference():
    case = make_case(OptimizerSpec("sgd", 0.1))
    network = dataclasses.replace(case.network, standardize=True)
    xy = case.xy * [3.0, 0.5] + [10.0, -4.0]
    trainer = Trainer(network, case.training, TrainingData(xy, case.labels), case.weights)
    X = naive.features(xy, network.inputs)
    mean, std = X.mean(axis=0), X.std(axis=0)
    np.testing.assert_allclose(trainer.standardization[0], mean)
    np.testing.assert_allclose(trainer.standardization[1], std)
    reference = case.reference()
    trainer.run(3)
    for _ in range(3):
        reference.step((X - mean) / std, case.labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


# ----- divergence ---------------------------------------------------------------------------


def diverging_trainer(activation: str = "relu", seed: int = 0) -> Trainer:
    network = NetworkSpec(
        layers=(LayerSpec(8, activation), LayerSpec(8, activation)), problem="regression", classes=1
    )
    xy, targets = make_points("regression", 40, 1)
    training = TrainingSpec(optimizer=OptimizerSpec("sgd", 1e3), batch_size=10, seed=seed)
    return Trainer(network, training, TrainingData(xy, targets))


def test_huge_learning_rate_diverges_with_a_clear_message():
    trainer = diverging_trainer()
    asked = 100 * trainer.steps_per_epoch
    done = trainer.run(asked)
    assert trainer.diverged and done < asked
    assert not trainer.can_train
    assert "learning rate" in trainer.message and "1000" in trainer.message
    snapshot = trainer.snapshot()
    assert snapshot.diverged and snapshot.message == trainer.message
    assert trainer.run(10) == 0 and trainer.step == done
    trainer.reset()
    assert not trainer.diverged and trainer.message == "" and finite(trainer.weights())


@pytest.mark.parametrize("patience", [0, 2])
def test_a_chunk_reports_its_last_batch_loss_as_single_steps_do(patience):
    """The loop computes the binary cross-entropy's value only where it is read (the chunk's
    last step, an early-stopping check): the reported loss and the weights are the same bits
    as one step at a time."""
    xy, labels = make_points("binary", 50, seed=3)
    network = NetworkSpec(layers=(LayerSpec(4, "tanh"), LayerSpec(3, "sigmoid")))
    training = TrainingSpec(optimizer=OptimizerSpec("adam", 0.05), batch_size=8)
    data = TrainingData(xy, labels, xy[:10], labels[:10])
    chunked, stepped = (Trainer(network, training, data) for _ in range(2))
    for trainer in (chunked, stepped):
        trainer.set_training(dataclasses.replace(training, early_stopping_patience=patience))
    steps = 3 * chunked.steps_per_epoch + 2
    chunked.run(steps)
    for _ in range(steps):
        stepped.run(1)
    assert chunked._stats[0] == stepped._stats[0] and math.isfinite(chunked._stats[0])
    for mine, theirs in zip(
        engine_state(chunked.weights()), engine_state(stepped.weights()), strict=True
    ):
        assert np.array_equal(mine, theirs)


@pytest.mark.parametrize(
    ("activation", "seed"),
    [("relu", 0), ("softplus", 2), ("relu", 1)],
)
def test_non_finite_weights_are_never_reported_as_success(activation, seed):
    """Step by step, whatever chunk ends where: NaN/inf weights imply `diverged`."""
    trainer = diverging_trainer(activation, seed)
    for _ in range(200):
        trainer.run(1)
        assert trainer.diverged or finite(trainer.weights()), f"step {trainer.step}"
        if trainer.diverged:
            break
    assert trainer.diverged


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_snapshots_of_a_diverging_run_warn_nothing(regularization):
    """Weights near the float64 limit must not make numpy warn (warnings are errors here)."""
    trainer = diverging_trainer()
    trainer.set_training(
        dataclasses.replace(
            trainer.training, regularization=regularization, regularization_rate=0.001
        )
    )
    while not trainer.diverged and trainer.step < 200:
        trainer.run(1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            snapshot = trainer.snapshot(GridRequest(resolution=4))
    assert trainer.diverged and snapshot.diverged


# ----- early stopping ---------------------------------------------------------------------------


def early_stopping_setup(patience: int) -> Trainer:
    xy, labels = make_points("binary", 40, 0)
    test_xy, test_labels = make_points("binary", 40, 1)
    flipped = np.random.default_rng(0).random(40) < 0.35  # noisy test labels: overfitting shows
    test_labels = np.where(flipped, 1.0 - test_labels, test_labels)
    network = NetworkSpec(layers=(LayerSpec(8, "tanh", batch_norm=True), LayerSpec(8, "tanh")))
    training = TrainingSpec(
        optimizer=OptimizerSpec("adam", 0.03),
        batch_size=10,
        seed=0,
        early_stopping_patience=patience,
    )
    return Trainer(network, training, TrainingData(xy, labels, test_xy, test_labels))


def test_early_stopping_restores_the_best_epochs_weights():
    patience = 8
    free = early_stopping_setup(0)
    history, test_losses = [free.weights()], [math.inf]
    for _ in range(80):
        free.run_epochs(1)
        history.append(free.weights())
        test_losses.append(free.snapshot().test_loss)
    best, stale, stop = 0, 0, None
    for epoch in range(1, len(test_losses)):
        if test_losses[epoch] < test_losses[best]:
            best, stale = epoch, 0
        else:
            stale += 1
            if stale >= patience:
                stop = epoch
                break
    assert stop is not None and best > 1  # the scenario is not trivial

    trainer = early_stopping_setup(patience)
    trainer.run_epochs(200)
    assert trainer.stopped_early and not trainer.diverged and not trainer.can_train
    assert trainer.epoch == stop
    assert f"epoch {best}" in trainer.message
    assert all(
        np.array_equal(a, b)
        for a, b in zip(engine_state(trainer.weights()), engine_state(history[best]), strict=True)
    )
    snapshot = trainer.snapshot()
    assert snapshot.stopped_early and snapshot.test_loss == test_losses[best]
    assert trainer.run(5) == 0
    trainer.set_training(dataclasses.replace(trainer.training, early_stopping_patience=0))
    assert not trainer.stopped_early and trainer.run(4) == 4


# ----- changes between chunks ---------------------------------------------------------------


def test_set_training_keeps_weights_epoch_and_optimizer_state():
    case = make_case(OptimizerSpec("momentum", 0.05))
    trainer, reference = case.trainer(), case.reference()
    trainer.run(3)
    for _ in range(3):
        reference.step(case.X, case.labels)
    before = trainer.weights()
    trainer.set_training(
        dataclasses.replace(case.training, optimizer=OptimizerSpec("momentum", 0.01))
    )
    assert trainer.epoch == 3 and trainer.step == 3
    assert_close(engine_state(trainer.weights()), engine_state(before), rtol=0, atol=0)
    assert trainer.snapshot().learning_rate == 0.01
    trainer.run(3)
    reference.optimizer.lr = 0.01  # like setting param_group["lr"]: the buffers stay
    for _ in range(3):
        reference.step(case.X, case.labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_set_training_with_another_optimizer_starts_its_state_afresh():
    case = make_case(OptimizerSpec("sgd", 0.05))
    trainer, reference = case.trainer(), case.reference()
    trainer.run(2)
    for _ in range(2):
        reference.step(case.X, case.labels)
    trainer.set_training(
        dataclasses.replace(
            case.training,
            optimizer=OptimizerSpec("adam", 0.01),
            regularization="l2",
            regularization_rate=0.1,
        )
    )
    reference.optimizer = naive.Adam(0.01)
    reference.regularization, reference.rate = "l2", 0.1
    trainer.run(3)
    for _ in range(3):
        reference.step(case.X, case.labels)
    assert trainer.step == 5
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_set_training_with_another_batch_size():
    case = make_case(OptimizerSpec("sgd", 0.05))
    trainer, reference = case.trainer(), case.reference()
    trainer.run(1)
    reference.step(case.X, case.labels)
    trainer.set_training(dataclasses.replace(case.training, batch_size=5))
    trainer.run_epochs(1)
    for batch in naive.batches(12, 5):
        reference.step(case.X[batch], case.labels[batch])
    assert trainer.epoch == 2
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


def test_set_network_starts_over():
    case = make_case(OptimizerSpec("adam", 0.01))
    trainer = case.trainer()
    trainer.run(4)
    wider = dataclasses.replace(case.network, layers=(LayerSpec(7, "relu"),))
    trainer.set_network(wider)
    assert trainer.epoch == 0 and trainer.step == 0
    fresh = Trainer(wider, case.training, TrainingData(case.xy, case.labels))
    assert all(
        np.array_equal(a, b)
        for a, b in zip(engine_state(trainer.weights()), engine_state(fresh.weights()), strict=True)
    )
    trainer.run(3)
    fresh.run(3)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(engine_state(trainer.weights()), engine_state(fresh.weights()), strict=True)
    )


def test_set_data_keeps_the_weights_and_trains_on_the_new_points():
    case = make_case(OptimizerSpec("momentum", 0.05))
    trainer, reference = case.trainer(), case.reference()
    trainer.run(2)
    for _ in range(2):
        reference.step(case.X, case.labels)
    before = trainer.weights()
    new_xy, new_labels = make_points("binary", 17, 9)
    trainer.set_data(TrainingData(new_xy, new_labels))
    assert trainer.epoch == 2
    assert_close(engine_state(trainer.weights()), engine_state(before), rtol=0, atol=0)
    trainer.run(2)
    X_new = naive.features(new_xy, case.network.inputs)
    for _ in range(2):
        reference.step(X_new, new_labels)
    assert_close(engine_state(trainer.weights()), naive_state(reference.net))


# ----- validation -----------------------------------------------------------------------------


def test_bad_labels_and_mismatched_losses_are_rejected():
    case = make_case()
    with pytest.raises(ValueError, match="class indices"):
        Trainer(case.network, case.training, TrainingData(case.xy, case.labels + 1.5))
    with pytest.raises(ValueError, match="loss"):
        Trainer(
            case.network,
            dataclasses.replace(case.training, loss="mse"),
            TrainingData(case.xy, case.labels),
        )
    with pytest.raises(ValueError, match="no training points"):
        Trainer(case.network, case.training, TrainingData(np.zeros((0, 2)), np.zeros(0)))
