"""batch_sums: the lane order of the batch sums, the same bits compiled (vector code) and plain."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from playground.engine import batch_sums_llvm  # noqa: F401 - the compiled forms
from playground.engine.batch_sums import LANES, dots_2x1, dots_2x4, sums_2


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


def test_a_strided_row_is_refused_at_compile_time() -> None:
    """The vector loads assume contiguous rows: anything else must not compile."""

    @njit(cache=False)
    def strided(x: np.ndarray) -> tuple:
        return sums_2(x[:, 0], x[:, 1], 1)

    with pytest.raises(TypingError):
        strided(np.ones((8, 2)))
