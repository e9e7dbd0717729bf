"""The session's optional `state` object: what resuming a run exactly needs (DESIGN §7).

```json
"state": {
  "optimizer": {"name": "adam", "step": 120,
                "exp_avg": [{"W": "<base64>", "b": "<base64>"}, ...], "exp_avg_sq": [...]},
  "rng": "9e3779b97f4a7c15", "cursor": 0, "order": [3, 0, 2, 1]
}
```

Each optimizer array is one entry per dense layer (output last) with "W" (out×in, row-major),
"b" and, with batch norm, "gamma" and "beta", each the base64 of its little-endian float64
values (exact and compact). NAdam adds "mu_product". `rng` is the 64-bit generator state in hex,
`cursor` the training points already used in the current epoch, `order` the epoch's order of
the training points (absent: 0, 1, 2, ...).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import numpy as np

from playground.engine.registry import OPTIMIZERS
from playground.engine.resume import TrainingState, buffer_shapes, optimizer_buffer_names
from playground.engine.spec import NetworkSpec, TrainingSpec
from playground.io.json_format import (
    child,
    expect_int,
    expect_list,
    expect_number,
    expect_object,
    expect_str,
    fail,
)

STATE_FIELDS = ("optimizer", "rng", "cursor")
HEX_DIGITS = "0123456789abcdef"


def state_to_dict(state: TrainingState) -> dict[str, Any]:
    """The `state` object."""
    optimizer: dict[str, Any] = {"name": state.optimizer, "step": state.optimizer_step}
    for name, layers in state.buffers:
        optimizer[name] = [
            {key: _encode(value) for key, value in entry.items()} for entry in layers
        ]
    if "mu_product" in OPTIMIZERS[state.optimizer].scalars:
        optimizer["mu_product"] = state.mu_product
    data: dict[str, Any] = {
        "optimizer": optimizer,
        "rng": f"{state.rng:016x}",
        "cursor": state.cursor,
    }
    if not np.array_equal(state.order, np.arange(state.order.shape[0])):
        data["order"] = state.order.tolist()
    return data


def state_from_dict(
    data: Any, path: str, network: NetworkSpec, training: TrainingSpec, n_train: int
) -> TrainingState:
    """A TrainingState from the `state` object (shapes are checked against the network)."""
    data = expect_object(data, path, STATE_FIELDS, ("order",))
    opt_path = child(path, "optimizer")
    names = optimizer_buffer_names(training.optimizer)
    extra = OPTIMIZERS[training.optimizer.name].scalars
    optimizer = expect_object(data["optimizer"], opt_path, ("name", "step", *names), extra)
    name = expect_str(optimizer["name"], child(opt_path, "name"))
    if name != training.optimizer.name:
        raise fail(
            child(opt_path, "name"),
            f"{_short(name)} does not match the session's "
            f"optimizer '{training.optimizer.name}' (remove \"state\" to start the "
            "optimizer afresh)",
        )
    step = expect_int(optimizer["step"], child(opt_path, "step"))
    shapes = buffer_shapes(network)
    buffers = []
    for buffer in names:
        buffer_path = child(opt_path, buffer)
        entries = expect_list(optimizer[buffer], buffer_path)
        if len(entries) != len(shapes):
            raise fail(
                buffer_path, f"{len(entries)} layers do not match the network ({len(shapes)})"
            )
        layers = []
        for i, (entry, expected) in enumerate(zip(entries, shapes, strict=True)):
            entry_path = child(buffer_path, i)
            entry = expect_object(entry, entry_path, tuple(expected))
            layers.append(
                {
                    key: _decode(entry[key], child(entry_path, key), shape)
                    for key, shape in expected.items()
                }
            )
        buffers.append((buffer, tuple(layers)))
    mu_product = 1.0
    if "mu_product" in optimizer:
        mu_product = expect_number(optimizer["mu_product"], child(opt_path, "mu_product"))
    rng_text = expect_str(data["rng"], child(path, "rng"))
    if not (
        len(rng_text) == 16 and all(c in HEX_DIGITS for c in rng_text) and int(rng_text, 16) != 0
    ):
        raise fail(child(path, "rng"), "expected 16 lower-case hex digits, not all zero")
    cursor = expect_int(data["cursor"], child(path, "cursor"), 0, max(n_train - 1, 0))
    order = np.arange(n_train, dtype=np.int64)
    if "order" in data:
        order_path = child(path, "order")
        items = expect_list(data["order"], order_path)
        if len(items) != n_train:
            raise fail(
                order_path, f"{len(items)} entries do not match the {n_train} training points"
            )
        for i, item in enumerate(items):
            expect_int(item, child(order_path, i), 0, max(n_train - 1, 0))
        order = np.array(items, dtype=np.int64).reshape(n_train)
        if not np.array_equal(np.sort(order), np.arange(n_train)):
            raise fail(
                order_path, f"expected each training point's index (0 to {n_train - 1}) once"
            )
    return TrainingState(name, step, tuple(buffers), mu_product, int(rng_text, 16), cursor, order)


def _encode(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def _decode(value: Any, path: str, shape: tuple[int, ...]) -> np.ndarray:
    text = expect_str(value, path)
    count = int(np.prod(shape))
    if len(text) != 4 * -(-8 * count // 3):  # checked before decoding: no huge allocation
        raise fail(
            path,
            f"expected the base64 of {count} float64 values (shape {'×'.join(map(str, shape))})",
        )
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise fail(path, "not valid base64") from None
    if len(raw) != 8 * count:
        raise fail(path, f"expected {count} float64 values")
    array = np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)
    if not np.all(np.isfinite(array)):
        raise fail(path, "contains NaN or Infinity")
    return array


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "…")


__all__ = ["state_from_dict", "state_to_dict"]
