"""Measure the app: training speed inside the real window (plots redrawing at 30 fps) against the
same workload headless, and the longest stall of the UI thread (DESIGN §6). Used by
`nn-playground bench --gui`."""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playground.data.generators import generate
from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session
from playground.ui.models.frame_clock import FRAME_RATE

WARM_UP_TIMEOUT = 300.0  # seconds: a cold numba cache compiles for tens of seconds


def w1_session() -> Session:
    """Workload W1: spiral (250 points, seed 0, no test split), x1 x2, [4, 2] tanh, sgd 0.03."""
    points = generate("spiral", n=250, noise=0.0, seed=0, test_ratio=0.0)
    network = NetworkSpec(
        ("x1", "x2"), (LayerSpec(4, "tanh"), LayerSpec(2, "tanh")), points.problem, points.classes
    )
    training = TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10)
    return Session(points, network, training)


def big_session() -> Session:
    """The big network of DESIGN §6: spiral (500 points, seed 0), x1 x2, 8 hidden layers × 32 tanh
    units, adam 0.01, batch 10."""
    points = generate("spiral", n=500, noise=0.0, seed=0, test_ratio=0.0)
    network = NetworkSpec(
        ("x1", "x2"), tuple(LayerSpec(32, "tanh") for _ in range(8)), points.problem, points.classes
    )
    training = TrainingSpec(OptimizerSpec("adam", 0.01), batch_size=10)
    return Session(points, network, training)


def w2_session() -> Session:
    """Workload W2: spiral (1000 points, seed 0, no test split), x1 x2, 6 × 8 relu, adam 0.01,
    batch 32."""
    points = generate("spiral", n=1000, noise=0.0, seed=0, test_ratio=0.0)
    network = NetworkSpec(
        ("x1", "x2"), tuple(LayerSpec(8, "relu") for _ in range(6)), points.problem, points.classes
    )
    training = TrainingSpec(OptimizerSpec("adam", 0.01), batch_size=32)
    return Session(points, network, training)


def grid_snapshot_ms(session: Session, repeats: int = 5) -> float:
    """Milliseconds of one snapshot with the default grid pass (what the worker adds per frame),
    best of `repeats`."""
    from playground.engine import GridRequest

    trainer = session.make_trainer()
    trainer.snapshot(GridRequest())
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        trainer.snapshot(GridRequest())
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


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


