"""A plain-numpy forward pass for exported models: the same numbers as the Trainer, no numba."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from playground.engine.activations import GELU_C, LEAKY_SLOPE, SELU_ALPHA, SELU_SCALE
from playground.engine.activations import SOFTPLUS_THRESHOLD as THRESHOLD
from playground.engine.features import expand
from playground.engine.kernels import BN_EPS
from playground.engine.spec import LayerWeights, NetworkSpec

Array = npt.NDArray[np.float64]


def sigmoid(z: Array) -> Array:
    """1 / (1 + e^-z) without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


def softplus(z: Array) -> Array:
    """ln(1 + e^z), the identity above 20 as torch.nn.Softplus."""
    return np.where(z > THRESHOLD, z, np.log1p(np.exp(np.minimum(z, THRESHOLD))))


NUMPY_ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "linear": lambda z: z,
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0.0, z, LEAKY_SLOPE * z),
    "elu": lambda z: np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0))),
    "selu": lambda z: SELU_SCALE * np.where(z > 0.0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
    "gelu": lambda z: 0.5 * z * (1.0 + np.tanh(GELU_C * (z + 0.044715 * z**3))),
    "softplus": softplus,
    "swish": lambda z: z * sigmoid(z),
    "mish": lambda z: z * np.tanh(softplus(z)),
    "sine": np.sin,
}


def predict(network: NetworkSpec, weights: Sequence[LayerWeights],
            standardization: tuple[npt.ArrayLike, npt.ArrayLike], xy: npt.ArrayLike) -> Array:
    """Class probabilities float64 (n, C), C = 2 for binary, or values (n, 1), for xy (n, 2)."""
    mean, std = (np.asarray(a, dtype=np.float64) for a in standardization)
    a = (expand(xy, network.inputs).T - mean) / std  # (n, F)
    for i, lw in enumerate(weights):
        z = a @ lw.W.T + lw.b
        if lw.bn is not None:
            z = lw.bn.gamma * (z - lw.bn.running_mean) / np.sqrt(lw.bn.running_var + BN_EPS)
            z = z + lw.bn.beta
        if i < len(network.layers):
            a = NUMPY_ACTIVATIONS[network.layers[i].activation](z)
        else:
            a = z
    if network.problem == "regression":
        return a
    if network.classes == 2:
        p = sigmoid(a[:, 0])
        return np.column_stack([1.0 - p, p])
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
