"""Colours of the playground: class colours and markers, lookup tables, value → ARGB mapping.

Binary problems use TensorFlow Playground's orange (class 0) and blue (class 1); multi-class
problems give every class its own colour and marker shape; regression uses a diverging map.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

RGB = tuple[int, int, int]

ORANGE: RGB = (245, 147, 34)
BLUE: RGB = (8, 119, 189)
WHITE: RGB = (255, 255, 255)
MIDDLE: RGB = (246, 247, 248)  # the neutral middle of the diverging maps
INK: RGB = (31, 41, 51)

# One colour and one pyqtgraph marker per class (up to 8); class 0/1 match the binary pair.
CLASS_COLORS: tuple[RGB, ...] = (
    ORANGE, BLUE, (46, 158, 68), (214, 51, 74), (142, 92, 198), (140, 98, 57), (224, 96, 176),
    (18, 164, 176),
)  # fmt: skip
CLASS_MARKERS: tuple[str, ...] = ("o", "s", "t", "d", "p", "h", "star", "t1")

LUT_SIZE = 256


def hex_color(rgb: RGB) -> str:
    """'#rrggbb' for an RGB triple."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def lighten(rgb: RGB, amount: float) -> RGB:
    """Mix a colour toward white by `amount` (0 = unchanged, 1 = white)."""
    return tuple(int(round(c + (255 - c) * amount)) for c in rgb)  # type: ignore[return-value]


def gradient_lut(stops: list[RGB], size: int = LUT_SIZE) -> npt.NDArray[np.uint8]:
    """A lookup table uint8 (size, 3) interpolating linearly through evenly spaced stops."""
    stops_array = np.asarray(stops, dtype=np.float64)
    positions = np.linspace(0.0, 1.0, len(stops))
    t = np.linspace(0.0, 1.0, size)
    channels = [np.interp(t, positions, stops_array[:, c]) for c in range(3)]
    return np.ascontiguousarray(np.round(np.stack(channels, axis=1)).astype(np.uint8))


def diverging_lut(fade: float = 0.0, size: int = LUT_SIZE) -> npt.NDArray[np.uint8]:
    """Orange → white → blue, the ends faded toward white by `fade` (for backgrounds)."""
    return gradient_lut([lighten(ORANGE, fade), MIDDLE, lighten(BLUE, fade)], size)


def discrete_lut(fade: float = 0.0, size: int = LUT_SIZE) -> npt.NDArray[np.uint8]:
    """Two flat halves, orange below the middle and blue above: the discretized boundary."""
    lut = np.empty((size, 3), dtype=np.uint8)
    lut[: size // 2] = lighten(ORANGE, fade)
    lut[size // 2 :] = lighten(BLUE, fade)
    return lut


def class_lut(label: int, fade: float = 0.0, size: int = LUT_SIZE) -> npt.NDArray[np.uint8]:
    """White → the class colour: a class probability from 0 to 1."""
    return gradient_lut([MIDDLE, lighten(CLASS_COLORS[label], fade)], size)


def to_argb32(lut: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """An opaque 0xAARRGGBB uint32 table from an RGB uint8 (n, 3) table (QImage.Format_RGB32)."""
    rgb = lut.astype(np.uint32)
    return np.ascontiguousarray((0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])


def map_values(values: npt.NDArray[np.floating], low: float, high: float,
               lut32: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """ARGB pixels uint32 of values's shape: values clipped to [low, high] through the table."""
    span = high - low if high > low else 1.0
    scale = (lut32.shape[0] - 1) / span
    index = np.clip((np.asarray(values, dtype=np.float32) - low) * scale, 0, lut32.shape[0] - 1)
    return lut32[np.nan_to_num(index).astype(np.intp)]


def blend_classes(probabilities: npt.NDArray[np.floating], fade: float = 0.0,
                  discrete: bool = False) -> npt.NDArray[np.uint8]:
    """An RGB image uint8 (h, w, 3) from class probabilities (C, h, w): colours mixed by p."""
    classes = probabilities.shape[0]
    colors = np.asarray([lighten(CLASS_COLORS[c], fade) for c in range(classes)], np.float32)
    if discrete:
        winner = np.argmax(probabilities, axis=0)
        return np.ascontiguousarray(colors[winner].astype(np.uint8))
    p = np.clip(np.nan_to_num(probabilities.astype(np.float32)), 0.0, 1.0)
    total = np.maximum(p.sum(axis=0), 1e-6)
    mixed = np.einsum("chw,ck->hwk", p / total, colors)
    # Uncertain places (flat probabilities) fade toward white, as in the binary map.
    confidence = ((p.max(axis=0) - 1.0 / classes) / (1.0 - 1.0 / classes))[..., None]
    confidence = np.clip(confidence, 0.0, 1.0) ** 0.7
    image = np.asarray(MIDDLE, np.float32) * (1.0 - confidence) + mixed * confidence
    return np.ascontiguousarray(np.clip(image, 0, 255).astype(np.uint8))


def value_color(value: float, low: float, high: float) -> RGB:
    """The diverging map's colour for one regression value."""
    lut = diverging_lut(size=LUT_SIZE)
    span = high - low if high > low else 1.0
    i = int(np.clip((value - low) / span * (LUT_SIZE - 1), 0, LUT_SIZE - 1))
    return tuple(int(c) for c in lut[i])  # type: ignore[return-value]


def value_colors(values: npt.NDArray[np.floating], low: float, high: float
                 ) -> npt.NDArray[np.uint8]:
    """Diverging-map colours uint8 (n, 3) for regression values."""
    lut = diverging_lut(size=LUT_SIZE)
    span = high - low if high > low else 1.0
    index = np.clip((np.asarray(values) - low) / span * (LUT_SIZE - 1), 0, LUT_SIZE - 1)
    return lut[index.astype(np.intp)]


def symmetric_range(values: npt.NDArray[np.floating], floor: float = 1e-6) -> tuple[float, float]:
    """(-m, m) with m the largest |value| (at least floor): levels centred on zero."""
    finite = np.asarray(values)[np.isfinite(values)]
    m = float(np.abs(finite).max()) if finite.size else 1.0
    m = max(m, floor)
    return -m, m
