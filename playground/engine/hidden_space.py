"""A hidden layer's activation space: the points, the input grid bent by the layer, and the
output layer's decision line there (ConvNetJS's view, on any network of the playground).

Everything is eval mode (batch norm's running statistics, no dropout), computed in numpy with
the engine's own eval pass (`pure.eval_forward`), so the coordinates are the activations the
network computes. A layer of 1 or 2 units is drawn in its own axes (neuron i, neuron j); a
wider one either in two chosen neurons or in its first two principal components. Both are an
affine plane of the activation space, h = origin + basis·c, and so is what is drawn of the
output layer: its logits restricted to that plane, z(c) = W·(origin + basis·c) + b, exact when
the plane is the whole activation space (a layer of 1 or 2 units shown in its own neurons).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import kernels as K
from .features import standardized
from .network import Layout
from .neuron_masks import NeuronMasks, off_rows
from .pure import eval_forward
from .trainer import LossInputs

Array = npt.NDArray[np.float64]
PROJECTIONS = {  # how a layer's activations become two coordinates (the view's choice box)
    "pca": "First two principal components",
    "neurons": "Two neurons",
}
GRID_LINES = 13  # lines of the input grid each way
LINE_SAMPLES = 64  # points along each line


@dataclass(frozen=True, eq=False)
class EvalNetwork:
    """What the eval-mode forward pass needs besides the points: the flat parameters in
    `layout`'s order, batch norm's running statistics by unit row, the output's kind
    (kernels.OUT_*), the input features' names and their standardization (mean, std)."""

    layout: Layout
    params: Array  # (P,)
    bn_mean: Array  # (R,)
    bn_var: Array  # (R,)
    out_kind: int
    inputs: tuple[str, ...]
    mean: Array  # (F,)
    std: Array  # (F,)
    off_rows: npt.NDArray[np.int64] | None = None  # switched-off units' rows: they output 0

    @classmethod
    def of(
        cls,
        loss_inputs: LossInputs,
        params: Array,
        inputs: tuple[str, ...],
        standardization: tuple[Array, Array],
        masks: NeuronMasks | None = None,
    ) -> EvalNetwork:
        """From what a Trainer (or a worker's Frame) gives: its loss inputs (layout, output kind,
        batch-norm statistics), flat parameters, feature names and standardization, and which
        neurons are switched off (their output reads 0, as the engine's does)."""
        mean, std = standardization
        layout = loss_inputs.layout
        return cls(
            layout,
            np.asarray(params, float),
            loss_inputs.bn_mean,
            loss_inputs.bn_var,
            int(loss_inputs.out_kind),
            tuple(inputs),
            np.asarray(mean, float),
            np.asarray(std, float),
            off_rows(layout.table, masks) if masks is not None else None,
        )

    @property
    def hidden_layers(self) -> int:
        """How many hidden layers the network has."""
        return self.layout.table.shape[0] - 1

    def units(self, layer: int) -> int:
        """The width of hidden layer `layer` (0-based)."""
        return int(self.layout.table[layer, K.N_OUT])

    def features(self, xy: npt.ArrayLike) -> Array:
        """Raw points (n, 2) as the network sees them: float64 (F, n), standardised."""
        return standardized(xy, self.inputs, self.mean, self.std)

    def unit_outputs(self, X: Array) -> Array:
        """Every unit's eval-mode output, float64 (R, n), inputs first, on features X (F, n)."""
        rows, _ = eval_forward(
            self.params, self.layout.table, self.out_kind, X, self.bn_mean, self.bn_var
        )
        if self.off_rows is not None:
            rows[self.off_rows] = 0.0
        return rows

    def activations(self, X: Array, layer: int) -> Array:
        """Hidden layer `layer`'s activations on features X (F, n): float64 (n, units)."""
        start = self.layout.row_offsets[layer + 1]
        return self.unit_outputs(X)[start : start + self.units(layer)].T.copy()

    def outputs(self, X: Array) -> Array:
        """The output layer's values on features X: float64 (n, outputs) (P(class 1) for
        binary, class probabilities, or the value)."""
        start = self.layout.row_offsets[-1]
        return self.unit_outputs(X)[start:].T.copy()


