"""The controller: the composition root of the models behind the window.

`SessionModel` (the Session: the one home of every setting), `DataEditor` (recipe, drawing, the
point set with undo/redo), `TrainingRunner` (the worker thread, the frame tick, play/pause),
`FileState` (path, unsaved changes) and `Selection` (the neuron in the big view) each do one
thing; the controller wires them together and keeps the signals and methods the views use.
Every refused edit and every worker problem goes out on one channel: `notice`.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.data.points import Points
from playground.session import Session, load_session, save_session
from playground.ui.models.data_editor import DataEditor, DataRecipe, DrawSettings
from playground.ui.models.file_state import FileState
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import (
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_UNITS,
    SessionModel,
)
from playground.ui.models.training_runner import DEFAULT_GRID, FRAME_RATE, TrainingRunner
from playground.ui.models.weight_editor import EditHistory, WeightEditor
from playground.ui.widgets.appearance import Appearance
from playground.worker import Frame, Record


class Controller(QObject):
    """Builds the models and coordinates the changes that touch several of them.

    Views take the models they show (`model`, `data`, `runner`, `selection_model`, `files`,
    `appearance`) and listen to their events; the controller subscribes first, so by the time a
    view hears of a change, every model has followed it. `notice` joins the models' notices: one
    channel for every refused edit and every worker problem.
    """

    notice = Signal(str, str)  # (level "warning"/"info" or "" to clear, message)

    def __init__(
        self,
        session: Session | None = None,
        *,
        warm_up: bool = True,
        frame_rate: float = FRAME_RATE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = SessionModel(session)
        self.data = DataEditor(self.model.session.points, self.current_session)
        self.runner = TrainingRunner(
            self.model.session, warm_up=warm_up, frame_rate=frame_rate, parent=self
        )
        self.files = FileState(self.runner.training_marker)
        self.selection_model = Selection(lambda: self.model.session.network.layer_sizes)
        self.weights = WeightEditor(
            self.model, self._shown_weights, self._send_weight, self.runner.set_neuron_masks
        )
        self.history = EditHistory()  # Edit > Undo: the newest edit, of the points or weights
        self._timer, self._on_tick = self.runner.timer, self.runner.tick  # for gui_bench
        self._coordinate()
        self.runner.apply_pace(self.model.session.notes)
        self.appearance = Appearance(self)  # how the views look (not part of the session)
        self._delegate_api()

    def _coordinate(self) -> None:
        """Subscribe to the models first: each change reaches the other models before a view."""
        self.runner.notice.connect(self.notice)
        self.runner.ticked.connect(self.files.refresh)
        for event in (self.model.notice, self.data.notice, self.weights.notice):
            event.connect(self.notice.emit)
        self.data.points_edited.connect(lambda _: self.history.record(self.data))
        self.weights.edited.connect(lambda _: self.history.record(self.weights))
        self.weights.edited.connect(lambda _: self.files.touch())
        self.model.training_changed.connect(self._on_training_changed)
        self.model.network_changed.connect(self._on_network_changed)
        self.data.points_edited.connect(self._on_points_edited)

    def _delegate_api(self) -> None:
        """The views' API, delegated to the model that owns each part."""
        m, d, r, h = self.model, self.data, self.runner, self.history
        self.set_training, self.set_learning_rate = m.set_training, m.set_learning_rate
        self.step_learning_rate, self.set_optimizer = m.step_learning_rate, m.set_optimizer
        self.set_optimizer_option, self.set_schedule = m.set_optimizer_option, m.set_schedule
        self.set_schedule_option, self.set_network = m.set_schedule_option, m.set_network
        self.add_layer, self.remove_layer = m.add_layer, m.remove_layer
        self.change_units, self.set_layer = m.change_units, m.set_layer
        self.set_all_activations, self.toggle_input = m.set_all_activations, m.toggle_input
        self.set_standardize = m.set_standardize
        self.set_recipe, self.regenerate, self.set_problem = (
            d.set_recipe,
            d.regenerate,
            d.set_problem,
        )
        self.set_classes, self.set_points = d.set_classes, d.set_points
        self.import_points, self.undo, self.redo = d.import_points, h.undo, h.redo
        self.clear_points, self.set_draw = d.clear_points, d.set_draw
        self.play, self.pause, self.step_epoch = r.play, r.pause, r.step_epoch
        self.toggle_play = r.toggle_play
        self.step_batch, self.set_speed, self.set_grid = r.step_batch, r.set_speed, r.set_grid
        self.set_frame_rate = r.set_frame_rate
        self.select_neuron = self.selection_model.select

    # ----- state ----------------------------------------------------------------------------

    session = property(
        lambda self: self.model.session,
        doc="The current settings and data (weights as of the last load).",
    )
    editor = property(lambda self: self.data.editor, doc="The editable point set (undo/redo).")
    worker = property(lambda self: self.runner.worker, doc="The training thread.")
    recipe = property(lambda self: self.data.recipe, doc="The preset the data came from.")
    recipe_active = property(
        lambda self: self.data.recipe_active,
        doc="Whether the points are what the recipe generates.",
    )
    draw = property(lambda self: self.data.draw, doc="The drawing tool settings.")
    grid = property(lambda self: self.runner.grid, doc="The rectangle neurons are shown over.")
    speed = property(lambda self: self.runner.speed, doc="Epochs per second (None = max).")
    selection = property(
        lambda self: self.selection_model.neuron,
        doc="The (layer, unit) shown in the big view, None for the output.",
    )
    playing = property(lambda self: self.runner.playing, doc="Whether training runs.")
    path = property(lambda self: self.files.path, doc="The session file, if any.")
    frame = property(lambda self: self.runner.frame, doc="The last frame of the current run.")
    status = property(lambda self: self.runner.status, doc="The worker's last status.")
    dirty = property(lambda self: self.files.dirty, doc="Unsaved changes (no side effect).")
    change_key = property(
        lambda self: self.files.change_key,
        doc="Changes whenever the session or its training changes.",
    )

    def current_session(self) -> Session:
        """The session with the weights and epoch the network has now (what Save writes)."""
        session, frame = self.model.session, self.runner.frame
        if frame is None or frame.network != session.network:
            return session
        try:
            return session.replace(weights=frame.weights, epoch=frame.epoch, state=frame.state)
        except ValueError:  # e.g. diverged weights (NaN): keep the last good ones
            return session

    def _shown_weights(self) -> tuple | None:
        """The weights of the last frame, if it is of the session's network."""
        frame = self.runner.frame
        return (
            frame.weights if frame is not None and frame.network == self.session.network else None
        )

    def _send_weight(self, layer: int, unit: int, source: int, value: float) -> None:
        self.runner.worker.set_weight(layer, unit, source, value, self.runner.worker.run)

    # ----- changes that touch several models ------------------------------------------------

    def reset(self) -> None:
        """Start over from the initializer and seed, at epoch 0."""
        self.model.replace(self.model.session.replace(weights=None, epoch=0))
        self.runner.reset()
        self.files.touch()

    def _on_training_changed(self, training: object) -> None:
        self.runner.set_training(self.model.session.training)
        self.files.touch()

    def _on_network_changed(self, session: Session) -> None:
        """A new architecture starts over; a session with weights (undo across an import)
        resumes them."""
        self.runner.start(session, resume=session.weights is not None)
        self.selection_model.validate()
        self.files.touch()

    def _on_points_edited(self, points: Points) -> None:
        old = self.model.session
        remembered = self.data.remembered(points)
        if remembered is not None:  # undo or redo across an import: the network comes back too
            self.data.remember_trained(old.points)
            self.data.fit_draw_label(points)
            self._restart(remembered.replace(notes=old.notes))
        elif (points.problem, points.classes) == (old.points.problem, old.points.classes):
            self.model.replace(old.replace(points=points))
            self.runner.set_data(self.model.session.training_data())
            self.files.touch()
        else:
            self.data.fit_draw_label(points)
            self._restart(old.with_points(points).replace(weights=None, epoch=0, state=None))

    def _restart(self, session: Session) -> None:
        """A session whose network follows new points: the runner restarts, then the views
        hear of the network and its training."""
        self.model.replace(session)
        self.model.network_changed.emit(session)
        self.model.training_changed.emit(session.training)

    # ----- files ----------------------------------------------------------------------------

    def open(self, path: str | os.PathLike[str]) -> None:
        """Open a session file; SessionError (and nothing changes) if it is bad."""
        self.load(load_session(path), os.fspath(path))

    def load(self, session: Session, path: str | None = None) -> None:
        """Replace everything with a session (from a file, a lesson, or a new default)."""
        self.data.reset(session.points)
        self.model.replace(session)
        self.runner.start(session, resume=True)
        self.runner.forget_frame()
        self.runner.clear_pace_notice()
        self.runner.apply_pace(session.notes)
        self.files.opened(path)
        self.model.replaced.emit(session)
        self.selection_model.clear()

    def new_session(self) -> None:
        """Start from the default session."""
        session = Session.default()
        self.data.reset(session.points, new_recipe=True)
        self.load(session)
        self.data.recipe_changed.emit(self.data.recipe)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the current session (weights included) atomically; remember the path."""
        save_session(self.current_session(), path)
        self.files.saved(path)

    def mark_unsaved(self) -> None:
        """Count the session as changed (e.g. restored from an autosave)."""
        self.files.touch()

    def shutdown(self) -> None:
        """Stop the timer and the training thread (joins it)."""
        self.runner.shutdown()


def label_range(points: Points) -> tuple[float, float]:
    """Symmetric colour levels for regression targets (at least ±1)."""
    m = float(np.abs(points.labels).max()) if points.n else 1.0
    m = max(m, 1.0)
    return -m, m


__all__ = [
    "DEFAULT_GRID",
    "Controller",
    "DataRecipe",
    "DrawSettings",
    "Frame",
    "LEARNING_RATES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "Record",
    "label_range",
]
