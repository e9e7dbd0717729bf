"""batch_sums' functions for the compiled kernels, as four-wide vector code.

numba vectorises loops over independent elements only: a sum over the batch stays a scalar
chain (W2's weight gradients were a third of its step, bound by one multiply and one add per
term). Here each function is a numba intrinsic that writes the loop in LLVM IR with
`<4 x double>` accumulators: one vector multiply and one vector add per four terms, lane l
taking the terms b ≡ l (mod 4), then (lane 0 + lane 1) + (lane 2 + lane 3). Those are
batch_sums' IEEE operations in its order (no fused multiply-add, no reassociation), so the
bits are the plain functions' on every CPU: LLVM splits or widens the vectors for the
hardware, not the arithmetic.

Importing this module registers the intrinsics as the compiled form of batch_sums' functions
(numba.extending.overload); kernels.py imports it before compiling.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

from . import batch_sums
from .batch_sums import LANES

_ROW = types.Array(types.float64, 1, "C")
_F64 = ir.DoubleType()
_VECTOR = ir.VectorType(_F64, LANES)
_LANE_INDEX = [ir.Constant(ir.IntType(32), i) for i in range(LANES)]


def _lane_loop(n_left: int, n_right: int):
    """Codegen of the lane sums of n_left rows times each of n_right rows (n_right 0: the
    lane sums of the n_left rows themselves); arguments: the rows, then n_quads."""

    def codegen(context, builder, signature, args):
        rows = [
            context.make_array(row_type)(context, builder, row).data
            for row_type, row in zip(signature.args[:-1], args[:-1], strict=True)
        ]
        n_quads = args[-1]
        index = n_quads.type
        entry = builder.basic_block
        header = builder.append_basic_block("lanes.header")
        body = builder.append_basic_block("lanes.body")
        done = builder.append_basic_block("lanes.done")
        builder.branch(header)

        builder.position_at_end(header)
        quad = builder.phi(index)
        quad.add_incoming(ir.Constant(index, 0), entry)
        n_sums = n_left * max(n_right, 1)
        lanes = [builder.phi(_VECTOR) for _ in range(n_sums)]
        for lane in lanes:
            lane.add_incoming(ir.Constant(_VECTOR, [0.0] * LANES), entry)
        builder.cbranch(builder.icmp_signed("<", quad, n_quads), body, done)

        builder.position_at_end(body)
        start = builder.mul(quad, ir.Constant(index, LANES))
        values = []
        for row in rows:
            first = builder.gep(row, [start], inbounds=True)
            address = builder.bitcast(first, _VECTOR.as_pointer())
            values.append(builder.load(address, align=8, typ=_VECTOR))
        lefts, rights = values[:n_left], values[n_left:]
        if n_right:
            terms = [builder.fmul(d, a) for d in lefts for a in rights]
        else:
            terms = lefts
        for lane, term in zip(lanes, terms, strict=True):
            lane.add_incoming(builder.fadd(lane, term), body)
        quad.add_incoming(builder.add(quad, ir.Constant(index, 1)), body)
        builder.branch(header)

        builder.position_at_end(done)
        sums = []
        for lane in lanes:
            e = [builder.extract_element(lane, i) for i in _LANE_INDEX]
            sums.append(builder.fadd(builder.fadd(e[0], e[1]), builder.fadd(e[2], e[3])))
        return context.make_tuple(builder, signature.return_type, sums)

    return codegen


def _typed(n_left: int, n_right: int, rows: tuple, n_quads):
    """(signature, codegen) of the lane loop for these argument types, or None: contiguous
    float64 rows only (the loop loads four neighbours at once), so numba refuses the call."""
    if any(row != _ROW for row in rows) or not isinstance(n_quads, types.Integer):
        return None
    n_sums = n_left * max(n_right, 1)
    return types.UniTuple(types.float64, n_sums)(*rows, n_quads), _lane_loop(n_left, n_right)


@intrinsic
def _dots_2x4(typingctx, d0, d1, a0, a1, a2, a3, n_quads):
    return _typed(2, 4, (d0, d1, a0, a1, a2, a3), n_quads)


@intrinsic
def _dots_2x1(typingctx, d0, d1, a, n_quads):
    return _typed(2, 1, (d0, d1, a), n_quads)


@intrinsic
def _sums_2(typingctx, d0, d1, n_quads):
    return _typed(2, 0, (d0, d1), n_quads)


@overload(batch_sums.dots_2x4, inline="always")
def _compiled_dots_2x4(d0, d1, a0, a1, a2, a3, n_quads):
    return lambda d0, d1, a0, a1, a2, a3, n_quads: _dots_2x4(d0, d1, a0, a1, a2, a3, n_quads)


@overload(batch_sums.dots_2x1, inline="always")
def _compiled_dots_2x1(d0, d1, a, n_quads):
    return lambda d0, d1, a, n_quads: _dots_2x1(d0, d1, a, n_quads)


@overload(batch_sums.sums_2, inline="always")
def _compiled_sums_2(d0, d1, n_quads):
    return lambda d0, d1, n_quads: _sums_2(d0, d1, n_quads)
