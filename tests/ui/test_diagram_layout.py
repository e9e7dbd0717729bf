"""The network diagram's geometry, without a window (playground/ui/views/diagram_layout.py)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import FEATURES, LayerSpec, NetworkSpec
from playground.ui.views.diagram_layout import (
    MAX_NEURON,
    MIN_NEURON,
    RIGHT_MARGIN,
    TOP_MARGIN,
    column_name,
    link_ends,
    link_index,
    place_columns,
)


def test_columns_fill_the_width_and_stay_inside_the_height():
    rows = [len(FEATURES), 4, 3, 1]
    placements = place_columns(rows, width=800, height=400, label_width=60)
    centres = [p.centre for p in placements]
    assert np.allclose(np.diff(centres), np.diff(centres)[0])  # evenly spaced
    assert centres[-1] == pytest.approx(800 - RIGHT_MARGIN - MAX_NEURON / 2)
    for place, n in zip(placements, rows, strict=True):
        assert len(place.tops) == n
        assert MIN_NEURON <= place.size <= MAX_NEURON
        assert place.tops[0] == TOP_MARGIN
        assert place.tops[-1] + place.size <= 400 - TOP_MARGIN + 1e-9
        assert np.all(np.diff(place.tops) >= place.size)  # no overlap


def test_a_crowded_column_gets_smaller_neurons():
    few, many = place_columns([2, 2, 8, 1], width=600, height=300, label_width=40)[1:3]
    assert many.size < few.size


def test_wider_labels_push_the_first_column_right():
    narrow = place_columns([2, 1], 600, 300, label_width=20)[0].centre
    wide = place_columns([2, 1], 600, 300, label_width=90)[0].centre
    assert wide == pytest.approx(narrow + 70)


def test_links_follow_the_flattened_weights():
    network = NetworkSpec(inputs=("x1", "x2", "x1*x2"), layers=(LayerSpec(units=4),))
    index = link_index(network)
    assert len(index) == 3 * 4 + 4 * 1
    assert index[:3].tolist() == [[0, 0, 0], [0, 0, 1], [0, 0, 2]]  # W[out, in] order
    assert index[-1].tolist() == [1, 0, 3]


def test_links_run_from_the_right_edge_to_the_left_edge():
    network = NetworkSpec(inputs=("x2",), layers=(LayerSpec(units=1),))
    features = np.array([(0.0, 10.0 * r, 10.0) for r in range(len(FEATURES))])
    hidden = np.array([(50.0, 0.0, 20.0)])
    output = np.array([(100.0, 5.0, 10.0)])
    starts, ends = link_ends(
        [features, hidden, output], link_index(network), [list(FEATURES).index("x2")]
    )
    row = list(FEATURES).index("x2")
    assert starts.tolist() == [[10.0, 10.0 * row + 5.0], [70.0, 10.0]]
    assert ends.tolist() == [[50.0, 10.0], [100.0, 10.0]]


def test_column_names():
    network = NetworkSpec(layers=(LayerSpec(units=2),))
    assert column_name(1, network, 1) == "neuron 2 of layer 1"
    assert column_name(2, network, 0) == "the output"
