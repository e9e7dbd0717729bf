"""The loss-landscape worker: a plain thread that computes the training loss over a plane.

Beside the training thread (worker.py) and the UI thread, on the machine's second core: the UI
sends a `LandscapeRequest` (the loss inputs and parameters of a frame, the plane, the grid and
the line from the run's start to now); the thread keeps only the newest request, computes the
surface with the engine's GIL-free loss kernel and keeps "the latest result" (a queue of one),
which the UI takes when it draws. The surface is computed again only when what it depends on
changed (the plane, the data, the loss, batch norm's statistics, the grid); the line always.
No Qt here: the thread never touches a widget.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine.landscape import Plane, line_losses, loss_grid, pca_plane, project
from playground.engine.trainer import LossInputs
from playground.thread_priority import run_in_background

Array = npt.NDArray[np.float64]
MIN_INTERVAL = 0.15  # seconds between the starts of two computations: at most ~6.7 a second
PCA_MARGIN = 1.25  # a PCA grid reaches the path's farthest point times this
MIN_SPAN = 0.05
PCA_POINTS = 64  # a PCA plane is of at most this many points of the path, evenly spread


@dataclass(frozen=True, eq=False)
class LandscapeRequest:
    """What to compute: the loss over a grid of a plane and along the line
    line_start + t·(line_end − line_start) for t in line_ts (arrays float64).

    The plane is `plane`, or (plane None) the plane of `path`'s first two principal components
    through `centre`. The grid is linspace(−span, span, resolution) on both axes, or (span
    None) wide enough for the path's farthest point times PCA_MARGIN."""

    run: int  # the training run (worker.Frame.run) the parameters belong to
    inputs: LossInputs
    plane: Plane | None
    line_start: Array  # (P,) where the run started
    line_end: Array  # (P,) the parameters now
    line_ts: Array  # (K,)
    path: Array | None = None  # (N, P), N >= 2: a PCA plane's path
    centre: Array | None = None  # (P,): a PCA plane's centre
    span: float | None = 1.0
    resolution: int = 31
    kernels: Any = None  # kernels.py (None: compiled) or pure.PythonKernels
    tag: Any = None  # the caller's, returned with the result


@dataclass(frozen=True, eq=False)
class LandscapeResult:
    """A computed request: loss (R, R) with loss[i, j] at plane.at(alphas[j], betas[i]), and
    the line's losses (K,)."""

    request: LandscapeRequest
    plane: Plane
    alphas: Array  # (R,)
    betas: Array  # (R,)
    loss: Array
    line_loss: Array
    new_surface: bool  # False when the surface of the previous result was still right
    surface_seconds: float
    line_seconds: float


def same_surface(a: LandscapeRequest, b: LandscapeRequest) -> bool:
    """Whether two requests have the same surface (then it is not computed again)."""
    x, y = a.inputs, b.inputs
    return (
        a.plane is b.plane
        and a.path is b.path
        and a.centre is b.centre
        and (a.span, a.resolution) == (b.span, b.resolution)
        and x.X is y.X
        and x.targets is y.targets
        and x.layout is y.layout
        and (x.out_kind, x.loss_code) == (y.out_kind, y.loss_code)
        and np.array_equal(x.bn_mean, y.bn_mean)
        and np.array_equal(x.bn_var, y.bn_var)
        and (a.kernels is None) == (b.kernels is None)
    )


def plane_and_grid(request: LandscapeRequest) -> tuple[Plane, Array]:
    """The request's plane and its grid axis (float64 (R,), the same for α and β)."""
    plane = request.plane
    if plane is None:  # (the SVD of a few dozen points costs ~1 ms, of 256 points ~12 ms)
        path = request.path
        picked = np.unique(np.linspace(0, len(path) - 1, PCA_POINTS).round().astype(int))
        plane = pca_plane(path[picked], request.centre)
    span = request.span
    if span is None:
        reach = float(np.abs(project(plane, request.path)).max()) if request.path is not None else 0
        span = max(MIN_SPAN, PCA_MARGIN * reach)
    return plane, np.linspace(-span, span, request.resolution)


