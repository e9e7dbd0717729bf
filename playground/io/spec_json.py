"""The `network` and `weights` JSON shared by session files and exported models (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine.spec import (
    MAX_LAYERS,
    BatchNormState,
    LayerSpec,
    LayerWeights,
    NetworkSpec,
    check_weights,
)
from playground.io.json_format import (
    build_spec,
    child,
    expect_bool,
    expect_list,
    expect_number,
    expect_object,
    expect_str,
    fail,
)

LAYER_FIELDS = ("units", "activation", "dropout", "batch_norm")
BN_FIELDS = ("gamma", "beta", "running_mean", "running_var")
MAX_FEATURES = 64  # more input names than features exist; the spec names the real problem


def network_to_dict(network: NetworkSpec) -> dict[str, Any]:
    """The `network` object: inputs, hidden layers and standardize (problem lives elsewhere)."""
    return {
        "inputs": list(network.inputs),
        "layers": [
            {
                "units": layer.units,
                "activation": layer.activation,
                "dropout": layer.dropout,
                "batch_norm": layer.batch_norm,
            }
            for layer in network.layers
        ],
        "standardize": network.standardize,
    }


def network_from_dict(data: Any, path: str, problem: str, classes: int) -> NetworkSpec:
    """A NetworkSpec from the `network` object, for a problem and class count given apart."""
    data = expect_object(data, path, ("inputs", "layers"), ("standardize",))
    inputs_path = child(path, "inputs")
    inputs = expect_list(data["inputs"], inputs_path, MAX_FEATURES, "inputs")
    for i, name in enumerate(inputs):
        expect_str(name, child(inputs_path, i))
    layers_path = child(path, "layers")
    layers = [
        _layer_from_dict(item, child(layers_path, i))
        for i, item in enumerate(
            expect_list(data["layers"], layers_path, MAX_LAYERS, "hidden layers")
        )
    ]
    standardize = expect_bool(data.get("standardize", False), child(path, "standardize"))
    return build_spec(
        path, NetworkSpec, tuple(inputs), tuple(layers), problem, classes, standardize
    )


def _layer_from_dict(data: Any, path: str) -> LayerSpec:
    data = expect_object(data, path, LAYER_FIELDS)
    expect_str(data["activation"], child(path, "activation"))
    return build_spec(path, LayerSpec, **data)


def weights_to_list(weights: Sequence[LayerWeights]) -> list[dict[str, Any]]:
    """The `weights` array: per dense layer {"W", "b"} plus "bn" with batch norm."""
    out = []
    for lw in weights:
        entry: dict[str, Any] = {"W": lw.W.tolist(), "b": lw.b.tolist()}
        if lw.bn is not None:
            entry["bn"] = {name: getattr(lw.bn, name).tolist() for name in BN_FIELDS}
        out.append(entry)
    return out


def weights_from_list(data: Any, path: str, network: NetworkSpec) -> tuple[LayerWeights, ...]:
    """Weights from the `weights` array, checked against the network's shapes."""
    sizes = network.layer_sizes
    entries = expect_list(data, path)
    if len(entries) != len(sizes) - 1:
        raise fail(
            path,
            f"{len(entries)} layers of weights do not match the network, which has "
            f"{len(sizes) - 1} (its hidden layers plus the output layer)",
        )
    weights = []
    for i, entry in enumerate(entries):
        entry_path = child(path, i)
        n_in, n_out = sizes[i], sizes[i + 1]
        has_bn = i < len(network.layers) and network.layers[i].batch_norm
        entry = expect_object(entry, entry_path, ("W", "b"), ("bn",) if has_bn else ())
        if has_bn and "bn" not in entry:
            raise fail(
                child(entry_path, "bn"),
                "missing (this layer uses batch norm: add gamma, "
                "beta, running_mean and running_var)",
            )
        W = matrix(entry["W"], child(entry_path, "W"), n_out, n_in)
        b = vector(entry["b"], child(entry_path, "b"), n_out)
        bn = None
        if has_bn:
            bn_path = child(entry_path, "bn")
            bn_data = expect_object(entry["bn"], bn_path, BN_FIELDS)
            bn = BatchNormState(
                **{name: vector(bn_data[name], child(bn_path, name), n_out) for name in BN_FIELDS}
            )
        weights.append(LayerWeights(W, b, bn))
    build_spec("", check_weights, network, weights)
    return tuple(weights)


def vector(data: Any, path: str, length: int) -> npt.NDArray[np.float64]:
    """A list of `length` finite numbers as float64 (length,)."""
    items = expect_list(data, path)
    if len(items) != length:
        raise fail(path, f"{len(items)} numbers do not match the network ({length} expected)")
    for i, value in enumerate(items):
        expect_number(value, child(path, i))
    return np.array(items, dtype=np.float64).reshape(length)


def matrix(data: Any, path: str, rows: int, cols: int) -> npt.NDArray[np.float64]:
    """A list of `rows` lists of `cols` finite numbers as float64 (rows, cols)."""
    items = expect_list(data, path)
    shape = f"{rows}×{cols}"
    if len(items) != rows:
        raise fail(
            path,
            f"{len(items)} rows do not match the network (expected {shape}: "
            f"{rows} rows of {cols} numbers)",
        )
    for r, row in enumerate(items):
        row_path = child(path, r)
        if not isinstance(row, list):
            raise fail(row_path, f"expected a list of {cols} numbers (a row of the {shape} matrix)")
        if len(row) != cols:
            raise fail(
                row_path,
                f"{len(row)} numbers do not match the network (expected {shape}: "
                f"{rows} rows of {cols} numbers)",
            )
        for c, value in enumerate(row):
            expect_number(value, child(row_path, c))
    return np.array(items, dtype=np.float64).reshape(rows, cols)
