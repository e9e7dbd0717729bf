"""Hidden-layer activations: one registry that the kernels, the UI and the tests all read."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

# fastmath without 'nnan'/'ninf', so that NaN checks survive optimisation.
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
LEAKY_SLOPE = 0.01
GELU_C = math.sqrt(2.0 / math.pi)
SOFTPLUS_THRESHOLD = 20.0  # as torch.nn.Softplus: the identity above it


@dataclass(frozen=True)
class Activation:
    """A registered activation: its kernel code and its formula for tooltips."""

    name: str
    code: int
    formula: str


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("linear", 0, "f(z) = z"),
        Activation("sigmoid", 1, "f(z) = 1 / (1 + e^(-z))"),
        Activation("tanh", 2, "f(z) = tanh(z)"),
        Activation("relu", 3, "f(z) = max(0, z)"),
        Activation("leaky_relu", 4, "f(z) = z if z > 0 else 0.01·z"),
        Activation("elu", 5, "f(z) = z if z > 0 else e^z − 1"),
        Activation("selu", 6, "f(z) = 1.0507·(z if z > 0 else 1.6733·(e^z − 1))"),
        Activation("gelu", 7, "f(z) = z/2·(1 + tanh(√(2/π)·(z + 0.044715·z³)))"),
        Activation("softplus", 8, "f(z) = ln(1 + e^z)"),
        Activation("swish", 9, "f(z) = z·sigmoid(z)"),
        Activation("mish", 10, "f(z) = z·tanh(softplus(z))"),
        Activation("sine", 11, "f(z) = sin(z)"),
    )
}


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def sigmoid(z: float) -> float:
    """Numerically stable logistic function."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def softplus(z: float) -> float:
    """ln(1 + e^z), the identity above the threshold as in PyTorch."""
    if z > SOFTPLUS_THRESHOLD:
        return z
    return math.log1p(math.exp(z))


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def activate_row(code: int, z: npt.NDArray, out: npt.NDArray, n: int) -> None:
    """out[:n] = f(z[:n]) for activation `code`; z, out: float64 (>= n,)."""
    if code == 2:
        for i in range(n):
            out[i] = math.tanh(z[i])
    elif code == 3:
        for i in range(n):
            out[i] = z[i] if z[i] > 0.0 else 0.0
    elif code == 0:
        for i in range(n):
            out[i] = z[i]
    elif code == 1:
        for i in range(n):
            out[i] = sigmoid(z[i])
    elif code == 4:
        for i in range(n):
            out[i] = z[i] if z[i] > 0.0 else LEAKY_SLOPE * z[i]
    elif code == 5:
        for i in range(n):
            out[i] = z[i] if z[i] > 0.0 else math.expm1(z[i])
    elif code == 6:
        for i in range(n):
            out[i] = SELU_SCALE * (z[i] if z[i] > 0.0 else SELU_ALPHA * math.expm1(z[i]))
    elif code == 7:
        for i in range(n):
            x = z[i]
            out[i] = 0.5 * x * (1.0 + math.tanh(GELU_C * (x + 0.044715 * x * x * x)))
    elif code == 8:
        for i in range(n):
            out[i] = softplus(z[i])
    elif code == 9:
        for i in range(n):
            out[i] = z[i] * sigmoid(z[i])
    elif code == 10:
        for i in range(n):
            out[i] = z[i] * math.tanh(softplus(z[i]))
    else:
        for i in range(n):
            out[i] = math.sin(z[i])


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def scale_by_derivative(code: int, z: npt.NDArray, a: npt.NDArray, g: npt.NDArray, n: int) -> None:
    """g[:n] *= f'(z[:n]), where a = f(z); all float64 (>= n,)."""
    if code == 2:
        for i in range(n):
            g[i] *= 1.0 - a[i] * a[i]
    elif code == 3:
        for i in range(n):
            g[i] = g[i] if z[i] > 0.0 else 0.0
    elif code == 0:
        pass
    elif code == 1:
        for i in range(n):
            g[i] *= a[i] * (1.0 - a[i])
    elif code == 4:
        for i in range(n):
            g[i] *= 1.0 if z[i] > 0.0 else LEAKY_SLOPE
    elif code == 5:
        for i in range(n):
            g[i] *= 1.0 if z[i] > 0.0 else a[i] + 1.0
    elif code == 6:
        for i in range(n):
            g[i] *= SELU_SCALE if z[i] > 0.0 else a[i] + SELU_SCALE * SELU_ALPHA
    elif code == 7:
        for i in range(n):
            x = z[i]
            t = math.tanh(GELU_C * (x + 0.044715 * x * x * x))
            g[i] *= 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 0.134145 * x * x)
    elif code == 8:
        for i in range(n):
            g[i] *= sigmoid(z[i]) if z[i] <= SOFTPLUS_THRESHOLD else 1.0
    elif code == 9:
        for i in range(n):
            s = sigmoid(z[i])
            g[i] *= s + z[i] * s * (1.0 - s)
    elif code == 10:
        for i in range(n):
            t = math.tanh(softplus(z[i]))
            g[i] *= t + z[i] * (1.0 - t * t) * sigmoid(z[i])
    else:
        for i in range(n):
            g[i] *= math.cos(z[i])