def compute(request: LandscapeRequest, previous: LandscapeResult | None = None) -> LandscapeResult:
    """The surface (or the previous one, if it is still right) and the line of a request."""
    kernels = request.kernels
    start = time.perf_counter()
    new_surface = previous is None or not same_surface(previous.request, request)
    if new_surface:
        plane, axis = plane_and_grid(request)
        loss = loss_grid(request.inputs, plane, axis, axis, kernels=kernels)
        alphas, betas = axis, axis.copy()
    else:
        plane, alphas, betas, loss = previous.plane, previous.alphas, previous.betas, previous.loss
    surface_seconds = time.perf_counter() - start
    start = time.perf_counter()
    line = line_losses(
        request.inputs, request.line_start, request.line_end, request.line_ts, kernels=kernels
    )
    return LandscapeResult(
        request,
        plane,
        alphas,
        betas,
        loss,
        line,
        new_surface,
        surface_seconds,
        time.perf_counter() - start,
    )


class LandscapeWorker:
    """Computes the newest request in its own thread; the UI takes the latest result."""

    def __init__(self, min_interval: float = MIN_INTERVAL) -> None:
        self._min_interval = min_interval
        self._condition = threading.Condition()
        self._pending: LandscapeRequest | None = None
        self._latest: LandscapeResult | None = None
        self._latest_taken = True
        self._stopping = False
        self._busy = False
        self._generation = 0  # forget() starts a new one: results of older ones are dropped
        self.computed = 0  # results made (worker thread)
        self.surfaces = 0  # of which with a newly computed surface
        self.error = ""  # the last computation's failure, if any
        self._thread = threading.Thread(target=self._main, name="landscape-worker", daemon=True)

    # ----- UI-thread API ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def submit(self, request: LandscapeRequest) -> None:
        """Compute this next (it replaces a request still waiting)."""
        with self._condition:
            self._pending = request
            self._condition.notify()

    def take(self) -> LandscapeResult | None:
        """The newest result if the caller has not taken it yet, else None."""
        with self._condition:
            if self._latest_taken:
                return None
            self._latest_taken = True
            return self._latest

    def latest(self) -> LandscapeResult | None:
        """The newest result, taken or not."""
        with self._condition:
            return self._latest

    @property
    def waiting(self) -> bool:
        """A request is waiting for its turn."""
        with self._condition:
            return self._pending is not None

    @property
    def idle(self) -> bool:
        """Nothing waiting and nothing being computed."""
        with self._condition:
            return self._pending is None and not self._busy

    def forget(self) -> None:
        """Drop the waiting request and the latest result (a new run: they are stale)."""
        with self._condition:
            self._pending = None
            self._latest = None
            self._latest_taken = True
            self._generation += 1

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread (after the computation in progress) and wait for it."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    # ----- worker thread ---------------------------------------------------------------------

    def _main(self) -> None:
        run_in_background()
        last_start = -float("inf")
        while True:
            with self._condition:
                while not self._stopping and self._pending is None:
                    self._condition.wait()
                if self._stopping:
                    return
                wait = last_start + self._min_interval - time.perf_counter()
                if wait > 0:  # at most one computation per interval: the core is shared
                    self._condition.wait(wait)
                    continue
                request, self._pending = self._pending, None
                previous = self._latest
                generation = self._generation
                self._busy = True
            last_start = time.perf_counter()
            try:
                result = compute(request, previous)
            except Exception as error:  # a bug must not kill the thread: report, go on
                traceback.print_exc()
                with self._condition:
                    self.error = f"{type(error).__name__}: {error}"
                    self._busy = False
                continue
            with self._condition:
                self._busy = False
                self.computed += 1
                self.surfaces += result.new_surface
                self.error = ""
                if generation == self._generation:
                    self._latest = result
                    self._latest_taken = False


__all__ = ["LandscapeRequest", "LandscapeResult", "LandscapeWorker", "compute", "same_surface"]
