"""How a neuron's output over the plane is coloured: its levels and its lookup table.

Layers are indexed as in GridResult: 0 the input features, 1..L the hidden layers, L+1 the
output. Bounded activations use fixed levels [-1, 1]; unbounded ones scale to their largest
magnitude; the output uses probabilities [0, 1] or the targets' range.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from playground.engine import ACTIVATIONS, NetworkSpec
from playground.ui.widgets import colors

BOUNDED_ACTIVATIONS = frozenset(name for name, a in ACTIVATIONS.items() if a.bounded)  # [-1, 1]


@dataclass(frozen=True)
class NeuronStyle:
    """Levels and colour table of one neuron's image."""

    low: float
    high: float
    lut_name: str  # a key of lut()
    palette: str = colors.DEFAULT_PALETTE

    def rgb_lut(self) -> npt.NDArray[np.uint8]:
        """The table as uint8 (256, 3), for pyqtgraph."""
        return lut(self.lut_name, self.palette)

    def argb_lut(self) -> npt.NDArray[np.uint32]:
        """The table as 0xAARRGGBB uint32 (256,), for QImage."""
        return lut32(self.lut_name, self.palette)


LUTS = {
    "diverging": lambda p: colors.diverging_lut(colors=p),
    "faded": lambda p: colors.diverging_lut(fade=colors.palette(p).background_fade, colors=p),
    "discrete": lambda p: colors.discrete_lut(colors=p),
    "faded_discrete": lambda p: colors.discrete_lut(
        fade=colors.palette(p).background_fade, colors=p
    ),
}


@cache
def lut(name: str, palette: str = colors.DEFAULT_PALETTE) -> npt.NDArray[np.uint8]:
    """A named lookup table of a palette: 'diverging', 'discrete', 'faded', 'faded_discrete'
    or 'class3' (white → the colour of class 3)."""
    if name.startswith("class"):
        return colors.class_lut(int(name[5:]), colors=palette)
    return LUTS[name](palette)


@cache
def lut32(name: str, palette: str = colors.DEFAULT_PALETTE) -> npt.NDArray[np.uint32]:
    """The named table as ARGB uint32."""
    return colors.to_argb32(lut(name, palette))


def neuron_style(
    network: NetworkSpec,
    layer: int,
    unit: int,
    image: npt.NDArray[np.floating],
    value_range: tuple[float, float] = (-1.0, 1.0),
    palette: str = colors.DEFAULT_PALETTE,
) -> NeuronStyle:
    """The levels and table for unit `unit` of grid layer `layer` showing `image`."""
    last = len(network.layers) + 1
    if layer == last:
        if network.problem == "regression":
            return NeuronStyle(*value_range, "diverging", palette)
        if network.output_units == 1:
            return NeuronStyle(0.0, 1.0, "diverging", palette)
        return NeuronStyle(0.0, 1.0, f"class{unit}", palette)
    if 1 <= layer < last and network.layers[layer - 1].activation in BOUNDED_ACTIVATIONS:
        return NeuronStyle(-1.0, 1.0, "diverging", palette)
    low, high = colors.symmetric_range(image)
    return NeuronStyle(low, high, "diverging", palette)


def render_neuron(
    network: NetworkSpec,
    layer: int,
    unit: int,
    image: npt.NDArray[np.floating],
    value_range: tuple[float, float] = (-1.0, 1.0),
    palette: str = colors.DEFAULT_PALETTE,
) -> npt.NDArray[np.uint32]:
    """ARGB pixels uint32 (h, w) of a neuron's image, row 0 at the bottom of the plane."""
    style = neuron_style(network, layer, unit, image, value_range, palette)
    return colors.map_values(image, style.low, style.high, style.argb_lut())


def render_layer(
    network: NetworkSpec,
    layer: int,
    images: npt.NDArray[np.floating],
    value_range: tuple[float, float] = (-1.0, 1.0),
    palette: str = colors.DEFAULT_PALETTE,
) -> npt.NDArray[np.uint32]:
    """ARGB pixels uint32 (units, h, w) of every unit of grid layer `layer` from its images
    (units, h, w): what `render_neuron` gives unit by unit, in one pass per colour table."""
    styles = [
        neuron_style(network, layer, unit, images[unit], value_range, palette)
        for unit in range(images.shape[0])
    ]
    pixels = np.empty(images.shape, dtype=np.uint32)
    for lut_name in dict.fromkeys(style.lut_name for style in styles):
        units = [unit for unit, style in enumerate(styles) if style.lut_name == lut_name]
        low = np.array([styles[unit].low for unit in units])[:, None, None]
        high = np.array([styles[unit].high for unit in units])[:, None, None]
        pixels[units] = colors.map_values(
            images[units] if len(units) < images.shape[0] else images,
            low,
            high,
            lut32(lut_name, palette),
        )
    return pixels
