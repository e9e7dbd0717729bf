"""The loss landscape: planes through weight space, the training loss over them, paths on them.

The currency is the flat parameter vector, float64 (P,), in the Trainer's own layout
(`network.Layout`: per dense layer W (out×in, row-major), b, then batch norm's gamma and beta):
`Trainer.parameters()` gives one, `Trainer.set_parameters(flat)` moves the weights there.

- `Plane(centre, d1, d2)`: θ(α, β) = centre + α·d1 + β·d2.
- `random_plane(layout, centre, seed)`: two filter-normalised gaussian directions (Li et al.
  2018): each output neuron's row of a direction's W is scaled to the norm of that neuron's row
  of W at the centre; bias directions are 0; batch norm's gamma and beta do not move (0).
- `pca_plane(path, centre)`: the first two principal components of a path of parameters.
- `project(plane, params)`: the (α, β) coordinates of parameters on a plane (least squares).
- `loss_grid(inputs, plane, alphas, betas)`: the mean training data loss over a grid of the
  plane (eval mode: batch norm's running statistics, no dropout; no penalty), with
  `loss[i, j]` at centre + alphas[j]·d1 + betas[i]·d2.
- `line_losses(inputs, start, end, ts)`: the loss along start + t·(end − start) (Goodfellow et
  al. 2015).
- `landscape_of(trainer, ...)`: what `nn-playground landscape` computes, as a LandscapeResult.

`inputs` is a `LossInputs` (`Trainer.loss_inputs()`: copies, safe to use on another thread
while the Trainer trains on) or a Trainer. The loss kernel (`plane_losses`) releases the GIL:
run it on a thread of its own beside the training thread (the machine's second core), or give
`threads=2` to split one grid over two threads when nothing else trains. Until the compiled
kernels are loaded (the app's first start, engine/startup.py) pass `kernels=` the Trainer's
plain-Python kernels: the numpy path then runs instead of compiling in this process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from . import kernels as K
from .network import Layout
from .neuron_masks import outgoing_indices
from .trainer import LossInputs, Trainer

Array = npt.NDArray[np.float64]
LOSS_TILE = 512  # points per forward tile of the loss kernel (256: ~10 % slower on W2)
DIRECTIONS = ("random", "pca")  # how `landscape_of` may choose the plane
MAX_RESOLUTION = 201
Kernels = Any  # kernels.py (compiled) or pure.PythonKernels (see `plane_losses_numpy`)


@dataclass(frozen=True, eq=False)
class Plane:
    """θ(α, β) = centre + α·d1 + β·d2; each float64 (P,) in the Trainer's layout."""

    centre: Array
    d1: Array
    d2: Array

    def __post_init__(self) -> None:
        for name in ("centre", "d1", "d2"):
            value = np.ascontiguousarray(getattr(self, name), dtype=np.float64).reshape(-1)
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        if not self.centre.shape == self.d1.shape == self.d2.shape:
            raise ValueError("plane: centre, d1 and d2 must have the same length")

    def at(self, alpha: float, beta: float) -> Array:
        """The parameters at (α, β), float64 (P,), computed as the loss kernel does."""
        return self.centre + alpha * self.d1 + beta * self.d2

    def recentred(self, centre: npt.ArrayLike) -> Plane:
        """The same directions through another centre."""
        return Plane(np.asarray(centre, dtype=np.float64), self.d1, self.d2)


def filter_normalised(layout: Layout, centre: Array, direction: Array) -> Array:
    """A direction (P,) made filter-normalised for `centre` (P,) (Li et al. 2018): each row of
    each layer's W scaled to the norm of that row of W at the centre (a zero row stays zero);
    biases and batch norm's gamma and beta set to 0. Returns a new float64 (P,) array."""
    out = np.zeros(layout.n_params)
    for layer in range(layout.table.shape[0]):
        W = layout.weight_view(centre, layer)
        dW = layout.weight_view(direction, layer)
        row_norms = np.linalg.norm(W, axis=1)
        d_norms = np.linalg.norm(dW, axis=1)
        scale = np.divide(row_norms, d_norms, out=np.zeros_like(row_norms), where=d_norms > 0)
        layout.weight_view(out, layer)[:] = dW * scale[:, None]
    return out


