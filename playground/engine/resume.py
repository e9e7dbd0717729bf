"""Resume exactly (DESIGN §7): what continuing a run needs besides the weights and the epoch.

N epochs in one go and N/2 + N/2 through a saved session give the same weights bit for bit when
the second Trainer gets the first one's TrainingState: the optimizer's buffers and step count,
the random generator (shuffles, dropout masks), and the position in the epoch's order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import kernels as K
from .network import Layout
from .registry import OPTIMIZERS
from .spec import NetworkSpec, OptimizerSpec, TrainingSpec

Array = npt.NDArray[np.float64]
LayerArrays = tuple[dict[str, Array], ...]


@dataclass(frozen=True, eq=False)
class TrainingState:
    """What continuing training needs besides the weights and the epoch.

    optimizer: the name the buffers belong to; optimizer_step: its update count t;
    buffers: its state by PyTorch name, each with one dict per dense layer of float64 arrays
    "W" (out, in), "b" (out,) and, with batch norm, "gamma" and "beta" (out,);
    mu_product: NAdam's running product of momentum coefficients (1.0 for the others);
    rng: the xorshift64* state (shuffles and dropout masks); cursor: training points already
    used in the current epoch; order: int64 (n,) the current epoch's order of the points.
    """

    optimizer: str
    optimizer_step: int
    buffers: tuple[tuple[str, LayerArrays], ...]
    mu_product: float
    rng: int
    cursor: int
    order: npt.NDArray[np.int64]


def optimizer_buffer_names(optimizer: OptimizerSpec) -> tuple[str, ...]:
    """The state arrays an optimizer uses (PyTorch's names), e.g. ("exp_avg", "exp_avg_sq")."""
    hyper = optimizer.hyper()
    unused = set()
    if not hyper.get("momentum"):
        unused.add("momentum_buffer")
    if not hyper.get("centered"):
        unused.add("grad_avg")
    if not hyper.get("amsgrad"):
        unused.add("max_exp_avg_sq")
    names = OPTIMIZERS[optimizer.name].buffers
    return tuple(name for name in names if name not in unused)


def export_state(
    optimizer: OptimizerSpec,
    layout: Layout,
    slots: tuple[Array, Array, Array],
    scalars: Array,
    rng: npt.NDArray[np.uint64],
    counters: npt.NDArray[np.int64],
    perm: npt.NDArray[np.int64],
) -> TrainingState:
    """A TrainingState copied from a Trainer's arrays."""
    by_name = dict(zip(OPTIMIZERS[optimizer.name].buffers, slots, strict=False))
    return TrainingState(
        optimizer=optimizer.name,
        optimizer_step=int(counters[K.C_OPT_T]),
        buffers=tuple(
            (name, per_layer(layout, by_name[name])) for name in optimizer_buffer_names(optimizer)
        ),
        mu_product=float(scalars[0]),
        rng=int(rng[0]),
        cursor=int(counters[K.C_CURSOR]),
        order=perm.copy(),
    )


def import_state(
    state: TrainingState,
    layout: Layout,
    slots: tuple[Array, Array, Array],
    scalars: Array,
    rng: npt.NDArray[np.uint64],
    counters: npt.NDArray[np.int64],
    perm: npt.NDArray[np.int64],
) -> None:
    """Write a (checked) TrainingState into a Trainer's arrays."""
    by_name = dict(zip(OPTIMIZERS[state.optimizer].buffers, slots, strict=False))
    for name, layers in state.buffers:
        by_name[name][:] = flat(layout, layers)
    counters[K.C_OPT_T] = state.optimizer_step
    scalars[0] = state.mu_product
    rng[0] = np.uint64(state.rng)
    counters[K.C_CURSOR] = state.cursor
    perm[:] = state.order


def per_layer(layout: Layout, values: Array) -> LayerArrays:
    """Per-layer copies {"W", "b"[, "gamma", "beta"]} of an array in the flat parameter layout."""
    layers = []
    for layer in range(layout.table.shape[0]):
        n_out = int(layout.table[layer, K.N_OUT])
        entry = {
            "W": layout.weight_view(values, layer).copy(),
            "b": layout.bias_view(values, layer).copy(),
        }
        g0 = int(layout.table[layer, K.G_OFF])
        if g0 >= 0:
            be0 = int(layout.table[layer, K.BE_OFF])
            entry["gamma"] = values[g0 : g0 + n_out].copy()
            entry["beta"] = values[be0 : be0 + n_out].copy()
        layers.append(entry)
    return tuple(layers)


def flat(layout: Layout, layers: LayerArrays) -> Array:
    """The flat parameter-layout array of per-layer arrays (the inverse of per_layer)."""
    values = np.zeros(layout.n_params)
    for layer, entry in enumerate(layers):
        n_out = int(layout.table[layer, K.N_OUT])
        layout.weight_view(values, layer)[:] = entry["W"]
        layout.bias_view(values, layer)[:] = entry["b"]
        g0 = int(layout.table[layer, K.G_OFF])
        if g0 >= 0:
            be0 = int(layout.table[layer, K.BE_OFF])
            values[g0 : g0 + n_out] = entry["gamma"]
            values[be0 : be0 + n_out] = entry["beta"]
    return values


def buffer_shapes(network: NetworkSpec) -> list[dict[str, tuple[int, ...]]]:
    """Per dense layer, the shape of each array an optimizer buffer holds."""
    sizes = network.layer_sizes
    shapes = []
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        entry: dict[str, tuple[int, ...]] = {"W": (n_out, n_in), "b": (n_out,)}
        if i < len(network.layers) and network.layers[i].batch_norm:
            entry.update(gamma=(n_out,), beta=(n_out,))
        shapes.append(entry)
    return shapes


def check_state(
    network: NetworkSpec, training: TrainingSpec, n_train: int, state: TrainingState
) -> None:
    """Raise ValueError ('field: message') unless the state fits the network, optimizer, data."""
    if state.optimizer != training.optimizer.name:
        raise ValueError(
            f"optimizer.name: {state.optimizer!r} does not match the session's "
            f'optimizer {training.optimizer.name!r} (remove "state" to start the '
            "optimizer afresh)"
        )
    names = optimizer_buffer_names(training.optimizer)
    given = [name for name, _ in state.buffers]
    if sorted(given) != sorted(names):
        raise ValueError(
            f"optimizer: {state.optimizer} with these settings keeps "
            f"{', '.join(names) or 'no arrays'} (got {', '.join(given) or 'none'})"
        )
    shapes = buffer_shapes(network)
    for name, layers in state.buffers:
        if len(layers) != len(shapes):
            raise ValueError(
                f"optimizer.{name}: {len(layers)} layers do not match the network ({len(shapes)})"
            )
        for i, (entry, expected) in enumerate(zip(layers, shapes, strict=True)):
            if set(entry) != set(expected):
                raise ValueError(f"optimizer.{name}[{i}]: expected {', '.join(expected)}")
            for key, shape in expected.items():
                value = np.asarray(entry[key])
                if value.shape != shape:
                    raise ValueError(
                        f"optimizer.{name}[{i}].{key}: shape {list(value.shape)} "
                        f"does not match the network ({list(shape)})"
                    )
                if not np.all(np.isfinite(value)):
                    raise ValueError(f"optimizer.{name}[{i}].{key}: contains NaN or Infinity")
    if not 0 <= state.optimizer_step < 2**63:
        raise ValueError(f"optimizer.step: {state.optimizer_step} is out of range")
    if not math.isfinite(state.mu_product):
        raise ValueError("optimizer.mu_product: must be finite")
    if not 0 < state.rng < 2**64:
        raise ValueError("rng: must be a non-zero 64-bit state")
    order = np.asarray(state.order)
    if order.shape != (n_train,) or not np.array_equal(np.sort(order), np.arange(n_train)):
        raise ValueError(
            f"order: expected an order of the {n_train} training points (each index "
            f"0 to {n_train - 1} once)"
        )
    if not 0 <= state.cursor < max(n_train, 1):
        raise ValueError(f"cursor: {state.cursor} is out of range (0 to {max(n_train - 1, 0)})")
