"""Backpropagation written out: every z, a, δ = ∂L/∂z and ∂L/∂W of a pass, for showing them.

Plain numpy in float64, clarity first (no numba): what `nn-playground explain` prints and what the
step-through inspector draws. The numbers are the engine's (DESIGN §3), checked against the
kernels, the slow reference and finite differences in tests/engine/test_explain.py.

Arrays are sample-major: n points, z (n, out) = a_prev (n, in) · Wᵀ + b, before batch norm.
Eval mode (the default) uses batch norm's running statistics and no dropout; train mode uses
the batch's statistics and the dropout masks given. The loss is the mean data loss of the
batch (no penalty), so δ is of that mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .activations import ACTIVATIONS, np_sigmoid
from .features import standardized
from .neuron_masks import NeuronMasks
from .spec import LayerWeights, NetworkSpec

Array = npt.NDArray[np.float64]
BN_EPS = 1e-5  # as torch.nn.BatchNorm1d and the kernels


# ----- the output layer and the loss -------------------------------------------------------


def _softplus(z: Array) -> Array:
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _log_softmax(z: Array) -> Array:
    top = z.max(axis=1, keepdims=True)
    return z - top - np.log(np.exp(z - top).sum(axis=1, keepdims=True))


def _one_hot(targets: Array, classes: int) -> Array:
    return np.eye(classes)[targets.astype(int)]


def _sign(d: Array) -> Array:
    return np.where(d > 0.0, 1.0, np.where(d < 0.0, -1.0, 0.0))


@dataclass(frozen=True)
class OutputLoss:
    """The output layer's activation and a loss on it, per point, with ∂loss/∂z.

    output(z) -> (n, k); per_point(z, t) -> (n,) each point's loss (mean over outputs);
    slope(z, t) -> (n, k) ∂(one point's loss)/∂z (the mean's δ is that divided by n).
    """

    name: str
    output: Callable[[Array], Array]
    per_point: Callable[[Array, Array], Array]
    slope: Callable[[Array, Array], Array]
    formula: str  # the loss with symbols, for one point


OUTPUT_LOSSES: dict[str, OutputLoss] = {
    o.name: o
    for o in (
        OutputLoss(
            "bce",
            np_sigmoid,
            lambda z, t: t * _softplus(-z[:, 0]) + (1.0 - t) * _softplus(z[:, 0]),
            lambda z, t: np_sigmoid(z) - t[:, None],
            "L = −[y·ln p + (1 − y)·ln(1 − p)],  p = σ(z)",
        ),
        OutputLoss(
            "cross_entropy",
            lambda z: np.exp(_log_softmax(z)),
            lambda z, t: -_log_softmax(z)[np.arange(z.shape[0]), t.astype(int)],
            lambda z, t: np.exp(_log_softmax(z)) - _one_hot(t, z.shape[1]),
            "L = −ln pᵧ,  p = softmax(z)",
        ),
        OutputLoss(
            "mse",
            lambda z: z.copy(),
            lambda z, t: ((z - t[:, None]) ** 2).mean(axis=1),
            lambda z, t: 2.0 * (z - t[:, None]) / z.shape[1],
            "L = (ŷ − y)²",
        ),
        OutputLoss(
            "mae",
            lambda z: z.copy(),
            lambda z, t: np.abs(z - t[:, None]).mean(axis=1),
            lambda z, t: _sign(z - t[:, None]) / z.shape[1],
            "L = |ŷ − y|",
        ),
        OutputLoss(
            "huber",
            lambda z: z.copy(),
            lambda z, t: np.where(
                np.abs(z - t[:, None]) < 1.0,
                0.5 * (z - t[:, None]) ** 2,
                np.abs(z - t[:, None]) - 0.5,
            ).mean(axis=1),
            lambda z, t: (
                np.where(np.abs(z - t[:, None]) < 1.0, z - t[:, None], _sign(z - t[:, None]))
                / z.shape[1]
            ),
            "L = ½d² if |d| < 1 else |d| − ½,  d = ŷ − y",
        ),
    )
}


# ----- one pass, written out ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BatchNormStage:
    """What batch norm did in a layer: y = γ·(z − mean)/√(var + ε) + β."""

    mean: Array  # (out,) the batch's mean (train) or the running mean (eval)
    var: Array  # (out,) the batch's biased variance (train) or the running variance (eval)
    gamma: Array  # (out,)
    beta: Array  # (out,)
    normalized: Array  # (n, out) x̂ = (z − mean)/√(var + ε)
    grad_gamma: Array  # (out,) ∂L/∂γ
    grad_beta: Array  # (out,) ∂L/∂β


@dataclass(frozen=True, eq=False)
class LayerStage:
    """One dense layer's forward and backward numbers (n points, `out` units, `inputs` in)."""

    activation: str | None  # None: the output layer (sigmoid, softmax or linear by the loss)
    W: Array  # (out, in) the weights used
    b: Array  # (out,)
    a_in: Array  # (n, in) the layer's input: the features or the previous layer's a
    z: Array  # (n, out) a_in·Wᵀ + b, before batch norm
    y: Array  # (n, out) after batch norm (= z without it): the activation's argument
    a: Array  # (n, out) the output: g(y) (times the dropout mask in train mode)
    delta: Array  # (n, out) ∂L/∂z
    grad_W: Array  # (out, in) ∂L/∂W = δᵀ·a_in
    grad_b: Array  # (out,) ∂L/∂b = Σ δ
    slope: Array  # (n, out) g′(y) (ones for the output layer: its δ comes from the loss)
    batch_norm: BatchNormStage | None = None
    dropout_mask: Array | None = None  # (n, out) 0 or 1/(1 − p), train mode only


