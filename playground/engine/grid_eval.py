"""Every unit's eval-mode output over a grid of points, for pictures: the dense sums in the
compiled kernels, the activations in numpy.

numba calls libm once per value for exp, log1p, libm's tanh...: 20× slower than numpy's
vectorised versions, and a 100×100 grid through 8 layers of 32 units is 2.6 million of them
(most of a frame of the app). tanh and sigmoid no longer call libm (engine/vector_math.py): the
kernels keep them (10 ms for that grid against 44 ms here). Here each layer's pre-activations
come from `kernels.grid_pass` (that layer alone, linear) and numpy applies the activation to
the whole tile. The values agree with `kernels.grid_pass` to rounding (the last bit of some
float64 values), which is what a float32 picture keeps; predictions and losses stay on the
kernels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import kernels as K
from .activations import ACTIVATIONS, activate, np_sigmoid

TILE = 1024  # points per pass (measured: 4096 is 1.5x slower, the rows leave the L2 cache)
# Activations that numba computes as fast as numpy or faster (no libm call): the kernels keep them.
CHEAP = frozenset(
    ACTIVATIONS[name].code for name in ("linear", "relu", "leaky_relu", "tanh", "sigmoid", "swish")
)
LINEAR = ACTIVATIONS["linear"].code

Array = npt.NDArray[np.float64]


def worth_it(layout: npt.NDArray[np.int64]) -> bool:
    """Whether some hidden layer's activation calls libm per value (then this path is faster)."""
    codes = layout[:-1, K.ACT]
    return any(int(code) not in CHEAP for code in codes)


def grid_pass(
    params: Array,
    layout: npt.NDArray[np.int64],
    out_kind: int,
    X: Array,
    bn_mean: Array,
    bn_var: Array,
    out: npt.NDArray,
    A: Array,
    Y: Array,
) -> None:
    """As kernels.grid_pass: every unit's eval-mode output on the points X: float64 (F, N) into
    out (R, N), any float dtype; A and Y: the Trainer's buffers, float64 (R, >= 1).

    Each layer is one call of kernels.grid_pass (float64, already compiled for predictions: no
    new compiling) on a one-layer table whose input rows come first, made linear.
    """
    n_rows, n_points = out.shape
    tables = [_one_layer(layout, layer) for layer in range(layout.shape[0])]
    for start in range(0, n_points, TILE):
        nb = min(TILE, n_points - start)
        values = np.empty((n_rows, nb))
        values[: X.shape[0]] = X[:, start : start + nb]
        for layer, one in enumerate(tables):
            n_in, n_out, r_in, r_out, code = (int(layout[layer, c]) for c in _COLUMNS)
            z = np.empty((n_in + n_out, nb))
            mean, var = np.zeros(n_in + n_out), np.ones(n_in + n_out)
            mean[n_in:], var[n_in:] = bn_mean[r_out : r_out + n_out], bn_var[r_out : r_out + n_out]
            K.grid_pass(params, one, np.int64(K.OUT_LINEAR), values[r_in : r_in + n_in], A, Y,
                        mean, var, z)  # fmt: skip
            pre = z[n_in:]
            values[r_out : r_out + n_out] = (
                activate(code, pre) if code >= 0 else _output(out_kind, pre)
            )
        with np.errstate(over="ignore", invalid="ignore"):  # huge values: inf in float32
            out[:, start : start + nb] = values


_COLUMNS = (K.N_IN, K.N_OUT, K.ROW_IN, K.ROW_OUT, K.ACT)


def _one_layer(layout: npt.NDArray[np.int64], layer: int) -> npt.NDArray[np.int64]:
    """Layer `layer` alone, its inputs as rows 0.. and its units after them, without its
    activation (linear; the output layer: the kernels' linear output)."""
    one = layout[layer : layer + 1].copy()
    one[0, K.ROW_IN] = 0
    one[0, K.ROW_OUT] = layout[layer, K.N_IN]
    one[0, K.ACT] = LINEAR if layout[layer, K.ACT] >= 0 else -1
    return one


def _output(out_kind: int, z: Array) -> Array:
    """The output layer's activation of its pre-activations z (units, n), as the kernels do."""
    with np.errstate(over="ignore", invalid="ignore"):
        if out_kind == K.OUT_SIGMOID:
            return np_sigmoid(z)
        if out_kind == K.OUT_SOFTMAX:
            e = np.exp(z - z.max(axis=0))
            return e / e.sum(axis=0)
        return z
