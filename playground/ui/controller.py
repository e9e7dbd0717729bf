"""The controller: the current Session (home of every setting), the PointEditor and the worker.

Panels read and write settings only through the controller and learn about changes from its
signals; the controller turns every change into a worker command (live where the engine allows
it, a fresh start for architecture changes). A QTimer takes the worker's latest frame.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.data.editing import PointEditor
from playground.data.generators import DATASETS, generate
from playground.data.points import Points
from playground.engine import (
    FEATURES,
    GridRequest,
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    ScheduleSpec,
)
from playground.session import Session, load_session, save_session
from playground.ui.widgets.appearance import Appearance
from playground.worker import Frame, Record, TrainingWorker, WorkerStatus

# The learning rates + and − step through (TensorFlow Playground's ladder).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 8  # UI caps (the engine allows more)
MAX_UNITS = 32
DEFAULT_GRID = GridRequest(-6.0, 6.0, -6.0, 6.0, 100)
FRAME_RATE = 30.0
MAX_REMEMBERED_NETWORKS = 20  # trained networks kept for undo across imports
_STOPPED = ("diverged", "stopped_early", "blocked")  # worker states where training cannot run


@dataclass(frozen=True)
class DataRecipe:
    """How the current preset was generated: dataset name, size, noise, split, seed, options."""

    name: str = "circle"
    n: int = 200
    noise: float = 0.0
    test_ratio: float = 0.3
    seed: int = 0
    options: tuple[tuple[str, int], ...] = ()

    def generate(self) -> Points:
        """The points this recipe describes."""
        return generate(self.name, n=self.n, noise=self.noise, seed=self.seed,
                        test_ratio=self.test_ratio, **dict(self.options))


@dataclass(frozen=True)
class DrawSettings:
    """What a click on the plot does: the tool, the class (or value) and the split it adds to."""

    tool: str = "draw"  # "draw" (add, spray, move) or "erase"
    label: int = 0
    value: float = 0.5  # regression target of new points
    as_test: bool = False


class Controller(QObject):
    """Holds the Session, the PointEditor and the training worker; panels talk to it."""

    session_replaced = Signal(object)  # Session: opened or new, every view re-reads it
    points_changed = Signal(object)  # Points
    network_changed = Signal(object)  # NetworkSpec
    training_changed = Signal(object)  # TrainingSpec
    frame_ready = Signal(object)  # Frame
    records_ready = Signal(object)  # list[Record]
    status_changed = Signal(object)  # WorkerStatus
    running_changed = Signal(bool)  # playing or not
    speed_changed = Signal(object)  # float | None (epochs per second, None = max)
    grid_changed = Signal(object)  # GridRequest
    selection_changed = Signal(object)  # (layer, unit) shown in the big view, or None
    draw_changed = Signal(object)  # DrawSettings
    recipe_changed = Signal(object)  # DataRecipe
    dirty_changed = Signal(bool)  # unsaved changes or not
    path_changed = Signal(object)  # str | None: the session file
    notice = Signal(str, str)  # (level "warning"/"info" or "" to clear, message)

    def __init__(self, session: Session | None = None, *, warm_up: bool = True,
                 frame_rate: float = FRAME_RATE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session or Session.default()
        self._editor = PointEditor(self._session.points)
        self._editor.subscribe(self._on_points_edited)
        self._recipe = DataRecipe()
        self._recipe_points: Points | None = None
        # Trained sessions kept for data states an import replaced: undo and redo bring the
        # network back with the data (keyed by id; the Points object is kept alive with it).
        self._trained_for: dict[int, tuple[Points, Session]] = {}
        if _same_points(self._session.points, self._recipe.generate()):
            self._recipe_points = self._session.points
        self._draw = DrawSettings()
        self._grid = DEFAULT_GRID
        self._speed: float | None = None
        self._lesson_speed = False  # the speed came from a lesson's pace, not from the user
        self._pace_notice = False  # the banner says training paused at a lesson's pause
        self._selection: tuple[int, int] | None = None
        self._path: str | None = None
        self._playing = False
        self._play_sent = 0  # the worker's command count when Play was sent
        self._loading = False
        self._run = 0
        self._revision = 0
        self._saved_revision = 0
        self._saved_marker: tuple[int, int] = (0, 0)
        self._dirty = False
        self._latest: Frame | None = None
        self._status = WorkerStatus("warming_up" if warm_up else "paused")
        self._worker = TrainingWorker(
            self._session.network, self._session.training, self._session.training_data(),
            self._session.weights, grid=self._grid, epoch_offset=self._session.epoch,
            state=self._session.state,
            warm_up=warm_up,
        )
        self._worker.start()
        self._apply_pace(self._session)
        self.appearance = Appearance(self)  # how the views look (not part of the session)
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(1000 / frame_rate)))
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    # ----- state ----------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The current settings and data (weights as of the last load or reset)."""
        return self._session

    @property
    def editor(self) -> PointEditor:
        """The editable point set (undo/redo)."""
        return self._editor

    @property
    def worker(self) -> TrainingWorker:
        """The training thread."""
        return self._worker

    @property
    def recipe(self) -> DataRecipe:
        """The preset the data came from."""
        return self._recipe

    @property
    def recipe_active(self) -> bool:
        """Whether the points are exactly what the recipe generates (not edited or opened)."""
        return self._session.points is self._recipe_points

    @property
    def draw(self) -> DrawSettings:
        """The drawing tool settings."""
        return self._draw

    @property
    def grid(self) -> GridRequest:
        """The view rectangle the neurons are evaluated over."""
        return self._grid

    @property
    def speed(self) -> float | None:
        """Epochs per second (None = as fast as possible)."""
        return self._speed

    @property
    def selection(self) -> tuple[int, int] | None:
        """The (layer, unit) shown in the big view, None for the output."""
        return self._selection

    @property
    def playing(self) -> bool:
        """Whether training runs continuously."""
        return self._playing

    @property
    def path(self) -> str | None:
        """The session file, if the session was opened or saved."""
        return self._path

    @property
    def frame(self) -> Frame | None:
        """The last frame handed to the views (of the current run, or None)."""
        frame = self._latest
        return frame if frame is not None and frame.run == self._run else None

    @property
    def status(self) -> WorkerStatus:
        """The worker's last reported status."""
        return self._status

    @property
    def dirty(self) -> bool:
        """Unsaved changes (settings, data or training progress)."""
        self._update_dirty()
        return self._dirty

    @property
    def change_key(self) -> tuple[int, int, int]:
        """Changes whenever the session (including its weights) changes: for autosave."""
        return (self._revision, *self._training_marker())

    def current_session(self) -> Session:
        """The session with the weights and epoch the network has now (what Save writes)."""
        frame = self.frame
        if frame is None or frame.network != self._session.network:
            return self._session
        try:
            return self._session.replace(weights=frame.weights, epoch=frame.epoch,
                                         state=frame.state)
        except ValueError:  # e.g. diverged weights (NaN): keep the last good ones
            return self._session

    # ----- training -------------------------------------------------------------------------

    def play(self) -> None:
        """Train continuously (the worker says so if it cannot: see _on_tick)."""
        self._clear_pace_notice()
        self._worker.play()
        self._play_sent = self._worker.sent
        self._set_playing(True)

    def pause(self) -> None:
        """Stop training."""
        self._worker.pause()
        self._set_playing(False)

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self._playing else self.play()

    def step_epoch(self) -> None:
        """Train one epoch, then pause."""
        self._worker.step_epoch()
        self._set_playing(False)

    def step_batch(self) -> None:
        """Train one mini-batch, then pause."""
        self._worker.step_batch()
        self._set_playing(False)

    def reset(self) -> None:
        """Start over from the initializer and seed, at epoch 0."""
        self._session = self._session.replace(weights=None, epoch=0)
        self._run += 1
        self._worker.reset()
        self._set_playing(False)
        self._clear_pace_notice()
        self._touch()

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Throttle training (None = as fast as possible)."""
        self._lesson_speed = False
        self._speed = epochs_per_second
        self._worker.set_speed(epochs_per_second)
        self.speed_changed.emit(epochs_per_second)

    def set_grid(self, request: GridRequest) -> None:
        """Evaluate the neurons over a new view rectangle."""
        if request == self._grid:
            return
        self._grid = request
        self._worker.set_grid(request)
        self.grid_changed.emit(request)

    def set_frame_rate(self, frames_per_second: float) -> None:
        """How often the views redraw."""
        self._timer.setInterval(max(1, round(1000 / frames_per_second)))

    # ----- training settings (live) ---------------------------------------------------------

    def set_training(self, **changes: Any) -> bool:
        """Change TrainingSpec fields live; False (with a notice) if the value is refused."""
        try:
            training = dataclasses.replace(self._session.training, **changes)
            session = self._session.replace(training=training)
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        self._session = session
        self._worker.set_training(training)
        self._touch()
        self.training_changed.emit(training)
        return True

    def set_learning_rate(self, lr: float) -> bool:
        """A new learning rate, live."""
        optimizer = self._session.training.optimizer
        return self._set_optimizer(optimizer.name, lr, optimizer.options)

    def step_learning_rate(self, steps: int) -> bool:
        """Move the learning rate `steps` rungs up (> 0) or down the ladder LEARNING_RATES; a
        rate between rungs goes to the next rung in that direction."""
        lr = self._session.training.optimizer.lr
        if steps > 0:
            higher = [i for i, rate in enumerate(LEARNING_RATES) if rate > lr * (1 + 1e-9)]
            index = higher[0] + steps - 1 if higher else None
        else:
            lower = [i for i, rate in enumerate(LEARNING_RATES) if rate < lr * (1 - 1e-9)]
            index = lower[-1] + steps + 1 if lower else None
        if index is None:
            return False
        return self.set_learning_rate(LEARNING_RATES[min(max(index, 0), len(LEARNING_RATES) - 1)])

    def set_optimizer(self, name: str) -> bool:
        """Another optimizer with its PyTorch defaults; the learning rate stays."""
        lr = self._session.training.optimizer.lr
        return self._set_optimizer(name, lr, ())

    def set_optimizer_option(self, key: str, value: Any) -> bool:
        """One hyper-parameter of the optimizer (by PyTorch name)."""
        optimizer = self._session.training.optimizer
        options = {**dict(optimizer.options), key: value}
        return self._set_optimizer(optimizer.name, optimizer.lr, options)

    def _set_optimizer(self, name: str, lr: float, options: Any) -> bool:
        try:
            spec = OptimizerSpec(name, lr, options)
        except ValueError as error:
            self.notice.emit("warning", f"optimizer {error}")
            return False
        return self.set_training(optimizer=spec)

    def set_schedule(self, name: str) -> bool:
        """Another learning-rate schedule with its default options."""
        return self.set_training(schedule=ScheduleSpec(name))

    def set_schedule_option(self, key: str, value: float) -> bool:
        """One option of the schedule."""
        schedule = self._session.training.schedule
        try:
            spec = ScheduleSpec(schedule.name, {**dict(schedule.options), key: value})
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        return self.set_training(schedule=spec)

    # ----- network (architecture changes start over) ----------------------------------------

    def set_network(self, network: NetworkSpec) -> bool:
        """A new architecture: training starts over from the initializer."""
        try:
            session = self._session.replace(network=network, weights=None, epoch=0)
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        self._apply_new_network(session)
        return True

    def _apply_new_network(self, session: Session) -> None:
        self._session = session
        self._run += 1
        self._worker.set_network(session.network, session.training, session.training_data())
        self._set_playing(False)  # as TensorFlow Playground: a new architecture waits for Play
        if self._selection is not None and not self._selection_fits(self._selection):
            self.select_neuron(None)
        self._touch()
        self.network_changed.emit(session.network)

    def add_layer(self) -> bool:
        """Append a hidden layer like the last one (4 tanh units for the first)."""
        layers = self._session.network.layers
        if len(layers) >= MAX_LAYERS:
            return False
        new = dataclasses.replace(layers[-1]) if layers else LayerSpec(4, "tanh")
        return self._set_layers((*layers, new))

    def remove_layer(self) -> bool:
        """Remove the last hidden layer."""
        layers = self._session.network.layers
        return bool(layers) and self._set_layers(layers[:-1])

    def change_units(self, layer: int, delta: int) -> bool:
        """Add (delta > 0) or remove neurons of a hidden layer, within 1–32."""
        layers = list(self._session.network.layers)
        units = min(MAX_UNITS, max(1, layers[layer].units + delta))
        if units == layers[layer].units:
            return False
        layers[layer] = dataclasses.replace(layers[layer], units=units)
        return self._set_layers(tuple(layers))

    def set_layer(self, layer: int, **changes: Any) -> bool:
        """Change one hidden layer's activation, dropout or batch norm."""
        layers = list(self._session.network.layers)
        try:
            layers[layer] = dataclasses.replace(layers[layer], **changes)
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        return self._set_layers(tuple(layers))

    def set_all_activations(self, activation: str) -> bool:
        """The same activation for every hidden layer."""
        layers = tuple(dataclasses.replace(layer, activation=activation)
                       for layer in self._session.network.layers)
        return self._set_layers(layers)

    def _set_layers(self, layers: tuple[LayerSpec, ...]) -> bool:
        return self.set_network(dataclasses.replace(self._session.network, layers=layers))

    def toggle_input(self, name: str) -> bool:
        """Use or stop using an input feature (at least one stays)."""
        inputs = self._session.network.inputs
        if name in inputs:
            if len(inputs) == 1:
                self.notice.emit("info", "The network needs at least one input feature.")
                return False
            new = tuple(i for i in inputs if i != name)
        else:
            new = tuple(f for f in FEATURES if f in inputs or f == name)
        return self.set_network(dataclasses.replace(self._session.network, inputs=new))

    def set_standardize(self, on: bool) -> bool:
        """Standardise the input features (mean 0, std 1 over the training points)."""
        return self.set_network(dataclasses.replace(self._session.network, standardize=on))

    # ----- data -----------------------------------------------------------------------------

    def set_recipe(self, **changes: Any) -> bool:
        """Change the preset or its parameters and regenerate the points (one undo step)."""
        recipe = dataclasses.replace(self._recipe, **changes)
        if changes.get("name", self._recipe.name) != self._recipe.name and "options" not in changes:
            recipe = dataclasses.replace(recipe, options=())
        try:
            points = recipe.generate()
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        self._recipe = recipe
        self._recipe_points = points
        self._editor.replace(points)
        self.recipe_changed.emit(recipe)
        return True

    def regenerate(self) -> bool:
        """The same preset with a new random seed."""
        return self.set_recipe(seed=self._recipe.seed + 1)

    def set_problem(self, problem: str) -> bool:
        """Switch classification/regression: a preset of that kind replaces the data."""
        if problem == self._session.points.problem:
            return False
        if DATASETS[self._recipe.name].problem == problem:
            name = self._recipe.name
        else:
            name = next(d.name for d in DATASETS.values() if d.problem == problem)
        self.set_draw(label=0)
        return self.set_recipe(name=name)

    def set_classes(self, classes: int) -> bool:
        """Change the number of classes to draw with; points of removed classes go (undoable)."""
        points = self._session.points
        if points.problem != "classification" or classes == points.classes:
            return False
        keep = points.labels < classes
        try:
            new = Points(points.xy[keep], points.labels[keep], points.is_test[keep],
                         "classification", classes)
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        if self._draw.label >= classes:
            self.set_draw(label=classes - 1)
        self._editor.replace(new)
        return True

    def set_points(self, points: Points) -> None:
        """Replace the whole point set as one undo step."""
        self._editor.replace(points)

    def import_points(self, points: Points) -> None:
        """Replace the points with imported ones as one undo step; undo brings back the data
        and the network as trained so far (weights and epoch)."""
        self._remember_trained(self._session.points)
        self._editor.replace(points)

    def _remember_trained(self, points: Points) -> None:
        self._trained_for[id(points)] = (points, self.current_session())
        while len(self._trained_for) > MAX_REMEMBERED_NETWORKS:
            del self._trained_for[next(iter(self._trained_for))]

    def _remembered(self, points: Points) -> Session | None:
        kept = self._trained_for.get(id(points))
        return kept[1] if kept is not None and kept[0] is points else None

    def undo(self) -> bool:
        """Undo the last data edit."""
        return self._editor.undo()

    def redo(self) -> bool:
        """Redo the last undone data edit."""
        return self._editor.redo()

    def clear_points(self) -> None:
        """Remove every point (undoable)."""
        self._editor.clear()

    def set_draw(self, **changes: Any) -> None:
        """Change the drawing tool settings."""
        draw = dataclasses.replace(self._draw, **changes)
        if draw != self._draw:
            self._draw = draw
            self.draw_changed.emit(draw)

    def _on_points_edited(self, points: Points) -> None:
        if self._loading:
            return
        old = self._session
        remembered = self._remembered(points)
        if remembered is not None:  # undo or redo across an import: the network comes back too
            self._remember_trained(old.points)
            self._restore_trained(remembered.replace(notes=old.notes))
            self.points_changed.emit(points)
            return
        if (points.problem, points.classes) == (old.points.problem, old.points.classes):
            self._session = old.replace(points=points)
            self._worker.set_data(self._session.training_data())
            self._touch()
        else:
            session = old.with_points(points)
            if self._draw.label >= max(points.classes, 1) or points.problem == "regression":
                self._draw = dataclasses.replace(self._draw, label=0)
                self.draw_changed.emit(self._draw)
            self._apply_new_network(session)
            self.training_changed.emit(session.training)
        self.points_changed.emit(points)

    def _restore_trained(self, session: Session) -> None:
        """Data, network, training settings, weights and epoch as they were (one run)."""
        points = session.points
        if self._draw.label >= max(points.classes, 1) or points.problem == "regression":
            self.set_draw(label=0)
        self._session = session
        self._run += 1
        self._worker.set_network(session.network, session.training, session.training_data(),
                                 session.weights, epoch_offset=session.epoch,
                                 state=session.state)
        self._set_playing(False)
        if self._selection is not None and not self._selection_fits(self._selection):
            self.select_neuron(None)
        self._touch()
        self.network_changed.emit(session.network)
        self.training_changed.emit(session.training)

    # ----- selection (the neuron shown in the big view) -------------------------------------

    def select_neuron(self, selection: tuple[int, int] | None) -> None:
        """Show a neuron's output in the big view (None: the network's output)."""
        if selection is not None and not self._selection_fits(selection):
            selection = None
        if selection != self._selection:
            self._selection = selection
            self.selection_changed.emit(selection)

    def _selection_fits(self, selection: tuple[int, int]) -> bool:
        layer, unit = selection
        sizes = self._session.network.layer_sizes
        return 0 <= layer < len(sizes) and 0 <= unit < sizes[layer]

    # ----- files ----------------------------------------------------------------------------

    def open(self, path: str | os.PathLike[str]) -> None:
        """Open a session file; SessionError (and nothing changes) if it is bad."""
        session = load_session(path)
        self.load(session, os.fspath(path))

    def load(self, session: Session, path: str | None = None) -> None:
        """Replace everything with a session (from a file, a lesson, or a new default)."""
        self._loading = True
        self._trained_for.clear()
        try:
            self._editor.reset(session.points)
        finally:
            self._loading = False
        self._session = session
        self._run += 1
        self._worker.set_network(session.network, session.training, session.training_data(),
                                 session.weights, epoch_offset=session.epoch,
                                 state=session.state)
        self._selection = None
        self._latest = None
        self._set_playing(False)
        self._clear_pace_notice()
        self._apply_pace(session)
        self._path = path
        self._revision += 1
        self._mark_saved()
        self.path_changed.emit(path)
        self.session_replaced.emit(session)
        self.selection_changed.emit(None)

    def new_session(self) -> None:
        """Start from the default session."""
        session = Session.default()
        self._recipe = DataRecipe()
        self._recipe_points = session.points
        self.load(session)
        self.recipe_changed.emit(self._recipe)

    def _apply_pace(self, session: Session) -> None:
        """A lesson's pace: its speed and the epochs where training pauses (none otherwise)."""
        notes = session.notes
        self._worker.set_pauses(notes.pause_at if notes is not None else ())
        if notes is not None and notes.speed is not None:
            self.set_speed(notes.speed)
            self._lesson_speed = True
        elif self._lesson_speed:  # leaving a lesson: back to full speed
            self.set_speed(None)

    def _clear_pace_notice(self) -> None:
        if self._pace_notice:
            self._pace_notice = False
            self.notice.emit("", "")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the current session (weights included) atomically; remember the path."""
        save_session(self.current_session(), path)
        self._path = os.fspath(path)
        self._mark_saved()
        self.path_changed.emit(self._path)

    def _mark_saved(self) -> None:
        self._saved_revision = self._revision
        self._saved_marker = self._training_marker()
        self._update_dirty()

    def _training_marker(self) -> tuple[int, int]:
        """(run, step) of the training as the worker reports it now."""
        status = self._worker.status()
        if status.run != self._run:  # the worker has not started the current run yet
            return (self._run, 0)
        return (status.run, status.step)

    # ----- ticks and shutdown ---------------------------------------------------------------

    def _on_tick(self) -> None:
        records = [r for r in self._worker.take_records() if r.run == self._run]
        if records:
            self.records_ready.emit(records)
        frame = self._worker.take_frame()
        if frame is not None and frame.run == self._run:
            self._latest = frame
            self.frame_ready.emit(frame)
        status = self._worker.status()
        if status != self._status:
            self._update_state(self._status, status)
        if self._playing and status.applied >= self._play_sent and status.state in _STOPPED:
            self._set_playing(False)  # Play was refused (diverged, stopped early, no data)
            self.notice.emit("info" if status.state == "stopped_early" else "warning",
                             status.message)
        elif self._playing and status.applied >= self._play_sent and status.state == "paused":
            self._set_playing(False)  # the worker paused by itself: a lesson's pause epoch
            if status.message:
                self._pace_notice = True
                self.notice.emit("info", status.message)
        self._update_dirty()

    def _update_state(self, old: WorkerStatus, new: WorkerStatus) -> None:
        self._status = new
        if new.state in _STOPPED:
            if new.state != old.state or new.message != old.message:
                level = "info" if new.state == "stopped_early" else "warning"
                self.notice.emit(level, new.message)
        elif old.state in _STOPPED:
            self.notice.emit("", "")
        self.status_changed.emit(new)

    def _update_dirty(self) -> None:
        dirty = (self._revision != self._saved_revision
                 or self._training_marker() != self._saved_marker)
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def mark_unsaved(self) -> None:
        """Count the session as changed (e.g. restored from an autosave)."""
        self._touch()

    def _touch(self) -> None:
        self._revision += 1
        self._update_dirty()

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.running_changed.emit(playing)

    def shutdown(self) -> None:
        """Stop the timer and the training thread (joins it)."""
        self._timer.stop()
        self._worker.stop()


def _same_points(a: Points, b: Points) -> bool:
    return (a.problem, a.classes) == (b.problem, b.classes) and all(
        np.array_equal(x, y) for x, y in ((a.xy, b.xy), (a.labels, b.labels),
                                          (a.is_test, b.is_test)))


def label_range(points: Points) -> tuple[float, float]:
    """Symmetric colour levels for regression targets (at least ±1)."""
    m = float(np.abs(points.labels).max()) if points.n else 1.0
    m = max(m, 1.0)
    return -m, m


__all__ = ["Controller", "DataRecipe", "DrawSettings", "LEARNING_RATES", "MAX_LAYERS",
           "MAX_UNITS", "Record", "label_range"]
