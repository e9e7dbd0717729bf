"""Colours of the playground: palettes, class colours and markers, lookup tables, value → ARGB.

Binary problems use TensorFlow Playground's orange (class 0) and blue (class 1), or the ends of
the colour-blind-safe CET-CBD1 map; every class also has its own marker shape, so classes differ
by shape as well as by colour; regression uses the palette's diverging map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg

RGB = tuple[int, int, int]

ORANGE: RGB = (245, 147, 34)
BLUE: RGB = (8, 119, 189)
WHITE: RGB = (255, 255, 255)
MIDDLE: RGB = (246, 247, 248)  # the neutral middle of the diverging maps
INK: RGB = (31, 41, 51)

# One colour and one pyqtgraph marker per class (up to 8); class 0/1 match the binary pair.
# Markers differ for every class (binary included): colour is never the only difference.
CLASS_COLORS: tuple[RGB, ...] = (
    ORANGE, BLUE, (46, 158, 68), (214, 51, 74), (142, 92, 198), (140, 98, 57), (224, 96, 176),
    (18, 164, 176),
)  # fmt: skip
# The marker shapes are pyqtgraph's symbols (pyqtgraph.graphicsItems.ScatterPlotItem.Symbols),
# drawn as they are by the plot and by the class picker (icons.marker_path): one table for both.
# pyqtgraph's "t" points down, "t1" up.
CLASS_MARKERS: tuple[str, ...] = ("o", "s", "t1", "d", "p", "h", "star", "t")
MARKER_SCALES: dict[str, float] = {"s": 0.88}  # squares look bigger than circles of one width

LUT_SIZE = 256


@dataclass(frozen=True)
class Palette:
    """The data colours: a diverging map from class 0 (negative) to class 1 (positive) through
    a light middle, and one colour per class (0 and 1 are the map's ends)."""

    name: str
    title: str
    stops: tuple[RGB, ...]  # evenly spaced colours of the diverging map, negative first
    classes: tuple[RGB, ...]
    background_fade: float = 0.3  # how much lighter the output view's background is

    @property
    def negative(self) -> RGB:
        """Class 0, negative weights and values."""
        return self.stops[0]

    @property
    def positive(self) -> RGB:
        """Class 1, positive weights and values."""
        return self.stops[-1]

    @property
    def middle(self) -> RGB:
        """The neutral middle of the map."""
        return self.stops[len(self.stops) // 2]


# CET-CBD1 sampled at 17 points, yellow end first (what _cbd1_stops reads from pyqtgraph): the
# fallback when pyqtgraph's colour-map files are not there (e.g. a frozen app without them).
CBD1_STOPS: tuple[RGB, ...] = (
    (168, 144, 8), (179, 154, 50), (189, 166, 79), (199, 177, 106), (209, 189, 132),
    (218, 202, 158), (226, 214, 185), (233, 227, 212), (237, 237, 236), (222, 227, 243),
    (205, 214, 245), (187, 202, 247), (168, 190, 249), (147, 178, 250), (124, 166, 252),
    (96, 155, 253), (58, 144, 254),
)  # fmt: skip


def cbd1_stops() -> tuple[RGB, ...]:
    """pyqtgraph's CET-CBD1, 17 evenly spaced colours from yellow to blue."""
    try:
        table = pg.colormap.get("CET-CBD1").getLookupTable(nPts=17, mode=pg.ColorMap.BYTE)
    except (OSError, ValueError, KeyError, AttributeError):
        return CBD1_STOPS
    return tuple(tuple(int(c) for c in row[:3]) for row in table[::-1])  # type: ignore[misc]


def _cet_cbd1() -> Palette:
    """Colorcet's CET-CBD1 (blue – grey – yellow, safe for red-green colour blindness), turned
    so that yellow is class 0 and blue class 1; more classes from the Okabe–Ito set."""
    stops = cbd1_stops()
    classes = (stops[0], stops[-1], (0, 158, 115), (213, 94, 0), (204, 121, 167), (0, 0, 0),
               (86, 180, 233), (120, 120, 120))  # fmt: skip
    # darker ends than orange and blue: a lighter background keeps the points standing out
    return Palette(
        "cbd1",
        "Colour-blind safe (CET-CBD1)",
        stops,
        classes,  # type: ignore[arg-type]
        background_fade=0.45,
    )


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        Palette("orange_blue", "Orange and blue", (ORANGE, MIDDLE, BLUE), CLASS_COLORS),
        _cet_cbd1(),
    )
}
DEFAULT_PALETTE = "orange_blue"


def palette(name: str | Palette | None = None) -> Palette:
    """A palette by name (None: the default)."""
    if isinstance(name, Palette):
        return name
    return PALETTES[name or DEFAULT_PALETTE]


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


def diverging_lut(
    fade: float = 0.0, size: int = LUT_SIZE, colors: str | Palette | None = None
) -> npt.NDArray[np.uint8]:
    """Class 0 → light middle → class 1 (orange → white → blue by default), faded toward white
    by `fade` (for backgrounds)."""
    stops = palette(colors).stops
    middle = len(stops) // 2
    faded = [s if i == middle else lighten(s, fade) for i, s in enumerate(stops)]
    return gradient_lut(faded, size)


