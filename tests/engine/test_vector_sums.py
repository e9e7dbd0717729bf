"""vector_sums: the order of the dense sums and of the batch sums, and the same bits compiled (as
LLVM vector code) and plain."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from numba.core import config
from numba.core.errors import TypingError

from playground.engine import vector_sums_llvm  # noqa: F401 - the compiled forms
from playground.engine.vector_sums import (
    LANES,
    dots_2x1,
    dots_2x4,
    sums_2,
    weighted_quads,
    weighted_quads_onto,
)


@njit(cache=False)
def _compiled(rows: np.ndarray, n_quads: int) -> tuple:
    d0, d1, a0, a1, a2, a3 = rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]
    return (
        dots_2x4(d0, d1, a0, a1, a2, a3, n_quads),
        dots_2x1(d0, d1, a2, n_quads),
        sums_2(d0, d1, n_quads),
    )


def _plain(rows: np.ndarray, n_quads: int) -> tuple:
    d0, d1, a0, a1, a2, a3 = rows
    return (
        dots_2x4(d0, d1, a0, a1, a2, a3, n_quads),
        dots_2x1(d0, d1, a2, n_quads),
        sums_2(d0, d1, n_quads),
    )


def _by_lanes(x: np.ndarray, n_quads: int) -> float:
    """The documented order, written out: lane l adds x[l], x[l + 4], ... in turn."""
    lanes = [0.0] * LANES
    for b in range(LANES * n_quads):
        lanes[b % LANES] = lanes[b % LANES] + float(x[b])
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])


@pytest.mark.parametrize("n_quads", [0, 1, 2, 3, 8, 25])
def test_compiled_and_plain_give_the_same_bits_in_the_documented_order(n_quads: int) -> None:
    rng = np.random.default_rng(n_quads)
    # Mixed magnitudes: a different order of the additions would change the low bits.
    rows = rng.standard_normal((6, LANES * n_quads + 3)) * 10.0 ** rng.integers(-8, 8, (6, 1))
    compiled, plain = _compiled(rows, n_quads), _plain(rows, n_quads)
    assert compiled == plain
    d0, d1, a0, a1, a2, a3 = rows
    expected_dots = tuple(_by_lanes(d * a, n_quads) for d in (d0, d1) for a in (a0, a1, a2, a3))
    assert plain[0] == expected_dots
    assert plain[1] == (_by_lanes(d0 * a2, n_quads), _by_lanes(d1 * a2, n_quads))
    assert plain[2] == (_by_lanes(d0, n_quads), _by_lanes(d1, n_quads))
    n = LANES * n_quads
    np.testing.assert_allclose(plain[0][1], d0[:n] @ a1[:n], rtol=1e-12, atol=1e-300)


def test_non_finite_values_stay_non_finite() -> None:
    rows = np.ones((6, 8))
    rows[0, 5] = np.inf
    rows[1, 2] = np.nan
    dots, _, sums = _compiled(rows, 2)
    assert dots[0] == np.inf and np.isnan(dots[4])
    assert sums[0] == np.inf and np.isnan(sums[1])


@pytest.mark.skipif(config.DISABLE_JIT, reason="plain Python compiles nothing")
def test_a_strided_row_is_refused_at_compile_time() -> None:
    """The vector loads assume contiguous rows: anything else must not compile."""

    @njit(cache=False)
    def strided(x: np.ndarray) -> tuple:
        return sums_2(x[:, 0], x[:, 1], 1)

    with pytest.raises(TypingError):
        strided(np.ones((8, 2)))


@njit(cache=False)
def _compiled_dense(coef, c0, step, n_terms, X, r0, out, start, onto_out, n_quads):  # noqa: ANN001
    if onto_out:
        weighted_quads_onto(coef, c0, step, n_terms, X, r0, out, n_quads)
    else:
        weighted_quads(coef, c0, step, n_terms, X, r0, out, start, n_quads)


def _plain_dense(coef, c0, step, n_terms, X, r0, out, start, onto_out, n_quads):  # noqa: ANN001
    if onto_out:
        weighted_quads_onto(coef, c0, step, n_terms, X, r0, out, n_quads)
    else:
        weighted_quads(coef, c0, step, n_terms, X, r0, out, start, n_quads)


@pytest.mark.parametrize("onto_out", [False, True])
@pytest.mark.parametrize("n_quads", [0, 1, 3, 4, 5, 8, 9])
@pytest.mark.parametrize(("n_terms", "step"), [(0, 1), (1, 1), (3, 2), (8, 1), (9, 3)])
def test_dense_sums_add_each_batch_value_in_term_order_compiled_as_plain(
    onto_out: bool, n_quads: int, n_terms: int, step: int
) -> None:
    """Sixteen, then four, values of b a pass, from start or onto out; past 4·n_quads out is
    left alone."""
    rng = np.random.default_rng(n_quads * 100 + n_terms)
    width = LANES * n_quads + 3
    X = rng.standard_normal((n_terms + 4, width)) * 10.0 ** rng.integers(-6, 6, (n_terms + 4, 1))
    coef = rng.standard_normal(2 + n_terms * step)
    r0, c0, start = 2, 2, -0.375
    before = rng.standard_normal(width)
    compiled, plain = before.copy(), before.copy()
    _compiled_dense(coef, c0, step, n_terms, X, r0, compiled, start, onto_out, n_quads)
    _plain_dense(coef, c0, step, n_terms, X, r0, plain, start, onto_out, n_quads)
    assert np.array_equal(compiled, plain)
    for b in range(LANES * n_quads):
        expected = float(before[b]) if onto_out else start
        for t in range(n_terms):
            expected = expected + float(coef[c0 + t * step]) * float(X[r0 + t, b])
        assert plain[b] == expected
    assert np.array_equal(plain[LANES * n_quads :], before[LANES * n_quads :])
