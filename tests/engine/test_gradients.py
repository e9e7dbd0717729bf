"""Forward values, losses and gradients of the kernels against naive.py and finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS
from playground.engine.spec import BatchNormState, LayerSpec, LayerWeights, NetworkSpec
from tests.engine import naive
from tests.engine.engine_pass import (
    assert_close,
    engine_pass,
    engine_state,
    naive_state,
    random_weights,
    to_naive,
)

N = 9
INPUTS = ("x1", "x2", "x1*x2")
# problem name -> (problem, classes, loss)
PROBLEMS = {
    "binary": ("classification", 2, "bce"),
    "three_class": ("classification", 3, "cross_entropy"),
    "mse": ("regression", 1, "mse"),
    "mae": ("regression", 1, "mae"),
    "huber": ("regression", 1, "huber"),
}
KINKED = {"relu", "leaky_relu"}  # finite differences would straddle the kink at 0


def make_case(
    activation: str,
    problem: str,
    batch_norm: bool = False,
    dropout: float = 0.0,
    seed: int = 0,
    widths: tuple[int, ...] = (5, 4),
):
    """(network, weights, X (N, 3), targets, loss) for one test case."""
    kind, classes, loss = PROBLEMS[problem]
    network = NetworkSpec(
        inputs=INPUTS,
        problem=kind,
        classes=classes,
        layers=tuple(
            LayerSpec(w, activation, dropout=dropout, batch_norm=batch_norm) for w in widths
        ),
    )
    rng = np.random.default_rng(100 + seed)
    X = rng.normal(0.0, 1.5, (N, len(INPUTS)))
    if kind == "regression":
        targets = rng.normal(0.0, 1.5, N)  # residuals on both sides of Huber's |d| = 1
    else:
        targets = (np.arange(N) % classes).astype(float)
        rng.shuffle(targets)
    return network, random_weights(network, seed), X, targets, loss


def objective(network, weights, X, targets, loss, regularization="none", rate=0.0) -> float:
    """The engine's training objective for one batch: mean data loss + penalty."""
    result = engine_pass(
        network, weights, X, targets, loss, regularization=regularization, rate=rate
    )
    return result.loss + result.penalty


def perturbed(weights: list[LayerWeights], flat_index: int, delta: float) -> list[LayerWeights]:
    """A copy of the weights with one trainable entry (in naive params() order) moved by delta."""
    out = []
    position = 0
    for lw in weights:
        arrays = {"W": lw.W.copy(), "b": lw.b.copy()}
        if lw.bn is not None:
            arrays |= {"gamma": lw.bn.gamma.copy(), "beta": lw.bn.beta.copy()}
        for array in arrays.values():
            if position <= flat_index < position + array.size:
                array.flat[flat_index - position] += delta
            position += array.size
        bn = (
            None
            if lw.bn is None
            else dataclasses.replace(lw.bn, gamma=arrays["gamma"], beta=arrays["beta"])
        )
        out.append(LayerWeights(arrays["W"], arrays["b"], bn))
    return out


