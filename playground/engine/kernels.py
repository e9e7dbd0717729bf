"""Numba kernels: forward, loss, backward, optimizer step and the training loop.

All kernels are free functions on arrays. Shared conventions:

- ``params``: float64 (P,), every parameter: per dense layer W (out×in, row-major), b, and,
  with batch norm, gamma and beta. ``grads`` has the same layout.
- ``layout``: int64 (L, 9) per dense layer: n_in, n_out, W offset, b offset, gamma offset
  (-1 without batch norm), beta offset, activation code (-1 for the output layer), first row
  of its inputs, first row of its outputs — rows of the activation buffers below.
- ``dropout``: float64 (L,) inverted-dropout rate of each layer's output.
- Activation buffers are feature-major: float64 (R, B), R = all units incl. inputs, B = batch.
  ``Y`` holds pre-activations (after batch norm), ``A`` activations after dropout, ``H`` before
  dropout (only where dropout is on), ``M`` dropout masks, ``XH`` normalised values and ``INV``
  (R,) inverse std of batch norm, ``D`` the gradient with respect to Y. A training step uses
  (R, nb) views of the first R·nb values of the Trainer's (R, W) buffers (batch_view).
- Speed without reordering: every sum is added in one fixed order, so the plain-Python copy
  (pure.py) gives the same bits. numba vectorises loops over the batch but no float sum, so
  the dense sums add eight terms per pass over a row (weighted_row_sum), in the plain formula's
  order, and the weight gradients' sums over the batch run in vector_sums' four lanes as vector
  code (vector_sums_llvm), eight side by side (weight_gradients).
- ``rng``: uint64 (1,) xorshift64* state, advanced in place.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from . import vector_sums_llvm  # noqa: F401 - compiles vector_sums' functions as vector code
from .activations import (
    ERROR_MODEL,
    FASTMATH,
    activate_rows,
    scale_rows_by_derivative,
    sigmoid,
)
from .optimizers import Hyper, optimizer_step
from .registry import ScheduleOptions
from .vector_sums import (
    LANES,
    TERMS_A_PASS,
    dots_2x1,
    dots_2x4,
    sums_2,
    weighted_quads,
    weighted_quads_onto,
)

N_IN, N_OUT, W_OFF, B_OFF, G_OFF, BE_OFF, ACT, ROW_IN, ROW_OUT = range(9)
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
OUT_SIGMOID, OUT_SOFTMAX, OUT_LINEAR = 0, 1, 2
LOSS_BCE, LOSS_CE, LOSS_MSE, LOSS_MAE, LOSS_HUBER = 0, 1, 2, 3, 4  # registry.LOSSES' codes
SCHEDULE_CONSTANT, SCHEDULE_STEP, SCHEDULE_EXPONENTIAL, SCHEDULE_COSINE, SCHEDULE_ONE_CYCLE = (
    0,
    1,
    2,
    3,
    4,
)  # registry.SCHEDULES' codes
STATUS_OK, STATUS_DIVERGED, STATUS_EARLY_STOP = 0, 1, 2

# Counter slots of the int64 `counters` array that the training loop advances.
C_EPOCH, C_STEP, C_CURSOR, C_OPT_T, C_GRAD_STEPS, C_BEST_EPOCH, C_STALE = range(7)

KERNEL = {"cache": True, "nogil": True, "fastmath": FASTMATH, "error_model": ERROR_MODEL}
# A small kernel called in the inner loops of another: inlined into it by numba (a call passes
# every array as seven words and costs about as much as an 8-unit row of a W2 step).
INLINED = {**KERNEL, "inline": "always"}


_U12, _U25, _U27, _U11, _U32 = (np.uint64(k) for k in (12, 25, 27, 11, 32))
_LOW32 = np.uint64(0xFFFFFFFF)
_MULT_LO = np.uint64(2685821657736338717 & 0xFFFFFFFF)  # xorshift64*'s multiplier, in halves
_MULT_HI = np.uint64(2685821657736338717 >> 32)


@njit(**KERNEL)
def next_uniform(rng: np.ndarray) -> float:
    """Uniform float in [0, 1) from the xorshift64* state rng: uint64 (1,).

    The 64-bit product x * M mod 2^64 is built from 32-bit halves so that no step overflows:
    the same bits as a wrapping multiply, without numpy's overflow warning in plain Python.
    """
    x = rng[0]
    x ^= x >> _U12
    x ^= x << _U25
    x ^= x >> _U27
    rng[0] = x
    x_lo = x & _LOW32
    x_hi = x >> _U32
    low = x_lo * _MULT_LO
    mid = ((x_hi * _MULT_LO) & _LOW32) + ((x_lo * _MULT_HI) & _LOW32) + (low >> _U32)
    product = ((mid & _LOW32) << _U32) | (low & _LOW32)
    return float(product >> _U11) * (1.0 / 9007199254740992.0)


@njit(**KERNEL)
def shuffle(perm: np.ndarray, rng: np.ndarray) -> None:
    """Fisher–Yates shuffle of perm: int64 (n,) in place."""
    for i in range(perm.shape[0] - 1, 0, -1):
        j = int(next_uniform(rng) * (i + 1))
        perm[i], perm[j] = perm[j], perm[i]


@njit(**INLINED)
def weighted_row_sum(coef, c0, step, n_terms, X, r0, out, start, nb):
    """out[:nb] = start + sum over t of coef[c0 + t·step]·X[r0 + t, :nb], added in t order.

    A dense layer's pre-activations (step 1: a row of W) and the gradient of its inputs (step
    n_in: a column). Four values of b at a time as vector code, eight terms a pass
    (vector_sums.weighted_quads), then the rest of the batch.
    """
    n_quads = nb // LANES
    first = min(n_terms, TERMS_A_PASS)
    weighted_quads(coef, c0, step, first, X, r0, out, start, n_quads)
    for t in range(first, n_terms, TERMS_A_PASS):
        n = min(TERMS_A_PASS, n_terms - t)
        weighted_quads_onto(coef, c0 + t * step, step, n, X, r0 + t, out, n_quads)
    for b in range(n_quads * LANES, nb):
        total = start
        for t in range(n_terms):
            total = total + coef[c0 + t * step] * X[r0 + t, b]
        out[b] = total


@njit(**INLINED)
def weight_gradients(grads, w0, b0, n_in, n_out, A, r_in, D, r_out, nb):
    """Add dL/dW[j, k] = sum over b of D[r_out + j, b]·A[r_in + k, b] and dL/db_j = the sum of
    D[r_out + j, :nb] into grads.

    Each sum over the batch is added in vector_sums' order: its four lanes over the first
    4·(nb // 4) terms (vector code), then the rest in order. Two units × four inputs a pass.
    """
    n_quads = nb // LANES
    rest = n_quads * LANES
    j = 0
    while j < n_out:
        two = j + 1 < n_out
        d0 = D[r_out + j]
        d1 = D[r_out + j + 1] if two else d0
        g0 = w0 + j * n_in
        g1 = g0 + n_in
        k = 0
        while k + 4 <= n_in:
            a0, a1, a2, a3 = A[r_in + k], A[r_in + k + 1], A[r_in + k + 2], A[r_in + k + 3]
            s0, s1, s2, s3, t0, t1, t2, t3 = dots_2x4(d0, d1, a0, a1, a2, a3, n_quads)
            for b in range(rest, nb):
                x = d0[b]
                y = d1[b]
                s0 += x * a0[b]
                s1 += x * a1[b]
                s2 += x * a2[b]
                s3 += x * a3[b]
                t0 += y * a0[b]
                t1 += y * a1[b]
                t2 += y * a2[b]
                t3 += y * a3[b]
            grads[g0 + k] += s0
            grads[g0 + k + 1] += s1
            grads[g0 + k + 2] += s2
            grads[g0 + k + 3] += s3
            if two:
                grads[g1 + k] += t0
                grads[g1 + k + 1] += t1
                grads[g1 + k + 2] += t2
                grads[g1 + k + 3] += t3
            k += 4
        while k < n_in:
            a = A[r_in + k]
            s0, t0 = dots_2x1(d0, d1, a, n_quads)
            for b in range(rest, nb):
                s0 += d0[b] * a[b]
                t0 += d1[b] * a[b]
            grads[g0 + k] += s0
            if two:
                grads[g1 + k] += t0
            k += 1
        s0, t0 = sums_2(d0, d1, n_quads)
        for b in range(rest, nb):
            s0 += d0[b]
            t0 += d1[b]
        grads[b0 + j] += s0
        if two:
            grads[b0 + j + 1] += t0
        j += 2


@njit(**KERNEL)
def forward(
    params, layout, dropout, A, Y, H, M, XH, INV, bn_mean, bn_var, nb, train, out_kind, rng
):
    """Forward pass over columns [0, nb) of the buffers; inputs must already be in A's rows.

    train: batch statistics for batch norm (and running-stat updates) and dropout masks;
    otherwise running statistics and no dropout.
    """
    n_layers = layout.shape[0]
    for layer in range(n_layers):
        n_in = layout[layer, N_IN]
        n_out = layout[layer, N_OUT]
        w0 = layout[layer, W_OFF]
        b0 = layout[layer, B_OFF]
        r_in = layout[layer, ROW_IN]
        r_out = layout[layer, ROW_OUT]
        for j in range(n_out):  # z_j = b_j + W[j, :]·a
            weighted_row_sum(
                params, w0 + j * n_in, 1, n_in, A, r_in, Y[r_out + j], params[b0 + j], nb
            )
        g0 = layout[layer, G_OFF]
        if g0 >= 0:
            be0 = layout[layer, BE_OFF]
            for j in range(n_out):
                row = r_out + j
                y = Y[row]
                gamma = params[g0 + j]
                beta = params[be0 + j]
                if train:
                    mean = 0.0
                    for b in range(nb):
                        mean += y[b]
                    mean /= nb
                    var = 0.0
                    for b in range(nb):
                        var += (y[b] - mean) * (y[b] - mean)
                    unbiased = var / (nb - 1) if nb > 1 else bn_var[row]
                    var /= nb
                    bn_mean[row] = (1.0 - BN_MOMENTUM) * bn_mean[row] + BN_MOMENTUM * mean
                    bn_var[row] = (1.0 - BN_MOMENTUM) * bn_var[row] + BN_MOMENTUM * unbiased
                    inv = 1.0 / math.sqrt(var + BN_EPS)
                    INV[row] = inv
                    xh = XH[row]
                    for b in range(nb):
                        xh[b] = (y[b] - mean) * inv
                        y[b] = gamma * xh[b] + beta
                else:
                    mean = bn_mean[row]
                    inv = 1.0 / math.sqrt(bn_var[row] + BN_EPS)
                    for b in range(nb):
                        y[b] = gamma * (y[b] - mean) * inv + beta
        code = layout[layer, ACT]
        if code >= 0:
            p = dropout[layer]
            use_dropout = train and p > 0.0
            if use_dropout:
                activate_rows(code, Y, H, r_out, n_out, nb)
                keep = 1.0 / (1.0 - p)
                for row in range(r_out, r_out + n_out):
                    for b in range(nb):
                        M[row, b] = keep if next_uniform(rng) >= p else 0.0
                        A[row, b] = H[row, b] * M[row, b]
            else:
                activate_rows(code, Y, A, r_out, n_out, nb)
        elif out_kind == OUT_SIGMOID:
            for b in range(nb):
                A[r_out, b] = sigmoid(Y[r_out, b])
        elif out_kind == OUT_SOFTMAX:
            for b in range(nb):
                top = Y[r_out, b]
                for j in range(1, n_out):
                    top = max(top, Y[r_out + j, b])
                total = 0.0
                for j in range(n_out):
                    e = math.exp(Y[r_out + j, b] - top)
                    A[r_out + j, b] = e
                    total += e
                for j in range(n_out):
                    A[r_out + j, b] /= total
        else:
            for j in range(n_out):
                for b in range(nb):
                    A[r_out + j, b] = Y[r_out + j, b]


@njit(**KERNEL)
def loss_and_delta(loss_code, Y, A, D, r_out, n_out, targets, nb, want_delta, want_loss=True):
    """Sum over the batch of the loss (mean over outputs), and D = dL/dY of the batch mean.

    Returns (loss_sum, correct): correct counts right classifications (0 for regression).
    want_loss False: for binary cross-entropy, loss_sum is only finite exactly when the loss
    is (its exp and log1p, two thirds of the output layer's libm calls, are skipped).
    """
    total = 0.0
    correct = 0
    scale = 1.0 / nb
    for b in range(nb):
        t = targets[b]
        if loss_code == LOSS_BCE:
            z = Y[r_out, b]
            if want_loss:
                total += max(z, 0.0) - z * t + math.log1p(math.exp(-abs(z)))
            else:  # finite z: finite loss; z - z is 0 then, NaN for ±inf and NaN
                total += z - z
            correct += (z >= 0.0) == (t >= 0.5)  # no branch: the signs are random
            if want_delta:
                D[r_out, b] = (A[r_out, b] - t) * scale
        elif loss_code == LOSS_CE:
            label = int(t)
            top = Y[r_out, b]
            best = 0
            for j in range(1, n_out):
                if Y[r_out + j, b] > top:
                    top = Y[r_out + j, b]
                    best = j
            total_exp = 0.0
            for j in range(n_out):
                total_exp += math.exp(Y[r_out + j, b] - top)
            total += top + math.log(total_exp) - Y[r_out + label, b]
            if best == label:
                correct += 1
            if want_delta:
                for j in range(n_out):
                    D[r_out + j, b] = (A[r_out + j, b] - (1.0 if j == label else 0.0)) * scale
        else:
            d = A[r_out, b] - t
            if loss_code == LOSS_MSE:
                total += d * d
                g = 2.0 * d
            elif loss_code == LOSS_MAE:
                total += abs(d)
                g = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else 0.0)
            elif loss_code == LOSS_HUBER:
                if abs(d) < 1.0:
                    total += 0.5 * d * d
                    g = d
                else:
                    total += abs(d) - 0.5
                    g = 1.0 if d > 0.0 else -1.0
            else:
                raise ValueError("loss_and_delta: unknown loss code")
            if want_delta:
                D[r_out, b] = g * scale
    return total, correct


@njit(**KERNEL)
def backward(params, grads, layout, dropout, A, Y, H, M, XH, INV, D, nb):
    """Accumulate dL/dparams into grads from D (dL/dY of the output layer) backwards.

    D's rows of every hidden layer are overwritten on the way.
    """
    n_layers = layout.shape[0]
    for layer in range(n_layers - 1, -1, -1):
        n_in = layout[layer, N_IN]
        n_out = layout[layer, N_OUT]
        w0 = layout[layer, W_OFF]
        b0 = layout[layer, B_OFF]
        r_in = layout[layer, ROW_IN]
        r_out = layout[layer, ROW_OUT]
        g0 = layout[layer, G_OFF]
        if g0 >= 0:  # dL/dY (after BN) -> dL/dZ (before BN); gamma and beta grads
            be0 = layout[layer, BE_OFF]
            for j in range(n_out):
                row = r_out + j
                d = D[row]
                xh = XH[row]
                sum_d = 0.0
                sum_dx = 0.0
                for b in range(nb):
                    sum_d += d[b]
                    sum_dx += d[b] * xh[b]
                grads[g0 + j] += sum_dx
                grads[be0 + j] += sum_d
                c = params[g0 + j] * INV[row] / nb
                for b in range(nb):
                    d[b] = c * (nb * d[b] - sum_d - xh[b] * sum_dx)
        weight_gradients(grads, w0, b0, n_in, n_out, A, r_in, D, r_out, nb)
        if layer == 0:
            break
        for k in range(n_in):  # dL/da_k = W[:, k]·dL/dz
            weighted_row_sum(params, w0 + k, n_in, n_out, D, r_out, D[r_in + k], 0.0, nb)
        below = layer - 1
        code = layout[below, ACT]
        use_dropout = dropout[below] > 0.0
        if use_dropout:
            for row in range(r_in, r_in + n_in):
                for b in range(nb):
                    D[row, b] *= M[row, b]
            scale_rows_by_derivative(code, Y, H, D, r_in, n_in, nb)
        else:
            scale_rows_by_derivative(code, Y, A, D, r_in, n_in, nb)


@njit(**KERNEL)
def regularize(params, grads, weight_mask, kind, rate):
    """Add the L1 (kind 1) or L2 (kind 2) penalty's gradient on weights; return the penalty."""
    penalty = 0.0
    if kind == 0 or rate == 0.0:
        return 0.0
    for i in range(params.shape[0]):
        if weight_mask[i]:
            w = params[i]
            if kind == 1:
                penalty += abs(w)
                grads[i] += rate * (1.0 if w > 0.0 else (-1.0 if w < 0.0 else 0.0))
            else:
                penalty += 0.5 * w * w
                grads[i] += rate * w
    return rate * penalty


@njit(**KERNEL)
def clip_by_global_norm(grads, max_norm):
    """As torch.nn.utils.clip_grad_norm_: scale grads if their L2 norm exceeds max_norm."""
    total = 0.0
    for i in range(grads.shape[0]):
        total += grads[i] * grads[i]
    norm = math.sqrt(total)
    coef = max_norm / (norm + 1e-6)
    if coef < 1.0:
        for i in range(grads.shape[0]):
            grads[i] *= coef
    return norm


@njit(**KERNEL)
def scheduled_lr(code, base_lr, options, epoch, fraction):
    """Learning rate at (epoch, fraction of the epoch done) for schedule `code`.

    options: registry.ScheduleOptions; epoch: int64; fraction: float64 in [0, 1).
    """
    if code == SCHEDULE_CONSTANT:
        return base_lr
    if code == SCHEDULE_STEP:
        return base_lr * options.gamma ** float(epoch // int(options.step_size))
    if code == SCHEDULE_EXPONENTIAL:
        return base_lr * options.gamma ** float(epoch)
    if code == SCHEDULE_COSINE:
        t_max = options.t_max
        e = min(float(epoch), t_max)
        return (
            options.eta_min
            + (base_lr - options.eta_min) * (1.0 + math.cos(math.pi * e / t_max)) / 2.0
        )
    if code == SCHEDULE_ONE_CYCLE:
        pct = options.pct_start
        initial = base_lr / options.div_factor
        final = initial / options.final_div_factor
        progress = min((epoch + fraction) / options.total_epochs, 1.0)
        if progress < pct:
            x = progress / pct
            return initial + (base_lr - initial) * (1.0 - math.cos(math.pi * x)) / 2.0
        x = (progress - pct) / (1.0 - pct)
        return final + (base_lr - final) * (1.0 + math.cos(math.pi * x)) / 2.0
    raise ValueError("scheduled_lr: unknown schedule code")


@njit(**KERNEL)
def forward_tile(params, layout, out_kind, X, start, A, Y, bn_mean, bn_var):
    """Eval-mode forward of columns [start, start + nb) of X: float64 (F, N); returns nb.

    nb is at most A's width; the results are in columns [0, nb) of A and Y.
    """
    nb = min(A.shape[1], X.shape[1] - start)
    for k in range(X.shape[0]):
        for b in range(nb):
            A[k, b] = X[k, start + b]
    dummy = np.empty((1, 1))
    forward(
        params,
        layout,
        np.zeros(layout.shape[0]),
        A,
        Y,
        dummy,
        dummy,
        dummy,
        dummy[0],
        bn_mean,
        bn_var,
        nb,
        False,
        out_kind,
        np.zeros(1, dtype=np.uint64),
    )
    return nb


@njit(**KERNEL)
def evaluate(params, layout, out_kind, loss_code, X, targets, A, Y, bn_mean, bn_var):
    """Eval-mode (loss_sum, correct) over all columns of X: float64 (F, N), tile by tile."""
    n_out = layout[layout.shape[0] - 1, N_OUT]
    r_out = layout[layout.shape[0] - 1, ROW_OUT]
    no_delta = np.empty((1, 1))
    total = 0.0
    correct = 0
    for start in range(0, X.shape[1], A.shape[1]):
        nb = forward_tile(params, layout, out_kind, X, start, A, Y, bn_mean, bn_var)
        s, c = loss_and_delta(
            loss_code, Y, A, no_delta, r_out, n_out, targets[start : start + nb], nb, False
        )
        total += s
        correct += c
    return total, correct


@njit(**KERNEL)
def grid_pass(params, layout, out_kind, X, A, Y, bn_mean, bn_var, out):
    """Every unit's eval-mode output on the points X: float64 (F, N) into out (R, N)."""
    for start in range(0, X.shape[1], A.shape[1]):
        nb = forward_tile(params, layout, out_kind, X, start, A, Y, bn_mean, bn_var)
        for r in range(out.shape[0]):
            for b in range(nb):
                out[r, start + b] = A[r, b]


class Network(NamedTuple):
    """A network's arrays, as the training loop reads and updates them."""

    params: npt.NDArray[np.float64]  # (P,) every parameter, in the layout's order
    grads: npt.NDArray[np.float64]  # (P,) dL/dparams of the current batch
    layout: npt.NDArray[np.int64]  # (L, 9) per dense layer: N_IN ... ROW_OUT
    dropout: npt.NDArray[np.float64]  # (L,) inverted-dropout rate of each layer's output
    bn_mean: npt.NDArray[np.float64]  # (R,) batch norm's running means, by unit row
    bn_var: npt.NDArray[np.float64]  # (R,) batch norm's running variances
    weight_mask: npt.NDArray[np.bool_]  # (P,) True at weights (regularised), False at the rest
    w_offset: npt.NDArray[np.int64]  # (L,) where each layer's W starts in params
    w_length: npt.NDArray[np.int64]  # (L,) its size
    frozen: npt.NDArray[np.int64]  # (K,) indices into params held fixed (K may be 0)


class Data(NamedTuple):
    """The training and test points as features: X float64 (F, N), targets float64 (N,)."""

    X: npt.NDArray[np.float64]
    targets: npt.NDArray[np.float64]  # class index or value of each point
    X_test: npt.NDArray[np.float64]  # (F, N_test), N_test may be 0
    targets_test: npt.NDArray[np.float64]  # (N_test,)


class Buffers(NamedTuple):
    """Working memory of one batch: float64 (R, B) feature-major, see the module docstring."""

    A: npt.NDArray[np.float64]
    Y: npt.NDArray[np.float64]
    H: npt.NDArray[np.float64]
    M: npt.NDArray[np.float64]
    XH: npt.NDArray[np.float64]
    INV: npt.NDArray[np.float64]  # (R,)
    D: npt.NDArray[np.float64]
    TB: npt.NDArray[np.float64]  # (B,) the batch's targets


class Settings(NamedTuple):
    """The training settings the loop reads (immutable: the Trainer makes a new one)."""

    out_kind: int  # OUT_SIGMOID, OUT_SOFTMAX or OUT_LINEAR
    loss_code: int  # LOSS_*
    shuffle: bool  # reshuffle at each epoch's start
    batch_size: int
    reg_kind: int  # 0 none, 1 L1, 2 L2
    reg_rate: float
    clip: float  # max global gradient norm; 0: no clipping
    patience: int  # early stopping after this many epochs without a better test loss; 0: off
    optimizer_code: int  # registry.OPTIMIZERS[...].code
    hyper: Hyper
    schedule_code: int  # SCHEDULE_*
    schedule: ScheduleOptions


class State(NamedTuple):
    """What the loop advances in place besides the parameters."""

    perm: npt.NDArray[np.int64]  # (N,) the epoch's order of the training points
    rng: npt.NDArray[np.uint64]  # (1,) xorshift64* state: shuffles and dropout masks
    counters: npt.NDArray[np.int64]  # (7,) by C_EPOCH ... C_STALE
    grad_sq: npt.NDArray[np.float64]  # (L,) running sum of ||dL/dW_l||² of the data loss
    stats: npt.NDArray[np.float64]  # (4,) last batch loss, penalty, lr, best test loss
    S1: npt.NDArray[np.float64]  # (P,) the optimizer's state arrays (its `buffers`)
    S2: npt.NDArray[np.float64]  # (P,)
    S3: npt.NDArray[np.float64]  # (P,)
    scalars: npt.NDArray[np.float64]  # (2,) the optimizer's scalar state (NAdam's mu product)
    best_params: npt.NDArray[np.float64]  # (P,) the best weights so far (early stopping)
    best_bn: npt.NDArray[np.float64]  # (2, R) their batch-norm running means and variances


@njit(**KERNEL)
def batch_view(buffer, nb):
    """The first R·nb values of buffer: float64 (R, W), C order, as (R, nb).

    A training step's rows then follow each other in memory (rows W·8 bytes apart, 4 KB for
    W = 512, share cache sets and evict each other) and a layer's units are one block.
    """
    return buffer.reshape(-1)[: buffer.shape[0] * nb].reshape((buffer.shape[0], nb))


@njit(**KERNEL)
def spread_batch(buffer, nb):
    """Undo batch_view in place: the (R, nb) block at the start of buffer back to its rows'
    first nb columns (so that the Trainer can look at the rows after a divergence)."""
    flat = buffer.reshape(-1)
    width = buffer.shape[1]
    for r in range(buffer.shape[0] - 1, -1, -1):  # a row only moves forward: last row first
        for b in range(nb - 1, -1, -1):
            flat[r * width + b] = flat[r * nb + b]


@njit(**KERNEL)
def train_steps(n_steps, net, data, buffers, settings, state):
    """Run up to n_steps mini-batch steps; return (status, steps_done).

    net: Network, data: Data, buffers: Buffers, settings: Settings, state: State (each field's
    shape and dtype is given where the named tuple is defined). The parameters at net.frozen
    keep their values: each is restored after every optimizer step. On early stopping the best
    parameters and batch-norm statistics are restored.
    """
    params, grads, layout, dropout = net.params, net.grads, net.layout, net.dropout
    bn_mean, bn_var = net.bn_mean, net.bn_var
    X, targets, X_test, targets_test = data.X, data.targets, data.X_test, data.targets_test
    A_full, Y_full, H_full, M_full, XH_full, INV, D_full, TB = buffers
    perm, rng, counters, grad_sq, stats = (
        state.perm,
        state.rng,
        state.counters,
        state.grad_sq,
        state.stats,
    )
    batch_size = settings.batch_size
    out_kind = settings.out_kind
    loss_code = settings.loss_code
    patience = settings.patience
    n = X.shape[1]
    n_feat = X.shape[0]
    n_layers = layout.shape[0]
    n_out = layout[n_layers - 1, N_OUT]
    r_out = layout[n_layers - 1, ROW_OUT]
    n_params = params.shape[0]
    n_batches = (n + batch_size - 1) // batch_size
    frozen = net.frozen
    pinned = np.empty(frozen.shape[0])  # the frozen parameters' values, restored each step
    for q in range(frozen.shape[0]):
        pinned[q] = params[frozen[q]]
    nb = 0
    for s in range(n_steps):
        cursor = counters[C_CURSOR]
        if cursor == 0 and settings.shuffle:
            shuffle(perm, rng)
        if min(batch_size, n - cursor) != nb:  # the first step, or the epoch's shorter last
            nb = min(batch_size, n - cursor)
            A = batch_view(A_full, nb)
            Y = batch_view(Y_full, nb)
            H = batch_view(H_full, nb)
            M = batch_view(M_full, nb)
            XH = batch_view(XH_full, nb)
            D = batch_view(D_full, nb)
        for k in range(n_feat):
            xk = X[k]
            ak = A[k]
            for b in range(nb):
                ak[b] = xk[perm[cursor + b]]
        for b in range(nb):
            TB[b] = targets[perm[cursor + b]]
        epoch = counters[C_EPOCH]
        lr = scheduled_lr(
            settings.schedule_code,
            settings.hyper.lr,
            settings.schedule,
            epoch,
            (cursor // batch_size) / n_batches,
        )
        forward(
            params, layout, dropout, A, Y, H, M, XH, INV, bn_mean, bn_var, nb, True, out_kind, rng
        )
        # The loss value is read after the last step and at an early-stopping check only.
        want_loss = s == n_steps - 1 or (patience > 0 and cursor + nb >= n)
        loss_sum, _ = loss_and_delta(loss_code, Y, A, D, r_out, n_out, TB, nb, True, want_loss)
        if not math.isfinite(loss_sum):
            loss_sum, _ = loss_and_delta(loss_code, Y, A, D, r_out, n_out, TB, nb, False)
            stats[0] = loss_sum
            spread_batch(Y_full, nb)
            return STATUS_DIVERGED, s
        for i in range(n_params):
            grads[i] = 0.0
        backward(params, grads, layout, dropout, A, Y, H, M, XH, INV, D, nb)
        for layer in range(n_layers):
            acc = 0.0
            for i in range(net.w_offset[layer], net.w_offset[layer] + net.w_length[layer]):
                acc += grads[i] * grads[i]
            grad_sq[layer] += acc
        penalty = regularize(params, grads, net.weight_mask, settings.reg_kind, settings.reg_rate)
        if settings.clip > 0.0:
            clip_by_global_norm(grads, settings.clip)
        counters[C_OPT_T] += 1
        optimizer_step(
            settings.optimizer_code,
            settings.hyper,
            lr,
            params,
            grads,
            state.S1,
            state.S2,
            state.S3,
            counters[C_OPT_T],
            state.scalars,
        )
        for q in range(frozen.shape[0]):
            params[frozen[q]] = pinned[q]
        stats[0] = loss_sum / nb
        stats[1] = penalty
        stats[2] = lr
        counters[C_STEP] += 1
        counters[C_GRAD_STEPS] += 1
        cursor += nb
        if cursor >= n:
            cursor = 0
            counters[C_EPOCH] += 1
            if patience > 0 and X_test.shape[1] > 0:
                test_sum, _ = evaluate(
                    params,
                    layout,
                    out_kind,
                    loss_code,
                    X_test,
                    targets_test,
                    A_full,
                    Y_full,
                    bn_mean,
                    bn_var,
                )
                test_loss = test_sum / X_test.shape[1]
                if test_loss < stats[3]:
                    stats[3] = test_loss
                    counters[C_BEST_EPOCH] = counters[C_EPOCH]
                    counters[C_STALE] = 0
                    state.best_params[:] = params
                    state.best_bn[0, :] = bn_mean
                    state.best_bn[1, :] = bn_var
                else:
                    counters[C_STALE] += 1
                    if counters[C_STALE] >= patience:
                        params[:] = state.best_params
                        bn_mean[:] = state.best_bn[0]
                        bn_var[:] = state.best_bn[1]
                        counters[C_CURSOR] = 0
                        return STATUS_EARLY_STOP, s + 1
        counters[C_CURSOR] = cursor
    for i in range(n_params):  # the last update may have overflowed: never report it as success
        if not math.isfinite(params[i]):
            stats[0] = math.nan
            spread_batch(Y_full, nb)
            return STATUS_DIVERGED, n_steps
    return STATUS_OK, n_steps
