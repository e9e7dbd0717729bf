"""The vectorisable exp and tanh of engine/vector_math.py: accurate against libm, and the same bits
compiled, in plain Python (pure.py's copy) and in numpy."""

import math
import sys

import numpy as np
import pytest
from numba import njit

from playground.engine import pure
from playground.engine.activations import np_sigmoid, sigmoid
from playground.engine.vector_math import exp_nonpositive, np_exp_nonpositive, np_tanh, tanh

SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-310, -1e-310, 0.625, -0.625, 20.0, -20.0]


def _inputs() -> np.ndarray:
    rng = np.random.default_rng(7)
    return np.concatenate(
        [
            rng.uniform(-1.0, 1.0, 200_000),
            rng.uniform(-30.0, 30.0, 200_000),
            rng.uniform(-800.0, 800.0, 20_000),
            rng.normal(0.0, 1e-5, 20_000),
            np.array(SPECIALS),
        ]
    )


def _compiled(function):  # noqa: ANN001, ANN202
    @njit(error_model="numpy")
    def apply(z, out):  # noqa: ANN001, ANN202
        for i in range(z.shape[0]):
            out[i] = function(z[i])

    def run(z: np.ndarray) -> np.ndarray:
        out = np.empty_like(z)
        apply(z, out)
        return out

    return run


def _plain(name: str):  # noqa: ANN202
    pure.load()
    module, _, function = name.rpartition(".")
    return getattr(sys.modules[f"playground.engine._plain_{module}"], function)


CASES = {
    "exp": (exp_nonpositive, np_exp_nonpositive, "vector_math.exp_nonpositive", np.exp, True),
    "tanh": (tanh, np_tanh, "vector_math.tanh", np.tanh, False),
    "sigmoid": (sigmoid, np_sigmoid, "activations.sigmoid", None, False),
}


def _domain(name: str) -> np.ndarray:
    """The test inputs of the function `name`: every sign, or only z <= 0 for exp_nonpositive."""
    z = _inputs()
    return -np.abs(z) if CASES[name][4] else z


def _bits(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("name", CASES)
def test_compiled_plain_python_and_numpy_give_the_same_bits(name):
    kernel, numpy_form, plain_name, _, _ = CASES[name]
    z = _domain(name)
    compiled = _compiled(kernel)(z)
    assert np.array_equal(_bits(compiled), _bits(numpy_form(z)))
    plain = _plain(plain_name)
    every_97th = z[::97]
    assert np.array_equal(_bits([plain(float(v)) for v in every_97th]), _bits(compiled[::97]))


@pytest.mark.parametrize("name", ["exp", "tanh"])
def test_within_two_units_in_the_last_place_of_libm(name):
    kernel, _, _, libm, _ = CASES[name]
    z = _domain(name)
    ours = _compiled(kernel)(z)
    with np.errstate(all="ignore"):
        reference = libm(z)
    normal = np.isfinite(reference) & (np.abs(reference) > np.finfo(float).tiny)
    ulps = np.abs(ours[normal] - reference[normal]) / np.spacing(np.abs(reference[normal]))
    assert ulps.max() <= 2.0
    assert np.mean(ulps == 0.0) > 0.6  # most are libm's bits exactly


def test_special_values():
    run_tanh = _compiled(tanh)
    got = run_tanh(np.array(SPECIALS))
    expected = np.tanh(np.array(SPECIALS))
    assert np.array_equal(got, expected, equal_nan=True)
    assert math.copysign(1.0, got[1]) == -1.0  # tanh(-0) = -0
    run_exp = _compiled(exp_nonpositive)
    assert list(run_exp(np.array([0.0, -math.inf, -746.0, -1e300]))) == [1.0, 0.0, 0.0, 0.0]
    assert math.isnan(run_exp(np.array([math.nan]))[0])
    assert run_exp(np.array([-708.0]))[0] == pytest.approx(math.exp(-708.0), rel=1e-15)


def test_sigmoid_matches_the_logistic_function():
    z = _inputs()
    z = z[np.isfinite(z)]
    with np.errstate(all="ignore"):
        reference = np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
    ours = _compiled(sigmoid)(z)
    assert np.allclose(ours, reference, rtol=1e-15, atol=1e-300)
