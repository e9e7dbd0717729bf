"""`nn-playground bench`: the two fixed workloads of DESIGN §6, against plain numpy (and torch,
and JAX when they are installed)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .data.generators import generate
from .engine import (
    GridRequest,
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    Trainer,
    TrainingData,
    TrainingSpec,
)
from .engine.landscape import loss_grid, random_plane
from .engine.warmup import warm_up

MEASURE_SECONDS = 1.5


@dataclass(frozen=True)
class Workload:
    """A fixed benchmark: spiral data, hidden layers, optimizer, batch size."""

    name: str
    title: str
    points: int
    hidden: tuple[int, ...]
    activation: str
    optimizer: str
    lr: float
    batch_size: int

    def trainer(self) -> Trainer:
        """A fresh engine Trainer for this workload (seed 0, no test split)."""
        xy, labels = self.data()
        network = NetworkSpec(layers=tuple(LayerSpec(u, self.activation) for u in self.hidden))
        training = TrainingSpec(
            optimizer=OptimizerSpec(self.optimizer, self.lr), batch_size=self.batch_size
        )
        return Trainer(network, training, TrainingData(xy, labels))

    def data(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The two-class spiral of this workload."""
        points = generate("spiral", n=self.points, noise=0.0, seed=0, arms=2)
        return np.array(points.xy), np.array(points.labels)


WORKLOADS = (
    Workload("W1", "TF Playground default", 250, (4, 2), "tanh", "sgd", 0.03, 10),
    Workload("W2", "deep classroom net", 1000, (8,) * 6, "relu", "adam", 0.01, 32),
)


def _rate(run_epoch: Callable[[], None], samples_per_epoch: int) -> float:
    """Samples per second of run_epoch, timed over about MEASURE_SECONDS (best of 3 runs)."""
    run_epoch()
    start = time.perf_counter()
    epochs = 0
    while time.perf_counter() - start < 0.1:
        run_epoch()
        epochs += 1
    per_run = max(1, int(epochs * MEASURE_SECONDS / 3 / 0.1))
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(per_run):
            run_epoch()
        best = max(best, per_run * samples_per_epoch / (time.perf_counter() - start))
    return best


def engine_rate(workload: Workload) -> float:
    """Training samples/s of the numba engine, whole epochs per call as the worker runs them."""
    trainer = workload.trainer()
    epochs_per_call = 20
    return _rate(lambda: trainer.run_epochs(epochs_per_call), workload.points * epochs_per_call)


class NumpyNet:
    """The same training loop in plain numpy: dense layers, BCE, sgd or adam (the baseline)."""

    def __init__(self, workload: Workload, xy: npt.NDArray, labels: npt.NDArray) -> None:
        self.workload = workload
        self.X, self.y = xy, labels[:, None]
        rng = np.random.default_rng(0)
        sizes = (2, *workload.hidden, 1)
        self.params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            bound = np.sqrt(6.0 / (n_in + n_out))
            self.params += [rng.uniform(-bound, bound, (n_out, n_in)), np.zeros(n_out)]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.rng = rng
        act = workload.activation
        self.f = np.tanh if act == "tanh" else (lambda z: np.maximum(z, 0.0))
        self.df = (lambda z, a: 1.0 - a * a) if act == "tanh" else (lambda z, a: (z > 0) * 1.0)

    def epoch(self) -> None:
        """One shuffled epoch of mini-batch steps."""
        order = self.rng.permutation(len(self.X))
        for start in range(0, len(order), self.workload.batch_size):
            idx = order[start : start + self.workload.batch_size]
            self.step(self.X[idx], self.y[idx])

    def step(self, x: npt.NDArray, y: npt.NDArray) -> None:
        """Forward, backward and one update on a batch."""
        Ws, bs = self.params[0::2], self.params[1::2]
        acts, zs = [x], []
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = acts[-1] @ W.T + b
            zs.append(z)
            acts.append(self.f(z) if i < len(Ws) - 1 else 1.0 / (1.0 + np.exp(-z)))
        delta = (acts[-1] - y) / len(x)
        grads = [None] * len(self.params)
        for i in range(len(Ws) - 1, -1, -1):
            grads[2 * i] = delta.T @ acts[i]
            grads[2 * i + 1] = delta.sum(axis=0)
            if i:
                delta = (delta @ Ws[i]) * self.df(zs[i - 1], acts[i])
        lr = self.workload.lr
        if self.workload.optimizer == "sgd":
            for p, g in zip(self.params, grads, strict=True):
                p -= lr * g
            return
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= lr / (1 - b1**self.t) * m / (np.sqrt(v / (1 - b2**self.t)) + eps)


