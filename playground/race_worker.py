"""The optimizer race's thread: steps every contestant in lockstep, publishes frames.

Like the training worker (worker.py), a plain thread with no Qt: the UI sends frozen commands
(Play, Pause, StepEpoch, StepBatch, SetSpeed, SetDirections, Stop), the thread applies them
between chunks of training and keeps only the newest RaceFrame for the UI ("a queue of one").
The race itself (the contestants' Trainers, the shared initial weights and batches, the fixed
plane) is `playground.race.Race`; `RaceRecording` adds what the window shows: each contestant's
loss curve and path on the plane, its decision boundary over a grid, and the loss surface of
the plane behind the paths, widened (same plane, larger span) when a path runs off it.

The plane is the race's random one (filter-normalised directions through the common start)
until SetDirections("pca") fits the plane of the first two principal components of every path
so far (through the common start); it stays fixed from then on until the next fit.
"""

from __future__ import annotations

import math
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine import GridRequest, NetworkSpec
from playground.engine.landscape import Plane, loss_grid, pca_plane, project
from playground.engine.trainer import Trainer
from playground.race import Contestant, Race, RaceResult
from playground.session import Session
from playground.thread_priority import run_in_background

FRAME_INTERVAL = 1.0 / 30.0  # seconds between frames, at most
RECORD_INTERVAL = 1.0 / 60.0  # seconds between points of the curves and paths while training
DEFAULT_SPEED = 30.0  # epochs per second: a race to watch
CHUNK_SECONDS = 0.010  # target duration of one chunk (all contestants)
IDLE_WAIT = 0.25  # seconds the idle loop waits for a command
MAX_HISTORY = 2000  # points per curve and path before they are thinned out
SURFACE_RESOLUTION = 31
MAX_KEPT_PARAMS = 256  # weights kept per contestant (thinned) for fitting a PCA plane
SPANS = tuple(m * 10.0**e for e in range(-3, 4) for m in (1.0, 1.5, 2.0, 3.0, 5.0, 7.0))
START_SPAN = 1.0  # the random plane's first surface: one weight-norm each way
DIRECTIONS = ("random", "pca")
SPAN_MARGIN = 1.15  # the surface reaches this far beyond the farthest path point
BOUNDARY_GRID = GridRequest(-6.0, 6.0, -6.0, 6.0, 48)  # each contestant's small multiple


# ----- commands (UI thread → race thread) ------------------------------------------------------


@dataclass(frozen=True)
class Play:
    """Train every contestant continuously."""


@dataclass(frozen=True)
class Pause:
    """Stop training (the weights stay)."""


@dataclass(frozen=True)
class StepEpoch:
    """Every contestant trains to the end of the current epoch, then the race pauses."""


@dataclass(frozen=True)
class StepBatch:
    """Every contestant trains one mini-batch, then the race pauses."""


@dataclass(frozen=True)
class SetSpeed:
    """Epochs per second, or None for as fast as possible."""

    epochs_per_second: float | None


@dataclass(frozen=True)
class SetDirections:
    """The plane the paths are drawn on: "random" (the race's) or "pca" (fitted now to the
    paths so far)."""

    directions: str


@dataclass(frozen=True)
class Stop:
    """End the thread."""


Command = Play | Pause | StepEpoch | StepBatch | SetSpeed | SetDirections | Stop


# ----- results (race thread → UI thread) -------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Surface:
    """The loss over the race's plane: loss float64 (R, R), loss[i, j] at (alphas[j],
    betas[i]); alphas, betas float64 (R,)."""

    alphas: npt.NDArray[np.float64]
    betas: npt.NDArray[np.float64]
    loss: npt.NDArray[np.float64]
    span: float
    directions: str = "random"  # the plane: the race's random one, or fitted to the paths


@dataclass(frozen=True, eq=False)
class ContestantFrame:
    """One contestant at one moment: its curve (epochs, train losses) float64 (n,), its path
    (α, β) float64 (m, 2), its decision boundary (the grid's output layer, float32
    (units, res, res)) and whether it can still train."""

    name: str
    epochs: npt.NDArray[np.float64]
    losses: npt.NDArray[np.float64]
    path: npt.NDArray[np.float64]
    train_loss: float
    train_accuracy: float | None
    output: npt.NDArray[np.float32] | None
    diverged: bool = False
    message: str = ""


