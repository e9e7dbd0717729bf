"""Test helpers: one forward/backward pass through the engine's kernels, and spec <-> naive."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from playground.engine import kernels as K
from playground.engine.network import LOSS_CODE, OUT_KIND, Layout, pack_weights, unpack_weights
from playground.engine.spec import (
    BatchNormState,
    LayerSpec,
    LayerWeights,
    NetworkSpec,
    OptimizerSpec,
    TrainingSpec,
)
from playground.engine.trainer import Trainer, TrainingData
from tests.engine.naive import OPTIMIZERS as NAIVE_OPTIMIZERS
from tests.engine.naive import NaiveLayer, NaiveNet, NaiveTraining, XorShift64Star
from tests.engine.naive import features as naive_features

Array = npt.NDArray[np.float64]
REGULARIZATION_KIND = {"none": 0, "l1": 1, "l2": 2}


@dataclass
class EnginePass:
    """What the kernels computed for one batch (sample-major arrays, like naive.py's)."""

    loss: float  # mean data loss
    correct: int
    penalty: float
    grads: list[Array]  # per layer W, b (and gamma, beta), as NaiveNet.params() orders them
    outputs: list[Array]  # per layer (n, units), inputs first; after dropout; output activated
    logits: Array  # (n, outputs)
    masks: list[Array | None]  # per dense layer: the dropout mask (n, units) or None
    weights: list[LayerWeights]  # after the pass (running batch-norm statistics updated)


def engine_pass(
    network: NetworkSpec,
    weights: list[LayerWeights],
    X: Array,
    targets: Array,
    loss: str,
    *,
    train: bool = True,
    regularization: str = "none",
    rate: float = 0.0,
    rng_state: int = 12345,
) -> EnginePass:
    """Run kernels.forward, loss_and_delta, backward and regularize on the batch X (n, F)."""
    layout = Layout.of(network)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    rows = layout.n_rows
    A, Y, H, M, XH, D = (np.zeros((rows, n)) for _ in range(6))
    INV = np.zeros(rows)
    bn_mean, bn_var = np.zeros(rows), np.ones(rows)
    params = pack_weights(layout, weights, bn_mean, bn_var)
    grads = np.zeros(layout.n_params)
    A[: X.shape[1]] = X.T
    rng = np.array([rng_state], dtype=np.uint64)
    out_kind = OUT_KIND.get(loss, K.OUT_LINEAR)
    K.forward(
        params,
        layout.table,
        layout.dropout,
        A,
        Y,
        H,
        M,
        XH,
        INV,
        bn_mean,
        bn_var,
        np.int64(n),
        train,
        np.int64(out_kind),
        rng,
    )
    last = layout.table.shape[0] - 1
    r_out, n_out = int(layout.table[last, K.ROW_OUT]), int(layout.table[last, K.N_OUT])
    logits = Y[r_out : r_out + n_out].T.copy()
    outputs = [
        A[r0 : r0 + k].T.copy()
        for r0, k in zip(layout.row_offsets, network.layer_sizes, strict=True)
    ]
    masks: list[Array | None] = []
    for layer in range(last + 1):
        r0, k = layout.row_offsets[layer + 1], network.layer_sizes[layer + 1]
        masks.append(M[r0 : r0 + k].T.copy() if train and layout.dropout[layer] > 0 else None)
    total, correct = K.loss_and_delta(
        np.int64(LOSS_CODE[loss]),
        Y,
        A,
        D,
        np.int64(r_out),
        np.int64(n_out),
        np.ascontiguousarray(targets, float),
        np.int64(n),
        True,
    )
    penalty = 0.0
    if train:
        K.backward(params, grads, layout.table, layout.dropout, A, Y, H, M, XH, INV, D, np.int64(n))
        penalty = K.regularize(
            params,
            grads,
            layout.weight_mask,
            np.int64(REGULARIZATION_KIND[regularization]),
            float(rate),
        )
    return EnginePass(
        loss=total / n,
        correct=int(correct),
        penalty=float(penalty),
        grads=[p for lw in unpack_weights(layout, grads, bn_mean, bn_var) for p in _trainable(lw)],
        outputs=outputs,
        logits=logits,
        masks=masks,
        weights=unpack_weights(layout, params, bn_mean, bn_var),
    )


def _trainable(lw: LayerWeights) -> list[Array]:
    return [lw.W, lw.b] + ([lw.bn.gamma, lw.bn.beta] if lw.bn is not None else [])


def random_weights(network: NetworkSpec, seed: int, scale: float = 0.8) -> list[LayerWeights]:
    """Weights, biases and batch-norm state drawn at random (gamma near 1, positive variances)."""
    rng = np.random.default_rng(seed)
    sizes = network.layer_sizes
    weights = []
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        bn = None
        if i < len(network.layers) and network.layers[i].batch_norm:
            bn = BatchNormState(
                gamma=rng.uniform(0.5, 1.5, n_out),
                beta=rng.normal(0, 0.3, n_out),
                running_mean=rng.normal(0, 0.5, n_out),
                running_var=rng.uniform(0.5, 2.0, n_out),
            )
        weights.append(
            LayerWeights(
                W=rng.normal(0.0, scale, (n_out, n_in)), b=rng.normal(0.0, 0.3, n_out), bn=bn
            )
        )
    return weights


def to_naive(network: NetworkSpec, weights: list[LayerWeights], loss: str) -> NaiveNet:
    """The same network and weights (copied) as a NaiveNet."""
    layers = []
    for i, lw in enumerate(weights):
        spec = network.layers[i] if i < len(network.layers) else None
        layer = NaiveLayer(
            W=lw.W.copy(),
            b=lw.b.copy(),
            activation=spec.activation if spec else None,
            dropout=spec.dropout if spec else 0.0,
        )
        if lw.bn is not None:
            layer.gamma, layer.beta = lw.bn.gamma.copy(), lw.bn.beta.copy()
            layer.running_mean = lw.bn.running_mean.copy()
            layer.running_var = lw.bn.running_var.copy()
        layers.append(layer)
    return NaiveNet(layers, loss)


def naive_state(net: NaiveNet) -> list[Array]:
    """Every array of a NaiveNet, running statistics included, for comparisons."""
    arrays = []
    for layer in net.layers:
        arrays += layer.params()
        if layer.batch_norm:
            arrays += [layer.running_mean, layer.running_var]
    return arrays


def engine_state(weights: list[LayerWeights]) -> list[Array]:
    """Every array of engine weights, in naive_state's order."""
    arrays = []
    for lw in weights:
        arrays += _trainable(lw)
        if lw.bn is not None:
            arrays += [lw.bn.running_mean, lw.bn.running_var]
    return arrays


def assert_close(
    actual: list[Array], expected: list[Array], rtol: float = 1e-10, atol: float = 1e-12
) -> None:
    """Every array of one list close to the matching one of the other."""
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"array {i}")