def numpy_rate(workload: Workload) -> float:
    """Training samples/s of the plain numpy loop."""
    net = NumpyNet(workload, *workload.data())
    return _rate(net.epoch, workload.points)


def torch_rate(workload: Workload) -> float | None:
    """Training samples/s of the same loop in PyTorch (one thread), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    xy, labels = workload.data()
    X = torch.tensor(xy, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)[:, None]
    layers: list = []
    sizes = (2, *workload.hidden)
    act = torch.nn.Tanh if workload.activation == "tanh" else torch.nn.ReLU
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(n_in, n_out), act()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-1], 1)).double()
    optimizer_cls = torch.optim.SGD if workload.optimizer == "sgd" else torch.optim.Adam
    optimizer = optimizer_cls(model.parameters(), lr=workload.lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(0)

    def epoch() -> None:
        order = torch.randperm(len(X), generator=generator)
        for start in range(0, len(order), workload.batch_size):
            idx = order[start : start + workload.batch_size]
            optimizer.zero_grad()
            loss_fn(model(X[idx]), y[idx]).backward()
            optimizer.step()

    return _rate(epoch, workload.points)


# ----- JAX: a jitted epoch (lax.scan over the mini-batches), float64, one thread ----------------

JAX_XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def jax_model(
    workload: Workload,
    jnp,
    jax,  # noqa: ANN001 - jax's modules, from the caller
    weights: list | None = None,
) -> tuple:
    """(params, state, step) of the workload in JAX: step(params, state, xb, yb) ->
    (params, state, mean BCE loss of the batch), one sgd or PyTorch-Adam update, as the engine.

    weights: [W0, b0, W1, b1, ...] to start from (else glorot uniform, as NumpyNet)."""

    def forward(params, x):  # noqa: ANN001, ANN202
        for i in range(0, len(params) - 2, 2):
            z = x @ params[i].T + params[i + 1]
            x = jnp.tanh(z) if workload.activation == "tanh" else jnp.maximum(z, 0.0)
        return (x @ params[-2].T + params[-1])[:, 0]

    def loss_fn(params, x, y):  # noqa: ANN001, ANN202
        z = forward(params, x)  # binary cross-entropy with logits; softplus, whose gradient is
        # right at z = 0 (max(z, 0) + log1p(exp(-|z|)) differentiates to 0 - y there, and the
        # spiral's first points sit at the origin)
        return jnp.mean(jax.nn.softplus(z) - z * y)

    value_and_grad = jax.value_and_grad(loss_fn)
    lr = workload.lr

    def step(params, state, x, y):  # noqa: ANN001, ANN202
        loss, grads = value_and_grad(params, x, y)
        if workload.optimizer == "sgd":
            return [p - lr * g for p, g in zip(params, grads, strict=True)], state, loss
        t, m, v = state
        b1, b2, eps = 0.9, 0.999, 1e-8
        t = t + 1.0
        m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(m, grads, strict=True)]
        v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(v, grads, strict=True)]
        step_size = lr / (1.0 - b1**t)
        bc2_sqrt = jnp.sqrt(1.0 - b2**t)
        params = [
            p - step_size * mi / (jnp.sqrt(vi) / bc2_sqrt + eps)
            for p, mi, vi in zip(params, m, v, strict=True)
        ]
        return params, (t, m, v), loss

    rng = np.random.default_rng(0)
    sizes = (2, *workload.hidden, 1)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = np.sqrt(6.0 / (n_in + n_out))
        params += [jnp.asarray(rng.uniform(-bound, bound, (n_out, n_in))), jnp.zeros(n_out)]
    if weights is not None:
        params = [jnp.array(np.array(p, dtype=np.float64)) for p in weights]  # copies
    zeros = [jnp.zeros_like(p) for p in params]
    state = (jnp.asarray(0.0), zeros, list(zeros))
    return params, state, step


def jax_epoch(workload: Workload, jnp, jax, epochs_per_call: int = 1) -> Callable[[], None]:  # noqa: ANN001
    """epochs_per_call shuffled epochs of the workload per call, in one jitted function.

    1: the order drawn by numpy, then the function gathers the batches and runs the full ones
    in a lax.scan, then the smaller last one. More: a lax.scan over the epochs, each with its
    own order drawn on the device (jax.random), so that the call's overhead (about 50 µs) is
    shared by that many epochs: W1's 25 small steps an epoch run about 1.7× faster that way,
    W2's 32 larger ones a little slower. `jax_rate` takes the faster of the two; a
    device-side permutation per call or an unrolled scan were slower still.
    """
    params, state, step = jax_model(workload, jnp, jax)
    xy, labels = workload.data()
    X, y = jnp.asarray(xy), jnp.asarray(labels)
    n, batch = len(xy), workload.batch_size
    full = n // batch

    def scan_step(carry, batch_xy):  # noqa: ANN001, ANN202
        params, state, loss = step(*carry, *batch_xy)
        return (params, state), loss

    def one_epoch(params, state, order):  # noqa: ANN001, ANN202
        xs, ys = X[order], y[order]
        (params, state), _ = jax.lax.scan(
            scan_step,
            (params, state),
            (xs[: full * batch].reshape(full, batch, -1), ys[: full * batch].reshape(full, batch)),
        )
        if full * batch < n:
            params, state, _ = step(params, state, xs[full * batch :], ys[full * batch :])
        return params, state

    if epochs_per_call == 1:
        epoch = jax.jit(one_epoch)
        rng = np.random.default_rng(0)
        box = [params, state]

        def run_epoch() -> None:
            box[:] = epoch(*box, rng.permutation(n))
            jax.block_until_ready(box)

        return run_epoch

    def shuffled_epoch(carry, key):  # noqa: ANN001, ANN202
        return one_epoch(*carry, jax.random.permutation(key, n)), None

    @jax.jit
    def epochs(params, state, key):  # noqa: ANN001, ANN202
        keys = jax.random.split(key, epochs_per_call)
        (params, state), _ = jax.lax.scan(shuffled_epoch, (params, state), keys)
        return params, state

    carry = [params, state, jax.random.PRNGKey(0)]

    def run_epochs() -> None:
        carry[2], key = jax.random.split(carry[2])
        carry[0], carry[1] = epochs(carry[0], carry[1], key)
        jax.block_until_ready(carry[:2])

    return run_epochs


JAX_EPOCHS_PER_CALL = 20


def jax_rates() -> dict[str, float | None]:
    """Training samples/s of the JAX epoch per workload, measured in a child process (JAX's
    one-thread flags must be set before it loads); None for each without JAX."""
    nothing: dict[str, float | None] = {w.name: None for w in WORKLOADS}
    if getattr(sys, "frozen", False):
        return nothing
    try:
        import importlib.util

        if importlib.util.find_spec("jax") is None:
            return nothing
    except (ImportError, ValueError):
        return nothing
    env = dict(os.environ, XLA_FLAGS=JAX_XLA_FLAGS, JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1")
    try:
        child = subprocess.run(
            [sys.executable, "-c", "from playground.bench import _jax_child; _jax_child()"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return {**nothing, **json.loads(child.stdout.strip().splitlines()[-1])}
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as error:
        print(f"bench: JAX could not be measured ({error})", file=sys.stderr)
        return nothing


def jax_rate(workload: Workload) -> float:
    """Training samples/s of the jitted JAX epochs, the faster of one and JAX_EPOCHS_PER_CALL
    epochs a call (call with JAX's flags set, see jax_rates)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    return max(
        _rate(jax_epoch(workload, jnp, jax), workload.points),
        _rate(
            jax_epoch(workload, jnp, jax, JAX_EPOCHS_PER_CALL),
            workload.points * JAX_EPOCHS_PER_CALL,
        ),
    )