@dataclass(frozen=True, eq=False)
class Explanation:
    """A forward and backward pass written out, layer by layer (the output layer last)."""

    loss_name: str
    train: bool  # batch statistics and dropout (True) or running statistics (False)
    features: Array  # (n, F) the inputs as the network sees them (expanded, standardised)
    targets: Array  # (n,) class index or value
    layers: tuple[LayerStage, ...]
    point_losses: Array  # (n,) each point's data loss

    @property
    def output(self) -> Array:
        """(n, k) the prediction: P(class 1), class probabilities or the value."""
        return self.layers[-1].a

    @property
    def loss(self) -> float:
        """The mean data loss of the points (no penalty)."""
        return float(self.point_losses.mean())

    @property
    def grads(self) -> list[Array]:
        """Every parameter's gradient in the engine's order: W, b, (γ, β) per layer."""
        out: list[Array] = []
        for layer in self.layers:
            out += [layer.grad_W, layer.grad_b]
            if layer.batch_norm is not None:
                out += [layer.batch_norm.grad_gamma, layer.batch_norm.grad_beta]
        return out


def explain(
    network: NetworkSpec,
    weights: Sequence[LayerWeights],
    loss_name: str,
    features: npt.ArrayLike,
    targets: npt.ArrayLike,
    *,
    train: bool = False,
    dropout_masks: Sequence[Array | None] | None = None,
    neurons: NeuronMasks | None = None,
) -> Explanation:
    """Forward and backward pass of the points features (n, F) with targets (n,).

    train: batch statistics for batch norm and the given dropout masks (one (n, out) array or
    None per dense layer); otherwise running statistics and no dropout. neurons: switched-off
    neurons output 0 (the engine holds their outgoing weights at 0: pass the weights baked by
    `neuron_masks.bake_off`, so nothing passes on from them either).
    """
    A = np.asarray(features, dtype=np.float64).reshape(-1, len(network.inputs))
    t = np.asarray(targets, dtype=np.float64).reshape(-1)
    if A.shape[0] != t.shape[0] or A.shape[0] == 0:
        raise ValueError("explain: one target per point, and at least one point")
    head = OUTPUT_LOSSES[loss_name]
    forward = []
    a = A
    for index, lw in enumerate(weights):
        spec = network.layers[index] if index < len(network.layers) else None
        mask = dropout_masks[index] if (train and dropout_masks is not None) else None
        forward.append(_layer_forward(lw, spec.activation if spec else None, a, train, mask))
        a = forward[-1]["a"] if spec else head.output(forward[-1]["y"])
        if spec and neurons is not None and any(neurons.off[index]):
            a = a * ~np.array(neurons.off[index])  # a switched-off neuron outputs 0
        forward[-1]["a"] = a
    logits = forward[-1]["y"]
    n = A.shape[0]
    d_y = head.slope(logits, t) / n  # ∂L/∂(output logits) of the batch mean
    stages: list[LayerStage] = []
    for index in range(len(forward) - 1, -1, -1):
        f = forward[index]
        bn, delta = _batch_norm_backward(f, d_y, train)
        stages.append(
            LayerStage(
                activation=f["activation"],
                W=f["W"],
                b=f["b"],
                a_in=f["a_in"],
                z=f["z"],
                y=f["y"],
                a=f["a"],
                delta=delta,
                grad_W=delta.T @ f["a_in"],
                grad_b=delta.sum(axis=0),
                slope=f["slope"],
                batch_norm=bn,
                dropout_mask=f["mask"],
            )
        )
        if index:
            below = forward[index - 1]
            d_a = delta @ f["W"]  # Σₖ wₖⱼ δₖ
            if below["mask"] is not None:
                d_a = d_a * below["mask"]
            if neurons is not None and any(neurons.off[index - 1]):
                d_a = d_a * ~np.array(neurons.off[index - 1])  # off: no gradient flows back
            d_y = d_a * below["slope"]
    return Explanation(
        loss_name=loss_name,
        train=train,
        features=A,
        targets=t,
        layers=tuple(reversed(stages)),
        point_losses=head.per_point(logits, t),
    )


