"""Which kernels the app trains on through a first start: plain Python at once, then compiled.

    empty cache:  python (compiler child running) ─ child done ─▶ loading (one entry point
                  per call, from the cache) ─▶ compiled
    warm cache:   loading ─▶ compiled
    child fails:  python, for the rest of the session, with a message saying why

The worker calls `advance()` between chunks of training and, when it returns True, hands
`kernels` to its Trainer. Both kinds of kernels give the same numbers (see pure.py), so the
switch keeps the epoch count and the weights as they are.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from . import kernels as K
from .compiler import KernelCompiler
from .landscape import plane_losses
from .pure import PythonKernels
from .warmup import CacheLoader

LOAD_GAP_SECONDS = 0.05  # between two loads from the cache: the window draws in between
READY_NOTE_SECONDS = 4.0  # how long "Fast engine ready" stays in the status bar
ENTRY_POINTS = ("train_steps", "evaluate", "grid_pass", "scheduled_lr")
OTHER_ENTRY_POINTS = (plane_losses,)  # kernels outside kernels.py that the app calls


class KernelProvider:
    """Plain-Python kernels while numba compiles in another process, then the compiled ones."""

    def __init__(
        self,
        compiler_factory: Callable[[], Any] = KernelCompiler,
        loader_factory: Callable[[], Any] = CacheLoader,
        cache_is_warm: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._compiler_factory = compiler_factory
        self._loader_factory = loader_factory
        self._cache_is_warm = cache_is_warm or cache_looks_warm
        self._clock = clock
        self._compiler: Any = None
        self._loader: Any = None
        self._python: PythonKernels | None = None
        self.phase = "compiled"  # "python", "loading", "compiled" or "failed"
        self.error = ""
        self._shown = 0.0  # progress shown (never goes back)
        self._started = clock()
        self._progress_at = (0, self._started)  # (reported thousandths, when first seen)
        self._last_load = 0.0
        self._ready_at: float | None = None
        self._collector_was_on: bool | None = None  # set while loading holds the collector

    def begin(self) -> None:
        """Start: at once on the Python path, with the compiler child if the cache is cold."""
        self._started = self._clock()
        self._progress_at = (0, self._started)
        if self._cache_is_warm():
            self.phase = "loading"
            self._python = PythonKernels()
            return
        self._python = PythonKernels()
        self._compiler = self._compiler_factory()
        self._compiler.start()
        self.phase = "python"

    @property
    def kernels(self) -> Any:
        """What the Trainer should run on now."""
        if self.phase == "compiled":
            return K
        if self._python is None:
            self._python = PythonKernels()
        return self._python

    @property
    def compiled(self) -> bool:
        """Whether the compiled kernels are in use."""
        return self.phase == "compiled"

    def advance(self) -> bool:
        """Do the next bit of work (poll the child, or load one entry point); True when the
        Trainer should take `kernels` now."""
        now = self._clock()
        if self.phase == "python":
            state = self._compiler.state()
            if state.finished:
                if state.ok:
                    self.phase = "loading"
                    self._compiler.stop()
                else:
                    self.phase = "failed"
                    self.error = state.error or "unknown error"
            return False
        if self.phase != "loading" or now - self._last_load < LOAD_GAP_SECONDS:
            return False
        if self._loader is None:
            self._loader = self._loader_factory()
            self._collector_was_on = gc.isenabled()
            gc.disable()
        try:
            self._loader.load_next()
        except Exception as error:  # a broken cache: stay on the Python path and say so
            self.phase = "failed"
            self.error = f"{type(error).__name__}: {error}"
            self._release_collector()
            return False
        self._last_load = self._clock()
        if self._loader.finished:
            self.phase = "compiled"
            self._ready_at = self._last_load
            self._release_collector()
            return True
        return False

    def _release_collector(self) -> None:
        """After loading: freeze what it made, and let the cyclic collector run again.

        Loading makes numba's typing and target objects, tens of thousands that live as long
        as the app. A full collection that walked them held the lock of the interpreter
        70-80 ms (the UI stalled). So the collector waits while loading, and what loading made
        is then frozen (out of every later walk, as ui.app freezes the start-up objects).
        Reference counting frees all else as usual.
        """
        if self._collector_was_on is None:
            return
        gc.freeze()
        if self._collector_was_on:
            gc.enable()
        self._collector_was_on = None

    def text(self) -> str:
        """One line for the status bar ('' once the fast engine has been ready a while)."""
        if self.phase == "python":
            return (
                f"on the Python engine while the fast engine compiles… {self._compile_percent()} %"
            )
        if self.phase == "loading":
            done = self._loader.done if self._loader is not None else 0
            total = self._loader.total if self._loader is not None else 0
            return (
                f"Loading the fast engine… {done}/{total}"
                if total
                else ("Loading the fast engine…")
            )
        if self.phase == "failed":
            return (
                f"on the Python engine (slow): the fast engine could not be compiled: {self.error}"
            )
        if self._ready_at is not None and self._clock() - self._ready_at < READY_NOTE_SECONDS:
            return "Fast engine ready"
        return ""

    def _compile_percent(self) -> int:
        """The child's progress, moved on smoothly between its reports (never backwards, and
        never to 100 before it is done)."""
        state = self._compiler.state()
        now = self._clock()
        reported = state.done / state.total if state.total else 0.0
        if state.done != self._progress_at[0]:
            self._progress_at = (state.done, now)
        elapsed = max(now - self._started, 1e-3)
        rate = max(reported, 0.02) / elapsed  # share per second so far
        guess = reported + rate * (now - self._progress_at[1])
        cap = reported + 0.8 * (0.99 - reported)
        self._shown = max(self._shown, min(guess, cap))
        return int(100 * self._shown)

    def stop(self) -> None:
        """End the compiler child, if any (and let the collector run again)."""
        self._release_collector()
        if self._compiler is not None:
            self._compiler.stop()


def cache_looks_warm() -> bool:
    """Whether numba's cache holds an entry for each entry point of the Trainer (for this
    source), so that loading will not compile. Reads numba's index files; any surprise
    (another numba version's layout) counts as cold: then the child process checks."""
    try:
        for dispatcher in (*(getattr(K, name) for name in ENTRY_POINTS), *OTHER_ENTRY_POINTS):
            index = dispatcher._cache._cache_file._load_index()
            if not index:
                return False
        return True
    except Exception:
        return False