@dataclass(frozen=True, eq=False)
class RaceFrame:
    """The whole race at one moment (arrays are copies)."""

    contestants: tuple[ContestantFrame, ...]
    network: NetworkSpec
    grid: GridRequest
    surface: Surface | None
    epoch: int  # completed epochs (every contestant has the same)
    step: int  # mini-batch steps
    epoch_progress: float
    running: bool


@dataclass(frozen=True)
class RaceStatus:
    """What the race window's status line shows."""

    state: str  # "starting", "paused", "running", "blocked"
    epoch: int = 0
    step: int = 0
    message: str = ""
    applied: int = 0  # commands applied so far (compare with RaceWorker.sent)


class _Track:
    """A growing history of rows (x, y, …) float64 that halves its resolution when it gets
    long; the newest row is always in `array()` (the marker sits at the current weights)."""

    def __init__(self, columns: int) -> None:
        self._data = np.zeros((256, columns))
        self._n = 0
        self._stride = 1  # keep one row in `stride`
        self._seen = 0
        self._tip: tuple[float, ...] | None = None  # the newest row, when it was not kept

    def append(self, row: tuple[float, ...]) -> None:
        self._seen += 1
        if (self._seen - 1) % self._stride:
            self._tip = row
            return
        self._tip = None
        if self._n == self._data.shape[0]:
            if self._n >= MAX_HISTORY:
                self._data[: self._n // 2] = self._data[: self._n : 2]
                self._n //= 2
                self._stride *= 2
            else:
                self._data = np.concatenate([self._data, np.zeros_like(self._data)])
        self._data[self._n] = row
        self._n += 1

    def reset(self, rows: npt.NDArray[np.float64]) -> None:
        self._data = np.array(rows, dtype=np.float64).reshape(-1, self._data.shape[1])
        self._data = np.concatenate([self._data, np.zeros((256, self._data.shape[1]))])
        self._n = self._seen = len(rows)
        self._stride, self._tip = 1, None

    def array(self) -> npt.NDArray[np.float64]:
        """The rows so far, a copy (n, columns)."""
        rows = self._data[: self._n]
        return np.vstack([rows, self._tip]) if self._tip is not None else rows.copy()


def projector(plane: Plane) -> npt.NDArray[np.float64]:
    """M float64 (2, P) with (α, β) = M·(θ − centre): `project`'s least squares, set up once
    per plane (a path point then costs one small matrix product)."""
    directions = np.column_stack([plane.d1, plane.d2])
    return np.linalg.pinv(directions.T @ directions) @ directions.T


class RaceRecording:
    """What the race window shows of a race, recorded on the race thread: each contestant's
    curve and path (thinned when long), the plane and its loss surface, and frames."""

    def __init__(self, race: Race, grid: GridRequest, kernels: Any = None) -> None:
        self.race = race
        self.grid = grid
        self._kernels = kernels
        # the loss over the plane: the training data, batch norm's statistics at the start
        self._loss_inputs = race.sessions[0].make_trainer().loss_inputs()
        self.plane = race.plane
        self._projector = projector(self.plane)
        self.directions = "random"
        count = len(race.trainers)
        self._curves = [_Track(2) for _ in range(count)]
        self._paths = [_Track(2) for _ in range(count)]
        self._kept: list[list[npt.NDArray[np.float64]]] = [[] for _ in range(count)]
        self._keep_stride = 1
        self._records = 0
        self.surface: Surface | None = None
        self.record(0.0)
        self.update_surface()

    def record(self, epoch_progress: float) -> None:
        """One point of every contestant's curve and path (its current weights); a diverged
        contestant's curve and path end where it diverged."""
        self._records += 1
        keep = (self._records - 1) % self._keep_stride == 0
        for k, trainer in enumerate(self.race.trainers):
            if trainer.diverged:
                continue
            params = trainer.parameters()
            loss, _ = trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)
            if not (np.isfinite(params).all() and np.isfinite(loss)):
                continue
            alpha, beta = self._projector @ (params - self.plane.centre)
            self._curves[k].append((epoch_progress, loss))
            self._paths[k].append((float(alpha), float(beta)))
            if keep:
                self._kept[k].append(params)
        if max(len(kept) for kept in self._kept) > MAX_KEPT_PARAMS:
            self._kept = [kept[::2] for kept in self._kept]
            self._keep_stride *= 2

    def set_directions(self, directions: str) -> None:
        """The race's random plane, or the plane of the principal components of every path
        so far (through the common start); the paths are projected on it again."""
        if directions not in DIRECTIONS:
            raise ValueError(f"directions: {directions!r} is not one of {', '.join(DIRECTIONS)}")
        race = self.race
        kept = [np.array(rows) for rows in self._kept if rows]
        if directions == "pca":
            points = np.concatenate(kept)
            if len(points) < 3 or np.allclose(points, points[0]):
                raise ValueError("The paths are too short for a plane of their own: race on a "
                                 "little first.")  # fmt: skip
            self.plane = pca_plane(points, race.initial)
        else:
            self.plane = race.plane
        self.directions = directions
        self._projector = projector(self.plane)
        for path, rows, trainer in zip(self._paths, self._kept, race.trainers, strict=True):
            if not trainer.diverged:  # the path ends at the current weights
                rows = [*rows, trainer.parameters()]
            path.reset(project(self.plane, np.array(rows)) if rows else np.zeros((0, 2)))
        self.surface = None
        self.update_surface()

    def update_surface(self) -> None:
        """The plane's loss over a span that holds every path (a ladder of spans, so that it
        is recomputed only when a path leaves it)."""
        reach = max(float(np.abs(path.array()).max(initial=0.0)) for path in self._paths)
        needed = max(reach * SPAN_MARGIN, START_SPAN if self.directions == "random" else 0.0)
        span = next((s for s in SPANS if s >= needed), SPANS[-1])
        if self.surface is not None and span <= self.surface.span:
            return
        axis = np.linspace(-span, span, SURFACE_RESOLUTION)
        loss = loss_grid(self._loss_inputs, self.plane, axis, axis, kernels=self._kernels)
        self.surface = Surface(axis, axis.copy(), np.asarray(loss), span, self.directions)

    def frame(self, epoch_progress: float, running: bool) -> RaceFrame:
        """Every contestant now: curve, path, boundary over the grid, loss."""
        race = self.race
        contestants = []
        for k, (contestant, trainer) in enumerate(
            zip(race.contestants, race.trainers, strict=True)
        ):
            snapshot = trainer.snapshot(self.grid)
            curve = self._curves[k].array()
            contestants.append(
                ContestantFrame(
                    name=contestant.name,
                    epochs=curve[:, 0].copy(),
                    losses=curve[:, 1].copy(),
                    path=self._paths[k].array(),
                    train_loss=snapshot.train_loss,
                    train_accuracy=snapshot.train_accuracy,
                    output=snapshot.grid.output if snapshot.grid is not None else None,
                    diverged=snapshot.diverged,
                    message=snapshot.message,
                )
            )
        first = race.trainers[0]
        return RaceFrame(
            contestants=tuple(contestants),
            network=first.network,
            grid=self.grid,
            surface=self.surface,
            epoch=max(t.epoch for t in race.trainers),
            step=max(t.step for t in race.trainers),
            epoch_progress=epoch_progress,
            running=running,
        )


