"""explain and the step trace against the kernels, the slow reference and finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS
from playground.engine.explain import OUTPUT_LOSSES, explain, explanation_dict
from playground.engine.registry import OPTIMIZERS
from playground.engine.spec import LayerSpec, LayerWeights, NetworkSpec, OptimizerSpec
from playground.engine.step_trace import (
    TrainerState,
    dropout_masks,
    next_batch,
    trace_step,
    trace_trainer_step,
)
from playground.engine.trainer import Trainer, TrainingData
from tests.engine.engine_pass import assert_close, engine_pass, make_case, random_weights, to_naive

N = 7
INPUTS = ("x1", "x2", "x1*x2")
PROBLEMS = {  # name -> (problem, classes, loss)
    "binary": ("classification", 2, "bce"),
    "multi": ("classification", 3, "cross_entropy"),
    "regression": ("regression", 1, "mse"),
    "huber": ("regression", 1, "huber"),
}
KINKED = {"relu", "leaky_relu"}


def build(activation: str, problem: str, batch_norm: bool, dropout: float = 0.0, seed: int = 0):
    """(network, weights, X (N, 3), targets, loss)."""
    kind, classes, loss = PROBLEMS[problem]
    network = NetworkSpec(
        inputs=INPUTS,
        problem=kind,
        classes=classes,
        layers=(
            LayerSpec(4, activation, dropout=dropout, batch_norm=batch_norm),
            LayerSpec(3, activation, dropout=dropout, batch_norm=batch_norm),
        ),
    )
    rng = np.random.default_rng(seed + 7)
    X = rng.normal(0.0, 1.2, (N, len(INPUTS)))
    if kind == "regression":
        targets = rng.normal(0.0, 1.5, N)
    else:
        targets = (np.arange(N) % classes).astype(float)
    return network, random_weights(network, seed), X, targets, loss


def with_weight(weights: list[LayerWeights], layer: int, j: int, k: int, delta: float):
    out = [dataclasses.replace(lw, W=lw.W.copy()) for lw in weights]
    out[layer].W[j, k] += delta
    return out


def eval_loss(network, weights, X, targets, loss) -> float:
    """The engine's own eval-mode mean data loss (kernels.forward with running statistics)."""
    return engine_pass(network, weights, X, targets, loss, train=False).loss


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_eval_mode_matches_the_engine_the_reference_and_finite_differences(
    activation, problem, batch_norm
):
    network, weights, X, targets, loss = build(activation, problem, batch_norm, dropout=0.3)
    got = explain(network, weights, loss, X, targets)
    engine = engine_pass(network, weights, X, targets, loss, train=False)
    for layer, stage in enumerate(got.layers):
        np.testing.assert_allclose(stage.a, engine.outputs[layer + 1], rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(stage.z, stage.a_in @ weights[layer].W.T + weights[layer].b)
    np.testing.assert_allclose(got.layers[-1].y, engine.logits, rtol=1e-12, atol=1e-13)
    assert got.loss == pytest.approx(engine.loss, rel=1e-12)
    reference = to_naive(network, weights, loss)
    assert got.loss == pytest.approx(reference.data_loss(X, targets, train=False), rel=1e-12)
    assert_close(list(got.output), list(reference.unit_outputs(X)[-1]))
    if not batch_norm:  # eval = train without dropout: the engine's and reference's gradients
        plain = dataclasses.replace(
            network,
            layers=tuple(dataclasses.replace(s, dropout=0.0) for s in network.layers),
        )
        assert_close(got.grads, engine_pass(plain, weights, X, targets, loss).grads, 1e-10, 1e-12)
        assert_close(got.grads, to_naive(plain, weights, loss).gradients(X, targets)[1])
    if activation in KINKED:  # keep finite differences off the kink
        assert all(np.abs(stage.y).min() > 1e-4 for stage in got.layers[:-1])
    h = 1e-6
    for layer, stage in enumerate(got.layers):
        numeric = np.zeros_like(stage.grad_W)
        for j, k in np.ndindex(*numeric.shape):
            up = eval_loss(network, with_weight(weights, layer, j, k, h), X, targets, loss)
            down = eval_loss(network, with_weight(weights, layer, j, k, -h), X, targets, loss)
            numeric[j, k] = (up - down) / (2 * h)
        np.testing.assert_allclose(stage.grad_W, numeric, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(stage.grad_W, stage.delta.T @ stage.a_in)
        np.testing.assert_allclose(stage.grad_b, stage.delta.sum(axis=0))


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "gelu"])
def test_train_mode_matches_the_kernels_and_the_reference(activation, problem, batch_norm):
    """Batch statistics and the kernels' own dropout masks: the gradients one step uses."""
    network, weights, X, targets, loss = build(activation, problem, batch_norm, dropout=0.4)
    engine = engine_pass(network, weights, X, targets, loss)
    got = explain(network, weights, loss, X, targets, train=True, dropout_masks=engine.masks)
    assert got.loss == pytest.approx(engine.loss, rel=1e-12)
    assert_close(got.grads, engine.grads, rtol=1e-9, atol=1e-11)
    for layer, stage in enumerate(got.layers[:-1]):
        np.testing.assert_allclose(stage.a, engine.outputs[layer + 1], rtol=1e-12, atol=1e-13)
    _, reference = to_naive(network, weights, loss).gradients(X, targets, masks=engine.masks)
    assert_close(got.grads, reference, rtol=1e-9, atol=1e-11)