def random_plane(
    layout: Layout, centre: npt.ArrayLike, seed: int = 0, held: npt.ArrayLike = ()
) -> Plane:
    """Two filter-normalised gaussian directions through `centre` (P,), drawn from `seed`
    (numpy's default_rng: d1's P values, then d2's). `held`: flat indices the plane does not
    move (a switched-off neuron's outgoing weights, which training holds at 0); they are
    zeroed in the drawn directions before the rows are scaled."""
    centre = np.asarray(centre, dtype=np.float64)
    _check_length(layout, centre, "centre")
    held = np.asarray(held, dtype=np.int64)
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        drawn = rng.standard_normal(layout.n_params)
        drawn[held] = 0.0
        directions.append(filter_normalised(layout, centre, drawn))
    return Plane(centre, *directions)


def pca_plane(path: npt.ArrayLike, centre: npt.ArrayLike) -> Plane:
    """The plane through `centre` (P,) spanned by the first two principal components of
    `path` (N, P), N >= 2.

    The components are those of the path's points centred on their mean (the same as of
    Li et al.'s differences from the final weights, once centred), unit-norm, signed so that
    the path runs towards +α and +β from its first point to its last. With N = 2 (or a path
    on a line) the second component is any unit vector orthogonal to the first."""
    path = np.asarray(path, dtype=np.float64)
    centre = np.asarray(centre, dtype=np.float64)
    if path.ndim != 2 or path.shape[0] < 2:
        raise ValueError("path: the principal components need at least two points (N, P)")
    if path.shape[1] != centre.shape[0]:
        raise ValueError("path: its points and the centre must have the same length")
    centred = path - path.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    if vt.shape[0] < 2:
        raise ValueError("path: a plane needs at least two parameters")
    travel = path[-1] - path[0]
    directions = []
    for component in vt[:2]:
        d = component / np.linalg.norm(component)
        directions.append(-d if travel @ d < 0 else d)
    return Plane(centre, directions[0], directions[1])


def held_weights(trainer: Trainer) -> list[int]:
    """The flat indices a Trainer holds at 0: its switched-off neurons' outgoing weights."""
    return outgoing_indices(trainer.layout.table, trainer.masks)


def project(plane: Plane, params: npt.ArrayLike) -> Array:
    """The (α, β) coordinates, float64 (..., 2), of parameters (..., P) on a plane: the least-
    squares solution of centre + α·d1 + β·d2 ≈ params (d1 and d2 need not be orthogonal; the
    2×2 normal equations, or the minimum-norm solution when d1 and d2 are parallel)."""
    params = np.asarray(params, dtype=np.float64)
    if params.shape[-1] != plane.centre.shape[0]:
        raise ValueError("params: their length differs from the plane's")
    D = np.column_stack([plane.d1, plane.d2])  # (P, 2)
    gram = D.T @ D
    rhs = (params - plane.centre) @ D  # (..., 2)
    return (np.linalg.pinv(gram) @ rhs[..., None])[..., 0]


# ----- the loss over the plane ---------------------------------------------------------------


@njit(**K.KERNEL)
def plane_losses(
    centre, d1, d2, alphas, betas, layout, out_kind, loss_code, X, targets, bn_mean, bn_var, out
):
    """out[k] = mean eval-mode data loss at centre + alphas[k]·d1 + betas[k]·d2.

    centre, d1, d2: float64 (P,); alphas, betas, out: float64 (K,); layout: int64 (L, 9);
    X: float64 (F, N) training features; targets: float64 (N,); bn_mean, bn_var: float64 (R,).
    """
    n_points = X.shape[1]
    width = min(LOSS_TILE, max(n_points, 1))
    rows = layout[layout.shape[0] - 1, K.ROW_OUT] + layout[layout.shape[0] - 1, K.N_OUT]
    A = np.empty((rows, width))
    Y = np.empty((rows, width))
    params = np.empty(centre.shape[0])
    for k in range(out.shape[0]):
        alpha = alphas[k]
        beta = betas[k]
        for p in range(params.shape[0]):
            params[p] = centre[p] + alpha * d1[p] + beta * d2[p]
        total, _ = K.evaluate(
            params, layout, out_kind, loss_code, X, targets, A, Y, bn_mean, bn_var
        )
        out[k] = total / n_points