def _layer_forward(
    lw: LayerWeights, activation: str | None, a_in: Array, train: bool, mask: Array | None
) -> dict[str, Any]:
    W, b = np.asarray(lw.W, float), np.asarray(lw.b, float)
    z = a_in @ W.T + b
    y, bn = z, None
    if lw.bn is not None:
        if train:
            mean = z.mean(axis=0)
            var = ((z - mean) ** 2).mean(axis=0)
        else:
            mean, var = np.asarray(lw.bn.running_mean, float), np.asarray(lw.bn.running_var, float)
        normalized = (z - mean) / np.sqrt(var + BN_EPS)
        y = lw.bn.gamma * normalized + lw.bn.beta
        bn = {
            "mean": mean,
            "var": var,
            "gamma": lw.bn.gamma,
            "beta": lw.bn.beta,
            "xhat": normalized,
        }
    if activation is None:
        h, slope = y, np.ones_like(y)
    else:
        entry = ACTIVATIONS[activation]
        h = entry.numpy(y)
        slope = entry.numpy_derivative(y, h)
    return {
        "activation": activation,
        "W": W,
        "b": b,
        "a_in": a_in,
        "z": z,
        "y": y,
        "a": h * mask if mask is not None else h,
        "slope": slope,
        "bn": bn,
        "mask": mask,
        "train": train,
    }


def _batch_norm_backward(
    f: dict[str, Any], d_y: Array, train: bool
) -> tuple[BatchNormStage | None, Array]:
    """(batch norm's stage, ∂L/∂z) from ∂L/∂y; without batch norm ∂L/∂z = ∂L/∂y."""
    bn = f["bn"]
    if bn is None:
        return None, d_y
    xhat, gamma = bn["xhat"], bn["gamma"]
    inv = 1.0 / np.sqrt(bn["var"] + BN_EPS)
    grad_gamma, grad_beta = (d_y * xhat).sum(axis=0), d_y.sum(axis=0)
    if train:  # the batch's mean and variance depend on z too
        n = d_y.shape[0]
        delta = gamma * inv / n * (n * d_y - grad_beta - xhat * grad_gamma)
    else:
        delta = d_y * gamma * inv
    stage = BatchNormStage(
        bn["mean"], bn["var"], np.asarray(gamma, float), np.asarray(bn["beta"], float), xhat,
        grad_gamma, grad_beta,
    )  # fmt: skip
    return stage, delta


# ----- features and the headless face (`nn-playground explain`) ----------------------------


def features_of(
    network: NetworkSpec, standardization: tuple[Array, Array], xy: npt.ArrayLike
) -> Array:
    """(n, F) the network's inputs for raw points xy (n, 2): expanded, then standardised."""
    mean, std = standardization
    return standardized(xy, network.inputs, mean, std).T


