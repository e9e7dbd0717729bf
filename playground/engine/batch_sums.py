"""Sums over a mini-batch in four lanes: the order the weight gradients add their terms in.

A weight gradient is a sum over the batch, dL/dW[j, k] = sum over b of D[j, b]·A[k, b]. Added
in plain b order it is one long chain of dependent additions, which numba cannot vectorise
without reordering it (fastmath). So the order is defined here, once, as one a vector unit
runs fast: lane l (l = 0..3) adds the terms b = l, l + 4, l + 8, ... of the first 4·n_quads
in order, and the sum is (lane 0 + lane 1) + (lane 2 + lane 3). The caller adds the remaining
terms after it, in order.

These plain functions are that definition: pure.py runs them as they are, and
batch_sums_llvm.py gives the compiled kernels the same arithmetic as four-wide vector
operations (same IEEE operations, in the same order, so the same bits).

Each function works on rows side by side (two of D against four, one or none of A) so that
one pass over the batch keeps eight sums going.
"""

from __future__ import annotations

LANES = 4


def _lane_dot(d, a, n_quads):
    s0 = s1 = s2 = s3 = 0.0
    for b in range(0, LANES * n_quads, LANES):
        s0 += d[b] * a[b]
        s1 += d[b + 1] * a[b + 1]
        s2 += d[b + 2] * a[b + 2]
        s3 += d[b + 3] * a[b + 3]
    return (s0 + s1) + (s2 + s3)


def _lane_sum(d, n_quads):
    s0 = s1 = s2 = s3 = 0.0
    for b in range(0, LANES * n_quads, LANES):
        s0 += d[b]
        s1 += d[b + 1]
        s2 += d[b + 2]
        s3 += d[b + 3]
    return (s0 + s1) + (s2 + s3)


def dots_2x4(d0, d1, a0, a1, a2, a3, n_quads):
    """The lane sums of d·a over the first 4·n_quads values: d0 with a0..a3, then d1's."""
    return (
        _lane_dot(d0, a0, n_quads),
        _lane_dot(d0, a1, n_quads),
        _lane_dot(d0, a2, n_quads),
        _lane_dot(d0, a3, n_quads),
        _lane_dot(d1, a0, n_quads),
        _lane_dot(d1, a1, n_quads),
        _lane_dot(d1, a2, n_quads),
        _lane_dot(d1, a3, n_quads),
    )


def dots_2x1(d0, d1, a, n_quads):
    """The lane sums of d0·a and d1·a over the first 4·n_quads values."""
    return _lane_dot(d0, a, n_quads), _lane_dot(d1, a, n_quads)


def sums_2(d0, d1, n_quads):
    """The lane sums of d0 and of d1 over the first 4·n_quads values."""
    return _lane_sum(d0, n_quads), _lane_sum(d1, n_quads)
