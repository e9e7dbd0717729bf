"""Frozen and switched-off neurons: which parameters training holds fixed, and what "off" does.

A *frozen* neuron keeps its incoming weights, its bias (and its batch-norm gamma and beta) while
training runs: the kernels restore them after every optimizer step (`kernels.Network.frozen`),
so the optimizer's state is irrelevant. Any neuron with incoming weights can be frozen, the
output's too.

A hidden neuron switched *off* outputs 0 everywhere: in training, in evaluation, in the grid
(its heatmap is 0) and so for everything downstream. The engine does this by holding the
neuron's outgoing weights (column `unit` of the next layer's W) at 0 and frozen while it is off,
and remembering their values to put back when it is switched on again; its own output is shown
as 0. Downstream this is the same as multiplying the neuron's output by 0 after the activation
and dropout: the next layer sees 0 from it, and its incoming weights get no data gradient (only
the L1/L2 penalty still acts on them). Exports bake "off" the same way: the model's W has zeros
in that column, so JSON, NPZ, ONNX and `predict` give the app's predictions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import kernels as K
from .spec import LayerWeights, NetworkSpec

Flags = tuple[tuple[bool, ...], ...]  # per dense layer (output last), per unit


@dataclass(frozen=True)
class NeuronMasks:
    """Per dense layer (output last) and unit: frozen, and off (hidden layers only)."""

    frozen: Flags
    off: Flags

    @classmethod
    def none(cls, network: NetworkSpec) -> NeuronMasks:
        """No neuron frozen or off."""
        sizes = network.layer_sizes[1:]
        flags = tuple((False,) * n for n in sizes)
        return cls(flags, flags)

    @property
    def any(self) -> bool:
        """Whether some neuron is frozen or off."""
        return any(any(layer) for layer in (*self.frozen, *self.off))

    def is_frozen(self, layer: int, unit: int) -> bool:
        """Whether unit `unit` of dense layer `layer` (0 = first hidden) is frozen."""
        return self.frozen[layer][unit]

    def is_off(self, layer: int, unit: int) -> bool:
        """Whether unit `unit` of dense layer `layer` is switched off."""
        return self.off[layer][unit]

    def with_frozen(self, layer: int, unit: int, frozen: bool) -> NeuronMasks:
        """A copy with one neuron frozen or not."""
        return NeuronMasks(_set(self.frozen, layer, unit, frozen), self.off)

    def with_off(self, layer: int, unit: int, off: bool) -> NeuronMasks:
        """A copy with one neuron switched off or on."""
        return NeuronMasks(self.frozen, _set(self.off, layer, unit, off))


def _set(flags: Flags, layer: int, unit: int, value: bool) -> Flags:
    row = list(flags[layer])
    row[unit] = bool(value)
    return (*flags[:layer], tuple(row), *flags[layer + 1 :])


def check_masks(network: NetworkSpec, masks: NeuronMasks) -> None:
    """ValueError naming the field unless the masks fit the network (output neurons stay on)."""
    sizes = network.layer_sizes[1:]
    for name in ("frozen", "off"):
        flags = getattr(masks, name)
        if len(flags) != len(sizes):
            raise ValueError(f"{name}: expected {len(sizes)} layers, got {len(flags)}")
        for layer, (row, n) in enumerate(zip(flags, sizes, strict=True)):
            if len(row) != n or not all(isinstance(v, bool) for v in row):
                raise ValueError(
                    f"weights[{layer}].{name}: expected {n} true/false values, one per neuron"
                )
    if any(masks.off[-1]):
        raise ValueError(
            f"weights[{len(sizes) - 1}].off: an output neuron cannot be switched off "
            "(freeze it instead)"
        )


def off_rows(table: npt.NDArray[np.int64], masks: NeuronMasks) -> npt.NDArray[np.int64]:
    """The unit rows of the switched-off neurons, int64 (K,) into the rows of layout `table`
    (where the kernels' and the eval passes' unit outputs are): they output 0."""
    rows = [
        int(table[layer, K.ROW_OUT]) + unit
        for layer, flags in enumerate(masks.off)
        for unit, off in enumerate(flags)
        if off
    ]
    return np.array(rows, dtype=np.int64)


def frozen_indices(table: npt.NDArray[np.int64], masks: NeuronMasks) -> npt.NDArray[np.int64]:
    """The parameters training holds fixed, int64 (K,) into the flat params of layout `table`:
    a frozen neuron's W row, bias, gamma and beta; an off neuron's outgoing W column."""
    index: list[int] = []
    for layer in range(table.shape[0]):
        n_in, n_out = int(table[layer, K.N_IN]), int(table[layer, K.N_OUT])
        w0, b0, g0 = int(table[layer, K.W_OFF]), int(table[layer, K.B_OFF]), table[layer, K.G_OFF]
        for unit in range(n_out):
            if masks.frozen[layer][unit]:
                index.extend(range(w0 + unit * n_in, w0 + (unit + 1) * n_in))
                index.append(b0 + unit)
                if g0 >= 0:
                    index.extend((int(g0) + unit, int(table[layer, K.BE_OFF]) + unit))
    index.extend(outgoing_indices(table, masks))
    return np.array(sorted(set(index)), dtype=np.int64)


def outgoing_indices(table: npt.NDArray[np.int64], masks: NeuronMasks) -> list[int]:
    """The flat indices of every off neuron's outgoing weights (column of the next W)."""
    index = []
    for layer in range(table.shape[0] - 1):
        nxt = layer + 1
        n_in, n_out = int(table[nxt, K.N_IN]), int(table[nxt, K.N_OUT])
        w0 = int(table[nxt, K.W_OFF])
        for unit, off in enumerate(masks.off[layer]):
            if off:
                index.extend(w0 + row * n_in + unit for row in range(n_out))
    return index


def bake_off(
    weights: tuple[LayerWeights, ...], masks: NeuronMasks | None
) -> tuple[LayerWeights, ...]:
    """Weights as exported: each off neuron's outgoing weights set to 0 (copies)."""
    if masks is None or not any(any(row) for row in masks.off):
        return tuple(weights)
    baked = []
    for layer, lw in enumerate(weights):
        W = lw.W
        if layer > 0 and any(masks.off[layer - 1]):
            W = W.copy()
            W[:, np.array(masks.off[layer - 1], dtype=bool)] = 0.0
        baked.append(LayerWeights(W=W, b=lw.b, bn=lw.bn))
    return tuple(baked)