def discrete_lut(
    fade: float = 0.0, size: int = LUT_SIZE, colors: str | Palette | None = None
) -> npt.NDArray[np.uint8]:
    """Two flat halves, class 0 below the middle and class 1 above: the discretized boundary."""
    p = palette(colors)
    lut = np.empty((size, 3), dtype=np.uint8)
    lut[: size // 2] = lighten(p.negative, fade)
    lut[size // 2 :] = lighten(p.positive, fade)
    return lut


def class_color(label: int, colors: str | Palette | None = None) -> RGB:
    """The colour of a class."""
    return palette(colors).classes[label]


def class_lut(
    label: int, fade: float = 0.0, size: int = LUT_SIZE, colors: str | Palette | None = None
) -> npt.NDArray[np.uint8]:
    """Light middle → the class colour: a class probability from 0 to 1."""
    p = palette(colors)
    return gradient_lut([p.middle, lighten(p.classes[label], fade)], size)


def to_argb32(lut: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """An opaque 0xAARRGGBB uint32 table from an RGB uint8 (n, 3) table (QImage.Format_RGB32)."""
    rgb = lut.astype(np.uint32)
    return np.ascontiguousarray((0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])


def map_values(
    values: npt.NDArray[np.floating],
    low: float | npt.NDArray[np.float32],
    high: float | npt.NDArray[np.float32],
    lut32: npt.NDArray[np.uint32],
) -> npt.NDArray[np.uint32]:
    """ARGB pixels uint32 of values's shape: values clipped to [low, high] through the table
    (low and high may be arrays that broadcast against values: levels per image)."""
    low64, high64 = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    span = np.where(high64 > low64, high64 - low64, 1.0)
    scale = ((lut32.shape[0] - 1) / span).astype(np.float32)
    index = (np.asarray(values, dtype=np.float32) - low64.astype(np.float32)) * scale
    np.clip(index, 0, lut32.shape[0] - 1, out=index)
    index[np.isnan(index)] = 0
    return lut32[index.astype(np.intp)]


def blend_classes(
    probabilities: npt.NDArray[np.floating],
    fade: float = 0.0,
    discrete: bool = False,
    colors: str | Palette | None = None,
) -> npt.NDArray[np.uint8]:
    """An RGB image uint8 (h, w, 3) from class probabilities (C, h, w): colours mixed by p."""
    p_colors = palette(colors)
    classes = probabilities.shape[0]
    table = np.asarray([lighten(p_colors.classes[c], fade) for c in range(classes)], np.float32)
    if discrete:
        winner = np.argmax(probabilities, axis=0)
        return np.ascontiguousarray(table[winner].astype(np.uint8))
    p = np.clip(np.nan_to_num(probabilities.astype(np.float32)), 0.0, 1.0)
    total = np.maximum(p.sum(axis=0), 1e-6)
    mixed = np.einsum("chw,ck->hwk", p / total, table)
    # Uncertain places (flat probabilities) fade toward the middle, as in the binary map.
    confidence = ((p.max(axis=0) - 1.0 / classes) / (1.0 - 1.0 / classes))[..., None]
    confidence = np.clip(confidence, 0.0, 1.0) ** 0.7
    image = np.asarray(p_colors.middle, np.float32) * (1.0 - confidence) + mixed * confidence
    return np.ascontiguousarray(np.clip(image, 0, 255).astype(np.uint8))


def value_color(value: float, low: float, high: float, colors: str | Palette | None = None) -> RGB:
    """The diverging map's colour for one regression value."""
    return tuple(
        int(c)
        for c in value_colors(
            np.array([value]),
            low,
            high,  # type: ignore
            colors,
        )[0]
    )


def value_colors(
    values: npt.NDArray[np.floating], low: float, high: float, colors: str | Palette | None = None
) -> npt.NDArray[np.uint8]:
    """Diverging-map colours uint8 (n, 3) for regression values."""
    lut = diverging_lut(size=LUT_SIZE, colors=colors)
    span = high - low if high > low else 1.0
    index = np.clip(
        (np.asarray(values, dtype=np.float64) - low) / span * (LUT_SIZE - 1), 0, LUT_SIZE - 1
    )
    return lut[np.nan_to_num(index).astype(np.intp)]


def point_colors(
    labels: npt.NDArray[np.floating],
    problem: str,
    value_range: tuple[float, float],
    colors: str | Palette | None = None,
) -> npt.NDArray[np.uint8]:
    """Fill colours uint8 (n, 3) of points: their class colour, or their value's colour."""
    if problem == "regression":
        return value_colors(labels, *value_range, colors=colors)
    return np.asarray(palette(colors).classes, dtype=np.uint8)[labels.astype(np.intp)]


def symmetric_range(values: npt.NDArray[np.floating], floor: float = 1e-6) -> tuple[float, float]:
    """(-m, m) with m the largest |value| (at least floor): levels centred on zero."""
    finite = np.asarray(values)[np.isfinite(values)]
    m = float(np.abs(finite).max()) if finite.size else 1.0
    m = max(m, floor)
    return -m, m
