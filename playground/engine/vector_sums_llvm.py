"""vector_sums' functions for the compiled kernels, as LLVM vector code.

Each function is a numba intrinsic that writes its loop in LLVM IR on `<4 x double>` (and
`<16 x double>`) values: vector multiplies and adds, lane by lane the plain functions' IEEE
operations in their order (no fused multiply-add, no reassociation), so the bits are theirs on
every CPU. LLVM splits or widens the vectors for the hardware, not the arithmetic.

Importing this module registers the intrinsics as the compiled form of vector_sums' functions
(numba.extending.overload); kernels.py imports it before compiling.
"""

from __future__ import annotations

import functools

from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

from . import vector_sums
from .vector_sums import LANES

_ROW = types.Array(types.float64, 1, "C")
_MATRIX = types.Array(types.float64, 2, "C")
_F64 = ir.DoubleType()
_VECTOR = ir.VectorType(_F64, LANES)
_I32 = ir.IntType(32)  # a lane's index
_BLOCK = 4 * LANES  # batch values per pass of weighted_quads' first loop (four vectors)


def _splat(builder: ir.IRBuilder, value: ir.Value, vector: ir.VectorType) -> ir.Value:
    """A vector with value in every lane."""
    lanes = ir.Constant(vector, ir.Undefined)
    for i in range(vector.count):
        lanes = builder.insert_element(lanes, value, ir.Constant(_I32, i))
    return lanes


def _lane_loop(n_left: int, n_right: int):
    """Codegen of the lane sums of n_left rows times each of n_right rows (n_right 0: the
    lane sums of the n_left rows themselves); arguments: the rows, then n_quads."""

    def codegen(context, builder, signature, args):
        rows = [
            context.make_array(row_type)(context, builder, row).data
            for row_type, row in zip(signature.args[:-1], args[:-1], strict=True)
        ]
        n_quads = context.cast(builder, args[-1], signature.args[-1], types.intp)
        index = n_quads.type
        entry = builder.basic_block
        header = builder.append_basic_block("lanes.header")
        body = builder.append_basic_block("lanes.body")
        done = builder.append_basic_block("lanes.done")
        builder.branch(header)

        builder.position_at_end(header)
        quad = builder.phi(index)
        quad.add_incoming(ir.Constant(index, 0), entry)
        lanes = [builder.phi(_VECTOR) for _ in range(len(signature.return_type))]
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
            e = [builder.extract_element(lane, ir.Constant(_I32, i)) for i in range(LANES)]
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


