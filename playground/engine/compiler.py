"""Compile the numba kernels in a separate process, so that our own process never waits for it.

numba's compiler holds the GIL for the ~10 s of a first start: done in the app's own process it
stalls the window and delays training. Instead, `KernelCompiler` starts a child process (the
same Python, or the same frozen executable with an environment flag) that compiles every kernel
into numba's on-disk cache (`cache=True`), reporting each compiled function; the app trains on
the plain-Python kernels (pure.py) meanwhile, then loads the compiled ones from the cache.

The child writes its report to a file (not a pipe: a windowed frozen app may have no stdout):
one line per event, `progress DONE TOTAL NAME`, then `done` or `error MESSAGE`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

CHILD_VARIABLE = "NN_PLAYGROUND_COMPILE_KERNELS"  # the child's report file; set: be the child
# Progress after the k-th of our kernels is compiled on an empty cache, as a share of the whole
# compile (measured on a 2-core machine: train_steps, compiled last, takes the last ~30 %).
MILESTONES = (
    0.04,
    0.10,
    0.11,
    0.17,
    0.20,
    0.22,
    0.26,
    0.29,
    0.33,
    0.38,  # landscape.plane_losses
    0.39,
    0.46,
    0.48,
    0.55,
    0.60,
    0.61,
    0.61,
    0.70,
)
SCALE = 1000  # progress is reported in thousandths
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class CompileState:
    """What the child has reported so far."""

    done: int = 0  # thousandths of the whole compile
    total: int = SCALE
    finished: bool = False  # the child has ended (successfully or not)
    ok: bool = False  # every kernel is in the cache
    error: str = ""
    last: str = ""  # the function compiled last


class KernelCompiler:
    """A child process that fills numba's cache; poll `state()` from any thread."""

    def __init__(self, command: list[str] | None = None) -> None:
        self._command = command
        self._lock = threading.Lock()
        self._state = CompileState()
        self._process: subprocess.Popen | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="nn-playground-compile-"))
        self._report = self._folder / "report.txt"
        self._stderr = self._folder / "stderr.txt"
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start the child (returns at once)."""
        env = dict(os.environ, **{CHILD_VARIABLE: str(self._report)})
        self._report.write_text("", encoding="utf-8")
        try:
            with open(self._stderr, "wb") as stderr:
                self._process = subprocess.Popen(
                    self._command or child_command(),
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    close_fds=True,
                )
        except OSError as error:
            self._set(CompileState(finished=True, error=f"could not start the compiler: {error}"))
            return
        self._thread = threading.Thread(
            target=self._watch, name="kernel-compiler-watch", daemon=True
        )
        self._thread.start()

    def state(self) -> CompileState:
        """The latest report."""
        with self._lock:
            return self._state

    def stop(self) -> None:
        """End the child if it still runs (the cache keeps what it finished)."""
        self._stopped.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self._thread is not None:
            self._thread.join(5)
        self._cleanup()

    def _set(self, state: CompileState) -> None:
        with self._lock:
            self._state = state

    def _watch(self) -> None:
        process = self._process
        assert process is not None
        while not self._stopped.is_set():
            ended = process.poll() is not None
            self._set(self._read(ended, process.returncode))
            if ended:
                break
            time.sleep(POLL_SECONDS)
        self._cleanup()

    def _read(self, ended: bool, returncode: int | None) -> CompileState:
        try:
            lines = self._report.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        done, total, last, ok, error = 0, SCALE, "", False, ""
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "progress":
                parts = rest.split(" ", 2)
                if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
                    done, total, last = int(parts[0]), int(parts[1]), parts[2]
            elif kind == "done":
                ok = True
            elif kind == "error":
                error = rest
        if ended and not ok and not error:
            error = self._stderr_tail() or f"the compiler process ended with status {returncode}"
        return CompileState(
            done=min(done, total),
            total=total,
            finished=ended or ok or bool(error),
            ok=ok and not error,
            error=error,
            last=last,
        )

    def _stderr_tail(self) -> str:
        try:
            text = self._stderr.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""
        return text.splitlines()[-1] if text else ""

    def _cleanup(self) -> None:
        if self._process is None or self._process.poll() is None:
            return
        for path in (self._report, self._stderr):
            try:
                path.unlink()
            except OSError:
                pass
        try:
            self._folder.rmdir()
        except OSError:
            pass


def child_command() -> list[str]:
    """How to start the child: the frozen executable itself (its entry points see
    CHILD_VARIABLE and run `child_main`), or this Python on this module."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [
        sys.executable,
        "-c",
        "import sys; from playground.engine.compiler import child_main; sys.exit(child_main())",
    ]


def run_child_if_asked() -> None:
    """In an entry point: when started as the compiler child, compile, then exit."""
    if os.environ.get(CHILD_VARIABLE):
        sys.exit(child_main())


def child_main() -> int:
    """Compile every kernel into numba's cache, reporting to the file named by CHILD_VARIABLE."""
    report_path = os.environ.pop(CHILD_VARIABLE, "")
    report = open(report_path, "a", encoding="utf-8") if report_path else sys.stdout  # noqa: SIM115

    def say(line: str) -> None:
        report.write(line + "\n")
        report.flush()

    try:
        import warnings

        from numba.core import event
        from numba.core.errors import NumbaWarning

        warnings.simplefilter("error", NumbaWarning)  # e.g. "cannot cache": fail, say why
        count = [0]

        class Listener(event.Listener):
            def on_start(self, ev: event.Event) -> None:
                pass

            def on_end(self, ev: event.Event) -> None:
                function = ev.data.get("dispatcher")
                module = getattr(getattr(function, "py_func", None), "__module__", "")
                if not module.startswith(__package__ or "playground"):
                    return  # numba's own helpers
                count[0] += 1
                share = MILESTONES[min(count[0], len(MILESTONES)) - 1]
                say(f"progress {int(share * SCALE)} {SCALE} {function.__name__}")

        from .warmup import warm_up

        say(f"progress 0 {SCALE} start")
        with event.install_listener("numba:compile", Listener()):
            warm_up()
        say(f"progress {SCALE} {SCALE} all")
        say("done")
        return 0
    except BaseException as error:  # report anything, then fail
        say("error " + " ".join(f"{type(error).__name__}: {error}".split()))
        traceback.print_exc()
        return 1
    finally:
        if report is not sys.stdout:
            report.close()
