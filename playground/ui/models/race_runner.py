"""The race runner: owns the race thread (playground/race_worker.py), hands its newest frame
to the race window on a timer, and keeps the transport state (playing or not)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from playground.race import Contestant
from playground.race_worker import DEFAULT_SPEED, RaceFrame, RaceStatus, RaceWorker
from playground.session import Session
from playground.ui.models.frame_clock import FRAME_RATE, frame_timer


class RaceRunner(QObject):
    """Play/pause/step for every contestant at once; a QTimer hands the worker's newest frame
    and status to the views."""

    frame_ready = Signal(object)  # RaceFrame
    status_changed = Signal(object)  # RaceStatus
    running_changed = Signal(bool)  # playing or not
    speed_changed = Signal(object)  # float | None (epochs per second, None = max)

    def __init__(
        self,
        session: Session,
        contestants: tuple[Contestant, ...],
        *,
        speed: float | None = DEFAULT_SPEED,
        kernels: Any = None,
        frame_rate: float = FRAME_RATE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._playing = False
        self._play_sent = 0
        self._status = RaceStatus("starting")
        self._frame: RaceFrame | None = None
        self._speed = speed
        self.worker = RaceWorker(session, contestants, speed=speed, kernels=kernels)
        self.worker.start()
        self.timer = frame_timer(self, frame_rate)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    @property
    def playing(self) -> bool:
        """Whether the race runs continuously."""
        return self._playing

    @property
    def frame(self) -> RaceFrame | None:
        """The last frame handed to the views."""
        return self._frame

    @property
    def speed(self) -> float | None:
        """Epochs per second of every contestant (None = as fast as possible)."""
        return self._speed

    @property
    def status(self) -> RaceStatus:
        """The worker's last reported status."""
        return self._status

    def play(self) -> None:
        """Every contestant trains continuously."""
        self.worker.play()
        self._play_sent = self.worker.sent
        self._set_playing(True)

    def pause(self) -> None:
        """Every contestant stops."""
        self.worker.pause()
        self._set_playing(False)

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self._playing else self.play()

    def step_epoch(self) -> None:
        """Every contestant trains to the end of the epoch."""
        self.worker.step_epoch()
        self._set_playing(False)

    def step_batch(self) -> None:
        """Every contestant trains one mini-batch."""
        self.worker.step_batch()
        self._set_playing(False)

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Throttle the race (None = as fast as possible)."""
        self._speed = epochs_per_second
        self.worker.set_speed(epochs_per_second)
        self.speed_changed.emit(epochs_per_second)

    def set_directions(self, directions: str) -> None:
        """Draw the paths on the race's random plane ("random"), or on a plane fitted to the
        paths so far ("pca")."""
        self.worker.set_directions(directions)

    def tick(self) -> None:
        """Hand the newest frame and status to the views."""
        frame = self.worker.take_frame()
        if frame is not None:
            self._frame = frame
            self.frame_ready.emit(frame)
        status = self.worker.status()
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)
        if self._playing and status.applied >= self._play_sent and status.state != "running":
            self._set_playing(False)  # Play refused or ended (every contestant diverged)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.running_changed.emit(playing)

    def shutdown(self) -> None:
        """Stop the timer and the race thread (joins it)."""
        self.timer.stop()
        self.worker.stop()
