"""Rings around chosen data points on a plot (e.g. the points a confusion-matrix cell counts)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.data.points import Points
from playground.ui.widgets.appearance import Look

RING_COLOR = "#111111"
HALO_COLOR = "#ffd400"
RING_GROWTH = 9.0  # pixels wider than a point


class HighlightLayer:
    """A ring (dark line on a yellow halo) around each highlighted point, above the points."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self.halo = pg.ScatterPlotItem(pxMode=True, brush=None)
        self.ring = pg.ScatterPlotItem(pxMode=True, brush=None)
        for z, item in enumerate((self.halo, self.ring)):
            item.setZValue(20 + z)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            view_box.addItem(item)
        self.indices = np.zeros(0, np.intp)
        self._look = Look()

    def apply_look(self, look: Look, point_size: float) -> None:
        """Ring widths for the look (thicker when presenting)."""
        self._look = look
        size = point_size + RING_GROWTH
        self.halo.setSize(size)
        self.ring.setSize(size)
        self.halo.setPen(pg.mkPen(HALO_COLOR, width=look.line(5.0)))
        self.ring.setPen(pg.mkPen(RING_COLOR, width=look.line(1.8)))

    def show(self, points: Points, indices: npt.ArrayLike | None) -> None:
        """Ring points[indices] (indices into all points); None or empty clears."""
        chosen = np.zeros(0, np.intp) if indices is None else np.asarray(indices, np.intp)
        chosen = chosen[(chosen >= 0) & (chosen < points.n)]
        self.indices = chosen
        xy = points.xy[chosen] if chosen.size else np.zeros((0, 2))
        self.halo.setData(pos=xy, brush=None)
        self.ring.setData(pos=xy, brush=None)


__all__ = ["HighlightLayer"]
