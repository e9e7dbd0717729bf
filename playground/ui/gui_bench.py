"""Measure the app: training speed inside the real window (plots redrawing at 30 fps) against the
same workload headless, and the longest stall of the UI thread (DESIGN §6). Used by
`nn-playground bench --gui`."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playground.data.generators import generate
from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session

FRAME_RATE = 30.0
WARM_UP_TIMEOUT = 300.0  # seconds: a cold numba cache compiles for tens of seconds


def w1_session() -> Session:
    """Workload W1: spiral (250 points, seed 0, no test split), x1 x2, [4, 2] tanh, sgd 0.03."""
    points = generate("spiral", n=250, noise=0.0, seed=0, test_ratio=0.0)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"), LayerSpec(2, "tanh")),
                          points.problem, points.classes)
    training = TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10)
    return Session(points, network, training)


def headless_samples_per_s(session: Session, seconds: float) -> float:
    """Training samples per second of the bare Trainer on this session (chunks of ~10 ms)."""
    trainer = session.make_trainer()
    batch = min(session.training.batch_size, trainer.data.train_xy.shape[0])
    trainer.run(10)
    steps, chunk = 0, 1000
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        t = time.perf_counter()
        steps += trainer.run(chunk)
        chunk = max(1, int(chunk * 0.010 / max(time.perf_counter() - t, 1e-6)))
    return steps * batch / elapsed


def run_gui_bench(seconds: float = 5.0) -> dict[str, float]:
    """Run the window offscreen on W1 as fast as possible; speeds and UI stalls in a dict."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    from .app import make_application
    from .main_window import MainWindow

    app = make_application()
    session = w1_session()
    settings_file = Path(tempfile.mkdtemp(prefix="nn-playground-bench-")) / "settings.ini"
    stall = _StallMeter(QElapsedTimer, QTimer)

    def run_until(done: Callable[[], bool], timeout: float) -> None:
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(5)
        deadline = time.perf_counter() + timeout
        poll.timeout.connect(lambda: (done() or time.perf_counter() > deadline) and loop.quit())
        poll.start()
        loop.exec()
        poll.stop()

    window = MainWindow(session, settings=QSettings(str(settings_file),
                                                    QSettings.Format.IniFormat),
                        autosave=False)
    controller = window.controller
    try:
        controller.set_frame_rate(FRAME_RATE)
        window.resize(1280, 800)
        window.show()
        app.processEvents()  # the first layout and paint are not a stall of training
        stall.start()
        run_until(lambda: controller.status.state != "warming_up"
                  and controller.frame is not None, WARM_UP_TIMEOUT)
        stall_compiling = stall.take()

        controller.set_speed(None)
        controller.play()
        run_until(lambda: controller.status.state == "running", 30.0)
        stall.take()
        samples0, t0 = controller.worker.total_samples, time.perf_counter()
        run_until(lambda: time.perf_counter() - t0 >= seconds, seconds + 30.0)
        samples1, t1 = controller.worker.total_samples, time.perf_counter()
        stall_running = stall.take()
    finally:
        stall.stop()
        window.shutdown()
        window.close()
        app.processEvents()
    app_rate = (samples1 - samples0) / (t1 - t0)
    headless_rate = headless_samples_per_s(session, seconds)
    return {
        "app_samples_per_s": app_rate,
        "headless_samples_per_s": headless_rate,
        "share": app_rate / headless_rate if headless_rate > 0 else 0.0,
        "max_ui_stall_ms": stall_running,
        "max_ui_stall_ms_compiling": stall_compiling,
    }


class _StallMeter:
    """The longest gap between ticks of a 1 ms timer on the UI thread, in milliseconds."""

    def __init__(self, elapsed_timer: type, timer: type) -> None:
        self._clock = elapsed_timer()
        self._timer = timer()
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._on_tick)
        self._max = 0.0
        self._last = 0

    def start(self) -> None:
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def _on_tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self._max = max(self._max, (now - self._last) / 1e6)
        self._last = now

    def take(self) -> float:
        """The longest gap since the last take (or start), and start over."""
        self._on_tick()
        value, self._max = self._max, 0.0
        return value

    def stop(self) -> None:
        self._timer.stop()
