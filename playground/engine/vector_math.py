"""exp and tanh in plain arithmetic, so that numba vectorises the loops that call them.

A call to libm (about 8 ns for tanh) cannot be vectorised: tanh was half of W1's training time
(6 hidden units, 60 calls a step). These are additions, multiplications, divisions and selects,
and numba runs eight of them at once in the activation loops (tanh: about 1.4 ns each).

They are Cephes' (S. L. Moshier): exp is a Padé form on the argument reduced by n·ln 2, then
scaled by 2^n through selects in place of ldexp; tanh is a rational function of z² for
|z| < 0.625 and (1 − e)/(1 + e), e = exp(−2|z|), above. Both stay within 2 units in the last
place of libm (tested); NaN gives NaN.

Every operation is IEEE-rounded with no fused multiply-add (no fastmath), so the plain-Python
copy (pure.py executes this source) and the numpy forms give the same bits as the compiled ones.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

Array = npt.NDArray[np.float64]

# The kernels' options (activations.FASTMATH, ERROR_MODEL: no fastmath, numpy's division).
_scalar = njit(cache=True, nogil=True, fastmath=False, error_model="numpy", inline="always")

_EP0, _EP1, _EP2 = 1.26177193074810590878e-4, 3.02994407707441961300e-2, 9.99999999999999999910e-1
_EQ0, _EQ1 = 3.00198505138664455042e-6, 2.52448340349684104192e-3
_EQ2, _EQ3 = 2.27265548208155028766e-1, 2.00000000000000000009e0
_LN2_HI, _LN2_LO = 6.93145751953125e-1, 1.42860682030941723212e-6  # n·_LN2_HI is exact
_LOG2E = 1.4426950408889634073599
_ROUND = 6755399441055744.0  # 1.5·2^52: (v + _ROUND) − _ROUND rounds v to an integer
_EXP_MIN = -746.0  # exp rounds to 0 below
_POW2_NEG = np.array([2.0**-k for k in range(1077)])  # 2^-k; 2^-1075, 2^-1076 round to 0
_P0, _P1, _P2 = -9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3
_Q0, _Q1, _Q2 = 1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3
_TANH_SMALL = 0.625  # the rational form below, exp above
_TANH_SATURATED = 20.0  # tanh rounds to ±1 from here on


@_scalar
def exp_nonpositive(x: float) -> float:
    """e^x for x ≤ 0 (NaN for NaN)."""
    y = x if x >= _EXP_MIN else _EXP_MIN  # NaN too: it is put back at the end
    n = (_LOG2E * y + _ROUND) - _ROUND  # e^y = 2^n · e^r, |r| ≤ ln 2 / 2
    r = (y - n * _LN2_HI) - n * _LN2_LO
    rr = r * r
    pr = r * ((_EP0 * rr + _EP1) * rr + _EP2)
    e = 1.0 + 2.0 * (pr / (((_EQ0 * rr + _EQ1) * rr + _EQ2) * rr + _EQ3 - pr))
    e = e * _POW2_NEG[int(-n)]  # · 2^n, n in [-1076, 0]: one load in place of ldexp
    return e if x == x else x


@_scalar
def tanh(z: float) -> float:
    """tanh(z): odd, ±1 from |z| = 20 on."""
    x = abs(z)
    x = _TANH_SATURATED if x > _TANH_SATURATED else x  # NaN stays NaN
    s = x * x
    small = x + x * s * (((_P0 * s + _P1) * s + _P2) / (((s + _Q0) * s + _Q1) * s + _Q2))
    e = exp_nonpositive(-2.0 * x)
    big = (1.0 - e) / (1.0 + e)
    return math.copysign(small if x < _TANH_SMALL else big, z)  # NaN: NaN through x


def np_exp_nonpositive(x: Array) -> Array:
    """exp_nonpositive elementwise: the same operations on arrays, the same bits."""
    x = np.asarray(x, dtype=np.float64)
    y = np.where(x >= _EXP_MIN, x, _EXP_MIN)
    n = (_LOG2E * y + _ROUND) - _ROUND
    r = (y - n * _LN2_HI) - n * _LN2_LO
    rr = r * r
    pr = r * ((_EP0 * rr + _EP1) * rr + _EP2)
    e = 1.0 + 2.0 * (pr / (((_EQ0 * rr + _EQ1) * rr + _EQ2) * rr + _EQ3 - pr))
    e = e * _POW2_NEG[(-n).astype(np.int64)]
    return np.where(np.isnan(x), x, e)


def np_tanh(z: Array) -> Array:
    """tanh elementwise: the same operations on arrays, the same bits."""
    z = np.asarray(z, dtype=np.float64)
    x = np.minimum(np.abs(z), _TANH_SATURATED)  # NaN stays NaN
    s = x * x
    small = x + x * s * (((_P0 * s + _P1) * s + _P2) / (((s + _Q0) * s + _Q1) * s + _Q2))
    e = np_exp_nonpositive(-2.0 * x)
    big = (1.0 - e) / (1.0 + e)
    return np.copysign(np.where(x < _TANH_SMALL, small, big), z)
