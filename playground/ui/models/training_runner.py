"""The training runner: owns the worker thread, the frame tick and the transport state.

Runs are counted by the worker alone (`TrainingWorker.run`): a frame or record of an older run
is dropped here. The worker's status is turned into one notice per event on `notice`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from playground.engine import GridRequest, TrainingData, TrainingSpec
from playground.engine.neuron_masks import NeuronMasks
from playground.session import Notes, Session
from playground.ui.models.frame_clock import FRAME_RATE, frame_timer, tick_interval_ms
from playground.worker import Frame, TrainingWorker, WorkerStatus

DEFAULT_GRID = GridRequest(-6.0, 6.0, -6.0, 6.0, 100)
_STOPPED = ("diverged", "stopped_early", "blocked")  # worker states where training cannot run


def _level(status: WorkerStatus) -> str:
    return "info" if status.state == "stopped_early" else "warning"


class TrainingRunner(QObject):
    """Play/pause/step/reset, speed, grid and a lesson's pace; a QTimer hands the worker's
    newest frame and records to the views."""

    frame_ready = Signal(object)  # Frame
    records_ready = Signal(object)  # list[Record]
    status_changed = Signal(object)  # WorkerStatus
    running_changed = Signal(bool)  # playing or not
    speed_changed = Signal(object)  # float | None (epochs per second, None = max)
    grid_changed = Signal(object)  # GridRequest
    notice = Signal(str, str)  # (level "warning"/"info" or "" to clear, message)
    ticked = Signal()  # after every tick (progress may have changed)

    def __init__(
        self,
        session: Session,
        *,
        warm_up: bool = True,
        frame_rate: float = FRAME_RATE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._grid = DEFAULT_GRID
        self._speed: float | None = None
        self._lesson_speed = False  # the speed came from a lesson's pace, not from the user
        self._pace_notice = False  # the banner says training paused at a lesson's pause
        self._playing = False
        self._play_sent = 0  # the worker's command count when Play was sent
        self._latest: Frame | None = None
        self._status = WorkerStatus("warming_up" if warm_up else "paused")
        self.worker = TrainingWorker(
            session.network,
            session.training,
            session.training_data(),
            session.weights,
            grid=self._grid,
            epoch_offset=session.epoch,
            state=session.state,
            warm_up=warm_up,
        )
        self.worker.set_neuron_masks(session.neurons)
        self.worker.start()
        self.timer = frame_timer(self, frame_rate)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    # ----- state ----------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """Whether training runs continuously."""
        return self._playing

    @property
    def speed(self) -> float | None:
        """Epochs per second (None = as fast as possible)."""
        return self._speed

    @property
    def grid(self) -> GridRequest:
        """The view rectangle the neurons are evaluated over."""
        return self._grid

    @property
    def status(self) -> WorkerStatus:
        """The worker's last reported status."""
        return self._status

    @property
    def frame(self) -> Frame | None:
        """The last frame handed to the views (of the current run, or None)."""
        frame = self._latest
        return frame if frame is not None and frame.run == self.worker.run else None

    def training_marker(self) -> tuple[int, int]:
        """(run, step) of the training as the worker reports it now."""
        status = self.worker.status()
        if status.run != self.worker.run:  # the worker has not started the newest run yet
            return (self.worker.run, 0)
        return (status.run, status.step)

    # ----- transport ------------------------------------------------------------------------

    def play(self) -> None:
        """Train continuously (the worker says so if it cannot: see tick)."""
        self.clear_pace_notice()
        self.worker.play()
        self._play_sent = self.worker.sent
        self._set_playing(True)

    def pause(self) -> None:
        """Stop training."""
        self.worker.pause()
        self._set_playing(False)

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self.playing else self.play()

    def step_epoch(self) -> None:
        """Train one epoch, then pause."""
        self.worker.step_epoch()
        self._set_playing(False)

    def step_batch(self) -> None:
        """Train one mini-batch, then pause."""
        self.worker.step_batch()
        self._set_playing(False)

    def reset(self) -> None:
        """Start over from the initializer and seed (a new run)."""
        self.worker.reset()
        self._set_playing(False)
        self.clear_pace_notice()

    def start(self, session: Session, *, resume: bool = False) -> None:
        """A new run of `session`: a fresh network (weights, epoch and state too if `resume`).
        It waits for Play, as TensorFlow Playground does after an architecture change."""
        if resume:
            self.worker.set_network(
                session.network,
                session.training,
                session.training_data(),
                session.weights,
                epoch_offset=session.epoch,
                state=session.state,
            )
        else:
            self.worker.set_network(session.network, session.training, session.training_data())
        self.worker.set_neuron_masks(session.neurons)
        self._set_playing(False)

    def set_neuron_masks(self, masks: NeuronMasks | None) -> None:
        """Frozen and switched-off neurons from now on (None: none)."""
        self.worker.set_neuron_masks(masks)

    def forget_frame(self) -> None:
        """Drop the last frame (a whole new session)."""
        self._latest = None

    def set_training(self, training: TrainingSpec) -> None:
        """New training settings, live."""
        self.worker.set_training(training)

    def set_data(self, data: TrainingData) -> None:
        """Edited points, live."""
        self.worker.set_data(data)

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Throttle training (None = as fast as possible)."""
        self._lesson_speed = False
        self._speed = epochs_per_second
        self.worker.set_speed(epochs_per_second)
        self.speed_changed.emit(epochs_per_second)

    def set_grid(self, request: GridRequest) -> None:
        """Evaluate the neurons over a new view rectangle."""
        if request == self._grid:
            return
        self._grid = request
        self.worker.set_grid(request)
        self.grid_changed.emit(request)

    def set_frame_rate(self, frames_per_second: float) -> None:
        """How often the views redraw."""
        self.timer.setInterval(tick_interval_ms(frames_per_second))

    def apply_pace(self, notes: Notes | None) -> None:
        """A lesson's pace: its speed and the epochs where training pauses (none otherwise)."""
        self.worker.set_pauses(notes.pause_at if notes is not None else ())
        if notes is not None and notes.speed is not None:
            self.set_speed(notes.speed)
            self._lesson_speed = True
        elif self._lesson_speed:  # leaving a lesson: back to full speed
            self.set_speed(None)

    def clear_pace_notice(self) -> None:
        """Take down the banner of a lesson's pause, if it is up."""
        if self._pace_notice:
            self._pace_notice = False
            self.notice.emit("", "")

    # ----- ticks and shutdown ---------------------------------------------------------------

    def tick(self) -> None:
        """Hand the newest records, frame and status to the views."""
        run = self.worker.run
        records = [r for r in self.worker.take_records() if r.run == run]
        if records:
            self.records_ready.emit(records)
        frame = self.worker.take_frame()
        if frame is not None and frame.run == run:
            self._latest = frame
            self.frame_ready.emit(frame)
        status = self.worker.status()
        notice = self._update_status(status) if status != self._status else None
        if self._playing and status.applied >= self._play_sent:
            if status.state in _STOPPED:  # Play was refused (diverged, stopped early, no data)
                self._set_playing(False)
                notice = (_level(status), status.message)
            elif status.state == "paused":  # the worker paused by itself: a lesson's pause
                self._set_playing(False)
                if status.message:
                    self._pace_notice = True
                    notice = ("info", status.message)
        if notice is not None:
            self.notice.emit(*notice)
        self.ticked.emit()

    def _update_status(self, new: WorkerStatus) -> tuple[str, str] | None:
        old, self._status = self._status, new
        self.status_changed.emit(new)
        if new.state in _STOPPED:
            if new.state != old.state or new.message != old.message:
                return (_level(new), new.message)
        elif old.state in _STOPPED:
            return ("", "")
        return None

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.running_changed.emit(playing)

    def shutdown(self) -> None:
        """Stop the timer and the training thread (joins it)."""
        self.timer.stop()
        self.worker.stop()