def finite_difference_check(network, weights, X, targets, loss, regularization="none", rate=0.0):
    result = engine_pass(
        network, weights, X, targets, loss, regularization=regularization, rate=rate
    )
    analytic = np.concatenate([g.ravel() for g in result.grads])
    h = 1e-6
    numeric = np.array(
        [
            (
                objective(network, perturbed(weights, i, h), X, targets, loss, regularization, rate)
                - objective(
                    network, perturbed(weights, i, -h), X, targets, loss, regularization, rate
                )
            )
            / (2 * h)
            for i in range(analytic.size)
        ]
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


# ----- against the reference -----------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_forward_loss_and_gradients_match_the_reference(activation, problem, batch_norm):
    network, weights, X, targets, loss = make_case(activation, problem, batch_norm)
    ref = to_naive(network, weights, loss)
    traces = ref.forward(X, train=True, update_running=False)
    ref_loss, ref_grads = ref.gradients(X, targets)  # updates the running statistics
    got = engine_pass(network, weights, X, targets, loss)

    np.testing.assert_allclose(got.logits, traces[-1].h, rtol=1e-10, atol=1e-12)
    for layer, trace in enumerate(traces[:-1]):
        np.testing.assert_allclose(got.outputs[layer + 1], trace.a, rtol=1e-10, atol=1e-12)
    assert got.loss == pytest.approx(ref_loss, rel=1e-10, abs=1e-13)
    assert_close(got.grads, ref_grads, rtol=1e-9, atol=1e-11)
    assert_close(engine_state(got.weights), naive_state(ref))  # running statistics too


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
def test_eval_mode_outputs_match_the_reference(activation, problem, batch_norm):
    """Eval mode: running statistics, no dropout; the output layer activated for the problem."""
    network, weights, X, targets, loss = make_case(activation, problem, batch_norm, dropout=0.5)
    ref = to_naive(network, weights, loss)
    got = engine_pass(network, weights, X, targets, loss, train=False)
    assert_close(got.outputs, ref.unit_outputs(X))
    assert got.loss == pytest.approx(ref.data_loss(X, targets, train=False), rel=1e-10)
    assert all(mask is None for mask in got.masks)
    assert_close(engine_state(got.weights), engine_state(weights), rtol=0, atol=0)


def test_output_layer_and_loss_follow_the_problem():
    """Sigmoid + BCE for 2 classes, softmax + cross-entropy for 3-8, linear for regression."""
    for problem, check in [
        ("binary", lambda out, z: np.allclose(out, naive.sigmoid(z))),
        (
            "three_class",
            lambda out, z: (
                np.allclose(out.sum(axis=1), 1.0)
                and np.allclose(np.log(out) - np.log(out[:, :1]), z - z[:, :1])
            ),
        ),
        ("mse", lambda out, z: np.array_equal(out, z)),
    ]:
        network, weights, X, targets, loss = make_case("tanh", problem)
        got = engine_pass(network, weights, X, targets, loss)
        assert got.outputs[-1].shape == (N, network.output_units)
        assert check(got.outputs[-1], got.logits), problem


@pytest.mark.parametrize("classes", [4, 8])
def test_cross_entropy_for_many_classes(classes):
    network = NetworkSpec(inputs=INPUTS, classes=classes, layers=(LayerSpec(6, "relu"),))
    weights = random_weights(network, 3)
    rng = np.random.default_rng(3)
    X, targets = rng.normal(size=(20, 3)), (np.arange(20) % classes).astype(float)
    ref = to_naive(network, weights, "cross_entropy")
    ref_loss, ref_grads = ref.gradients(X, targets)
    got = engine_pass(network, weights, X, targets, "cross_entropy")
    assert got.loss == pytest.approx(ref_loss, rel=1e-12)
    assert got.correct == int(np.sum(ref.predict(X).argmax(axis=1) == targets))
    assert_close(got.grads, ref_grads)


def test_bce_counts_correct_predictions_and_survives_large_logits():
    network = NetworkSpec(inputs=("x1",), layers=())
    weights = [LayerWeights(W=np.array([[1.0]]), b=np.array([0.0]))]
    X = np.array([[-800.0], [-3.0], [2.0], [800.0]])
    targets = np.array([1.0, 0.0, 1.0, 0.0])
    got = engine_pass(network, weights, X, targets, "bce")
    assert got.correct == 2
    assert got.loss == pytest.approx(
        (800.0 + np.log1p(np.exp(-3.0)) + np.log1p(np.exp(-2.0)) + 800.0) / 4, rel=1e-12
    )
    assert np.all(np.isfinite(got.grads[0]))


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("problem", ["binary", "three_class", "mse"])
@pytest.mark.parametrize(("kind", "rate"), [("l1", 0.03), ("l2", 0.1)])
def test_regularization_matches_the_reference(kind, rate, problem, batch_norm):
    network, weights, X, targets, loss = make_case("tanh", problem, batch_norm)
    ref = to_naive(network, weights, loss)
    ref_penalty, penalty_grads = naive.penalty(ref, kind, rate)
    _, data_grads = ref.gradients(X, targets)
    got = engine_pass(network, weights, X, targets, loss, regularization=kind, rate=rate)
    plain = engine_pass(network, weights, X, targets, loss)
    assert got.penalty == pytest.approx(ref_penalty, rel=1e-12)
    assert got.penalty > 0
    assert got.loss == plain.loss  # the loss shown is the data loss; the penalty is apart
    assert_close(got.grads, [g + p for g, p in zip(data_grads, penalty_grads, strict=True)])
    # weights only: biases, gamma and beta get exactly the data gradient
    names = [name for lw in weights for name in (["W", "b"] + (["gamma", "beta"] if lw.bn else []))]
    for name, g, g0 in zip(names, got.grads, plain.grads, strict=True):
        if name == "W":
            assert not np.array_equal(g, g0)
        else:
            assert np.array_equal(g, g0), name


def test_l1_gradient_at_zero_weight_is_zero():
    network = NetworkSpec(inputs=("x1", "x2"), layers=())
    weights = [LayerWeights(W=np.array([[0.0, 2.0]]), b=np.array([0.0]))]
    X, targets = np.zeros((3, 2)), np.zeros(3)
    got = engine_pass(network, weights, X, targets, "mse", regularization="l1", rate=0.5)
    np.testing.assert_array_equal(got.grads[0], [[0.0, 0.5]])
    assert got.penalty == pytest.approx(1.0)


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_dropout_gradients_match_the_reference_with_the_same_masks(activation, batch_norm):
    network, weights, X, targets, loss = make_case(
        activation, "binary", batch_norm, dropout=0.4, widths=(6, 5)
    )
    got = engine_pass(network, weights, X, targets, loss)
    assert got.masks[0] is not None and got.masks[-1] is None
    ref = to_naive(network, weights, loss)
    traces = ref.forward(X, train=True, masks=got.masks, update_running=False)
    for layer, trace in enumerate(traces[:-1]):
        np.testing.assert_allclose(got.outputs[layer + 1], trace.a, rtol=1e-12, atol=1e-14)
    ref_loss, ref_grads = ref.gradients(X, targets, masks=got.masks)
    assert got.loss == pytest.approx(ref_loss, rel=1e-12)
    assert_close(got.grads, ref_grads)


# ----- finite differences of the engine's own objective ------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize(("activation", "problem"), [
    (name, ("binary", "three_class", "mse", "huber")[i % 4])
    for i, name in enumerate(sorted(set(ACTIVATIONS) - KINKED))
])  # fmt: skip
def test_gradients_match_finite_differences(activation, problem, batch_norm):
    finite_difference_check(*make_case(activation, problem, batch_norm, widths=(4, 3)))


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize(("kind", "rate"), [("l1", 0.05), ("l2", 0.2)])
def test_penalised_objective_matches_finite_differences(kind, rate, batch_norm):
    network, weights, X, targets, loss = make_case("tanh", "three_class", batch_norm, widths=(4, 3))
    # keep every weight away from L1's kink at 0
    weights = [
        dataclasses.replace(lw, W=np.sign(lw.W) * np.maximum(np.abs(lw.W), 0.1)) for lw in weights
    ]
    finite_difference_check(network, weights, X, targets, loss, kind, rate)


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
def test_dropout_objective_matches_finite_differences(batch_norm):
    """The same generator state draws the same masks, so the objective is a fixed function."""
    finite_difference_check(*make_case("tanh", "binary", batch_norm, dropout=0.3, widths=(4, 3)))


def test_batch_norm_gradients_of_gamma_and_beta():
    """Checked one by one: dL/dbeta = Σ dL/dy, dL/dgamma = Σ dL/dy · x̂."""
    network, weights, X, targets, loss = make_case("relu", "mse", batch_norm=True, widths=(3,))
    got = engine_pass(network, weights, X, targets, loss)
    h = 1e-6
    for name, index in [("gamma", 2), ("beta", 3)]:
        for unit in range(3):
            up, down = ([dataclasses.replace(lw) for lw in weights] for _ in range(2))
            for copy, sign in ((up, 1), (down, -1)):
                bn = copy[0].bn
                arrays = {"gamma": bn.gamma.copy(), "beta": bn.beta.copy()}
                arrays[name][unit] += sign * h
                copy[0] = dataclasses.replace(
                    copy[0],
                    bn=BatchNormState(
                        arrays["gamma"], arrays["beta"], bn.running_mean, bn.running_var
                    ),
                )
            numeric = (
                objective(network, up, X, targets, loss)
                - objective(network, down, X, targets, loss)
            ) / (2 * h)
            assert got.grads[index][unit] == pytest.approx(numeric, rel=1e-5, abs=1e-8)
