"""The training worker on its own (no Qt): commands, frames, records, errors, stop."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from playground.data.generators import generate
from playground.engine import (
    GridRequest,
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    TrainingData,
    TrainingSpec,
)
from playground.worker import Frame, TrainingWorker

from .waiting import wait_until

TIMEOUT_MS = 30_000


@pytest.fixture
def wait() -> Callable[[Callable[[], object]], None]:
    """Wait for a condition of the worker thread (no Qt: the worker is headless)."""
    return lambda condition: wait_until(condition, TIMEOUT_MS)


def _data(n: int = 100) -> TrainingData:
    points = generate("xor", n=n, seed=0, test_ratio=0.2)
    return TrainingData(*points.train(), *points.test())


NETWORK = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"),))
TRAINING = TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10)


@pytest.fixture
def worker() -> Iterator[TrainingWorker]:
    """A started worker on XOR; stopped (joined) after the test."""
    w = TrainingWorker(NETWORK, TRAINING, _data(), grid=GridRequest(resolution=20))
    w.start()
    yield w
    w.stop()
    assert not w.alive


def _next_frame(
    wait,
    worker: TrainingWorker,  # noqa: ANN001
    accept: Callable[[Frame], bool] = lambda f: True,
) -> Frame:
    found: list[Frame] = []

    def check() -> bool:
        frame = worker.take_frame()
        if frame is not None and accept(frame):
            found.append(frame)
        return bool(found)

    wait(check)
    return found[0]


def test_first_frame_has_every_neuron_over_the_grid(worker, wait) -> None:  # noqa: ANN001
    frame = _next_frame(wait, worker)
    assert frame.epoch == 0
    assert [layer.shape for layer in frame.snapshot.grid.layers] == [
        (2, 20, 20),
        (4, 20, 20),
        (1, 20, 20),
    ]
    assert [w.W.shape for w in frame.weights] == [(4, 2), (1, 4)]


def test_step_epoch_and_step_batch(worker, wait) -> None:  # noqa: ANN001
    _next_frame(wait, worker)
    worker.step_epoch()
    frame = _next_frame(wait, worker, lambda f: f.epoch == 1)
    assert frame.snapshot.step == 8  # 80 training points in batches of 10
    worker.step_batch()
    wait(lambda: worker.status().step == 9)
    assert worker.status().epoch == 1
    assert worker.status().state == "paused"


def test_play_pause_and_records(worker, wait) -> None:  # noqa: ANN001
    worker.play()
    wait(lambda: worker.status().epoch >= 50)
    worker.pause()
    wait(lambda: worker.status().state == "paused")
    records = worker.take_records()
    assert records
    progress = [r.epoch_progress for r in records]
    assert progress == sorted(progress)


def test_set_training_keeps_the_epoch_and_set_network_starts_over(worker, wait) -> None:  # noqa: ANN001
    worker.step_epoch()
    _next_frame(wait, worker, lambda f: f.epoch == 1)
    worker.set_training(TrainingSpec(OptimizerSpec("adam", 0.01), batch_size=20))
    frame = _next_frame(wait, worker, lambda f: f.snapshot.learning_rate == 0.01)
    assert frame.epoch == 1
    worker.set_network(NetworkSpec(("x1", "x2"), (LayerSpec(3, "relu"), LayerSpec(2, "relu"))))
    frame = _next_frame(wait, worker, lambda f: len(f.network.layers) == 2)
    assert frame.epoch == 0 and frame.run == 1


def test_no_training_points_blocks_until_data_returns(worker, wait) -> None:  # noqa: ANN001
    worker.set_data(TrainingData(np.zeros((0, 2)), np.zeros(0)))
    worker.play()
    wait(lambda: worker.status().state == "blocked")
    assert "no training points" in worker.status().message
    worker.set_data(_data())
    worker.play()
    wait(lambda: worker.status().state == "running")


def test_divergence_stops_training_with_the_reason(wait) -> None:  # noqa: ANN001
    points = generate("plane", n=100, seed=0)
    network = NetworkSpec(
        layers=(LayerSpec(8, "relu"), LayerSpec(8, "relu")), problem="regression", classes=1
    )
    worker = TrainingWorker(
        network, TrainingSpec(OptimizerSpec("sgd", 10.0)), TrainingData(*points.train())
    )
    worker.start()
    try:
        worker.play()
        wait(lambda: worker.status().state == "diverged")
        assert "lower learning rate" in worker.status().message
    finally:
        worker.stop()


def test_stop_joins_while_throttled(worker, wait) -> None:  # noqa: ANN001
    worker.set_speed(1.0)
    worker.play()
    wait(lambda: worker.status().step >= 1)
    worker.stop()
    assert not worker.alive


def _paused_after_play(worker: TrainingWorker) -> bool:
    status = worker.status()
    return status.applied == worker.sent and status.state == "paused" and status.step > 0


def test_pauses_stop_exactly_at_their_epoch_and_play_goes_on(worker, wait) -> None:  # noqa: ANN001
    worker.set_pauses((3, 400))
    worker.play()
    wait(lambda: _paused_after_play(worker))
    status = worker.status()
    assert (status.epoch, status.step) == (3, 3 * 8)  # 80 training points in batches of 10
    assert "Paused at epoch 3" in status.message and "Play" in status.message
    frame = _next_frame(wait, worker, lambda f: not f.running)
    assert frame.epoch == 3 and frame.epoch_progress == 3.0
    worker.play()  # on to the next pause; chunks are thousands of steps by then
    wait(lambda: _paused_after_play(worker) and worker.status().epoch > 3)
    assert (worker.status().epoch, worker.status().step) == (400, 400 * 8)
    worker.play()  # no pause left: training runs on
    wait(lambda: worker.status().epoch > 450)
    assert worker.status().message == ""


def test_pauses_count_the_epochs_of_an_opened_session(wait) -> None:  # noqa: ANN001
    worker = TrainingWorker(
        NETWORK, TRAINING, _data(), grid=GridRequest(resolution=20), epoch_offset=30, warm_up=False
    )
    worker.start()
    try:
        worker.set_pauses((20, 45))  # 20 is already behind
        worker.set_speed(1000.0)
        worker.play()
        wait(lambda: _paused_after_play(worker))
        assert (worker.status().epoch, worker.status().step) == (45, 15 * 8)
    finally:
        worker.stop()


@pytest.fixture
def compiled_worker() -> Iterator[TrainingWorker]:
    """A started worker on the compiled kernels from the start (no warm-up)."""
    w = TrainingWorker(NETWORK, TRAINING, _data(), grid=GridRequest(resolution=20), warm_up=False)
    w.start()
    yield w
    w.stop()
    assert not w.alive


def test_the_grid_pass_runs_beside_training_and_is_the_frames_weights(
    compiled_worker, wait
) -> None:  # noqa: ANN001, E501
    from playground.engine import Trainer

    worker = compiled_worker

    worker.step_epoch()
    frame = _next_frame(wait, worker, lambda f: f.epoch == 1)
    assert worker._pictures.passes >= 1  # the picture thread made it (compiled kernels)
    request = frame.snapshot.grid.request
    again = Trainer(NETWORK, TRAINING, _data(), list(frame.weights)).snapshot(request).grid
    for shown, expected in zip(frame.snapshot.grid.layers, again.layers, strict=True):
        np.testing.assert_array_equal(shown, expected)
    progress = [r.epoch_progress for r in worker.take_records()]
    assert progress == sorted(progress)  # the frame's record in its place, not when drawn


def test_frames_come_at_the_pace_the_ui_takes_them(compiled_worker, wait) -> None:  # noqa: ANN001
    worker = compiled_worker
    _next_frame(wait, worker)
    passes = worker._pictures.passes
    worker.play()
    wait(lambda: worker.status().epoch >= 200)  # nobody takes frames: none are made
    assert worker._pictures.passes <= passes + 2
    taken = []
    wait(lambda: taken.append(worker.take_frame()) or sum(f is not None for f in taken) >= 5)
    assert worker._pictures.passes >= passes + 5  # frames again as soon as they are taken
