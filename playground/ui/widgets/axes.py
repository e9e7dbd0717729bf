"""Axes whose tick labels never crowd: the spacing follows the pixels an axis has."""

from __future__ import annotations

import math

import pyqtgraph as pg


def even_step(at_least: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is at least `at_least` (> 0)."""
    power = 10.0 ** math.floor(math.log10(at_least))
    return next(power * m for m in (1.0, 2.0, 5.0, 10.0) if power * m >= at_least * (1 - 1e-9))


class SpacedAxis(pg.AxisItem):
    """Ticks at a 1-2-5 spacing with labels never closer than `min_gap` pixels. Two such axes
    on a view that keeps x and y at one scale tick alike (a unit looks the same both ways)."""

    min_gap = 36.0  # pixels between labels

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803, ANN001, ANN201 - pyqtgraph API
        if not (maxVal > minVal and size > 0):
            return super().tickSpacing(minVal, maxVal, size)
        return [(even_step(self.min_gap * (maxVal - minVal) / size), 0.0)]
