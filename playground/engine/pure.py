"""The kernels as plain Python: the same source as kernels.py, loaded without numba.

The app trains on this copy while numba compiles the real kernels in another process (see
compiler.py), so that training starts the moment the window shows. `load()` executes the source
of activations.py, optimizers.py and kernels.py a second time, in fresh module objects whose
`numba.njit` is an identity decorator and whose `from .activations import ...` finds the plain
copy, so every inner call stays in plain Python (a `.py_func` would call the compiled callees,
and compile them).

Differences from the compiled kernels: none in the arithmetic (no fastmath reordering in the
kernels, see activations.FASTMATH); the `math` functions that raise in Python where the compiled
code gives NaN or ±inf (sqrt/sin/cos/log of a bad value, exp overflow) give NaN or ±inf here too,
and numpy's scalar warnings are silenced by `errstate()` around each call, so a diverging
network diverges the same way on both paths.
"""

from __future__ import annotations

import builtins
import importlib
import math
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

_MODULES = ("vector_math", "vector_sums", "activations", "optimizers", "kernels")  # in import order
NUMPY_TILE = 4096  # points per vectorised eval pass (bounds the memory of big grids)
_lock = threading.Lock()
_loaded: types.ModuleType | None = None


def load() -> types.ModuleType:
    """The plain-Python kernels module (built once, then shared; thread-safe)."""
    global _loaded
    with _lock:
        if _loaded is None:
            modules: dict[str, types.ModuleType] = {}
            for name in _MODULES:
                modules[name] = _exec_plain(name, modules)
            _loaded = modules["kernels"]
        return _loaded


@contextmanager
def errstate() -> Iterator[None]:
    """numpy scalars warn on overflow where compiled code is silent: silence them alike."""
    with np.errstate(all="ignore"):
        yield


def _exec_plain(name: str, done: dict[str, types.ModuleType]) -> types.ModuleType:
    real = importlib.import_module(f"{__package__}.{name}")
    source, filename = _source(real)
    module = types.ModuleType(f"{__package__}._plain_{name}", real.__doc__)
    module.__file__ = filename
    namespace = module.__dict__
    namespace["__builtins__"] = _builtins_with_import(_importer(done))
    namespace["__package__"] = __package__
    sys.modules[module.__name__] = module  # dataclasses look their module up by name
    try:
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own source
    except BaseException:
        del sys.modules[module.__name__]
        raise
    return module


def _source(module: types.ModuleType) -> tuple[str, str]:
    filename = getattr(module, "__file__", None) or f"<{module.__name__}>"
    if filename and Path(filename).is_file() and filename.endswith(".py"):
        return Path(filename).read_text(encoding="utf-8"), filename
    loader = getattr(module.__spec__, "loader", None)
    source = loader.get_source(module.__name__) if loader is not None else None
    if source is None:
        raise ImportError(f"the source of {module.__name__} is not available")
    return source, filename


def _builtins_with_import(hook: Callable[..., Any]) -> dict[str, Any]:
    table = dict(vars(builtins))
    table["__import__"] = hook
    return table


def _importer(done: dict[str, types.ModuleType]) -> Callable[..., Any]:
    def hook(name: str, globals=None, locals=None, fromlist=(), level=0):  # noqa: ANN001, A002
        if level == 1 and name in done:  # from .activations import ...
            return done[name]
        if level == 0 and name == "numba":
            return _FAKE_NUMBA
        if level == 0 and name == "math":
            return _SAFE_MATH
        return builtins.__import__(name, globals, locals, fromlist, level)

    return hook


def _njit(*args: Any, **_options: Any) -> Any:
    """numba.njit without numba: `@njit` and `@njit(...)` both leave the function as it is."""
    if len(args) == 1 and callable(args[0]):
        return args[0]
    return lambda function: function


_FAKE_NUMBA = types.SimpleNamespace(njit=_njit, jit=_njit)


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 else math.nan


def _log(x: float) -> float:
    if x > 0.0:
        return math.log(x)
    return -math.inf if x == 0.0 else math.nan


def _log1p(x: float) -> float:
    if x > -1.0:
        return math.log1p(x)
    return -math.inf if x == -1.0 else math.nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _periodic(function: Callable[[float], float]) -> Callable[[float], float]:
    def safe(x: float) -> float:
        return function(x) if math.isfinite(x) else math.nan

    return safe


def _safe_math() -> types.SimpleNamespace:
    table = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
    table.update(
        sqrt=_sqrt,
        log=_log,
        log1p=_log1p,
        exp=_exp,
        expm1=_expm1,
        sin=_periodic(math.sin),
        cos=_periodic(math.cos),
    )
    return types.SimpleNamespace(**table)


_SAFE_MATH = _safe_math()


