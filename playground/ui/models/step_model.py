"""The step-through inspector's state (no Qt): one training step traced on the network as it is
now (a picked training point or the next mini-batch), the stage shown and the selected link.

It takes the SessionModel (training settings, points) and the runner (its latest frame: the
weights, the optimizer state and the kernels; pause). Training pauses while inspecting; a trace
asked for while training runs waits for the first frame after the pause, so that the step it
shows is the one training takes next.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine.step_trace import StepTrace, TrainerState, trace_step
from playground.ui.models.events import Event
from playground.ui.models.session_model import SessionModel

STAGES = ("forward", "loss", "backward", "update")
STAGE_TITLES = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}
NEXT_BATCH = "next batch"

Link = tuple[int, int, int]  # (dense layer, target unit, source unit): W[layer][target, source]


class StepModel:
    """What the step-through shows; `changed` (StepModel) after every change, `notice`
    (level, message) when a pick is refused."""

    def __init__(self, model: SessionModel, runner: Any) -> None:
        self.changed = Event()  # StepModel
        self.notice = Event()  # (level, message)
        self._model, self._runner = model, runner
        self.trace: StepTrace | None = None
        self.trainer_state: TrainerState | None = None
        self.stage = 0
        self.link: Link | None = None
        self.point_indices = np.zeros(0, dtype=np.int64)  # the batch, as indices into the points
        self._pending: npt.NDArray[np.int64] | str | None = None  # waits for a paused frame
        self._min_step = 0  # the frame a waiting trace needs: at least this training step
        self.next_batch_mode = False  # the trace is of training's own next mini-batch

    # ----- state ----------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether a step is being inspected."""
        return self.trace is not None

    @property
    def stage_name(self) -> str:
        """forward, loss, backward or update."""
        return STAGES[self.stage]

    @property
    def waiting(self) -> bool:
        """Whether a trace waits for training to pause."""
        return self._pending is not None

    # ----- picking --------------------------------------------------------------------------

    def pick(self, x: float, y: float, reach: float) -> bool:
        """Inspect the training point nearest (x, y) within `reach` (data units)."""
        points = self._model.session.points
        if points.n == 0:
            return False
        distance = np.hypot(points.xy[:, 0] - x, points.xy[:, 1] - y)
        index = int(np.argmin(distance))
        if distance[index] > reach:
            self.notice.emit("info", "No point there: click on a training point to inspect it.")
            return False
        return self.inspect_point(index)

    def inspect_point(self, index: int) -> bool:
        """Inspect a training step on the point `index` of the session's points alone."""
        points = self._model.session.points
        if points.is_test[index]:
            self.notice.emit(
                "info",
                "That is a test point: training never uses it. Pick a training point "
                "(a filled marker) to see the step it causes.",
            )
            return False
        train_index = int(np.count_nonzero(~points.is_test[:index]))
        return self._request(np.array([train_index], dtype=np.int64))

    def inspect_next_batch(self) -> bool:
        """Inspect the step training takes next: its next mini-batch."""
        return self._request(NEXT_BATCH)

    def _request(self, what: npt.NDArray[np.int64] | str) -> bool:
        if getattr(self._runner, "playing", False):
            self._runner.pause()
            self._pending = what
            self.changed.emit(self)
            return True
        return self._trace(what)

    def take_step(self) -> bool:
        """Let training take the step shown (its next mini-batch), then trace the next one."""
        frame = self._runner.frame
        if self.trace is None or not self.next_batch_mode or frame is None:
            return False
        self._min_step = frame.snapshot.step + 1
        self._pending = NEXT_BATCH
        self._runner.step_batch()
        self.changed.emit(self)
        return True

    def on_frame(self, frame: Any) -> None:
        """A frame arrived: a waiting trace is made once training has paused."""
        if (
            self._pending is not None
            and not frame.running
            and frame.snapshot.step >= self._min_step
        ):
            what, self._pending = self._pending, None
            self._trace(what)

    def _trace(self, what: npt.NDArray[np.int64] | str) -> bool:
        frame, session = self._runner.frame, self._model.session
        if frame is None or frame.network != session.network or frame.state is None:
            self.notice.emit("info", "The network is not ready yet: try again in a moment.")
            return False
        state = TrainerState(
            frame.network,
            session.training,
            session.training_data(),
            tuple(frame.weights),
            frame.epoch,
            frame.state,
            getattr(session, "neurons", None),  # frozen and switched-off neurons
        )
        indices = None if isinstance(what, str) else what
        try:
            trace = trace_step(state, indices, kernels=frame.kernels)
        except ValueError as error:
            self.notice.emit("warning", f"Cannot trace a step now: {error}")
            return False
        self.trace, self.trainer_state = trace, state
        self.next_batch_mode, self._min_step = indices is None, 0
        self.point_indices = np.flatnonzero(~session.points.is_test)[trace.indices]
        self.stage = 0
        self.link = self.link if self.link is not None and self._fits(self.link) else None
        self.changed.emit(self)
        return True

    def _fits(self, link: Link) -> bool:
        trace = self.trace
        if trace is None or not 0 <= link[0] < len(trace.before):
            return False
        out, inputs = trace.before[link[0]].W.shape
        return 0 <= link[1] < out and 0 <= link[2] < inputs

    # ----- stepping -------------------------------------------------------------------------

    def next(self) -> None:
        """The next stage (stays on the last)."""
        self.set_stage(self.stage + 1)

    def back(self) -> None:
        """The previous stage (stays on the first)."""
        self.set_stage(self.stage - 1)

    def set_stage(self, stage: int) -> None:
        """Show stage `stage` (0 forward … 3 update), clamped."""
        stage = min(max(stage, 0), len(STAGES) - 1)
        if self.active and stage != self.stage:
            self.stage = stage
            self.changed.emit(self)

    def select_link(self, link: Link | None) -> None:
        """The link the chain rule is written for (None: none)."""
        if link is not None and not self._fits(link):
            link = None
        if link != self.link:
            self.link = link
            self.changed.emit(self)

    def close(self) -> None:
        """Stop inspecting."""
        self._pending = None
        if self.trace is not None:
            self.trace = self.trainer_state = None
            self.point_indices = np.zeros(0, dtype=np.int64)
            self.stage = 0
            self.link = None
            self.changed.emit(self)

    @property
    def batch_mode(self) -> bool:
        """Whether the trace is of several points (values shown per neuron are batch means)."""
        return self.trace is not None and self.trace.indices.size > 1
