"""The plain-Python copy of the kernels (what the app trains on while numba compiles) against
the compiled kernels; and the first-start kernel provider with a simulated compiler."""

from __future__ import annotations

import numpy as np
import pytest

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
from playground.engine.activations import ACTIVATIONS, activate_row, activate_rows, curve
from playground.engine.compiler import CompileState
from playground.engine.pure import PythonKernels, load
from playground.engine.startup import KernelProvider

# The compiled kernels use no fastmath, so both paths give the same weights, bit for bit. The
# plain path evaluates losses and grid pictures with numpy (sums in another order): those agree
# to rounding.
STEPS = 12
LOSS_TOLERANCE = 1e-12


def _data(seed: int = 0, n: int = 60) -> TrainingData:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1, 1, (n, 2))
    labels = ((xy[:, 0] * xy[:, 1]) > 0).astype(float)
    return TrainingData(xy[:40], labels[:40], xy[40:], labels[40:])


CASES = {
    "tanh sgd": (
        NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"), LayerSpec(2, "tanh"))),
        TrainingSpec(OptimizerSpec("sgd", 0.03), batch_size=10),
    ),
    "batch norm, dropout, adam, l2, clip": (
        NetworkSpec(
            ("x1", "x2", "x1^2"),
            (
                LayerSpec(8, "relu", dropout=0.2, batch_norm=True),
                LayerSpec(5, "gelu", batch_norm=True),
            ),
        ),
        TrainingSpec(
            OptimizerSpec("adam", 0.01),
            batch_size=16,
            regularization="l2",
            regularization_rate=0.001,
            grad_clip=1.0,
        ),
    ),
    "softmax nadam": (
        NetworkSpec(
            ("x1", "x2"),
            (LayerSpec(6, "swish", dropout=0.1), LayerSpec(6, "mish")),
            "classification",
            3,
        ),
        TrainingSpec(OptimizerSpec("nadam", 0.01), batch_size=7),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plain_python_trains_like_the_compiled_kernels(name: str) -> None:
    network, training = CASES[name]
    data = _data()
    if network.classes == 3:
        labels = np.arange(data.train_labels.size) % 3
        data = TrainingData(data.train_xy, labels, data.test_xy, np.arange(20) % 3)
    compiled = Trainer(network, training, data)
    plain = Trainer(network, training, data, kernels=PythonKernels())
    for _ in range(STEPS):
        assert compiled.run(1) == plain.run(1) == 1
    np.testing.assert_array_equal(plain._params, compiled._params)
    np.testing.assert_array_equal(plain._bn_var, compiled._bn_var)
    assert plain._rng[0] == compiled._rng[0]  # the same dropout masks and shuffles
    assert plain.epoch == compiled.epoch and plain.step == compiled.step
    a, b = compiled.snapshot(GridRequest(resolution=9)), plain.snapshot(GridRequest(resolution=9))
    assert b.train_loss == pytest.approx(a.train_loss, abs=LOSS_TOLERANCE)
    assert b.train_accuracy == a.train_accuracy
    assert b.learning_rate == a.learning_rate
    for x, y in zip(a.grid.layers, b.grid.layers, strict=True):
        np.testing.assert_allclose(y, x, rtol=0, atol=1e-6)  # float32 images


def test_switching_kernels_mid_run_changes_nothing() -> None:
    network, training = CASES["batch norm, dropout, adam, l2, clip"]
    reference = Trainer(network, training, _data())
    switched = Trainer(network, training, _data(), kernels=PythonKernels())
    reference.run(2 * STEPS)
    switched.run(STEPS)
    switched.kernels = K
    switched.run(STEPS)
    assert switched.step == reference.step and switched.epoch == reference.epoch
    np.testing.assert_array_equal(switched._params, reference._params)


def test_the_random_numbers_are_the_same_bits_without_warnings() -> None:
    plain = load()
    for seed in (1, 12345, 2**63 + 7, 2**64 - 1):
        a = np.array([seed], dtype=np.uint64)
        b = a.copy()
        for _ in range(200):
            assert plain.next_uniform(a) == K.next_uniform(b)  # filterwarnings = error


def test_plain_kernels_are_plain_python() -> None:
    plain = load()
    assert not hasattr(plain.train_steps, "py_func")  # not a numba dispatcher
    assert plain.forward.__globals__["activate_rows"] is not activate_rows  # plain callees too
    assert K.train_steps is not plain.train_steps


def test_plain_kernels_diverge_like_the_compiled_ones() -> None:
    # linear layers: the weights grow geometrically to overflow at the same step on both paths
    # (a chaotic net, e.g. with sine, would amplify rounding into a different step count)
    network = NetworkSpec(
        ("x1", "x2"),
        (LayerSpec(8, "linear"), LayerSpec(8, "linear")),
        problem="regression",
        classes=1,
    )
    training = TrainingSpec(OptimizerSpec("sgd", 10.0), batch_size=5)
    data = _data()
    data = TrainingData(data.train_xy, 100.0 * data.train_xy[:, 0])
    plain = Trainer(network, training, data, kernels=PythonKernels())
    compiled = Trainer(network, training, data)
    assert plain.run(200) == compiled.run(200)
    assert plain.diverged and compiled.diverged


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_curve_is_numpy_and_matches_the_kernel(name: str) -> None:
    z = np.linspace(-25.0, 25.0, 301)
    values, _ = curve(name, z)
    kernel = np.empty_like(z)
    activate_row(ACTIVATIONS[name].code, z, kernel, z.size)
    np.testing.assert_allclose(values, kernel, rtol=1e-12, atol=1e-14)


# ----- the provider: Python first, compiled after the child process ---------------------------


class FakeCompiler:
    """A compiler child that reports whatever the test says."""

    def __init__(self) -> None:
        self.now = CompileState(done=0)
        self.started = False
        self.stopped = False

    def start(self) -> None:
        self.started = True

    def state(self) -> CompileState:
        return self.now

    def stop(self) -> None:
        self.stopped = True


class FakeLoader:
    total = 3

    def __init__(self) -> None:
        self.done = 0

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def load_next(self) -> None:
        self.done += 1


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 1.0  # every look at the clock: a second later (loads are spaced out)
        return self.t


def test_provider_trains_in_python_until_the_child_is_done_then_loads() -> None:
    compiler = FakeCompiler()
    provider = KernelProvider(
        lambda: compiler, FakeLoader, cache_is_warm=lambda: False, clock=Clock()
    )
    provider.begin()
    assert compiler.started and provider.phase == "python"
    assert isinstance(provider.kernels, PythonKernels)
    assert "Python engine" in provider.text() and "compiles" in provider.text()
    compiler.now = CompileState(done=500)
    assert not provider.advance()
    assert provider.text().endswith(" %")
    compiler.now = CompileState(done=1000, finished=True, ok=True)
    switched = [provider.advance() for _ in range(5)]
    assert compiler.stopped
    assert switched.count(True) == 1 and provider.compiled and provider.kernels is K
    assert provider.text() == "Fast engine ready"


def test_provider_stays_on_python_with_a_message_when_the_child_fails() -> None:
    compiler = FakeCompiler()
    provider = KernelProvider(
        lambda: compiler, FakeLoader, cache_is_warm=lambda: False, clock=Clock()
    )
    provider.begin()
    compiler.now = CompileState(finished=True, error="LoweringError: boom")
    assert not provider.advance()
    assert provider.phase == "failed" and isinstance(provider.kernels, PythonKernels)
    assert "could not be compiled" in provider.text() and "boom" in provider.text()
    assert not any(provider.advance() for _ in range(3))


def test_provider_loads_at_once_from_a_warm_cache() -> None:
    provider = KernelProvider(FakeCompiler, FakeLoader, cache_is_warm=lambda: True, clock=Clock())
    provider.begin()
    assert provider.phase == "loading"
    assert [provider.advance() for _ in range(3)] == [False, False, True]
    assert provider.kernels is K


class BrokenLoader(FakeLoader):
    def load_next(self) -> None:
        raise OSError("cache file truncated")


@pytest.mark.parametrize("loader", [FakeLoader, BrokenLoader])
def test_loading_holds_the_cyclic_collector_then_freezes_what_it_made(loader: type) -> None:
    """A full collection during loading walked numba's new objects for 70-80 ms (a UI stall):
    the collector waits while loading, and those objects are frozen once it is done."""
    import gc

    provider = KernelProvider(FakeCompiler, loader, cache_is_warm=lambda: True, clock=Clock())
    provider.begin()
    assert gc.isenabled()
    try:
        provider.advance()
        if provider.phase == "loading":
            assert not gc.isenabled()
            made_while_loading = [[index] for index in range(2000)]
            while provider.phase == "loading":
                provider.advance()
            assert gc.get_freeze_count() >= len(made_while_loading)
        assert provider.phase == ("compiled" if loader is FakeLoader else "failed")
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_failing_child_process_is_reported(tmp_path) -> None:  # noqa: ANN001
    import sys
    import time

    from playground.engine.compiler import KernelCompiler

    compiler = KernelCompiler(
        [sys.executable, "-c", "import sys; sys.stderr.write('no compiler here\\n'); sys.exit(3)"]
    )
    compiler.start()
    deadline = time.monotonic() + 60
    while not compiler.state().finished and time.monotonic() < deadline:
        time.sleep(0.02)
    state = compiler.state()
    compiler.stop()
    assert state.finished and not state.ok
    assert "no compiler here" in state.error
