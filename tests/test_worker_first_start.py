"""The worker on a first start (no Qt): it trains on the plain-Python kernels at once while the
compiler child runs (simulated here), switches to the compiled kernels without a jump, and keeps
training on Python with a clear message when the compiler fails."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest

from playground.data.generators import generate
from playground.engine import (
    GridRequest,
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    Trainer,
    TrainingData,
    TrainingSpec,
)
from playground.engine import kernels as K
from playground.engine.compiler import CompileState
from playground.engine.pure import PythonKernels
from playground.engine.startup import KernelProvider
from playground.worker import UI_TURN_SECONDS, TrainingWorker

from .waiting import wait_until

TIMEOUT_MS = 60_000
NETWORK = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"),))
TRAINING = TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10)


@pytest.fixture
def wait() -> Callable[[Callable[[], object]], None]:
    """Wait for a condition of the worker thread (no Qt: the worker is headless)."""
    return lambda condition: wait_until(condition, TIMEOUT_MS)


class HeldCompiler:
    """A compiler child that is 'still compiling' until the test lets it finish."""

    def __init__(self) -> None:
        self.now = CompileState(done=300)

    def start(self) -> None:
        pass

    def state(self) -> CompileState:
        return self.now

    def stop(self) -> None:
        pass


class FirstStartWorker(TrainingWorker):
    """A worker whose first start uses the held compiler (the cache counts as cold)."""

    compiler: HeldCompiler

    def _make_provider(self) -> KernelProvider:
        self.compiler = HeldCompiler()
        return KernelProvider(lambda: self.compiler, cache_is_warm=lambda: False)


def _data() -> TrainingData:
    points = generate("xor", n=100, seed=0, test_ratio=0.2)
    return TrainingData(*points.train(), *points.test())


def _worker() -> FirstStartWorker:
    worker = FirstStartWorker(NETWORK, TRAINING, _data(), grid=GridRequest(resolution=20))
    worker.start()
    wait_until(lambda: hasattr(worker, "compiler"), 10_000)  # its thread made the provider
    return worker


def test_trains_on_python_before_the_compiler_is_done_then_switches_without_a_jump(wait):  # noqa: ANN001
    worker = _worker()
    try:
        worker.play()
        wait(lambda: worker.status().epoch >= 3)  # trained while 'compiling'
        assert isinstance(worker._trainer.kernels, PythonKernels)
        assert "Python engine" in worker.status().engine and not worker.fast_engine
        worker.compiler.now = CompileState(done=1000, finished=True, ok=True)
        wait(lambda: worker._trainer.kernels is K)
        assert worker.fast_engine  # what bench --gui waits for before it measures
        epoch_at_switch = worker.status().epoch
        wait(lambda: worker.status().epoch >= epoch_at_switch + 3)  # goes on, compiled
        assert worker.status().state == "running"
        worker.pause()
        wait(lambda: worker.status().state == "paused" and worker.status().applied == 2)
        trainer = worker._trainer
        reference = Trainer(NETWORK, TRAINING, _data())
        reference.run(trainer.step)  # the same steps, compiled from the start
        assert reference.epoch == trainer.epoch
        np.testing.assert_array_equal(trainer._params, reference._params)  # the same bits
    finally:
        worker.stop()
    assert not worker.alive


def test_a_failing_compiler_leaves_training_on_python_with_a_message(wait):  # noqa: ANN001
    worker = _worker()
    try:
        worker.compiler.now = CompileState(finished=True, error="LoweringError: no LLVM")
        worker.play()
        wait(lambda: "could not be compiled" in worker.status().engine)
        assert "no LLVM" in worker.status().engine
        epoch = worker.status().epoch
        wait(lambda: worker.status().epoch >= epoch + 3)
        assert isinstance(worker._trainer.kernels, PythonKernels)
        worker.set_network(NetworkSpec(("x1", "x2"), (LayerSpec(3, "relu"),)))
        worker.play()
        wait(lambda: worker.status().run == 1 and worker.status().epoch >= 2)
        assert isinstance(worker._trainer.kernels, PythonKernels)  # new networks too
    finally:
        worker.stop()


def test_on_python_the_worker_lets_the_ui_draw_the_frame_it_took_alone(wait):  # noqa: ANN001
    worker = _worker()
    try:
        worker.play()
        wait(lambda: worker.status().epoch >= 1 and worker.latest_frame() is not None)
        asked = []

        def take() -> bool:  # the UI takes a frame to draw
            asked.append(time.perf_counter())
            return worker.take_frame() is not None

        wait(take)
        assert asked[-1] < worker._ui_turn_until <= time.perf_counter() + UI_TURN_SECONDS
        worker.compiler.now = CompileState(done=1000, finished=True, ok=True)
        wait(lambda: worker._trainer.kernels is K)
        wait(lambda: worker._switch_interval is None)
        turn = worker._ui_turn_until
        wait(lambda: worker.take_frame() is not None)
        assert worker._ui_turn_until == turn  # compiled kernels leave the GIL: no pause
    finally:
        worker.stop()
