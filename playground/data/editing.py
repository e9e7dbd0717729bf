"""PointEditor: an editable point set with undo/redo and change listeners (no Qt)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from playground.data.points import MAX_POINTS, Points, too_many_points

MAX_UNDO = 100

Listener = Callable[[Points], None]
Indices = int | Sequence[int] | npt.NDArray[np.integer]


class PointEditor:
    """Holds the current Points; every edit is one undo step (a stroke groups several)."""

    def __init__(
        self,
        points: Points | None = None,
        *,
        max_points: int = MAX_POINTS,
        max_undo: int = MAX_UNDO,
    ) -> None:
        """Start from points (default: an empty two-class set) with an empty history."""
        self._points = points if points is not None else Points.empty()
        self.max_points = max_points
        self.max_undo = max_undo
        # Points are immutable, so the history is simply the states before each step.
        self._undo: list[Points] = []
        self._redo: list[Points] = []
        self._stroke_depth = 0
        self._stroke_start: Points | None = None
        self._listeners: list[Listener] = []

    def __repr__(self) -> str:
        """A short summary of the state and history."""
        return f"PointEditor({self._points!r}, undo={len(self._undo)}, redo={len(self._redo)})"

    @property
    def points(self) -> Points:
        """The current point set."""
        return self._points

    @property
    def can_undo(self) -> bool:
        """Whether undo() would change anything."""
        return bool(self._undo) or self._stroke_changed()

    @property
    def can_redo(self) -> bool:
        """Whether redo() would change anything."""
        return bool(self._redo)

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call callback(points) after every change; returns a function that unsubscribes."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    # --- strokes -------------------------------------------------------------------------

    def begin_stroke(self) -> None:
        """Start grouping edits (e.g. one drag or spray stroke) into a single undo step."""
        if self._stroke_depth == 0:
            self._stroke_start = self._points
        self._stroke_depth += 1

    def end_stroke(self) -> None:
        """Finish the group begun by begin_stroke(); a no-op when no stroke is open."""
        if self._stroke_depth == 0:
            return
        self._stroke_depth -= 1
        if self._stroke_depth == 0:
            start, self._stroke_start = self._stroke_start, None
            if start is not None and start is not self._points:
                self._push_undo(start)

    @contextmanager
    def stroke(self) -> Iterator[None]:
        """Context manager form of begin_stroke()/end_stroke()."""
        self.begin_stroke()
        try:
            yield
        finally:
            self.end_stroke()

    # --- edits ---------------------------------------------------------------------------

    def add(self, x: float, y: float, label: float, is_test: bool = False) -> int:
        """Add one point; returns its index."""
        self.add_many([[x, y]], [label], [is_test])
        return self._points.n - 1

    def add_many(
        self,
        xy: npt.ArrayLike,
        labels: npt.ArrayLike,
        is_test: npt.ArrayLike | None = None,
    ) -> None:
        """Add m points (xy (m, 2); labels and is_test (m,) or one value for all) as one step."""
        new_xy = np.asarray(xy, dtype=np.float64)
        if new_xy.size == 0:
            return
        if new_xy.ndim != 2 or new_xy.shape[1] != 2:
            raise ValueError(f"xy must have shape (m, 2), got {new_xy.shape}")
        m = new_xy.shape[0]
        points = self._points
        if points.n + m > self.max_points:
            raise too_many_points(points.n + m, self.max_points)
        new_labels = np.broadcast_to(np.asarray(labels, dtype=np.float64), (m,))
        new_test = np.broadcast_to(np.asarray(False if is_test is None else is_test), (m,))
        self._commit(
            points.with_points(
                np.concatenate((points.xy, new_xy)),
                np.concatenate((points.labels, new_labels)),
                np.concatenate((points.is_test, new_test)),
                np.concatenate((points.is_validation, np.zeros(m, dtype=np.bool_))),
            )
        )

    def remove(self, indices: Indices) -> None:
        """Remove the points at indices."""
        index = self._indices(indices)
        if index.size == 0:
            return
        points = self._points
        keep = np.ones(points.n, dtype=np.bool_)
        keep[index] = False
        self._commit(
            points.with_points(
                points.xy[keep],
                points.labels[keep],
                points.is_test[keep],
                points.is_validation[keep],
            )
        )

    def move(self, index: int, x: float, y: float) -> None:
        """Move point index to (x, y)."""
        (i,) = self._indices([index])
        points = self._points
        if points.xy[i, 0] == x and points.xy[i, 1] == y:
            return
        xy = points.xy.copy()
        xy[i] = (x, y)
        self._commit(points.with_points(xy, points.labels, points.is_test, points.is_validation))

    def relabel(self, indices: Indices, label: float) -> None:
        """Give the points at indices a new label (class index or regression target)."""
        index = self._indices(indices)
        points = self._points
        if np.all(points.labels[index] == label):
            return
        labels = points.labels.copy()
        labels[index] = label
        self._commit(points.with_points(points.xy, labels, points.is_test, points.is_validation))

    def set_test(self, indices: Indices, is_test: bool = True) -> None:
        """Mark the points at indices as test (True) or train (False) points."""
        index = self._indices(indices)
        points = self._points
        if np.all(points.is_test[index] == is_test) and not points.is_validation[index].any():
            return
        split = points.is_test.copy()
        split[index] = is_test
        validation = points.is_validation.copy()
        validation[index] = False
        self._commit(points.with_points(points.xy, points.labels, split, validation))

    def clear(self) -> None:
        """Remove every point, keeping the problem and classes."""
        if self._points.n:
            self._commit(Points.empty(self._points.problem, self._points.classes))

    def replace(self, points: Points) -> None:
        """Replace the whole set (a preset, a CSV, another problem or class count) undoably."""
        if points is not self._points:
            self._commit(points)

    def reset(self, points: Points | None = None) -> None:
        """Start over from points (default: empty) with no undo history, e.g. after Open."""
        self._undo.clear()
        self._redo.clear()
        self._stroke_depth = 0
        self._stroke_start = None
        self._set(points if points is not None else Points.empty())

    # --- history -------------------------------------------------------------------------

    def undo(self) -> bool:
        """Undo the last step (closing an open stroke first); returns whether anything changed."""
        self._close_stroke()
        if not self._undo:
            return False
        self._redo.append(self._points)
        self._set(self._undo.pop())
        return True

    def redo(self) -> bool:
        """Redo the last undone step; returns whether anything changed."""
        self._close_stroke()
        if not self._redo:
            return False
        self._undo.append(self._points)
        self._set(self._redo.pop())
        return True

    # --- queries -------------------------------------------------------------------------

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """Index of the point nearest to (x, y) within radius, or None."""
        points = self._points
        if points.n == 0:
            return None
        distance = np.hypot(points.xy[:, 0] - x, points.xy[:, 1] - y)
        i = int(np.argmin(distance))
        return i if distance[i] <= radius else None

    # --- internals -----------------------------------------------------------------------

    def _indices(self, indices: Indices) -> npt.NDArray[np.intp]:
        """Validated 1-D array of point indices; IndexError when one is out of range."""
        index = np.atleast_1d(np.asarray(indices))
        if index.size == 0:
            return np.zeros(0, dtype=np.intp)
        if index.ndim != 1 or index.dtype.kind not in "iu":
            raise IndexError(f"indices must be integers, got {indices!r}")
        n = self._points.n
        bad = (index < 0) | (index >= n)
        if bad.any():
            raise IndexError(f"point index {index[bad][0]} is out of range 0..{n - 1}")
        return index.astype(np.intp)

    def _commit(self, points: Points) -> None:
        """Make points current as a new step (or part of the open stroke); drops redo."""
        if self._stroke_depth == 0:
            self._push_undo(self._points)
        self._redo.clear()
        self._set(points)

    def _push_undo(self, points: Points) -> None:
        """Append a state to the undo history, forgetting the oldest beyond max_undo."""
        self._undo.append(points)
        del self._undo[: max(0, len(self._undo) - self.max_undo)]

    def _stroke_changed(self) -> bool:
        """Whether an open stroke has changed the points."""
        return self._stroke_start is not None and self._stroke_start is not self._points

    def _close_stroke(self) -> None:
        """End any open stroke, however deeply nested."""
        if self._stroke_depth:
            self._stroke_depth = 1
            self.end_stroke()

    def _set(self, points: Points) -> None:
        """Make points current and tell the listeners."""
        self._points = points
        for callback in list(self._listeners):
            callback(points)
