"""A plain-numpy forward pass for exported models: the same numbers as the Trainer, no numba."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from playground.engine.activations import ACTIVATIONS
from playground.engine.features import expand
from playground.engine.kernels import BN_EPS
from playground.engine.spec import LayerWeights, NetworkSpec

Array = npt.NDArray[np.float64]


def sigmoid(z: Array) -> Array:
    """1 / (1 + e^-z) without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


# Each activation's numpy form, from the engine's registry (the Trainer's eval pass uses it too).
NUMPY_ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    name: activation.numpy for name, activation in ACTIVATIONS.items()
}


PREDICT_CHUNK = 4096  # points per chunk: memory stays small however many points there are


class OverflowingPoint(ValueError):
    """A point whose features or outputs are too large for float64 (its index in `index`)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def predict(
    network: NetworkSpec,
    weights: Sequence[LayerWeights],
    standardization: tuple[npt.ArrayLike, npt.ArrayLike],
    xy: npt.ArrayLike,
) -> Array:
    """Class probabilities float64 (n, C), C = 2 for binary, or values (n, 1), for xy (n, 2).

    Chunk by chunk; OverflowingPoint names the first point whose features or outputs overflow.
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    width = network.output_units if network.problem == "regression" or network.classes > 2 else 2
    out = np.empty((xy.shape[0], width))
    for start in range(0, xy.shape[0], PREDICT_CHUNK):
        out[start : start + PREDICT_CHUNK] = _predict_chunk(
            network, weights, standardization, xy[start : start + PREDICT_CHUNK], start
        )
    return out


def _predict_chunk(
    network: NetworkSpec,
    weights: Sequence[LayerWeights],
    standardization: tuple[npt.ArrayLike, npt.ArrayLike],
    xy: Array,
    offset: int,
) -> Array:
    mean, std = (np.asarray(a, dtype=np.float64) for a in standardization)
    with np.errstate(all="ignore"):  # overflow is checked below, never printed as a warning
        a = (expand(xy, network.inputs).T - mean) / std  # (n, F)
        bad = ~np.all(np.isfinite(a), axis=1)
        if bad.any():
            raise OverflowingPoint(
                offset + int(np.argmax(bad)),
                "its input features overflow (too large for this network's "
                f"features: {', '.join(network.inputs)})",
            )
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
            result = a
        elif network.classes == 2:
            p = sigmoid(a[:, 0])
            result = np.column_stack([1.0 - p, p])
        else:
            e = np.exp(a - a.max(axis=1, keepdims=True))
            result = e / e.sum(axis=1, keepdims=True)
    bad = ~np.all(np.isfinite(result), axis=1)
    if bad.any():
        raise OverflowingPoint(
            offset + int(np.argmax(bad)),
            "the network's output overflows for it (the point is too large for this model)",
        )
    return result