def run_gui_bench(seconds: float = 5.0) -> dict:
    """Run the window offscreen on W1, then on the big network (8×32), then on W2 with the loss
    landscape in front (PCA directions: a new 31×31 surface every refresh), each as fast as
    possible; speeds, frame rate, the UI thread's time per frame and stalls in a dict (the big
    network's figures under "big", the landscape's under "landscape")."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from playground.ui.app import make_application

    app = make_application()
    result = _measure_window(app, w1_session(), seconds)
    big = big_session()
    result["big"] = _measure_window(app, big, seconds)
    result["big"]["grid_snapshot_ms"] = grid_snapshot_ms(big)
    result["landscape"] = _measure_window(app, w2_session(), seconds, landscape=True)
    return result


def _measure_window(
    app,  # noqa: ANN001
    session: Session,
    seconds: float,
    landscape: bool = False,
) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    from playground.ui.app import freeze_startup_objects
    from playground.ui.main_window import MainWindow
    from playground.ui.window_geometry import SETTLE_MS

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

    window = MainWindow(
        session, settings=QSettings(str(settings_file), QSettings.Format.IniFormat), autosave=False
    )
    controller = window.controller
    frames = {"count": 0, "ui_seconds": 0.0}

    def on_frame(_frame: object) -> None:
        frames["count"] += 1

    def timed_tick() -> None:  # the controller's tick: takes the frame and draws every view
        start = time.perf_counter()
        before = frames["count"]
        controller._on_tick()
        if frames["count"] > before:
            frames["ui_seconds"] += time.perf_counter() - start

    surfaces: list[float] = []  # seconds of each new landscape surface drawn

    def on_landscape(result) -> None:  # noqa: ANN001 - a LandscapeResult
        if result.new_surface:
            surfaces.append(result.surface_seconds)

    window.landscape_view.updated.connect(on_landscape)
    controller.runner.frame_ready.connect(on_frame)
    controller._timer.timeout.disconnect(controller._on_tick)
    controller._timer.timeout.connect(timed_tick)
    try:
        controller.set_frame_rate(FRAME_RATE)
        window.resize(1280, 800)
        if landscape:  # the landscape in front, big, on the PCA plane (a new surface each time)
            window.metrics.show_tab("Landscape")
            window.landscape_view.set_directions("pca")
            window.landscape_view.big_button.setChecked(True)
        window.show()
        # The first layout and paint, and the window's settling onto the screen (a relayout of
        # every neuron and link, ~100 ms for the big network), are not stalls of training.
        settled = time.perf_counter() + (SETTLE_MS + 100) / 1000.0
        run_until(lambda: time.perf_counter() > settled, 10.0)
        freeze_startup_objects()  # as the app does after start-up
        stall.start()
        run_until(
            lambda: controller.status.state != "warming_up" and controller.frame is not None,
            WARM_UP_TIMEOUT,
        )
        stall_compiling = stall.take()

        controller.set_speed(None)
        controller.play()
        run_until(lambda: controller.status.state == "running", 30.0)
        # The steady state: on the compiled kernels (loading them from the cache takes a few
        # chunks of plain-Python training, whose stalls `start` measures).
        run_until(lambda: controller.worker.fast_engine, WARM_UP_TIMEOUT)
        stall.take()
        samples0, t0 = controller.worker.total_samples, time.perf_counter()
        frames.update(count=0, ui_seconds=0.0)
        surfaces.clear()
        computed0 = window.landscape_view.worker.computed
        run_until(lambda: time.perf_counter() - t0 >= seconds, seconds + 30.0)
        samples1, t1 = controller.worker.total_samples, time.perf_counter()
        computed1 = window.landscape_view.worker.computed
        drawn_surfaces = list(surfaces)
        drawn, ui_seconds = frames["count"], frames["ui_seconds"]
        stall_running = stall.take()
    finally:
        stall.stop()
        window.shutdown()
        window.close()
        app.processEvents()
        gc.unfreeze()  # this window's objects may go (the next measurement freezes its own)
    app_rate = (samples1 - samples0) / (t1 - t0)
    headless_rate = headless_samples_per_s(session, seconds)
    extra = {}
    if landscape:
        extra = {  # surfaces drawn (new ones), results computed, a surface's median time
            "landscape_surfaces_per_s": len(drawn_surfaces) / (t1 - t0),
            "landscape_results_per_s": (computed1 - computed0) / (t1 - t0),
            "landscape_surface_ms": 1000.0 * statistics.median(drawn_surfaces or [0.0]),
        }
    return {
        **extra,
        "app_samples_per_s": app_rate,
        "headless_samples_per_s": headless_rate,
        "share": app_rate / headless_rate if headless_rate > 0 else 0.0,
        "fps": drawn / (t1 - t0),
        "ui_ms_per_frame": 1000.0 * ui_seconds / drawn if drawn else 0.0,
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


# ----- cold start: launch → training visible, with an empty (or a warm) numba cache -----------

COLD_START_VARIABLE = "NN_PLAYGROUND_COLD_START_T0"  # the launcher's time.time() at launch


def measure_start(cache_dir: str | None = None, seconds: float = 30.0) -> dict[str, float]:
    """Launch the app in a new process (empty numba cache unless `cache_dir` is given), press
    Play as soon as the window shows, and report: seconds from launch to the window, to the
    first trained epoch on screen and to the compiled kernels; the longest UI-thread stall
    while Python trains, while the compiled kernels load, and overall (ms)."""
    import json
    import subprocess
    import sys

    folder = Path(tempfile.mkdtemp(prefix="nn-playground-start-"))
    env = dict(
        os.environ,
        NUMBA_CACHE_DIR=cache_dir or str(folder / "numba"),
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_DATA_HOME=str(folder / "data"),
    )
    env[COLD_START_VARIABLE] = repr(time.time())
    code = (
        "import sys, json; from playground.ui.gui_bench import start_child; "
        f"print(json.dumps(start_child({seconds!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_child(seconds: float) -> dict[str, float]:
    """In the launched process: what `measure_start` reports."""
    t0 = float(os.environ.get(COLD_START_VARIABLE, time.time()))
    import playground.engine  # noqa: F401  - numba before Qt, as the app does

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from playground.ui.app import FREEZE_AFTER_MS, freeze_startup_objects, make_application
    from playground.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow(autosave=False)
    controller = window.controller
    window.show()
    app.processEvents()
    shown = time.time() - t0
    QTimer.singleShot(FREEZE_AFTER_MS, freeze_startup_objects)  # as app.run does
    stall = _StallMeter(QElapsedTimer, QTimer)
    stall.start()
    controller.play()  # as Space the moment the window shows
    marks: dict[str, float] = {"launch_to_window_s": shown}
    stalls = {"python": 0.0, "loading": 0.0, "compiled": 0.0}
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)

    def check() -> None:
        now = time.time() - t0
        frame = controller.frame
        if "launch_to_training_s" not in marks and frame is not None and frame.epoch >= 1:
            marks["launch_to_training_s"] = now
        provider = controller.worker._provider
        phase = provider.phase if provider is not None else "compiled"
        if phase == "compiled" and "launch_to_fast_engine_s" not in marks:
            marks["launch_to_fast_engine_s"] = now
        key = phase if phase in stalls else "python"
        stalls[key] = max(stalls[key], stall.take())
        if now > seconds:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    stall.stop()
    epoch = controller.frame.epoch if controller.frame is not None else 0
    window.shutdown()
    window.close()
    app.processEvents()
    return {
        **marks,
        "max_ui_stall_ms_python": stalls["python"],
        "max_ui_stall_ms_loading": stalls["loading"],
        "max_ui_stall_ms_compiled": stalls["compiled"],
        "max_ui_stall_ms": max(stalls.values()),
        "epoch_at_end": epoch,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m playground.ui.gui_bench start [--seconds S]`: cold, then warm start."""
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="python -m playground.ui.gui_bench",
        description="Measure the app's first start (cold numba "
        "cache) and a second start (warm cache).",
    )
    parser.add_argument("what", choices=["start"])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each run watches")
    args = parser.parse_args(argv)
    cache = tempfile.mkdtemp(prefix="nn-playground-bench-numba-")
    cold = measure_start(cache, args.seconds)
    warm = measure_start(cache, min(args.seconds, 10.0))
    print(json.dumps({"cold": cold, "warm": warm}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