def test_dropout_masks_are_the_ones_the_kernels_draw():
    network, weights, X, targets, loss = build("tanh", "binary", False, dropout=0.5)
    engine = engine_pass(network, weights, X, targets, loss, rng_state=987654321)
    masks = dropout_masks(network, N, 987654321)
    for mine, theirs in zip(masks, engine.masks, strict=True):
        assert (mine is None) == (theirs is None)
        if mine is not None:
            np.testing.assert_array_equal(mine, theirs)
    assert 0 < np.count_nonzero(masks[0]) < masks[0].size


def test_one_point_json_has_the_documented_shape():
    network, weights, X, targets, loss = build("tanh", "multi", True)
    got = explanation_dict(explain(network, weights, loss, X[:1], targets[:1]))
    assert list(got) == ["features", "layers", "output", "loss"]
    assert [list(layer) for layer in got["layers"]] == [["z", "a", "delta", "grad_W", "grad_b"]] * 3
    assert [np.shape(layer["grad_W"]) for layer in got["layers"]] == [(4, 3), (3, 4), (3, 3)]
    assert np.sum(got["output"]) == pytest.approx(1.0)
    assert got["loss"] == pytest.approx(-np.log(got["output"][int(targets[0])]))
    with pytest.raises(ValueError, match="one point"):
        explanation_dict(explain(network, weights, loss, X, targets))


def test_every_engine_loss_has_an_output_and_loss_entry():
    from playground.engine.registry import LOSSES

    assert set(OUTPUT_LOSSES) == set(LOSSES)


