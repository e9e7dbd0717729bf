"""What the inspection views compute from a training frame and the data (no Qt): a hidden
layer's space and where the network is wrong. The functions here run on the inspection worker's
thread; they read only frozen frames and points."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from playground.data.points import Points
from playground.engine import kernels as K
from playground.engine.confusion import confusion_matrix, predicted_classes, residuals
from playground.engine.hidden_space import (
    PROJECTIONS,
    EvalNetwork,
    HiddenSpace,
    Projection,
    hidden_space,
)
from playground.engine.trainer import standardization
from playground.worker import Frame

Array = npt.NDArray[np.float64]
DEFAULT_RANGE = (-6.0, 6.0)
MAX_SPACE_POINTS = 2_000  # training points drawn in the hidden space at most (an even sample)


def eval_network_of(frame: Frame, points: Points) -> EvalNetwork | None:
    """The eval-mode network of a frame (None when the frame lacks its parameters, or the
    inputs' standardization has no training points)."""
    if frame.params is None or frame.loss_inputs is None:
        return None
    try:
        scaling = standardization(frame.network, points.train()[0])
    except ValueError:
        return None
    return EvalNetwork.of(
        frame.loss_inputs, frame.params, frame.network.inputs, scaling, frame.masks
    )


# ----- the hidden space -------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceChoice:
    """Which hidden layer (0-based; None: the last), drawn how ("pca" or "neurons" i, j)."""

    layer: int | None = None
    kind: str = "pca"
    neurons: tuple[int, int] = (0, 1)

    def __post_init__(self) -> None:
        if self.kind not in PROJECTIONS:
            raise ValueError(f"projection: {self.kind!r} is not one of {', '.join(PROJECTIONS)}")

    def fitted(self, sizes: tuple[int, ...]) -> SpaceChoice | None:
        """This choice made valid for hidden layer sizes (None: no hidden layer)."""
        if not sizes:
            return None
        layer = len(sizes) - 1 if self.layer is None else min(self.layer, len(sizes) - 1)
        units = sizes[layer]
        i, j = (min(max(n, 0), units - 1) for n in self.neurons)
        if units >= 2 and i == j:
            j = (i + 1) % units
        return replace(self, layer=layer, neurons=(i, j))


@dataclass(frozen=True, eq=False)
class SpaceResult:
    """A computed hidden space of a frame, with the choice it used."""

    frame: Frame
    choice: SpaceChoice
    space: HiddenSpace
    problem: str
    classes: int
    training_points: int  # all of them (the space shows an even sample of at most
    # MAX_SPACE_POINTS)

    @property
    def run(self) -> int:
        """The training run of the weights."""
        return self.frame.run


def compute_space(
    frame: Frame,
    points: Points,
    choice: SpaceChoice,
    previous: Projection | None = None,
) -> SpaceResult | None:
    """The hidden space of a frame: its training points (as the Trainer sees them) and the
    input grid over the output view's rectangle (the frame's grid)."""
    net = eval_network_of(frame, points)
    fitted = choice.fitted(tuple(layer.units for layer in frame.network.layers))
    if net is None or fitted is None:
        return None
    grid = frame.snapshot.grid
    x_range = (grid.request.x_min, grid.request.x_max) if grid else DEFAULT_RANGE
    y_range = (grid.request.y_min, grid.request.y_max) if grid else DEFAULT_RANGE
    space = hidden_space(
        net,
        fitted.layer,
        *_sample(frame.loss_inputs.X, frame.loss_inputs.targets),
        kind=fitted.kind,
        neurons=fitted.neurons,
        x_range=x_range,
        y_range=y_range,
        previous=previous,
    )
    network = frame.network
    n = frame.loss_inputs.X.shape[1]
    return SpaceResult(frame, fitted, space, network.problem, network.classes, n)


def _sample(X: Array, labels: Array) -> tuple[Array, Array]:
    """At most MAX_SPACE_POINTS of the points: every k-th (all of them when fewer)."""
    step = -(-X.shape[1] // MAX_SPACE_POINTS)
    return (X, labels) if step <= 1 else (X[:, ::step], labels[::step])


# ----- where it is wrong ------------------------------------------------------------------------


SPLITS = ("train", "validation", "test")  # the order the confusion matrices are shown in


def split_mask(points: Points, split: str) -> npt.NDArray[np.bool_]:
    """(n,) True for the points of a split: "train", "validation" or "test"."""
    masks = {"train": points.is_train, "validation": points.is_validation, "test": points.is_test}
    return masks[split]


@dataclass(frozen=True, eq=False)
class Mistakes:
    """Every point's prediction (indices into `points`): predicted classes and the confusion
    counts of each split that has points (train, validation, test), or the residuals
    (prediction − target), with the frame whose weights predicted them."""

    frame: Frame
    points: Points
    prediction: Array  # (n,) the predicted class, or the predicted value
    counts: dict[str, npt.NDArray[np.int64]]  # split -> (C, C) [true, predicted]; {} regression
    residual: Array | None  # (n,) regression only

    @property
    def run(self) -> int:
        """The training run of the weights."""
        return self.frame.run

    @property
    def classification(self) -> bool:
        """Whether these are a classifier's mistakes (else a regression's residuals)."""
        return self.points.problem == "classification"

    def cell(self, split: str, true: int, guess: int) -> npt.NDArray[np.intp]:
        """Indices (into the points) of the `split` points of class `true` predicted as
        `guess`."""
        labels = self.points.labels
        mask = split_mask(self.points, split) & (labels == true) & (self.prediction == guess)
        return np.flatnonzero(mask)

    def residual_range(self, low: float, high: float) -> npt.NDArray[np.intp]:
        """Indices of the points whose residual lies in [low, high]."""
        if self.residual is None:
            return np.zeros(0, np.intp)
        r = self.residual
        return np.flatnonzero((r >= min(low, high)) & (r <= max(low, high)))


def compute_mistakes(frame: Frame, points: Points) -> Mistakes | None:
    """Predictions of every point (every split) with the frame's weights, eval mode."""
    net = eval_network_of(frame, points)
    if net is None or points.problem != frame.network.problem:
        return None
    if points.problem == "classification" and points.classes != frame.network.classes:
        return None
    outputs = net.outputs(net.features(points.xy)) if points.n else np.zeros((0, 1))
    if points.problem == "regression" or net.out_kind == K.OUT_LINEAR:
        prediction = outputs[:, 0].copy()
        return Mistakes(frame, points, prediction, {}, residuals(outputs, points.labels))
    guess = predicted_classes(outputs, net.out_kind)
    counts = {}
    for split in SPLITS:
        mask = split_mask(points, split)
        if split != "validation" or mask.any():
            counts[split] = confusion_matrix(points.labels[mask], guess[mask], points.classes)
    return Mistakes(frame, points, guess.astype(float), counts, None)


__all__ = [
    "SPLITS", "Mistakes", "SpaceChoice", "SpaceResult", "compute_mistakes", "compute_space",
    "eval_network_of", "split_mask",
]  # fmt: skip
