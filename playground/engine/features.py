"""Input features computed from a raw point (x1, x2), as TensorFlow Playground offers them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Feature:
    """An input feature: its label for the UI and how to compute it from x1, x2."""

    name: str
    label: str
    compute: Callable[[Array, Array], Array]


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "X₁", lambda x1, x2: x1),
        Feature("x2", "X₂", lambda x1, x2: x2),
        Feature("x1^2", "X₁²", lambda x1, x2: x1 * x1),
        Feature("x2^2", "X₂²", lambda x1, x2: x2 * x2),
        Feature("x1*x2", "X₁X₂", lambda x1, x2: x1 * x2),
        Feature("sin(x1)", "sin(X₁)", lambda x1, x2: np.sin(x1)),
        Feature("sin(x2)", "sin(X₂)", lambda x1, x2: np.sin(x2)),
        Feature("cos(x1)", "cos(X₁)", lambda x1, x2: np.cos(x1)),
        Feature("cos(x2)", "cos(X₂)", lambda x1, x2: np.cos(x2)),
    )
}


def expand(xy: npt.ArrayLike, inputs: Sequence[str]) -> Array:
    """Feature matrix, feature-major: float64 (len(inputs), n) from raw points xy (n, 2)."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    out = np.empty((len(inputs), xy.shape[0]), dtype=np.float64)
    for row, name in enumerate(inputs):
        out[row] = FEATURES[name].compute(xy[:, 0], xy[:, 1])
    return out


def standardized(xy: npt.ArrayLike, inputs: Sequence[str], mean: Array, std: Array) -> Array:
    """The network's input: raw points xy (n, 2) expanded, then standardised with the training
    data's mean and std (F,): float64 (F, n), C-contiguous."""
    X = expand(xy, inputs)
    return np.ascontiguousarray((X - mean[:, None]) / std[:, None])