def plane_losses_numpy(
    kernels: Kernels,
    centre: Array,
    d1: Array,
    d2: Array,
    alphas: Array,
    betas: Array,
    inputs: LossInputs,
    out: Array,
) -> None:
    """As `plane_losses`, one `kernels.evaluate` call per point: for pure.PythonKernels (the
    vectorised numpy pass) while the compiled kernels are not there yet."""
    n = inputs.X.shape[1]
    rows = inputs.layout.n_rows
    A, Y = np.empty((rows, LOSS_TILE)), np.empty((rows, LOSS_TILE))
    for k in range(out.shape[0]):
        params = centre + alphas[k] * d1 + betas[k] * d2
        total, _ = kernels.evaluate(
            params,
            inputs.layout.table,
            np.int64(inputs.out_kind),
            np.int64(inputs.loss_code),
            inputs.X,
            inputs.targets,
            A,
            Y,
            inputs.bn_mean,
            inputs.bn_var,
        )
        out[k] = total / n


def losses_on_plane(
    inputs: LossInputs | Trainer,
    plane: Plane,
    alphas: npt.ArrayLike,
    betas: npt.ArrayLike,
    *,
    threads: int = 1,
    kernels: Kernels | None = None,
) -> Array:
    """The mean training data loss at centre + alphas[k]·d1 + betas[k]·d2: float64 (K,) for
    alphas, betas float64 (K,). `threads` > 1 splits the points over that many threads (the
    kernel releases the GIL). `kernels`: kernels.py (default: compiled) or a pure.PythonKernels
    (numpy; when the compiled kernels are not loaded yet)."""
    inputs = inputs.loss_inputs() if isinstance(inputs, Trainer) else inputs
    if plane.centre.shape[0] != inputs.n_params:
        raise ValueError(
            f"plane: {plane.centre.shape[0]} parameters, the network has {inputs.n_params}"
        )
    alphas = np.ascontiguousarray(alphas, dtype=np.float64).reshape(-1)
    betas = np.ascontiguousarray(betas, dtype=np.float64).reshape(-1)
    if alphas.shape != betas.shape:
        raise ValueError("alphas and betas: one of each per point")
    out = np.empty(alphas.shape[0])
    if inputs.X.shape[1] == 0:
        out[:] = np.nan
        return out
    if kernels is not None and kernels is not K:
        plane_losses_numpy(kernels, plane.centre, plane.d1, plane.d2, alphas, betas, inputs, out)
        return out

    def run(part: slice) -> None:
        plane_losses(
            plane.centre,
            plane.d1,
            plane.d2,
            alphas[part],
            betas[part],
            inputs.layout.table,
            np.int64(inputs.out_kind),
            np.int64(inputs.loss_code),
            inputs.X,
            inputs.targets,
            inputs.bn_mean,
            inputs.bn_var,
            out[part],
        )

    parts = _split(out.shape[0], max(1, int(threads)))
    if len(parts) == 1:
        run(parts[0])
        return out
    workers = [threading.Thread(target=run, args=(part,), name="loss-grid") for part in parts[1:]]
    for worker in workers:
        worker.start()
    try:
        run(parts[0])
    finally:
        for worker in workers:
            worker.join()
    return out


def loss_grid(
    inputs: LossInputs | Trainer,
    plane: Plane,
    alphas: npt.ArrayLike,
    betas: npt.ArrayLike,
    *,
    threads: int = 1,
    kernels: Kernels | None = None,
) -> Array:
    """The loss over a grid of the plane: float64 (len(betas), len(alphas)), with loss[i, j] the
    mean training data loss (eval mode, no penalty) at centre + alphas[j]·d1 + betas[i]·d2.

    inputs: `Trainer.loss_inputs()` (or a Trainer); alphas, betas: float64 (R,). See
    `losses_on_plane` for `threads` and `kernels`."""
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    betas = np.asarray(betas, dtype=np.float64).reshape(-1)
    grid_alpha, grid_beta = np.meshgrid(alphas, betas)  # (R_beta, R_alpha): row i is betas[i]
    losses = losses_on_plane(
        inputs, plane, grid_alpha.ravel(), grid_beta.ravel(), threads=threads, kernels=kernels
    )
    return losses.reshape(betas.shape[0], alphas.shape[0])