def activate(code: int, z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """f(z) for activation `code`, elementwise in numpy (no compiling): previews, grid passes."""
    with np.errstate(over="ignore", invalid="ignore"):
        if code == 0:
            return z.copy()
        if code == 1:
            return _np_sigmoid(z)
        if code == 2:
            return np.tanh(z)
        if code == 3:
            return np.where(z > 0.0, z, 0.0)
        if code == 4:
            return np.where(z > 0.0, z, LEAKY_SLOPE * z)
        if code == 5:
            return np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0)))
        if code == 6:
            return SELU_SCALE * np.where(z > 0.0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0)))
        if code == 7:
            return 0.5 * z * (1.0 + np.tanh(GELU_C * (z + 0.044715 * z * z * z)))
        if code == 8:
            return _np_softplus(z)
        if code == 9:
            return z * _np_sigmoid(z)
        if code == 10:
            return z * np.tanh(_np_softplus(z))
        if code == 11:
            return np.sin(z)
    raise ValueError(f"unknown activation code {code}")


def derivative(code: int, z: npt.NDArray[np.float64],
               a: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """f'(z) for activation `code`, where a = f(z), elementwise in numpy."""
    with np.errstate(over="ignore", invalid="ignore"):
        if code == 0:
            return np.ones_like(z)
        if code == 1:
            return a * (1.0 - a)
        if code == 2:
            return 1.0 - a * a
        if code == 3:
            return np.where(z > 0.0, 1.0, 0.0)
        if code == 4:
            return np.where(z > 0.0, 1.0, LEAKY_SLOPE)
        if code == 5:
            return np.where(z > 0.0, 1.0, a + 1.0)
        if code == 6:
            return np.where(z > 0.0, SELU_SCALE, a + SELU_SCALE * SELU_ALPHA)
        if code == 7:
            t = np.tanh(GELU_C * (z + 0.044715 * z * z * z))
            return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 0.134145 * z * z)
        if code == 8:
            return np.where(z <= SOFTPLUS_THRESHOLD, _np_sigmoid(z), 1.0)
        if code == 9:
            s = _np_sigmoid(z)
            return s + z * s * (1.0 - s)
        if code == 10:
            t = np.tanh(_np_softplus(z))
            return t + z * (1.0 - t * t) * _np_sigmoid(z)
        if code == 11:
            return np.cos(z)
    raise ValueError(f"unknown activation code {code}")


def _np_sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_softplus(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(z > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(np.minimum(z, SOFTPLUS_THRESHOLD))))


def curve(name: str, z: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(f(z), f'(z)) of a registered activation, for plots; z is 1-D.

    Plain numpy, so that drawing a preview never waits for numba to compile (the same formulas
    as activate_row and scale_by_derivative).
    """
    code = ACTIVATIONS[name].code
    z = np.ascontiguousarray(z, dtype=np.float64)
    values = activate(code, z)
    return values, derivative(code, z, values)
