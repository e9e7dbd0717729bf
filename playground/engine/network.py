"""The flat parameter layout of a network, weight initialisation, and conversions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import kernels as K
from .activations import ACTIVATIONS
from .registry import INITIALIZERS
from .spec import BatchNormState, LayerWeights, NetworkSpec

OUT_KIND = {"bce": K.OUT_SIGMOID, "cross_entropy": K.OUT_SOFTMAX}  # regression losses: linear
LOSS_CODE = {"bce": K.LOSS_BCE, "cross_entropy": K.LOSS_CE, "mse": K.LOSS_MSE,
             "mae": K.LOSS_MAE, "huber": K.LOSS_HUBER}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Layout:
    """Where every layer's parameters and units live in the flat arrays the kernels take."""

    table: npt.NDArray[np.int64]  # (L, 9), columns as kernels.N_IN ... kernels.ROW_OUT
    dropout: npt.NDArray[np.float64]  # (L,)
    n_params: int
    n_rows: int  # units of all layers, inputs included
    weight_mask: npt.NDArray[np.bool_]  # (P,) True on W entries (regularised)
    w_offset: npt.NDArray[np.int64]  # (L,)
    w_length: npt.NDArray[np.int64]  # (L,)
    row_offsets: tuple[int, ...]  # first row of each layer of units, inputs first

    @classmethod
    def of(cls, network: NetworkSpec) -> Layout:
        """Lay out a network's parameters: per layer W, b, then gamma, beta with batch norm."""
        sizes = network.layer_sizes
        n_layers = len(sizes) - 1
        table = np.zeros((n_layers, 9), dtype=np.int64)
        dropout = np.zeros(n_layers)
        offset = 0
        rows = [0]
        for layer in range(n_layers):
            n_in, n_out = sizes[layer], sizes[layer + 1]
            hidden = network.layers[layer] if layer < len(network.layers) else None
            table[layer, K.N_IN], table[layer, K.N_OUT] = n_in, n_out
            table[layer, K.W_OFF] = offset
            offset += n_in * n_out
            table[layer, K.B_OFF] = offset
            offset += n_out
            table[layer, K.G_OFF] = table[layer, K.BE_OFF] = -1
            if hidden is not None and hidden.batch_norm:
                table[layer, K.G_OFF] = offset
                table[layer, K.BE_OFF] = offset + n_out
                offset += 2 * n_out
            table[layer, K.ACT] = ACTIVATIONS[hidden.activation].code if hidden else -1
            dropout[layer] = hidden.dropout if hidden else 0.0
            table[layer, K.ROW_IN] = rows[-1]
            rows.append(rows[-1] + n_in)
            table[layer, K.ROW_OUT] = rows[-1]
        weight_mask = np.zeros(offset, dtype=np.bool_)
        for layer in range(n_layers):
            start = table[layer, K.W_OFF]
            weight_mask[start : start + table[layer, K.N_IN] * table[layer, K.N_OUT]] = True
        return cls(
            table=table,
            dropout=dropout,
            n_params=offset,
            n_rows=rows[-1] + sizes[-1],
            weight_mask=weight_mask,
            w_offset=table[:, K.W_OFF].copy(),
            w_length=table[:, K.N_IN] * table[:, K.N_OUT],
            row_offsets=tuple(rows),
        )

    def weight_view(self, params: npt.NDArray[np.float64], layer: int) -> npt.NDArray[np.float64]:
        """W of one layer as an (out, in) view into params."""
        n_in, n_out = self.table[layer, K.N_IN], self.table[layer, K.N_OUT]
        start = self.table[layer, K.W_OFF]
        return params[start : start + n_in * n_out].reshape(n_out, n_in)

    def bias_view(self, params: npt.NDArray[np.float64], layer: int) -> npt.NDArray[np.float64]:
        """b of one layer as a view into params."""
        start = self.table[layer, K.B_OFF]
        return params[start : start + self.table[layer, K.N_OUT]]


def initial_params(
    network: NetworkSpec, layout: Layout, init: str, seed: int
) -> npt.NDArray[np.float64]:
    """Fresh parameters: weights by the initializer, biases 0, batch-norm gamma 1 and beta 0."""
    rng = np.random.default_rng(seed)
    params = np.zeros(layout.n_params)
    kind = INITIALIZERS[init].kind
    for layer in range(layout.table.shape[0]):
        n_in, n_out = int(layout.table[layer, K.N_IN]), int(layout.table[layer, K.N_OUT])
        W = layout.weight_view(params, layer)
        if kind == "uniform":
            W[:] = rng.uniform(-1.0, 1.0, size=W.shape) * _scale(init, n_in, n_out)
        elif kind == "normal":
            W[:] = rng.standard_normal(size=W.shape) * _scale(init, n_in, n_out)
        elif kind == "constant":
            W[:] = 0.1
        g0 = layout.table[layer, K.G_OFF]
        if g0 >= 0:
            params[g0 : g0 + n_out] = 1.0
    return params


def _scale(init: str, fan_in: int, fan_out: int) -> float:
    """The bound (uniform) or standard deviation (normal) of an initializer."""
    return {
        "uniform": 0.5,
        "normal": 1.0,
        "glorot_uniform": np.sqrt(6.0 / (fan_in + fan_out)),
        "glorot_normal": np.sqrt(2.0 / (fan_in + fan_out)),
        "he_uniform": np.sqrt(6.0 / fan_in),
        "he_normal": np.sqrt(2.0 / fan_in),
        "lecun_normal": np.sqrt(1.0 / fan_in),
    }[init]


def pack_weights(
    layout: Layout,
    weights: list[LayerWeights] | tuple[LayerWeights, ...],
    bn_mean: npt.NDArray[np.float64],
    bn_var: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Flat params from per-layer weights; running batch-norm stats go into bn_mean/bn_var."""
    params = np.zeros(layout.n_params)
    for layer, lw in enumerate(weights):
        layout.weight_view(params, layer)[:] = lw.W
        layout.bias_view(params, layer)[:] = lw.b
        if lw.bn is not None:
            n_out = int(layout.table[layer, K.N_OUT])
            g0, be0 = layout.table[layer, K.G_OFF], layout.table[layer, K.BE_OFF]
            params[g0 : g0 + n_out] = lw.bn.gamma
            params[be0 : be0 + n_out] = lw.bn.beta
            row = layout.row_offsets[layer + 1]
            bn_mean[row : row + n_out] = lw.bn.running_mean
            bn_var[row : row + n_out] = lw.bn.running_var
    return params


def unpack_weights(
    layout: Layout,
    params: npt.NDArray[np.float64],
    bn_mean: npt.NDArray[np.float64],
    bn_var: npt.NDArray[np.float64],
) -> list[LayerWeights]:
    """Per-layer copies of the weights (and batch-norm state) held in flat arrays."""
    weights = []
    for layer in range(layout.table.shape[0]):
        n_out = int(layout.table[layer, K.N_OUT])
        bn = None
        g0 = layout.table[layer, K.G_OFF]
        if g0 >= 0:
            be0 = layout.table[layer, K.BE_OFF]
            row = layout.row_offsets[layer + 1]
            bn = BatchNormState(
                gamma=params[g0 : g0 + n_out].copy(),
                beta=params[be0 : be0 + n_out].copy(),
                running_mean=bn_mean[row : row + n_out].copy(),
                running_var=bn_var[row : row + n_out].copy(),
            )
        weights.append(
            LayerWeights(
                W=layout.weight_view(params, layer).copy(),
                b=layout.bias_view(params, layer).copy(),
                bn=bn,
            )
        )
    return weights