def _jax_child() -> None:
    """The child process of jax_rates: one JSON line {workload: samples/s}."""
    print(json.dumps({w.name: jax_rate(w) for w in WORKLOADS}))


def grid_ms(workload: Workload, resolution: int = 200) -> float:
    """Milliseconds of one grid pass yielding every neuron's output (best of 5)."""
    trainer = workload.trainer()
    request = GridRequest(resolution=resolution)
    points = request.points()
    trainer.unit_outputs(points)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        trainer.unit_outputs(points)
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def landscape_ms(workload: Workload, resolution: int = 31) -> float:
    """Milliseconds of one resolution² loss landscape on one thread (the median of 5), while
    another thread trains the same workload (as in the app: the second core)."""
    trainer = workload.trainer()
    plane = random_plane(trainer.layout, trainer.parameters(), seed=0)
    axis = np.linspace(-1.0, 1.0, resolution)
    inputs = trainer.loss_inputs()
    loss_grid(inputs, plane, axis, axis)  # compile or load
    stop = threading.Event()

    def train() -> None:
        busy = workload.trainer()
        while not stop.is_set():
            busy.run(200)  # the kernel releases the GIL
            if not busy.can_train:
                busy.reset()

    training = threading.Thread(target=train, name="bench-training", daemon=True)
    training.start()
    times = []
    try:
        for _ in range(5):
            start = time.perf_counter()
            loss_grid(inputs, plane, axis, axis)
            times.append(time.perf_counter() - start)
    finally:
        stop.set()
        training.join()
    return float(np.median(times)) * 1000.0


