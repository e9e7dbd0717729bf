"""The network diagram's thumbnails: a layer coloured in one pass is what each neuron coloured
alone gives, and small neurons take no more grid points than they have pixels."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import LayerSpec, NetworkSpec
from playground.ui.views.network_diagram import THUMBNAIL_PIXELS, thumbnail_step
from playground.ui.widgets import colors
from playground.ui.widgets.neuron_style import render_layer, render_neuron


def _images(units: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    images = (rng.normal(size=(units, 12, 9)) * 3).astype(np.float32)
    images[0, 0, 0] = np.nan  # a diverged value
    images[-1, 1, 1] = np.inf
    images[1] = 0.0  # a flat image (levels of zero width)
    return images


@pytest.mark.parametrize(
    ("network", "layer"),
    [
        (NetworkSpec(("x1", "x2"), (LayerSpec(5, "tanh"),)), 1),  # bounded: fixed levels
        (NetworkSpec(("x1", "x2"), (LayerSpec(5, "relu"),)), 1),  # levels per neuron
        (
            NetworkSpec(("x1", "x2"), (LayerSpec(4, "relu"),), "classification", 3),
            2,
        ),  # a table each
        (NetworkSpec(("x1", "x2"), (LayerSpec(4, "relu"),), "regression", 1), 2),
    ],
)
def test_a_layer_in_one_pass_is_each_neuron_alone(network: NetworkSpec, layer: int) -> None:
    units = network.output_units if layer == len(network.layers) + 1 else 5
    images = _images(max(units, 2))[:units] if units > 1 else _images(2)[:1]
    value_range = (-2.5, 4.0)
    for palette in colors.PALETTES:
        together = render_layer(network, layer, images, value_range, palette)
        alone = [
            render_neuron(network, layer, unit, images[unit], value_range, palette)
            for unit in range(units)
        ]
        np.testing.assert_array_equal(together, np.stack(alone))


def test_levels_per_image_map_as_one_level_each() -> None:
    lut = np.arange(256, dtype=np.uint32)
    values = np.linspace(-3, 3, 40, dtype=np.float32).reshape(2, 4, 5)
    low, high = np.array([-1.0, -3.0])[:, None, None], np.array([1.0, 2.0])[:, None, None]
    together = colors.map_values(values, low, high, lut)
    for i in range(2):
        alone = colors.map_values(values[i], float(low[i, 0, 0]), float(high[i, 0, 0]), lut)
        np.testing.assert_array_equal(together[i], alone)


def test_small_neurons_take_as_many_grid_points_as_they_have_pixels() -> None:
    assert thumbnail_step(100, 60.0) == 100 // THUMBNAIL_PIXELS  # big neurons: the cap
    assert thumbnail_step(100, 14.0) == 7  # 15 points for 14 pixels
    assert len(range(0, 100, thumbnail_step(100, 14.0))) >= 14
    assert thumbnail_step(20, 14.0) == 1  # a coarse grid: every point
    assert thumbnail_step(100, 0.0) == 100  # a neuron with no room: one point


def test_the_diagrams_thumbnails_are_the_frames_grid_at_the_neurons_size(
    qtbot, make_window
) -> None:  # noqa: ANN001, E501
    from playground.ui.gui_bench import big_session

    window = make_window(big_session())
    controller = window.controller
    frames = []
    controller.runner.frame_ready.connect(frames.append)
    controller.step_batch()
    qtbot.waitUntil(lambda: bool(frames), timeout=60_000)
    diagram = window.network_panel.diagram
    grid = frames[-1].snapshot.grid
    for layer in (1, 8, 9):  # the first and last hidden layers, the output
        column = diagram.columns[layer]
        step = thumbnail_step(grid.request.resolution, column[0].size * diagram.devicePixelRatioF())
        expected = render_layer(
            frames[-1].network,
            layer,
            grid.layers[layer][:, ::-step, ::step],
            palette=controller.appearance.look.palette,
        )
        side = expected.shape[1]
        needed = column[0].size * diagram.devicePixelRatioF()
        assert min(needed, THUMBNAIL_PIXELS) <= side <= THUMBNAIL_PIXELS
        for item, pixels in zip(column, expected, strict=True):
            shown = np.frombuffer(item._image.bits(), np.uint32, count=side * side)
            np.testing.assert_array_equal(shown.reshape(side, side), pixels)