def _dense_loops(context, builder, signature, args, onto_out: bool):
    """Codegen of weighted_quads (onto_out False: arguments coef, c0, step, n_terms, X, r0,
    out, start, n_quads) or of weighted_quads_onto (True: no start): out[b] = (out[b] if
    onto_out else start) + coef[c0]·X[r0, b] + ... (n_terms terms, in order) for
    b < 4·n_quads, sixteen values of b a pass while they last, held in registers over all the
    terms and stored once, then four."""
    coef_type, _, _, _, x_type, _, out_type = signature.args[:7]
    coef_arg, _, _, _, x_arg, _, out_arg = args[:7]
    start = None if onto_out else args[7]
    c0, step, n_terms, r0, n_quads = (
        context.cast(builder, args[i], signature.args[i], types.intp) for i in (1, 2, 3, 5, -1)
    )
    coef = context.make_array(coef_type)(context, builder, coef_arg).data
    x_array = context.make_array(x_type)(context, builder, x_arg)
    out = context.make_array(out_type)(context, builder, out_arg).data
    index = n_quads.type
    row_bytes = builder.extract_value(x_array.strides, 0)
    row_length = builder.sdiv(row_bytes, ir.Constant(index, 8))
    x_data = x_array.data

    def constant(value: int) -> ir.Constant:
        return ir.Constant(index, value)

    def passes(first: ir.Value, count: ir.Value, width: int, name: str) -> None:
        """`count` passes of `width` values of b from b = first, each over every term."""
        vector = ir.VectorType(_F64, width)
        splat_start = None if onto_out else _splat(builder, start, vector)
        begin = builder.basic_block
        header = builder.append_basic_block(f"{name}.header")
        load = builder.append_basic_block(f"{name}.load")
        terms_header = builder.append_basic_block(f"{name}.terms")
        terms_body = builder.append_basic_block(f"{name}.term")
        store = builder.append_basic_block(f"{name}.store")
        done = builder.append_basic_block(f"{name}.done")
        builder.branch(header)

        builder.position_at_end(header)
        n = builder.phi(index)
        n.add_incoming(constant(0), begin)
        lane0 = builder.add(first, builder.mul(n, constant(width)))
        out_lanes = builder.bitcast(builder.gep(out, [lane0]), vector.as_pointer())
        builder.cbranch(builder.icmp_signed("<", n, count), load, done)

        builder.position_at_end(load)
        initial = builder.load(out_lanes, align=8, typ=vector) if onto_out else splat_start
        builder.branch(terms_header)

        builder.position_at_end(terms_header)
        t = builder.phi(index)
        t.add_incoming(constant(0), load)
        total = builder.phi(vector)
        total.add_incoming(initial, load)
        builder.cbranch(builder.icmp_signed("<", t, n_terms), terms_body, store)

        builder.position_at_end(terms_body)
        w = builder.load(builder.gep(coef, [builder.add(c0, builder.mul(t, step))]), typ=_F64)
        weight = _splat(builder, w, vector)
        row = builder.mul(builder.add(r0, t), row_length)
        first_x = builder.gep(x_data, [builder.add(row, lane0)], inbounds=True)
        x = builder.load(builder.bitcast(first_x, vector.as_pointer()), align=8, typ=vector)
        total.add_incoming(builder.fadd(total, builder.fmul(weight, x)), terms_body)
        t.add_incoming(builder.add(t, constant(1)), terms_body)
        builder.branch(terms_header)

        builder.position_at_end(store)
        builder.store(total, out_lanes, align=8)
        n.add_incoming(builder.add(n, constant(1)), store)
        builder.branch(header)

        builder.position_at_end(done)

    quads_a_block = _BLOCK // LANES
    n_blocks = builder.sdiv(n_quads, constant(quads_a_block))
    passes(constant(0), n_blocks, _BLOCK, "blocks")
    quads_left = builder.sub(n_quads, builder.mul(n_blocks, constant(quads_a_block)))
    passes(builder.mul(n_blocks, constant(_BLOCK)), quads_left, LANES, "quads")
    return context.get_dummy_value()


def _dense_typed(arguments: tuple, onto_out: bool):
    """(signature, codegen) for contiguous float64 rows and matrix, or None (numba refuses)."""
    coef, c0, step, n_terms, X, r0, out = arguments[:7]
    starts = arguments[7:-1]
    integers = (c0, step, n_terms, r0, arguments[-1])
    if coef != _ROW or out != _ROW or X != _MATRIX:
        return None
    if any(start != types.float64 for start in starts):
        return None
    if not all(isinstance(i, types.Integer) for i in integers):
        return None
    return types.none(*arguments), functools.partial(_dense_loops, onto_out=onto_out)


@intrinsic
def _weighted_quads(typingctx, coef, c0, step, n_terms, X, r0, out, start, n_quads):
    return _dense_typed((coef, c0, step, n_terms, X, r0, out, start, n_quads), False)


@intrinsic
def _weighted_quads_onto(typingctx, coef, c0, step, n_terms, X, r0, out, n_quads):
    return _dense_typed((coef, c0, step, n_terms, X, r0, out, n_quads), True)


@overload(vector_sums.weighted_quads, inline="always")
def _compiled_weighted_quads(coef, c0, step, n_terms, X, r0, out, start, n_quads):
    return lambda coef, c0, step, n_terms, X, r0, out, start, n_quads: _weighted_quads(
        coef, c0, step, n_terms, X, r0, out, start, n_quads
    )


@overload(vector_sums.weighted_quads_onto, inline="always")
def _compiled_weighted_quads_onto(coef, c0, step, n_terms, X, r0, out, n_quads):
    return lambda coef, c0, step, n_terms, X, r0, out, n_quads: _weighted_quads_onto(
        coef, c0, step, n_terms, X, r0, out, n_quads
    )


@overload(vector_sums.dots_2x4, inline="always")
def _compiled_dots_2x4(d0, d1, a0, a1, a2, a3, n_quads):
    return lambda d0, d1, a0, a1, a2, a3, n_quads: _dots_2x4(d0, d1, a0, a1, a2, a3, n_quads)


@overload(vector_sums.dots_2x1, inline="always")
def _compiled_dots_2x1(d0, d1, a, n_quads):
    return lambda d0, d1, a, n_quads: _dots_2x1(d0, d1, a, n_quads)


@overload(vector_sums.sums_2, inline="always")
def _compiled_sums_2(d0, d1, n_quads):
    return lambda d0, d1, n_quads: _sums_2(d0, d1, n_quads)