# ----- one training step, stage by stage ----------------------------------------------------


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_the_update_is_one_training_step_bit_for_bit(optimizer):
    """After some steps (the optimizer has state), with dropout, batch norm, L2 and clipping."""
    layers = (LayerSpec(5, "tanh", dropout=0.2, batch_norm=True), LayerSpec(4, "relu"))
    case = make_case(
        OptimizerSpec(optimizer, 0.02),
        layers=layers,
        n=23,
        batch_size=5,
        shuffle=True,
        regularization="l2",
        regularization_rate=0.01,
        grad_clip=0.5,
    )
    trainer = case.trainer()
    trainer.run(4)  # cursor 20 of 23: the next batch is the short last one
    for _ in range(3):  # the short batch, then a shuffle at the epoch's start, then mid-epoch
        trace = trace_trainer_step(trainer)
        np.testing.assert_array_equal(trace.params_before, trainer.parameters())
        trainer.run(1)
        np.testing.assert_array_equal(trace.params_after, trainer.parameters())
        for mine, theirs in zip(trace.after, trainer.weights(), strict=True):
            np.testing.assert_array_equal(mine.bn.running_mean if mine.bn else 0,
                                          theirs.bn.running_mean if theirs.bn else 0)  # fmt: skip
        assert dict(trace.state_after.buffers).keys() == dict(trainer.export_state().buffers).keys()
        for name, layers in trainer.export_state().buffers:
            for mine, theirs in zip(dict(trace.state_after.buffers)[name], layers, strict=True):
                for key in theirs:
                    np.testing.assert_array_equal(mine[key], theirs[key])


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
def test_sgd_step_is_minus_lr_times_the_gradient_shown(batch_norm):
    """The numbers the backward stage shows are the ones the step used (masks included)."""
    layers = (LayerSpec(5, "tanh", dropout=0.3, batch_norm=batch_norm), LayerSpec(3, "sigmoid"))
    case = make_case(
        OptimizerSpec("sgd", 0.1), layers=layers, n=20, batch_size=6, shuffle=True,
        regularization="l1", regularization_rate=0.02, grad_clip=0.02,
    )  # fmt: skip
    trainer = case.trainer()
    for _ in range(5):
        trace = trace_trainer_step(trainer)
        assert trace.clip_scale < 1.0
        applied = trace.applied_weight_grads()
        for step, grad in zip(trace.weight_steps(), applied, strict=True):
            np.testing.assert_allclose(step, -0.1 * grad, rtol=1e-9, atol=1e-15)
        for step, layer in zip(trace.bias_steps(), trace.explanation.layers, strict=True):
            np.testing.assert_allclose(step, -0.1 * trace.clip_scale * layer.grad_b, atol=1e-15)
        trainer.run(1)


def test_next_batch_follows_the_shuffled_order():
    case = make_case(n=10, batch_size=3, shuffle=True)
    trainer = case.trainer()
    seen = []
    for _ in range(4):
        seen.append(next_batch(TrainerState.of(trainer)))
        trainer.run(1)
    assert [b.size for b in seen] == [3, 3, 3, 1]
    assert sorted(np.concatenate(seen)) == list(range(10))
    assert not np.array_equal(np.concatenate(seen), np.arange(10))  # shuffled


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_chosen_batch_steps_as_a_trainer_on_those_points_does(optimizer):
    """The chosen points as a Trainer's first mini-batch, bit for bit."""
    layers = (LayerSpec(4, "tanh", dropout=0.25, batch_norm=True),)
    case = make_case(OptimizerSpec(optimizer, 0.05), layers=layers, n=15, shuffle=True)
    chosen = [7, 2, 11]
    trace = trace_step(TrainerState.of(case.trainer()), chosen)
    alone = Trainer(
        case.network,
        dataclasses.replace(case.training, batch_size=3, shuffle=False),
        TrainingData(case.xy[chosen], case.labels[chosen]),
        weights=case.weights,
    )
    alone.run(1)
    np.testing.assert_array_equal(trace.params_after, alone.parameters())
    np.testing.assert_array_equal(trace.indices, chosen)
    np.testing.assert_allclose(trace.explanation.features, case.X[chosen])
    with pytest.raises(ValueError, match="indices"):
        trace_step(TrainerState.of(case.trainer()), [15])


def test_frozen_and_switched_off_neurons_step_as_the_trainer_does():
    from playground.engine.neuron_masks import NeuronMasks

    case = make_case(OptimizerSpec("adam", 0.05), n=14, batch_size=4, shuffle=True)
    trainer = case.trainer()
    masks = NeuronMasks(
        frozen=((False, True, False, False, False), (False,) * 4, (False,)),
        off=((False,) * 5, (False, False, True, False), (False,)),
    )
    trainer.set_masks(masks)
    trainer.run(2)
    for _ in range(3):
        trace = trace_trainer_step(trainer)
        trainer.run(1)
        np.testing.assert_array_equal(trace.params_after, trainer.parameters())
        assert np.all(trace.weight_steps()[0][1] == 0)  # the frozen neuron's weights stay
    assert trace.explanation.layers[2].W[0, 2] == 0  # the off neuron passes nothing on
