"""The loss landscape of the current run, as the view shows it (no Qt).

Fed with the training worker's frames: it keeps the run's path through weight space (the flat
parameters of every frame, thinned out when long) and the plane, and builds the landscape
worker's requests. A new run (reset, a new network, an opened session) starts a new path and a
new plane; edited data or another loss reach the worker with the frame's loss inputs.

Directions: "random" draws two filter-normalised directions once per run (seed 0, as the
command line's default) through the run's first weights; Re-centre puts the plane through the
current weights (the same draw, filter-normalised there). "pca" spans the path's first two
principal components through the current weights and follows the path as it grows (the
landscape worker computes it); its grid reaches the path's farthest point. Until the path
has two points a PCA view shows the random plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine.landscape import Plane, project, random_plane
from playground.engine.neuron_masks import outgoing_indices
from playground.landscape_worker import LandscapeRequest
from playground.worker import Frame

Array = npt.NDArray[np.float64]
DIRECTIONS = {  # how the plane is chosen: the view's choice box is filled from here
    "random": "Random",
    "pca": "PCA",
}
RESOLUTION = 31
SPAN = 1.0  # α, β ∈ [−SPAN, SPAN] on a random plane (the command line's default)
LINE_POINTS = 41  # points on the line from the run's start to now
MAX_PATH = 256  # path points kept; beyond, every other one is dropped
SEED = 0


@dataclass(frozen=True, eq=False)
class Move:
    """A click on the landscape: the flat parameters (P,) of run `run` to move to."""

    params: Array
    run: int
    alpha: float
    beta: float


class LandscapeModel:
    """The run's path and plane; builds requests for the landscape worker."""

    def __init__(self, directions: str = "random", resolution: int = RESOLUTION) -> None:
        self.directions = _checked(directions)
        self.resolution = resolution
        self.line_ts = np.linspace(0.0, 1.0, LINE_POINTS)
        self.clear()

    def clear(self) -> None:
        """Forget the run (nothing to show until the next frame)."""
        self.run: int | None = None
        self.path: list[Array] = []
        self.current: Array | None = None
        self.start: Array | None = None
        self.inputs: Any = None
        self.kernels: Any = None
        self.plane: Plane | None = None  # the random plane (PCA planes come with results)
        self.held: list[int] = []  # flat indices the plane does not move (off neurons' out)
        self._path_array: Array | None = None  # np.array(path), made once per change

    # ----- frames ---------------------------------------------------------------------------

    def add_frame(self, frame: Frame) -> bool:
        """Take a frame's parameters and loss inputs; True if it started a new run."""
        if frame.params is None or frame.loss_inputs is None:
            return False
        new_run = (
            frame.run != self.run
            or self.current is None
            or frame.params.shape != self.current.shape
        )
        if new_run:
            self.clear()
            self.run = frame.run
        self.inputs, self.kernels = frame.loss_inputs, frame.kernels
        self.start = frame.start_params if frame.start_params is not None else frame.params
        self.current = frame.params
        if not self.path or not np.array_equal(self.path[-1], frame.params):
            self.path.append(frame.params)
            self._path_array = None
            self._thin()
        held = outgoing_indices(self.inputs.layout.table, frame.masks) if frame.masks else []
        if self.plane is None or held != self.held:  # switched-off neurons' weights stay 0
            self.held = held
            centre = self.start if self.plane is None else self.plane.centre
            self.plane = random_plane(self.inputs.layout, centre, SEED, held)
        return new_run

    def _thin(self) -> None:
        """Keep at most MAX_PATH points: the first, every other one, the last."""
        if len(self.path) <= MAX_PATH:
            return
        keep = [*range(0, len(self.path) - 1, 2), len(self.path) - 1]
        self.path = [self.path[i] for i in keep]

    def path_array(self) -> Array:
        """The path as float64 (N, P) (the same array until the path changes)."""
        if self._path_array is None:
            self._path_array = np.array(self.path) if self.path else np.zeros((0, 0))
        return self._path_array

    def path_on(self, plane: Plane) -> Array:
        """The path's (α, β) on a plane, float64 (N, 2)."""
        path = self.path_array()
        return project(plane, path) if len(path) else np.zeros((0, 2))

    # ----- the plane ------------------------------------------------------------------------

    @property
    def follows_path(self) -> bool:
        """Whether the plane is the path's PCA plane (it moves with the weights)."""
        return self.directions == "pca" and len(self.path) >= 2

    def set_directions(self, directions: str) -> None:
        """Random or PCA directions."""
        self.directions = _checked(directions)

    def recentre(self) -> None:
        """The random plane through the current weights (the same draw, filter-normalised
        there); the path is projected on it again."""
        if self.current is not None and self.inputs is not None:
            self.plane = random_plane(self.inputs.layout, self.current, SEED, self.held)

    # ----- requests and clicks --------------------------------------------------------------

    def request(self, tag: Any = None) -> LandscapeRequest | None:
        """What the landscape worker should compute now (None before the first frame)."""
        if self.plane is None or self.inputs is None or self.run is None:
            return None
        pca = self.follows_path
        return LandscapeRequest(
            run=self.run,
            inputs=self.inputs,
            plane=None if pca else self.plane,
            line_start=self.start,
            line_end=self.current,
            line_ts=self.line_ts,
            path=self.path_array() if pca else None,
            centre=self.current if pca else None,
            span=None if pca else SPAN,
            resolution=self.resolution,
            kernels=self.kernels,
            tag=tag,
        )

    def move_to(self, plane: Plane, alpha: float, beta: float) -> Move | None:
        """The parameters at (α, β) of `plane` to move the weights to (the path jumps there
        with the next frame)."""
        if self.run is None:
            return None
        return Move(plane.at(alpha, beta), self.run, float(alpha), float(beta))


def _checked(directions: str) -> str:
    if directions not in DIRECTIONS:
        raise ValueError(f"directions: {directions!r} is not one of {', '.join(DIRECTIONS)}")
    return directions


__all__ = ["DIRECTIONS", "LandscapeModel", "Move", "RESOLUTION", "SPAN"]
