"""How often the views redraw: the frame rate and the timer that ticks it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer

FRAME_RATE = 30.0  # frames a second the plots redraw at (DESIGN §6)
# The timer ticks a little faster than the frame rate. A frame is drawn at a tick if it is
# ready; a frame that is late for its tick (its grid pass on a busy core) waits for the next,
# and at exactly 30 ticks a second each such miss took the rate under 30 (28-29.5 fps for
# the 8×32 network).
HEADROOM = 1.05


def tick_interval_ms(frame_rate: float) -> int:
    """Milliseconds between the ticks of a timer drawing frame_rate frames a second."""
    return max(1, round(1000.0 / (frame_rate * HEADROOM)))


def frame_timer(parent: QObject, frame_rate: float) -> QTimer:
    """A precise timer (not started) at tick_interval_ms(frame_rate): Qt's default coarse
    timer may fire up to 5 % late."""
    timer = QTimer(parent)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(tick_interval_ms(frame_rate))
    return timer