class RaceWorker:
    """Owns a Race in its own thread; the UI sends commands and takes the latest RaceFrame."""

    def __init__(
        self,
        session: Session,
        contestants: tuple[Contestant, ...],
        *,
        grid: GridRequest = BOUNDARY_GRID,
        speed: float | None = DEFAULT_SPEED,
        kernels: Any = None,
        frame_interval: float = FRAME_INTERVAL,
    ) -> None:
        self._session = session
        self._kernels = kernels  # the app's (plain Python while numba compiles), or compiled
        self._contestants = contestants
        self._grid = grid
        self._frame_interval = frame_interval
        self._commands: queue.Queue[Command] = queue.Queue()
        self.sent = 0  # commands sent (UI thread)
        self._applied = 0
        self._lock = threading.Lock()
        self._race: Race | None = None
        self._recording: RaceRecording | None = None
        self._running = False
        self._pending_steps = 0
        self._chunk_steps = 8
        self._speed = speed
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()
        self._last_record_time = 0.0
        self._stopping = False
        self._changed = True
        self._problem = ""  # why the race cannot run
        self._notice = ""  # a refused request (a plane of paths too short), for the status
        self._last_frame_time = 0.0
        self._latest: RaceFrame | None = None
        self._latest_taken = True
        self._status = RaceStatus("starting")
        self._thread = threading.Thread(target=self._main, name="race-worker", daemon=True)

    # ----- UI-thread API ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread: it builds the race (Trainers, plane, first surface), then waits."""
        self._thread.start()

    def send(self, command: Command) -> None:
        """Queue a command; it applies between two chunks of training."""
        self.sent += 1
        self._commands.put(command)

    def play(self) -> None:
        """Train every contestant continuously."""
        self.send(Play())

    def pause(self) -> None:
        """Stop training."""
        self.send(Pause())

    def step_epoch(self) -> None:
        """Train every contestant to the end of the epoch."""
        self.send(StepEpoch())

    def step_batch(self) -> None:
        """Train every contestant one mini-batch."""
        self.send(StepBatch())

    def set_directions(self, directions: str) -> None:
        """Draw the paths on the race's random plane, or fit one to the paths so far."""
        self.send(SetDirections(directions))

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Throttle to epochs per second, or None for as fast as possible."""
        self.send(SetSpeed(epochs_per_second))

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread and wait for it."""
        self.send(Stop())
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    def take_frame(self) -> RaceFrame | None:
        """The newest RaceFrame if the caller has not taken it yet, else None."""
        with self._lock:
            if self._latest_taken:
                return None
            self._latest_taken = True
            return self._latest

    def latest_frame(self) -> RaceFrame | None:
        """The newest RaceFrame, taken or not."""
        with self._lock:
            return self._latest

    def status(self) -> RaceStatus:
        """The current state."""
        with self._lock:
            return self._status

    def weights(self) -> list[npt.NDArray[np.float64]] | None:
        """Every contestant's flat parameters now (for tests: call while paused)."""
        race = self._race
        return None if race is None else [t.parameters() for t in race.trainers]

    @property
    def race(self) -> Race | None:
        """The race (its Trainers belong to the race thread: read them only while paused)."""
        return self._race

    # ----- race thread -----------------------------------------------------------------------

    def _main(self) -> None:
        run_in_background()
        try:
            self._build()
        except ValueError as error:
            self._problem = str(error)
        except Exception as error:  # a bug must not leave the window waiting
            traceback.print_exc()
            self._problem = f"Internal error starting the race: {error!r}"
        self._update_status()
        while not self._stopping:
            try:
                self._apply_commands(self._wait_time())
                if self._stopping:
                    break
                self._train_chunk()
                self._record_if_due()
                self._publish_if_due()
            except Exception as error:  # report, stop training, keep answering commands
                traceback.print_exc()
                self._problem = f"Internal error in the race: {error!r}"
                self._running, self._pending_steps = False, 0
            self._update_status()

    def _build(self) -> None:
        race = Race(self._session, self._contestants)
        if self._kernels is not None:
            for trainer in race.trainers:
                trainer.kernels = self._kernels
        self._recording = RaceRecording(race, self._grid, self._kernels)
        self._race = race
        self._publish()

    def _wait_time(self) -> float:
        """How long to wait for a command before the next chunk (0 while training)."""
        if not (self._trainable() and (self._running or self._pending_steps)):
            return self._frame_interval / 4 if self._changed else IDLE_WAIT
        if self._speed is None or self._pending_steps:
            return 0.0
        missing = 1.0 - self._credit
        steps_per_s = self._speed * self._steps_per_epoch()
        return 0.0 if missing <= 0 else min(missing / steps_per_s, self._frame_interval)

    def _apply_commands(self, wait: float) -> None:
        commands: list[Command] = []
        try:
            commands.append(
                self._commands.get(timeout=wait) if wait > 0 else self._commands.get_nowait()
            )
            while True:
                commands.append(self._commands.get_nowait())
        except queue.Empty:
            pass
        for command in commands:
            self._applied += 1
            _HANDLERS[type(command)](self, command)
            self._changed = True
            if self._stopping:
                return

    def _trainable(self) -> bool:
        race = self._race
        return (
            race is not None
            and not self._problem
            and any(trainer.can_train for trainer in race.trainers)
        )

    def _steps_per_epoch(self) -> int:
        return max(1, self._race.trainers[0].steps_per_epoch)

    def _steps_left_in_epoch(self) -> int:
        """Steps to the end of the epoch (every contestant that trains is at the same step)."""
        trainer = next(t for t in self._race.trainers if t.can_train)
        return trainer.steps_left_in_epoch

    def _on_play(self, _: Play) -> None:
        self._running = self._trainable()
        self._pending_steps = 0
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()

    def _on_pause(self, _: Pause) -> None:
        self._running = False
        self._pending_steps = 0

    def _on_step_epoch(self, _: StepEpoch) -> None:
        self._running = False
        self._pending_steps = self._steps_left_in_epoch() if self._trainable() else 0

    def _on_step_batch(self, _: StepBatch) -> None:
        self._running = False
        self._pending_steps = 1 if self._trainable() else 0

    def _on_set_speed(self, command: SetSpeed) -> None:
        self._speed = command.epochs_per_second
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()

    def _on_set_directions(self, command: SetDirections) -> None:
        if self._recording is None:
            return
        try:
            self._recording.set_directions(command.directions)
        except ValueError as error:
            self._notice = str(error)
        else:
            self._notice = ""

    def _on_stop(self, _: Stop) -> None:
        self._stopping = True

    def _train_chunk(self) -> None:
        if not (self._running or self._pending_steps) or not self._trainable():
            self._running, self._pending_steps = False, 0
            return
        race = self._race
        steps = self._chunk_steps
        if self._pending_steps:
            steps = min(steps, self._pending_steps)
        elif self._speed is not None:
            steps = min(steps, self._take_credit())
            if steps <= 0:
                return
        before = max(trainer.step for trainer in race.trainers)
        start = time.perf_counter()
        race.run(steps)
        elapsed = time.perf_counter() - start
        done = max(trainer.step for trainer in race.trainers) - before
        if done and elapsed > 0:
            wanted = done / elapsed * CHUNK_SECONDS
            self._chunk_steps = int(min(100_000, max(1, 0.7 * self._chunk_steps + 0.3 * wanted)))
        if self._pending_steps:
            self._pending_steps = 0 if done < steps else self._pending_steps - done
        if not self._trainable():
            self._running, self._pending_steps = False, 0
        self._changed = True

    def _take_credit(self) -> int:
        """The steps the speed allows now (credit accrues at speed × steps per epoch)."""
        now = time.perf_counter()
        per_second = self._speed * self._steps_per_epoch()
        self._credit += (now - self._last_credit_time) * per_second
        self._last_credit_time = now
        self._credit = min(self._credit, max(1.0, per_second))
        steps = int(self._credit)
        self._credit -= min(steps, self._chunk_steps)
        return steps

    def _record_if_due(self) -> None:
        """Points of the curves and paths more often than frames (smooth curves)."""
        if not (self._running or self._pending_steps) or self._race is None:
            return
        now = time.perf_counter()
        if now - self._last_record_time >= RECORD_INTERVAL:
            self._last_record_time = now
            self._recording.record(self._epoch_progress())

    def _epoch_progress(self) -> float:
        race = self._race
        trainer = next((t for t in race.trainers if t.can_train), race.trainers[0])
        left, per_epoch = trainer.steps_left_in_epoch, max(trainer.steps_per_epoch, 1)
        fraction = 0.0 if left >= per_epoch else 1.0 - left / per_epoch
        return trainer.epoch + fraction

    def _publish_if_due(self) -> None:
        if not self._changed or self._race is None:
            return
        now = time.perf_counter()
        if now - self._last_frame_time < self._frame_interval:
            return
        with self._lock:
            waiting = not self._latest_taken
        if waiting and (self._running or self._pending_steps):
            return  # the UI has not drawn the last frame yet: keep training instead
        self._recording.record(self._epoch_progress())
        self._recording.update_surface()
        self._publish()
        self._last_frame_time = now

    def _publish(self) -> None:
        running = bool(self._running or self._pending_steps)
        frame = self._recording.frame(self._epoch_progress(), running)
        with self._lock:
            self._latest = frame
            self._latest_taken = False
        self._changed = False

    def _update_status(self) -> None:
        race = self._race
        where = {"applied": self._applied}
        if race is not None:
            where.update(
                epoch=max(t.epoch for t in race.trainers), step=max(t.step for t in race.trainers)
            )
        if self._problem:
            status = RaceStatus("blocked", message=self._problem, **where)
        elif race is None:
            status = RaceStatus("starting", **where)
        else:
            state = "running" if (self._running or self._pending_steps) else "paused"
            status = RaceStatus(state, message=self._notice or _out_of_race(race), **where)
        with self._lock:
            self._status = status