@dataclass(frozen=True, eq=False)
class Projection:
    """An affine plane of a layer's activation space, h = origin + basis·c, and the two
    coordinates c of an activation h on it: c = basisᵀ·(h − origin) (the basis is orthonormal).

    kind "neurons": basis = (e_i, e_j), so c = (h_i, h_j), the neurons' own activations, and
    the origin holds the other neurons at their mean over the points. kind "pca": the centred
    activations' first two right singular vectors through their mean, so c are the scores."""

    kind: str
    origin: Array  # (units,)
    basis: Array  # (units, 2)
    explained: Array  # (2,) the share of the points' variance along each axis
    neurons: tuple[int, int] | None = None  # (i, j) of kind "neurons"

    @property
    def whole_space(self) -> bool:
        """Whether the plane is the layer's whole activation space (≤ 2 units, its neurons)."""
        return self.kind == "neurons" and self.origin.shape[0] <= 2

    def coordinates(self, H: npt.ArrayLike) -> Array:
        """Activations (..., units) → coordinates (..., 2)."""
        return (np.asarray(H, float) - self.origin) @ self.basis

    def lift(self, C: npt.ArrayLike) -> Array:
        """Coordinates (..., 2) → the activations (..., units) of the plane's points."""
        return self.origin + np.asarray(C, float) @ self.basis.T


def neuron_projection(H: npt.ArrayLike, i: int, j: int | None = None) -> Projection:
    """Neurons i and j as the axes (j None: a 1-unit layer, drawn on a line y = 0)."""
    H = np.asarray(H, float)
    units = H.shape[1]
    basis = np.zeros((units, 2))
    basis[i, 0] = 1.0
    if j is not None:
        if j == i or not 0 <= j < units:
            raise ValueError(f"neurons: {i + 1} and {j + 1} must be two neurons of the layer")
        basis[j, 1] = 1.0
    origin = H.mean(axis=0) if len(H) else np.zeros(units)
    origin[[i] if j is None else [i, j]] = 0.0
    variance = H.var(axis=0) if len(H) else np.zeros(units)
    total = float(variance.sum())
    explained = (
        np.array([variance[i], variance[j] if j is not None else 0.0]) / total
        if total > 0
        else np.zeros(2)
    )
    return Projection("neurons", origin, basis, explained, (i, i if j is None else j))


def pca_projection(H: npt.ArrayLike, previous: Projection | None = None) -> Projection:
    """The first two principal components of the activations H (n, units), n ≥ 1: numpy's
    SVD of the centred H. Each axis points the way its largest component is positive, or,
    given the previous frame's PCA of the same layer, the way that one pointed (no flips)."""
    H = np.asarray(H, float)
    mean = H.mean(axis=0)
    _, singular, vt = np.linalg.svd(H - mean, full_matrices=False)
    basis = np.zeros((H.shape[1], 2))
    take = min(2, vt.shape[0])
    basis[:, :take] = vt[:take].T
    for axis in range(take):
        column = basis[:, axis]
        if previous is not None and previous.kind == "pca" and previous.basis.shape == basis.shape:
            flip = float(column @ previous.basis[:, axis]) < 0.0
        else:
            flip = column[np.argmax(np.abs(column))] < 0.0
        if flip:
            basis[:, axis] = -column
    variance = singular**2
    total = float(variance.sum())
    explained = np.zeros(2)
    if total > 0:
        explained[:take] = variance[:take] / total
    return Projection("pca", mean, basis, explained)