def explanation_dict(explanation: Explanation, point: int = 0) -> dict[str, Any]:
    """One point's explanation as DESIGN §5's JSON object (plain lists and floats)."""
    if explanation.features.shape[0] != 1:  # δ and ∂L/∂W are of the batch mean: one point only
        raise ValueError("explain: the JSON form is for one point")
    return {
        "features": explanation.features[point].tolist(),
        "layers": [
            {
                "z": layer.z[point].tolist(),
                "a": layer.a[point].tolist(),
                "delta": layer.delta[point].tolist(),
                "grad_W": layer.grad_W.tolist(),
                "grad_b": layer.grad_b.tolist(),
            }
            for layer in explanation.layers
        ],
        "output": explanation.output[point].tolist(),
        "loss": float(explanation.point_losses[point]),
    }


def explanation_text(explanation: Explanation, feature_names: Sequence[str]) -> str:
    """A human-readable account of one point's pass (what `explain` prints without --json)."""
    lines = [
        f"features  {_pairs(feature_names, explanation.features[0])}",
        f"loss      {explanation.loss_name} = {_number(explanation.loss)}  (data loss, eval mode)",
        f"output    {_vector(explanation.output[0])}",
    ]
    last = len(explanation.layers) - 1
    for index, layer in enumerate(explanation.layers):
        name = "output" if index == last else f"hidden {index + 1}"
        kind = layer.activation or OUTPUT_KINDS[explanation.loss_name]
        extra = ", batch norm" if layer.batch_norm is not None else ""
        lines += [
            "",
            f"layer {index + 1} ({name}, {kind}{extra}): {_units(layer.W.shape[0])}",
            f"  z       {_vector(layer.z[0])}",
            f"  a       {_vector(layer.a[0])}",
            f"  delta   {_vector(layer.delta[0])}   (dL/dz)",
            f"  grad_b  {_vector(layer.grad_b)}",
            "  grad_W  " + "\n          ".join(_vector(row) for row in layer.grad_W),
        ]
    return "\n".join(lines)


OUTPUT_KINDS = {"bce": "sigmoid", "cross_entropy": "softmax", "mse": "linear",
                "mae": "linear", "huber": "linear"}  # fmt: skip


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _number(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def _vector(values: Array) -> str:
    return "[" + ", ".join(f"{v: .6g}" for v in values) + "]"


def _pairs(names: Sequence[str], values: Array) -> str:
    return ", ".join(f"{name} = {_number(float(v))}" for name, v in zip(names, values, strict=True))


# ----- gradients on the diagram, live ------------------------------------------------------

GRADIENT_SAMPLE = 256  # training points per frame's gradient (a rotating window of them)
GRADIENT_SMOOTHING = 0.3  # weight of the newest frame's gradient in the running average


class GradientAverage:
    """∂L/∂W per layer averaged over recent batches, for colouring links while training runs.

    Each `update` takes the mean data-loss gradient (eval mode) over the next window of up to
    GRADIENT_SAMPLE training points and blends it into an exponential average; a new network
    or data set starts the average afresh."""

    def __init__(self) -> None:
        self._average: list[Array] | None = None
        self._cursor = 0

    def update(
        self,
        network: NetworkSpec,
        weights: Sequence[LayerWeights],
        loss_name: str,
        X: Array,
        targets: Array,
    ) -> tuple[Array, ...]:
        """Blend in the gradient of the points X (F, N) (as the Trainer stores its features)."""
        n = X.shape[1]
        take = (self._cursor + np.arange(min(n, GRADIENT_SAMPLE))) % max(n, 1)
        self._cursor = int((self._cursor + take.size) % max(n, 1))
        grads = [layer.grad_W for layer in explain(
            network, weights, loss_name, X[:, take].T, targets[take]
        ).layers]  # fmt: skip
        old = self._average
        if old is None or [g.shape for g in old] != [g.shape for g in grads]:
            self._average = grads
        else:
            a = GRADIENT_SMOOTHING
            self._average = [a * g + (1.0 - a) * o for g, o in zip(grads, old, strict=True)]
        return tuple(g.copy() for g in self._average)