def line_losses(
    inputs: LossInputs | Trainer,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    ts: npt.ArrayLike,
    *,
    threads: int = 1,
    kernels: Kernels | None = None,
) -> Array:
    """The loss along the straight line start + t·(end − start) (Goodfellow et al. 2015):
    float64 (K,) for ts float64 (K,); start, end float64 (P,). t = 0 is start, t = 1 end."""
    start = np.asarray(start, dtype=np.float64)
    line = Plane(start, np.asarray(end, dtype=np.float64) - start, np.zeros_like(start))
    ts = np.asarray(ts, dtype=np.float64).reshape(-1)
    return losses_on_plane(inputs, line, ts, np.zeros_like(ts), threads=threads, kernels=kernels)


def _split(n: int, parts: int) -> list[slice]:
    """Up to `parts` contiguous slices of range(n), as equal as can be."""
    parts = max(1, min(parts, n))
    edges = np.linspace(0, n, parts + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _check_length(layout: Layout, values: Array, name: str) -> None:
    if values.shape != (layout.n_params,):
        raise ValueError(f"{name}: expected {layout.n_params} parameters, got shape {values.shape}")


# ----- what `nn-playground landscape` computes ----------------------------------------------


@dataclass(frozen=True, eq=False)
class LandscapeResult:
    """A loss landscape with the path that led to its centre (the picture's and NPZ's content).

    loss[i, j] is at plane.at(alphas[j], betas[i]); path (N+1, 2) holds the (α, β) of the
    weights after each epoch (row 0 the start), or None without training; line_ts / line_loss
    the loss along the straight line from the first to the last weights of the path."""

    alphas: Array  # float64 (R,)
    betas: Array  # float64 (R,)
    loss: Array  # float64 (R, R)
    plane: Plane
    layout: Layout
    directions: str  # "random" or "pca"
    path: Array | None = None  # float64 (N+1, 2)
    path_params: Array | None = None  # float64 (N+1, P)
    line_ts: Array | None = None  # float64 (K,)
    line_loss: Array | None = None  # float64 (K,)


def landscape_of(
    trainer: Trainer,
    *,
    epochs: int = 0,
    directions: str = "random",
    seed: int = 0,
    span: float = 1.0,
    resolution: int = 31,
    threads: int = 2,
) -> LandscapeResult:
    """Train `epochs` epochs (recording the weights after each), then the loss over the plane
    through the last weights: random filter-normalised directions drawn from `seed`, or the
    path's principal components ("pca", needs epochs >= 1). alphas = betas =
    linspace(-span, span, resolution). ValueError on bad options or if training diverges."""
    if directions not in DIRECTIONS:
        raise ValueError(f"directions: {directions!r} is not one of {', '.join(DIRECTIONS)}")
    if directions == "pca" and epochs < 1:
        raise ValueError("directions: pca needs a path: train some epochs first (--epochs N)")
    if not (np.isfinite(span) and span > 0):
        raise ValueError(f"span: must be a positive number, got {span!r}")
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"resolution: {resolution} is out of range (2 to {MAX_RESOLUTION})")
    path = [trainer.parameters()]
    for _ in range(epochs):
        trainer.run_epochs(1)
        if trainer.diverged:
            raise ValueError(trainer.message)
        path.append(trainer.parameters())
        if trainer.stopped_early:
            break
    centre = path[-1]
    plane = (
        pca_plane(np.array(path), centre)
        if directions == "pca"
        else random_plane(trainer.layout, centre, seed, held_weights(trainer))
    )
    axis = np.linspace(-span, span, resolution)
    inputs = trainer.loss_inputs()
    loss = loss_grid(inputs, plane, axis, axis, threads=threads)
    result = LandscapeResult(axis, axis.copy(), loss, plane, trainer.layout, directions)
    if epochs < 1:
        return result
    path_params = np.array(path)
    ts = np.linspace(0.0, 1.0, 51)
    return LandscapeResult(
        axis,
        axis.copy(),
        loss,
        plane,
        trainer.layout,
        directions,
        path=project(plane, path_params),
        path_params=path_params,
        line_ts=ts,
        line_loss=line_losses(inputs, path_params[0], centre, ts, threads=threads),
    )
