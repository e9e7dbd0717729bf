"""ONNX export (opset 17): raw [N, 2] points in, class probabilities [N, C] or values [N, 1] out.

The graph holds the whole pipeline: feature expansion (only the network's inputs),
standardization, every dense layer (Gemm), batch norm in eval form, each activation (built from
primitives where ONNX 17 has no operator), and the output layer's sigmoid/softmax.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from playground.engine.activations import ACTIVATIONS, OnnxStep
from playground.engine.kernels import BN_EPS
from playground.io.atomic import atomic_write_bytes
from playground.io.json_format import FormatError
from playground.io.model_json import Model

OPSET = 17
IR_VERSION = 8  # the IR that goes with opset 17, so that older runtimes load the file
INPUT = "input"
OUTPUT = "output"


class GraphBuilder:
    """Collects nodes and float32 initializers under unique names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def name(self, hint: str) -> str:
        """A fresh tensor name."""
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value: float | np.ndarray, hint: str = "c") -> str:
        """A float32 initializer (scalar or array); its name."""
        name = self.name(hint)
        array = np.asarray(value, dtype=np.float32)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def op(
        self,
        op_type: str,
        *inputs: str,
        hint: str | None = None,
        out: str | None = None,
        **attrs: object,
    ) -> str:
        """Append one node with one output; its output name."""
        output = out or self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], **attrs))
        return output


def build_activation(g: GraphBuilder, steps: tuple[OnnxStep, ...], x: str) -> str:
    """The nodes of an activation's ONNX steps (its registry entry) applied to x; f(x)'s name."""
    names = {"x": x}
    for output, op_type, inputs, attributes in steps:
        tensors = [names[i] if isinstance(i, str) else g.const(i) for i in inputs]
        names[output] = g.op(op_type, *tensors, hint=output, **dict(attributes))
    return names[steps[-1][0]] if steps else x


ONNX_ACTIVATIONS: dict[str, Callable[[GraphBuilder, str], str]] = {
    name: lambda g, x, steps=activation.onnx: build_activation(g, steps, x)
    for name, activation in ACTIVATIONS.items()
}

# Each feature from the columns x1, x2 (each [N, 1]).
ONNX_FEATURES: dict[str, Callable[[GraphBuilder, str, str], str]] = {
    "x1": lambda g, x1, x2: x1,
    "x2": lambda g, x1, x2: x2,
    "x1^2": lambda g, x1, x2: g.op("Mul", x1, x1, hint="x1_sq"),
    "x2^2": lambda g, x1, x2: g.op("Mul", x2, x2, hint="x2_sq"),
    "x1*x2": lambda g, x1, x2: g.op("Mul", x1, x2, hint="x1_x2"),
    "sin(x1)": lambda g, x1, x2: g.op("Sin", x1, hint="sin_x1"),
    "sin(x2)": lambda g, x1, x2: g.op("Sin", x2, hint="sin_x2"),
    "cos(x1)": lambda g, x1, x2: g.op("Cos", x1, hint="cos_x1"),
    "cos(x2)": lambda g, x1, x2: g.op("Cos", x2, hint="cos_x2"),
}


def build_onnx(model: Model) -> onnx.ModelProto:
    """The ONNX model of a trained network (checked with onnx.checker, full check)."""
    network = model.network
    g = GraphBuilder()
    x1, x2 = g.name("x1"), g.name("x2")
    g.nodes.append(helper.make_node("Split", [INPUT], [x1, x2], axis=1))
    columns = [ONNX_FEATURES[name](g, x1, x2) for name in network.inputs]
    a = g.op("Concat", *columns, axis=1, hint="features") if len(columns) > 1 else columns[0]
    mean, std = (np.asarray(v, dtype=np.float64) for v in model.standardization)
    if np.any(mean != 0.0) or np.any(std != 1.0):
        a = g.op(
            "Div", g.op("Sub", a, g.const(mean, "mean")), g.const(std, "std"), hint="standardized"
        )
    for i, lw in enumerate(model.weights):
        a = g.op(
            "Gemm", a, g.const(lw.W, f"W{i}"), g.const(lw.b, f"b{i}"), transB=1, hint=f"dense{i}"
        )
        if lw.bn is not None:
            a = g.op(
                "BatchNormalization",
                a,
                g.const(lw.bn.gamma, f"gamma{i}"),
                g.const(lw.bn.beta, f"beta{i}"),
                g.const(lw.bn.running_mean, f"mean{i}"),
                g.const(lw.bn.running_var, f"var{i}"),
                epsilon=BN_EPS,
                hint=f"bn{i}",
            )
        if i < len(network.layers):
            a = ONNX_ACTIVATIONS[network.layers[i].activation](g, a)
    _output_layer(g, a, model)
    return _make_model(g, model)


def _output_layer(g: GraphBuilder, z: str, model: Model) -> None:
    network = model.network
    if network.problem == "regression":
        g.op("Identity", z, out=OUTPUT)
    elif network.classes == 2:
        p = g.op("Sigmoid", z, hint="p1")
        g.op("Concat", g.op("Sub", g.const(1.0), p, hint="p0"), p, axis=1, out=OUTPUT)
    else:
        g.op("Softmax", z, axis=1, out=OUTPUT)


def _make_model(g: GraphBuilder, model: Model) -> onnx.ModelProto:
    network = model.network
    width = (
        2
        if network.problem == "classification" and network.classes == 2
        else (network.output_units)
    )
    what = "class probabilities" if network.problem == "classification" else "predicted values"
    graph = helper.make_graph(
        g.nodes,
        "nn_playground",
        [
            helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", 2]),
        ],
        [
            helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", width]),
        ],
        initializer=g.initializers,
        doc_string=f"input: raw points (x1, x2) [N, 2]; output: {what} [N, {width}]",
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="nn-playground",
        ir_version=IR_VERSION,
    )
    helper.set_model_props(
        proto,
        {
            "inputs": ",".join(network.inputs),
            "problem": network.problem,
            "classes": str(network.classes),
        },
    )
    onnx.checker.check_model(proto, full_check=True)
    return proto


def write_onnx(path: str | os.PathLike[str], model: Model) -> None:
    """Write the model as ONNX atomically (float32: every parameter must fit in float32)."""
    limit = float(np.finfo(np.float32).max)
    arrays = [np.asarray(a, np.float64) for a in model.standardization]
    for lw in model.weights:
        arrays += [lw.W, lw.b]
        if lw.bn is not None:
            arrays += [lw.bn.gamma, lw.bn.beta, lw.bn.running_mean, lw.bn.running_var]
    if any(np.any(np.abs(a) > limit) for a in arrays):
        raise FormatError(
            "weights: some values are beyond float32 range (about 3.4e38): the "
            "ONNX model could not give the app's predictions (train again with a "
            "lower learning rate)"
        )
    atomic_write_bytes(path, build_onnx(model).SerializeToString())