def engine_order(n: int, seed: int, epochs: int) -> list[list[int]]:
    """The training order of each epoch when the engine shuffles with `seed` (no dropout)."""
    rng = XorShift64Star(seed)
    order = list(range(n))
    orders = []
    for _ in range(epochs):
        rng.shuffle(order)
        orders.append(list(order))
    return orders


# ----- a small training problem run by both the Trainer and the reference ----------------------

PROBLEM_SPECS = {  # name -> (problem, classes, loss)
    "binary": ("classification", 2, "bce"),
    "three_class": ("classification", 3, "cross_entropy"),
    "regression": ("regression", 1, "mse"),
}


def make_points(problem: str, n: int, seed: int) -> tuple[Array, Array]:
    """n points in [-3, 3]² with labels for the problem: quadrant signs, sectors or a surface."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-3.0, 3.0, (n, 2))
    if problem == "binary":
        labels = (xy[:, 0] * xy[:, 1] > 0).astype(float)
    elif problem == "three_class":
        angle = np.arctan2(xy[:, 1], xy[:, 0]) + np.pi
        labels = np.minimum(angle // (2 * np.pi / 3), 2).astype(float)
    else:
        labels = np.sin(xy[:, 0]) + 0.5 * xy[:, 1]
    return xy, labels


@dataclass
class Case:
    """A network, training settings, data and starting weights for Trainer-vs-reference tests."""

    network: NetworkSpec
    training: TrainingSpec
    xy: Array
    labels: Array
    weights: list[LayerWeights]

    @property
    def loss(self) -> str:
        """The loss name the training spec implies."""
        return self.training.loss_for(self.network)

    @property
    def X(self) -> Array:
        """Reference features (n, F)."""
        return naive_features(self.xy, self.network.inputs)

    def trainer(self, **changes: object) -> Trainer:
        """A Trainer on this case (training spec fields replaced by `changes`)."""
        training = dataclasses.replace(self.training, **changes) if changes else self.training
        return Trainer(
            self.network, training, TrainingData(self.xy, self.labels), weights=self.weights
        )

    def reference(self) -> NaiveTraining:
        """The naive training loop with the same optimizer, penalty and clipping."""
        spec = self.training.optimizer
        optimizer = NAIVE_OPTIMIZERS[spec.name](spec.lr, **dict(spec.options))
        return NaiveTraining(
            to_naive(self.network, self.weights, self.loss),
            optimizer,
            self.training.regularization,
            self.training.regularization_rate,
            self.training.grad_clip,
        )


def make_case(
    optimizer: OptimizerSpec | None = None,
    *,
    problem: str = "binary",
    n: int = 12,
    layers: tuple[LayerSpec, ...] | None = None,
    seed: int = 0,
    **training: object,
) -> Case:
    """A deterministic full-batch case unless `training` says otherwise."""
    kind, classes, _ = PROBLEM_SPECS[problem]
    if layers is None:
        layers = (LayerSpec(5, "tanh"), LayerSpec(4, "relu"))
    network = NetworkSpec(inputs=("x1", "x2"), layers=layers, problem=kind, classes=classes)
    options: dict[str, object] = {"batch_size": 64, "shuffle": False, "seed": seed}
    options.update(training)
    spec = TrainingSpec(optimizer=optimizer or OptimizerSpec("sgd", 0.1), **options)
    xy, labels = make_points(problem, n, seed)
    return Case(network, spec, xy, labels, random_weights(network, seed, scale=0.6))
