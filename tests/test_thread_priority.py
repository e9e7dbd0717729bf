"""Compute threads give way to the UI thread (Linux: a thread's own nice value)."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

from playground.thread_priority import BACKGROUND_NICENESS, run_in_background
from tests.waiting import wait_until


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
def test_a_background_thread_runs_at_a_lower_priority_and_the_caller_keeps_its_own() -> None:
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def work() -> None:
        run_in_background()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        inner = threading.Thread(target=work) if len(seen) == 1 else None
        if inner is not None:  # a thread started by a background thread: not lowered twice
            inner.start()
            inner.join()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [min(19, own + BACKGROUND_NICENESS)] * 2
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
def test_training_runs_below_the_ui_thread_and_its_picture_pass_beside_it() -> None:
    """The picture pass makes what the window shows next: it keeps the UI's priority."""
    from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, TrainingData, TrainingSpec
    from playground.worker import TrainingWorker

    network = NetworkSpec(layers=(LayerSpec(2, "tanh"),))
    data = TrainingData(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0.0, 1.0]))
    worker = TrainingWorker(network, TrainingSpec(OptimizerSpec("sgd", 0.1)), data, warm_up=False)
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker.start()
    try:
        thread = worker._thread.native_id
        lowered = min(19, own + BACKGROUND_NICENESS)
        wait_until(lambda: os.getpriority(os.PRIO_PROCESS, thread) == lowered, 10_000)
        pictures = worker._pictures._thread.native_id
        assert os.getpriority(os.PRIO_PROCESS, pictures) == own
    finally:
        worker.stop()


def test_every_compute_thread_of_the_app_lowers_its_priority() -> None:
    """Training, the landscape, the inspections and the race."""
    import inspect

    import playground.inspection_worker
    import playground.landscape_worker
    import playground.race_worker
    import playground.worker

    mains = [
        playground.worker.TrainingWorker._main,
        playground.landscape_worker.LandscapeWorker._main,
        playground.inspection_worker.InspectionWorker._main,
        playground.race_worker.RaceWorker._main,
    ]
    for main in mains:
        assert "\n        run_in_background()\n" in inspect.getsource(main), main.__qualname__