def run_bench() -> dict:
    """Every figure of DESIGN §6 as one dict (the `--json` output)."""
    warm_up()
    result: dict = {}
    jax = jax_rates()
    for workload in WORKLOADS:
        result[workload.name] = {
            "samples_per_s": engine_rate(workload),
            "numpy_samples_per_s": numpy_rate(workload),
            "torch_samples_per_s": torch_rate(workload),
            "jax_samples_per_s": jax[workload.name],
        }
    result["grid_ms"] = grid_ms(WORKLOADS[1])
    result["landscape_ms"] = landscape_ms(WORKLOADS[1])
    return result


TARGETS = {"W1": 3_000_000, "W2": 1_000_000}
GRID_TARGET_MS = 10.0
LANDSCAPE_TARGET_MS = 250.0  # 31×31 refreshed at least 4 times a second
JAX_TARGET_RATIO = 2.0


def format_report(result: dict) -> str:
    """The human-readable table `bench` prints."""
    lines = ["NN Playground benchmark (one core, float64, spiral seed 0)", ""]
    for workload in WORKLOADS:
        r = result[workload.name]
        target = TARGETS[workload.name]
        ok = "ok" if r["samples_per_s"] >= target else "BELOW TARGET"
        torch_part = (
            f", torch {r['torch_samples_per_s']:,.0f}/s"
            if r["torch_samples_per_s"]
            else ", torch not installed"
        )
        lines.append(
            f"{workload.name} {workload.title}: {r['samples_per_s']:,.0f} samples/s "
            f"(target {target:,}: {ok})"
        )
        lines.append(
            f"    numpy {r['numpy_samples_per_s']:,.0f}/s "
            f"(engine ×{r['samples_per_s'] / r['numpy_samples_per_s']:.0f}){torch_part}"
        )
        jax_rate_ = r.get("jax_samples_per_s")
        if jax_rate_:
            ok = "ok" if r["samples_per_s"] >= JAX_TARGET_RATIO * jax_rate_ else "BELOW TARGET"
            lines.append(
                f"    JAX (jitted epoch, one thread) {jax_rate_:,.0f}/s: engine/JAX "
                f"= {r['samples_per_s'] / jax_rate_:.2f} (target ≥ "
                f"{JAX_TARGET_RATIO:g}: {ok})"
            )
        else:
            lines.append("    JAX not installed (pip install 'nn-playground[bench]')")
    ok = "ok" if result["grid_ms"] <= GRID_TARGET_MS else "ABOVE TARGET"
    lines.append(
        f"W2 grid pass 200×200, every neuron: {result['grid_ms']:.2f} ms "
        f"(target ≤ {GRID_TARGET_MS:g} ms: {ok})"
    )
    ok = "ok" if result["landscape_ms"] <= LANDSCAPE_TARGET_MS else "ABOVE TARGET"
    lines.append(
        f"W2 loss landscape 31×31 on 1000 points, one thread beside training: "
        f"{result['landscape_ms']:.1f} ms = {1000.0 / result['landscape_ms']:.1f} refreshes/s "
        f"(target ≤ {LANDSCAPE_TARGET_MS:g} ms: {ok})"
    )
    if "gui" in result:
        gui = result["gui"]
        lines.append(
            f"In the app (offscreen, plots at 30 fps): {gui['app_samples_per_s']:,.0f} "
            f"samples/s = {gui['share']:.0%} of headless; longest UI stall "
            f"{gui['max_ui_stall_ms']:.1f} ms training, "
            f"{gui['max_ui_stall_ms_compiling']:.1f} ms while compiling"
        )
        if "big" in gui:
            big = gui["big"]
            lines.append(
                f"In the app, 8×32 tanh network: {big['fps']:.0f} fps (target ≥ 30), "
                f"{big['app_samples_per_s']:,.0f} samples/s = {big['share']:.0%} of "
                f"headless (target ≥ 50 %); UI thread {big['ui_ms_per_frame']:.1f} ms "
                f"per frame, snapshot with grid pass {big['grid_snapshot_ms']:.1f} ms; "
                f"longest UI stall {big['max_ui_stall_ms']:.1f} ms"
            )
        if "landscape" in gui:
            land = gui["landscape"]
            lines.append(
                f"In the app, W2 with the loss landscape in front (31×31, PCA plane: a new "
                f"surface each refresh): {land['landscape_surfaces_per_s']:.1f} refreshes/s "
                f"(target ≥ 4), {land['landscape_surface_ms']:.0f} ms each; training "
                f"{land['app_samples_per_s']:,.0f} samples/s = {land['share']:.0%} of headless "
                f"(target ≥ 50 %); {land['fps']:.0f} fps; longest UI stall "
                f"{land['max_ui_stall_ms']:.1f} ms"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None, gui_bench: Callable[[], dict] | None = None) -> int:
    """Entry point of `nn-playground bench`; `gui_bench` measures the app (`--gui`), handed in by
    `playground.launcher` (this module imports no Qt)."""
    parser = argparse.ArgumentParser(
        prog="nn-playground bench",
        description="Measure training speed (samples/s), the grid pass and the loss landscape, "
        "as DESIGN §6 defines.",
        epilog="example: nn-playground bench --json > bench.json",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--gui",
        action="store_true",
        help="also measure the app offscreen: training share and UI stalls",
    )
    args = parser.parse_args(argv)
    if args.gui and gui_bench is None:
        parser.error("--gui needs the app: run it as nn-playground bench --gui")
    result = run_bench()
    if args.gui:
        assert gui_bench is not None
        result["gui"] = gui_bench()
    print(json.dumps(result) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
