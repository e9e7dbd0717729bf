"""Point drawing on the output plot: click to add, drag to spray, drag a point to move it,
right-click or the eraser to remove. Works on the DataEditor's PointEditor (one undo step per
stroke); coordinates are data units, radii come in pixels and are converted with `pixel`."""

from __future__ import annotations

import numpy as np

from playground.ui.models.data_editor import DataEditor

PICK_PIXELS = 9.0  # a press this close to a point grabs it
ERASE_PIXELS = 14.0
SPRAY_PIXELS = 16.0  # spray radius
SPRAY_SPACING_PIXELS = 7.0  # the cursor moves this far between two sprayed points


class PointDrawing:
    """Turns mouse gestures (in data coordinates) into PointEditor edits."""

    def __init__(self, data: DataEditor) -> None:
        self._data = data
        self._rng = np.random.default_rng(12345)
        self._mode: str | None = None  # "move", "spray", "erase" during a drag
        self._moving: int | None = None
        self._last: tuple[float, float] | None = None
        self._refused = False  # the banner says a drawn point was refused (the point limit)

    @property
    def _editor(self):  # noqa: ANN202 - the DataEditor's PointEditor
        return self._data.editor

    def _label(self) -> float:
        draw = self._data.draw
        if self._editor.points.problem == "regression":
            return float(draw.value)
        return float(min(draw.label, self._editor.points.classes - 1))

    def _add(self, xy: np.ndarray) -> bool:
        try:
            self._editor.add_many(xy, self._label(), self._data.draw.as_test)
        except ValueError as error:
            self._data.notice.emit("warning", str(error))
            self._refused = True
            return False
        self._edited()
        return True

    def _remove(self, indices: np.ndarray | list[int]) -> None:
        self._editor.remove(indices)
        self._edited()

    def _edited(self) -> None:
        """An edit went through: a refusal shown earlier no longer applies."""
        if self._refused:
            self._refused = False
            self._data.notice.emit("", "")

    # ----- gestures ---------------------------------------------------------------------------

    def click(self, x: float, y: float, right: bool, pixel: float) -> None:
        """A click: add a point, or remove the nearest (right button or eraser)."""
        if right or self._data.draw.tool == "erase":
            index = self._editor.nearest(x, y, PICK_PIXELS * pixel * (1.6 if not right else 1))
            if index is not None:
                self._remove([index])
            return
        self._add(np.array([[x, y]]))

    def drag_start(self, x: float, y: float, right: bool, pixel: float) -> None:
        """Begin a stroke: move the point under the cursor, spray, or erase."""
        self._editor.begin_stroke()
        self._last = (x, y)
        if right or self._data.draw.tool == "erase":
            self._mode = "erase"
            self._erase(x, y, pixel)
            return
        index = self._editor.nearest(x, y, PICK_PIXELS * pixel)
        if index is not None:
            self._mode, self._moving = "move", index
        else:
            self._mode = "spray"
            self._spray(x, y, pixel)

    def drag_move(self, x: float, y: float, pixel: float) -> None:
        """Continue the stroke."""
        if self._mode == "move" and self._moving is not None:
            self._editor.move(self._moving, x, y)
        elif self._mode == "erase":
            self._erase(x, y, pixel)
        elif self._mode == "spray" and self._last is not None:
            distance = np.hypot(x - self._last[0], y - self._last[1]) / pixel
            if distance >= SPRAY_SPACING_PIXELS:
                self._spray(x, y, pixel)
                self._last = (x, y)

    def drag_end(self) -> None:
        """Finish the stroke (one undo step)."""
        self._editor.end_stroke()
        self._mode = self._moving = self._last = None

    def _spray(self, x: float, y: float, pixel: float) -> None:
        radius = SPRAY_PIXELS * pixel * np.sqrt(self._rng.uniform(0, 1, 2))
        angle = self._rng.uniform(0, 2 * np.pi, 2)
        xy = np.column_stack([x + radius * np.cos(angle), y + radius * np.sin(angle)])
        self._add(xy)

    def _erase(self, x: float, y: float, pixel: float) -> None:
        points = self._editor.points
        if points.n == 0:
            return
        distance = np.hypot(points.xy[:, 0] - x, points.xy[:, 1] - y)
        hit = np.flatnonzero(distance <= ERASE_PIXELS * pixel)
        if hit.size:
            self._remove(hit)
