"""Where the network diagram puts things: plain geometry, no Qt. Given how many neurons each
column shows and the size of the viewport, place every neuron (x, y, size) and the ends of
every link. The diagram (network_diagram.py) moves its items to these places."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from playground.engine import NetworkSpec

MAX_NEURON = 58.0
MIN_NEURON = 12.0
READABLE_NEURON = 40.0  # a neuron may take more of its column's spacing to reach this size
LINK_SHARE = 0.42  # of the spacing a neuron takes when there is room (the rest: links)
TIGHT_SHARE = 0.62  # the most it takes on a crowded diagram (a projector beside notes)
RIGHT_MARGIN = 24.0
TOP_MARGIN = 8.0
MIN_WIDTH = 200.0  # a smaller viewport is laid out as if it had this size
MIN_HEIGHT = 120.0


@dataclass(frozen=True)
class ColumnPlacement:
    """One column of neurons: its centre, the neurons' size and each neuron's top edge."""

    centre: float
    size: float
    tops: tuple[float, ...]


def neuron_size(rows: int, spacing: float, height: float) -> float:
    """The side of a neuron in a column of `rows` neurons, columns `spacing` apart."""
    usable = height - 2 * TOP_MARGIN
    across = max(spacing * LINK_SHARE, min(spacing * TIGHT_SHARE, READABLE_NEURON))
    size = min(MAX_NEURON, usable / (rows * 1.22 + 0.2), across)
    return max(MIN_NEURON, size)


def feature_size(rows: int, height: float) -> float:
    """The side of an input neuron: the feature column is not limited by the spacing."""
    return neuron_size(rows, 1e9, height)


def place_columns(
    rows: list[int], width: float, height: float, label_width: float
) -> list[ColumnPlacement]:
    """Place columns of rows[c] neurons, the first `label_width` from the left edge (the
    feature names go there), the last a margin from the right edge."""
    usable = height - 2 * TOP_MARGIN
    first = label_width + feature_size(rows[0], height) / 2
    last = width - RIGHT_MARGIN - MAX_NEURON / 2
    spacing = (last - first) / max(len(rows) - 1, 1)
    placements = []
    for c, n in enumerate(rows):
        size = neuron_size(n, spacing, height)
        gap = min(size * 0.22, (usable - n * size) / max(n - 1, 1)) if n > 1 else 0
        tops = tuple(TOP_MARGIN + r * (size + gap) for r in range(n))
        placements.append(ColumnPlacement(first + c * spacing, size, tops))
    return placements


def link_index(network: NetworkSpec) -> npt.NDArray[np.int64]:
    """(layer, out, in) of every link, int64 (n, 3), in the order of the flattened weights; the
    `in` of layer 0 counts the inputs in use."""
    sizes = network.layer_sizes
    index = [
        (layer, j, i)
        for layer in range(len(sizes) - 1)
        for j in range(sizes[layer + 1])
        for i in range(sizes[layer])
    ]
    return np.array(index, dtype=np.int64).reshape(-1, 3)


def link_ends(
    neurons: list[npt.NDArray[np.float64]],
    index: npt.NDArray[np.int64],
    input_rows: list[int],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Start and end points, float64 (n, 2) each, of the links in `index`: from the right edge
    of the source neuron to the left edge of the target, at mid-height. neurons[c] is (rows, 3):
    x, y (top-left corner) and size of every neuron of column c, all features included;
    input_rows maps the inputs in use to their feature row."""
    starts, ends = [], []
    for layer in range(len(neurons) - 1):
        mask = index[:, 0] == layer
        src_rows = index[mask, 2]
        if layer == 0:
            src_rows = np.asarray(input_rows, dtype=np.int64)[src_rows]
        src = neurons[layer][src_rows]
        dst = neurons[layer + 1][index[mask, 1]]
        starts.append(np.column_stack([src[:, 0] + src[:, 2], src[:, 1] + src[:, 2] / 2]))
        ends.append(np.column_stack([dst[:, 0], dst[:, 1] + dst[:, 2] / 2]))
    if not starts:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return np.concatenate(starts), np.concatenate(ends)


def column_name(layer: int, network: NetworkSpec, unit: int) -> str:
    """How the hover text names a neuron of a hidden or the output layer."""
    if layer == len(network.layers) + 1:
        if network.output_units == 1:
            return "the output"
        return f"output (class {unit})"
    return f"neuron {unit + 1} of layer {layer}"
