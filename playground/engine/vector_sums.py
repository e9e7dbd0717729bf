"""The sums the kernels run as vector code, and the order they add their terms in.

numba vectorises a loop over independent values only, and never a float sum (that would
reorder it). Two kinds of sums carry a training step:

- Dense sums, z[b] = start + w0·x0[b] + w1·x1[b] + ... for each b of the batch (a layer's
  pre-activations, the gradient of its inputs): every b on its own, terms in order. Written as
  a loop, numba checked the rows for overlap at every call and kept no partial sum in a
  register; `weighted_quads` keeps sixteen or four values of b in registers over up to eight
  terms (the caller passes eight at a time: more rows at once, 4 KB apart in an evaluation
  tile, would evict each other from the cache).
- Sums over the batch, dL/dW[j, k] = sum over b of D[j, b]·A[k, b]: one long chain of
  dependent additions in b order. Their order is defined here, once, as a vector unit runs
  fast: lane l (l = 0..3) adds the terms b = l, l + 4, l + 8, ... of the first 4·n_quads in
  order, and the sum is (lane 0 + lane 1) + (lane 2 + lane 3); the caller adds the remaining
  terms after it, in order. Each function takes rows side by side (two of D against four, one
  or none of A) so that a pass over the batch keeps eight sums going.

These plain functions are the definition: pure.py runs them as they are, and
vector_sums_llvm.py gives the compiled kernels the same IEEE operations in the same order as
LLVM vector code, so the bits are the same on both paths.
"""

from __future__ import annotations

LANES = 4
TERMS_A_PASS = 8  # of a dense sum, per call of weighted_quads


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


def weighted_quads(coef, c0, step, n_terms, X, r0, out, start, n_quads):
    """out[b] = start + coef[c0]·X[r0, b] + coef[c0 + step]·X[r0 + 1, b] + ... (n_terms
    terms, one addition each, in that order) for b < 4·n_quads."""
    for b in range(LANES * n_quads):
        total = start
        for t in range(n_terms):
            total = total + coef[c0 + t * step] * X[r0 + t, b]
        out[b] = total


def weighted_quads_onto(coef, c0, step, n_terms, X, r0, out, n_quads):
    """weighted_quads from out[b] in place of start: the next terms of the same sums."""
    for b in range(LANES * n_quads):
        total = out[b]
        for t in range(n_terms):
            total = total + coef[c0 + t * step] * X[r0 + t, b]
        out[b] = total
