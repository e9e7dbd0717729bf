"""The inspection worker: a plain thread that computes what the inspection views draw (a hidden
layer's space, where the network is wrong) off the UI thread.

A view submits a job (a function of no arguments, pure numpy on frozen inputs) under a name; the
thread keeps only the newest job of each name, starts jobs of one name at most every
`min_interval` seconds, and keeps each name's latest result (a queue of one) until the view
takes it. No Qt here: the thread never touches a widget.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from playground.thread_priority import run_in_background

MIN_INTERVAL = 1.0 / 20.0  # seconds between the starts of two jobs of one name
_NOTHING = object()


class InspectionWorker:
    """Runs the newest job of each name in its own thread; the UI takes the latest results."""

    def __init__(self, min_interval: float = MIN_INTERVAL) -> None:
        self._min_interval = min_interval
        self._condition = threading.Condition()
        self._pending: dict[str, Callable[[], Any]] = {}
        self._results: dict[str, Any] = {}
        self._last_start: dict[str, float] = {}
        self._stopping = False
        self.computed = 0  # jobs done (worker thread)
        self.error = ""  # the last failed job's message, if any
        self._thread = threading.Thread(target=self._main, name="inspection-worker", daemon=True)

    # ----- UI-thread API ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def submit(self, name: str, job: Callable[[], Any]) -> None:
        """Compute job() soon; it replaces a job of the same name not yet started."""
        with self._condition:
            self._pending[name] = job
            self._condition.notify()

    def take(self, name: str) -> Any:
        """The newest result of `name` not taken yet, or None."""
        with self._condition:
            result = self._results.pop(name, _NOTHING)
        return None if result is _NOTHING else result

    def forget(self, name: str) -> None:
        """Drop the pending job and the untaken result of `name` (e.g. a new run started)."""
        with self._condition:
            self._pending.pop(name, None)
            self._results.pop(name, None)

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread (after the job it is computing) and join it."""
        with self._condition:
            self._stopping = True
            self._pending.clear()
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread runs."""
        return self._thread.is_alive()

    # ----- worker thread ---------------------------------------------------------------------

    def _next_job(self) -> tuple[str, Callable[[], Any]] | None:
        """The next due job (waiting for one), or None when stopping."""
        with self._condition:
            while not self._stopping:
                now = time.perf_counter()
                due = {
                    name: self._last_start.get(name, -1e9) + self._min_interval
                    for name in self._pending
                }
                ready = [name for name, when in due.items() if when <= now]
                if ready:
                    name = ready[0]
                    self._last_start[name] = now
                    return name, self._pending.pop(name)
                wait = min(due.values()) - now if due else None
                self._condition.wait(wait)
        return None

    def _main(self) -> None:
        run_in_background()
        while (job := self._next_job()) is not None:
            name, function = job
            try:
                result = function()
            except Exception as error:  # noqa: BLE001 - a failed picture must not end the thread
                traceback.print_exc()
                self.error = f"{name}: {error}"
                continue
            with self._condition:
                if not self._stopping:
                    self._results[name] = result
                    self.computed += 1


__all__ = ["InspectionWorker", "MIN_INTERVAL"]