def _out_of_race(race: Race) -> str:
    """'sgd@10 diverged at epoch 3; the others race on.' (empty while everyone trains)."""
    out = [
        f"{c.name} {'diverged' if t.diverged else 'stopped early'} at epoch {t.epoch}"
        for c, t in zip(race.contestants, race.trainers, strict=True)
        if not t.can_train
    ]
    if not out:
        return ""
    rest = "the others race on" if len(out) < len(race.trainers) else "the race is over"
    return f"{'; '.join(out)}; {rest}."


def race_frame_of(result: RaceResult, grid: GridRequest = BOUNDARY_GRID) -> RaceFrame:
    """The frame of a finished race (`nn-playground race`): a record per epoch, each
    contestant's boundary at its final weights, the result's surface and plane."""
    session = result.session
    data = session.training_data()
    contestants = []
    for k, standing in enumerate(result.standings):
        path = result.paths[k]
        path = path[np.isfinite(path).all(axis=1)]
        losses = np.asarray(standing.losses, dtype=np.float64)
        output, accuracy, loss = None, None, math.nan
        weights = result.final_weights[k]
        if not standing.diverged and all(np.isfinite(w.W).all() for w in weights):
            trainer = Trainer(session.network, session.training, data, list(weights))
            snapshot = trainer.snapshot(grid)
            output, accuracy, loss = (
                snapshot.grid.output,
                snapshot.train_accuracy,
                snapshot.train_loss,
            )
        contestants.append(
            ContestantFrame(
                name=standing.contestant.name,
                epochs=np.asarray(standing.epochs, dtype=np.float64),
                losses=losses,
                path=path,
                train_loss=loss,
                train_accuracy=accuracy,
                output=output,
                diverged=standing.diverged,
                message=standing.message,
            )
        )
    span = float(max(np.abs(result.alphas).max(), np.abs(result.betas).max()))
    epoch = max(int(s.epochs[-1]) for s in result.standings)
    return RaceFrame(
        contestants=tuple(contestants),
        network=session.network,
        grid=grid,
        surface=Surface(result.alphas, result.betas, result.loss, span, result.directions),
        epoch=epoch,
        step=max(int(s.steps[-1]) for s in result.standings),
        epoch_progress=float(epoch),
        running=False,
    )


_HANDLERS: dict[type, Callable[[RaceWorker, Command], None]] = {
    Play: RaceWorker._on_play,
    Pause: RaceWorker._on_pause,
    StepEpoch: RaceWorker._on_step_epoch,
    StepBatch: RaceWorker._on_step_batch,
    SetSpeed: RaceWorker._on_set_speed,
    SetDirections: RaceWorker._on_set_directions,
    Stop: RaceWorker._on_stop,
}

__all__ = [
    "BOUNDARY_GRID", "Command", "ContestantFrame", "Pause", "Play", "RaceFrame", "RaceStatus",
    "RaceRecording", "RaceWorker", "SetDirections", "SetSpeed", "StepBatch", "StepEpoch", "Stop",
    "Surface", "race_frame_of",
]  # fmt: skip
