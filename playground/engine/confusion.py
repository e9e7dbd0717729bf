"""Where a network is wrong: the confusion matrix of a classifier, the residuals of a regression,
and which points make up each count (numpy only)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import kernels as K

Array = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]


def predicted_classes(outputs: npt.ArrayLike, out_kind: int) -> npt.NDArray[np.int64]:
    """The class each row of outputs (n, outputs) predicts: P(class 1) ≥ 0.5 for a sigmoid
    output (as the engine's accuracy counts), else the largest probability."""
    outputs = np.asarray(outputs, float).reshape(len(outputs), -1)
    if out_kind == K.OUT_SIGMOID:
        return (outputs[:, 0] >= 0.5).astype(np.int64)
    if out_kind == K.OUT_SOFTMAX:
        return outputs.argmax(axis=1).astype(np.int64)
    raise ValueError("predicted_classes: a regression output predicts no class")


def confusion_matrix(
    labels: npt.ArrayLike, predicted: npt.ArrayLike, classes: int
) -> npt.NDArray[np.int64]:
    """counts[true, predicted], int64 (classes, classes); the counts add up to len(labels)."""
    true = np.asarray(labels).astype(np.int64)
    guess = np.asarray(predicted).astype(np.int64)
    if true.shape != guess.shape:
        raise ValueError("confusion_matrix: one prediction per label is needed")
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (true, guess), 1)
    return counts


def cell_points(labels: npt.ArrayLike, predicted: npt.ArrayLike, true: int, guess: int) -> Indices:
    """The indices of the points of class `true` predicted as `guess` (one matrix cell)."""
    mask = (np.asarray(labels).astype(np.int64) == true) & (
        np.asarray(predicted).astype(np.int64) == guess
    )
    return np.flatnonzero(mask)


def residuals(predictions: npt.ArrayLike, targets: npt.ArrayLike) -> Array:
    """prediction − target of each point, float64 (n,)."""
    return np.asarray(predictions, float).reshape(-1) - np.asarray(targets, float).reshape(-1)


def residual_points(residual: npt.ArrayLike, low: float, high: float) -> Indices:
    """The indices of the points whose residual lies in [low, high]."""
    r = np.asarray(residual, float)
    return np.flatnonzero((r >= min(low, high)) & (r <= max(low, high)))


__all__ = [
    "cell_points", "confusion_matrix", "predicted_classes", "residual_points", "residuals",
]  # fmt: skip