class PythonKernels:
    """What the Trainer calls (train_steps, evaluate, grid_pass, scheduled_lr), without numba.

    Training runs the plain-Python copy of the kernels: the same steps, the same numbers.
    Evaluation and the grid pass are vectorised numpy instead (eval mode has no state to keep
    in step, and a per-point Python loop over a 100×100 grid would take seconds): their results
    agree with the kernels' to rounding (~1e-15), which only the drawing and the loss shown see.
    """

    name = "python"

    def __init__(self) -> None:
        self._plain = load()

    def train_steps(self, *args: Any) -> tuple[int, int]:
        with errstate():
            return self._plain.train_steps(*args)

    def scheduled_lr(self, *args: Any) -> float:
        with errstate():
            return self._plain.scheduled_lr(*args)

    @staticmethod
    def evaluate(
        params,
        layout,
        out_kind,
        loss_code,
        X,
        targets,
        A,
        Y,
        bn_mean,  # noqa: ANN001
        bn_var,
    ) -> tuple[float, int]:
        """As kernels.evaluate: eval-mode (loss_sum, correct) over the columns of X."""
        total, correct = 0.0, 0
        for start in range(0, X.shape[1], NUMPY_TILE):
            stop = min(start + NUMPY_TILE, X.shape[1])
            rows, logits = eval_forward(params, layout, out_kind, X[:, start:stop], bn_mean, bn_var)
            r_out, n_out = _output_rows(layout)
            s, c = _loss_sum(loss_code, logits, rows[r_out : r_out + n_out], targets[start:stop])
            total += s
            correct += c
        return total, correct

    @staticmethod
    def grid_pass(params, layout, out_kind, X, A, Y, bn_mean, bn_var, out) -> None:  # noqa: ANN001
        """As kernels.grid_pass: every unit's eval-mode output on the points X into out (R, N)."""
        for start in range(0, X.shape[1], NUMPY_TILE):
            stop = min(start + NUMPY_TILE, X.shape[1])
            rows, _ = eval_forward(params, layout, out_kind, X[:, start:stop], bn_mean, bn_var)
            with errstate():  # huge values become inf in float32, as in the kernel
                out[:, start:stop] = rows


def _output_rows(layout: np.ndarray) -> tuple[int, int]:
    k = load()
    return int(layout[-1, k.ROW_OUT]), int(layout[-1, k.N_OUT])


def eval_forward(
    params: np.ndarray,
    layout: np.ndarray,
    out_kind: int,
    X: np.ndarray,
    bn_mean: np.ndarray,
    bn_var: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Eval-mode forward in numpy: (every unit's output (R, n), the output layer's logits).

    X: float64 (F, n) features; batch norm uses the running statistics; no dropout.
    """
    from .activations import activate

    k = load()
    r_out, n_out = _output_rows(layout)
    rows = np.empty((r_out + n_out, X.shape[1]))
    rows[: X.shape[0]] = X
    logits = rows[:0]
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(layout.shape[0]):
            n_in, n_out, w0, b0, g0, be0, code, r_in, r_out = (int(v) for v in layout[layer])
            W = params[w0 : w0 + n_out * n_in].reshape(n_out, n_in)
            z = W @ rows[r_in : r_in + n_in] + params[b0 : b0 + n_out, None]
            if g0 >= 0:
                inv = 1.0 / np.sqrt(bn_var[r_out : r_out + n_out] + k.BN_EPS)
                z = (
                    params[g0 : g0 + n_out, None]
                    * (z - bn_mean[r_out : r_out + n_out, None])
                    * inv[:, None]
                    + params[be0 : be0 + n_out, None]
                )
            if code >= 0:
                a = activate(code, z)
            elif out_kind == k.OUT_SIGMOID:
                e = np.exp(-np.abs(z))
                a = np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))
                logits = z
            elif out_kind == k.OUT_SOFTMAX:
                e = np.exp(z - z.max(axis=0))
                a = e / e.sum(axis=0)
                logits = z
            else:
                a = z
                logits = z
            rows[r_out : r_out + n_out] = a
    return rows, logits


def _loss_sum(
    loss_code: int, logits: np.ndarray, outputs: np.ndarray, targets: np.ndarray
) -> tuple[float, int]:
    """As kernels.loss_and_delta without the delta: (loss summed over the points, correct)."""
    k = load()
    with np.errstate(over="ignore", invalid="ignore"):
        if loss_code == k.LOSS_BCE:
            z = logits[0]
            total = np.sum(np.maximum(z, 0.0) - z * targets + np.log1p(np.exp(-np.abs(z))))
            correct = int(np.count_nonzero((z >= 0.0) == (targets >= 0.5)))
        elif loss_code == k.LOSS_CE:
            labels = targets.astype(np.int64)
            top = logits.max(axis=0)
            columns = np.arange(logits.shape[1])
            total = np.sum(top + np.log(np.exp(logits - top).sum(axis=0)) - logits[labels, columns])
            correct = int(np.count_nonzero(logits.argmax(axis=0) == labels))
        else:
            d = outputs[0] - targets
            if loss_code == k.LOSS_MSE:
                total = np.sum(d * d)
            elif loss_code == k.LOSS_MAE:
                total = np.sum(np.abs(d))
            else:
                total = np.sum(np.where(np.abs(d) < 1.0, 0.5 * d * d, np.abs(d) - 0.5))
            correct = 0
    return float(total), correct