@dataclass(frozen=True, eq=False)
class Boundary:
    """The output layer restricted to a projection's plane: logits z(c) = A·c + d.

    Binary: the decision line is A[0]·c + d[0] = 0 (P = 0.5); several classes: the class of
    the largest logit; regression: the value z itself."""

    A: Array  # (outputs, 2)
    d: Array  # (outputs,)
    out_kind: int
    exact: bool  # the plane is the layer's whole activation space

    def logits(self, C: npt.ArrayLike) -> Array:
        """Coordinates (n, 2) → the output layer's logits (n, outputs)."""
        return np.asarray(C, float) @ self.A.T + self.d

    def outputs(self, C: npt.ArrayLike) -> Array:
        """Coordinates (n, 2) → the outputs (P(class 1), class probabilities, or value)."""
        z = self.logits(C)
        with np.errstate(over="ignore"):
            if self.out_kind == K.OUT_SIGMOID:
                return 1.0 / (1.0 + np.exp(-z))
            if self.out_kind == K.OUT_SOFTMAX:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                return e / e.sum(axis=1, keepdims=True)
        return z

    def line_segment(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> Array:
        """Binary: the decision line's part inside the rectangle, float64 (2, 2) end points,
        or (0, 2) when it misses the rectangle (or is not a line)."""
        if self.out_kind != K.OUT_SIGMOID:
            return np.zeros((0, 2))
        return clip_line(self.A[0], float(self.d[0]), x_range, y_range)


def clip_line(
    normal: Array, offset: float, x_range: tuple[float, float], y_range: tuple[float, float]
) -> Array:
    """The points of normal·c + offset = 0 inside the rectangle: end points (2, 2) or (0, 2)."""
    a, b = float(normal[0]), float(normal[1])
    (x0, x1), (y0, y1) = x_range, y_range
    found: list[tuple[float, float]] = []
    if abs(b) > 1e-15:
        for x in (x0, x1):
            y = -(a * x + offset) / b
            if y0 <= y <= y1:
                found.append((x, y))
    if abs(a) > 1e-15:
        for y in (y0, y1):
            x = -(b * y + offset) / a
            if x0 <= x <= x1:
                found.append((x, y))
    if len(found) < 2:
        return np.zeros((0, 2))
    ends = np.array(found)
    far = np.argmax(((ends - ends[0]) ** 2).sum(axis=1))
    return np.array([ends[0], ends[far]])


def boundary_on(network: EvalNetwork, layer: int, projection: Projection) -> Boundary | None:
    """The output layer on the projection's plane, when the layer after `layer` is the output
    (else None: the later layers bend the space again)."""
    if layer != network.hidden_layers - 1:
        return None
    out = network.layout.table.shape[0] - 1
    W = network.layout.weight_view(network.params, out)
    b = network.layout.bias_view(network.params, out)
    return Boundary(
        W @ projection.basis, W @ projection.origin + b, network.out_kind, projection.whole_space
    )


def grid_lines(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    lines: int = GRID_LINES,
    samples: int = LINE_SAMPLES,
) -> Array:
    """The input grid: `lines` vertical then `lines` horizontal lines over the rectangle, each
    `samples` points long: float64 (2·lines, samples, 2) of raw (x1, x2)."""
    xs, ys = np.linspace(*x_range, lines), np.linspace(*y_range, lines)
    tx, ty = np.linspace(*x_range, samples), np.linspace(*y_range, samples)
    vertical = np.stack([np.broadcast_to(xs[:, None], (lines, samples)),
                         np.broadcast_to(ty, (lines, samples))], axis=-1)  # fmt: skip
    horizontal = np.stack([np.broadcast_to(tx, (lines, samples)),
                           np.broadcast_to(ys[:, None], (lines, samples))], axis=-1)  # fmt: skip
    return np.concatenate([vertical, horizontal])


@dataclass(frozen=True, eq=False)
class HiddenSpace:
    """One layer's activation space as drawn: the points' coordinates (n, 2) with their labels,
    the input grid's lines mapped through the network to the layer and projected (K, S, 2),
    and the output layer's boundary there (None unless the next layer is the output)."""

    layer: int
    units: int
    projection: Projection
    points: Array  # (n, 2)
    labels: Array  # (n,)
    lines: Array  # (K, S, 2)
    boundary: Boundary | None


def hidden_space(
    network: EvalNetwork,
    layer: int,
    X: Array,
    labels: Array,
    *,
    kind: str = "pca",
    neurons: tuple[int, int] = (0, 1),
    x_range: tuple[float, float] = (-6.0, 6.0),
    y_range: tuple[float, float] = (-6.0, 6.0),
    previous: Projection | None = None,
) -> HiddenSpace:
    """Hidden layer `layer` (0-based) on the training features X (F, n) with their labels.

    kind "pca" (a layer of more than 2 units) or "neurons" (`neurons` = (i, j); a layer of 1
    or 2 units is always shown in its own neurons). The grid covers x_range × y_range of the
    raw input plane. `previous` keeps a PCA's axes pointing the same way from frame to frame."""
    if kind not in PROJECTIONS:
        raise ValueError(f"projection: {kind!r} is not one of {', '.join(PROJECTIONS)}")
    if not 0 <= layer < network.hidden_layers:
        raise ValueError(f"layer: the network has no hidden layer {layer + 1}")
    units = network.units(layer)
    H = network.activations(X, layer)
    if units == 1:
        projection = neuron_projection(H, 0)
    elif units == 2 and kind == "pca":
        projection = neuron_projection(H, 0, 1)
    elif kind == "neurons":
        i, j = neurons
        projection = neuron_projection(H, i, j)
    elif len(H) == 0:
        projection = neuron_projection(H, 0, 1)
    else:
        projection = pca_projection(H, previous)
    lines = grid_lines(x_range, y_range)
    flat = network.activations(network.features(lines.reshape(-1, 2)), layer)
    mapped = projection.coordinates(flat).reshape(lines.shape)
    return HiddenSpace(
        layer,
        units,
        projection,
        projection.coordinates(H),
        np.asarray(labels, float),
        mapped,
        boundary_on(network, layer, projection),
    )


__all__ = [
    "PROJECTIONS", "Boundary", "EvalNetwork", "HiddenSpace", "Projection", "boundary_on",
    "clip_line", "grid_lines", "hidden_space", "neuron_projection", "pca_projection",
]  # fmt: skip
