"""The training worker: a plain thread that owns the Trainer, takes commands, publishes frames.

The UI sends frozen-dataclass commands through a queue. Between chunks of ~8 ms of training the
worker applies them; when a frame is due (at most 60 Hz, and only once the UI has taken the
previous one) it builds a Snapshot and keeps it as "the latest" (a queue of one). Its grid pass
(every neuron over the view: ~10 ms for 8 layers of 32 units) runs on the picture thread from a
copy of the weights, while training goes on; that frame is the latest once its grid is done,
and the next one is made after that (so frames come as fast as the UI takes them and the grid
pass keeps up). No Qt here: the worker never touches a widget.
"""

from __future__ import annotations

import dataclasses
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine import (
    GridRequest,
    GridResult,
    LayerWeights,
    NetworkSpec,
    Snapshot,
    Trainer,
    TrainingData,
    TrainingSpec,
)
from playground.engine import kernels as compiled_kernels
from playground.engine.explain import GradientAverage
from playground.engine.neuron_masks import NeuronMasks
from playground.engine.resume import TrainingState
from playground.engine.startup import KernelProvider
from playground.engine.trainer import LossInputs, UnitOutputs
from playground.thread_priority import run_in_background

FRAME_INTERVAL = 1.0 / 60.0  # seconds between frames, at most
RECORD_INTERVAL = 1.0 / 240.0  # seconds between metric records (curves) while training
CHUNK_SECONDS = 0.008  # target duration of one chunk of training steps
MAX_CHUNK_STEPS = 1_000_000
MAX_RECORDS = 2000  # metric records kept for the UI between two takes
IDLE_WAIT = 0.25  # seconds the idle loop waits for a command
ENGINE_POLL = 0.05  # seconds between loads of compiled kernels while idle
PYTHON_SWITCH_INTERVAL = 0.0005  # the GIL's switch interval while plain Python trains
# While plain Python trains it shares the GIL with the UI thread, which then draws a frame at
# half speed (68 ms stalls measured): after the UI takes a frame, the worker sleeps this long.
UI_TURN_SECONDS = 0.025


# ----- commands (UI thread → worker) -----------------------------------------------------------


@dataclass(frozen=True)
class Play:
    """Train continuously."""


@dataclass(frozen=True)
class Pause:
    """Stop training (the weights stay)."""


@dataclass(frozen=True)
class StepEpoch:
    """Train to the end of the current epoch, then pause."""


@dataclass(frozen=True)
class StepBatch:
    """Train one mini-batch, then pause."""


@dataclass(frozen=True)
class Reset:
    """Start over from the initializer and seed (or from `weights`), at epoch 0."""

    weights: tuple[LayerWeights, ...] | None = None
    run: int = 0  # the run this starts (stamped by TrainingWorker.send)


@dataclass(frozen=True)
class SetTraining:
    """New training settings, applied live (the weights stay)."""

    training: TrainingSpec


@dataclass(frozen=True)
class SetData:
    """Edited points, applied live (the weights stay)."""

    data: TrainingData


@dataclass(frozen=True)
class SetNetwork:
    """A new architecture (and optionally everything else): a fresh Trainer at step 0."""

    network: NetworkSpec
    training: TrainingSpec | None = None
    data: TrainingData | None = None
    weights: tuple[LayerWeights, ...] | None = None
    epoch_offset: int = 0  # epochs already trained before these weights (an opened session)
    state: TrainingState | None = None  # optimizer, rng and order to resume exactly
    run: int = 0  # the run this starts (stamped by TrainingWorker.send)


@dataclass(frozen=True)
class SetSpeed:
    """Epochs per second, or None for as fast as possible."""

    epochs_per_second: float | None


@dataclass(frozen=True)
class SetPauses:
    """Epochs where continuous training pauses by itself (a lesson's pace); Play goes on."""

    epochs: tuple[int, ...] = ()


@dataclass(frozen=True)
class SetGrid:
    """The view rectangle (and resolution) every neuron is evaluated over."""

    request: GridRequest


@dataclass(frozen=True, eq=False)
class SetParameters:
    """Move the weights to flat parameters (P,) of run `run` (a click on the loss landscape);
    ignored if another run has started since. Training continues from there."""

    params: npt.NDArray[np.float64]
    run: int


@dataclass(frozen=True)
class SetGradientView:
    """Publish ∂L/∂W (averaged over recent batches) with every frame, or stop doing so."""

    on: bool


@dataclass(frozen=True)
class SetWeight:
    """Type one weight: W[unit, source] of dense layer `layer` (source -1: its bias b[unit])
    of run `run`; ignored if another run has started since. Training goes on from there."""

    layer: int
    unit: int
    source: int
    value: float
    run: int


@dataclass(frozen=True)
class SetNeuronMasks:
    """Frozen and switched-off neurons from now on (None: none); they stay for later networks
    of the same shape and are dropped for others."""

    masks: NeuronMasks | None


@dataclass(frozen=True)
class Stop:
    """End the thread."""


Command = (
    Play
    | Pause
    | StepEpoch
    | StepBatch
    | Reset
    | SetTraining
    | SetData
    | SetNetwork
    | SetSpeed
    | SetPauses
    | SetGrid
    | SetParameters
    | SetGradientView
    | SetWeight
    | SetNeuronMasks
    | Stop
)

# Commands where only the newest of a run of equal kinds matters.
_COALESCE = (SetTraining, SetData, SetSpeed, SetPauses, SetGrid, SetGradientView)


# ----- results (worker → UI thread) ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frame:
    """One moment of training for the window: the Snapshot plus what the views also need."""

    snapshot: Snapshot
    weights: tuple[LayerWeights, ...]
    network: NetworkSpec
    run: int  # increases on every reset or new network: curves start over
    epoch: int  # completed epochs, counting those of an opened session
    epoch_progress: float  # epochs as a real number (for the x axis of curves)
    running: bool
    state: TrainingState | None = None  # what resuming exactly needs (Save keeps it)
    params: npt.NDArray[np.float64] | None = None  # the flat parameters (P,) now
    start_params: npt.NDArray[np.float64] | None = None  # (P,) where this run started
    loss_inputs: LossInputs | None = None  # the training loss at any parameters (landscape)
    kernels: Any = None  # what the Trainer runs on: kernels.py (compiled) or pure.PythonKernels
    masks: NeuronMasks | None = None  # frozen and switched-off neurons of the run
    weight_grads: tuple[npt.NDArray[np.float64], ...] | None = None  # per layer dL/dW (out, in),
    # averaged over recent batches: only while SetGradientView is on


@dataclass(frozen=True, eq=False)
class Record:
    """The metrics of one frame (no grid, no weights), for curves."""

    run: int
    epoch_progress: float
    snapshot: Snapshot


@dataclass(frozen=True)
class WorkerStatus:
    """What the status bar shows: state, warm-up progress, speed, and a message."""

    state: str  # "warming_up", "paused", "running", "diverged", "stopped_early", "blocked"
    warmup_done: int = 0
    warmup_total: int = 0
    epoch: int = 0
    samples_per_s: float = 0.0
    message: str = ""
    run: int = 0  # as Frame.run
    step: int = 0  # mini-batch steps of this run
    applied: int = 0  # commands applied so far (compare with TrainingWorker.sent)
    engine: str = ""  # which kernels run, while that is news (e.g. the fast engine compiling)


class TrainingWorker:
    """Owns a Trainer in its own thread; the UI sends commands and takes the latest Frame."""

    def __init__(
        self,
        network: NetworkSpec,
        training: TrainingSpec,
        data: TrainingData,
        weights: tuple[LayerWeights, ...] | None = None,
        *,
        grid: GridRequest | None = None,
        epoch_offset: int = 0,
        state: TrainingState | None = None,
        warm_up: bool = True,
        frame_interval: float = FRAME_INTERVAL,
    ) -> None:
        self._commands: queue.Queue[Command] = queue.Queue()
        self._stop_requested = threading.Event()
        self.sent = 0  # commands sent (UI thread)
        self.run = 0  # the newest run sent (UI thread); frames and records carry their run
        self._applied = 0  # commands applied (worker thread)
        self._lock = threading.Lock()
        self._network = network
        self._training = training
        self._data = data
        self._weights = weights
        self._epoch_offset = epoch_offset
        self._state = state
        self._grid = grid or GridRequest()
        self._do_warm_up = warm_up
        self._frame_interval = frame_interval
        self._trainer: Trainer | None = None
        self._start_params: npt.NDArray[np.float64] | None = None  # where the run started
        self._gradients: GradientAverage | None = None  # dL/dW for the frames (SetGradientView)
        self._provider: KernelProvider | None = None  # kernels for the first start (warm_up)
        self._switch_interval: float | None = None  # the GIL's, to restore
        self._ui_turn_until = 0.0  # plain Python: no training before this (perf_counter)
        self._running = False
        self._pending_steps = 0
        self._speed: float | None = None
        self._pauses: tuple[int, ...] = ()
        self._paused_at: int | None = None  # the pause epoch training stopped at, until Play
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()
        self._chunk_steps = 16
        self._run = 0  # the run being trained (worker thread): copied from its command
        self._stopping = False
        self._changed = True
        self._problems: dict[str, str] = {}  # why training cannot run, by source ("data", ...)
        self._masks: NeuronMasks | None = None  # frozen and off neurons (SetNeuronMasks)
        self._last_frame_time = 0.0
        self._frame_cost = 0.0  # seconds the last frame took to build
        self._last_record_time = 0.0
        self._record_cost = 0.0
        self._total_samples = 0
        self._rate_window: list[tuple[float, int]] = []
        # shared with the UI thread, under the lock
        self._latest: Frame | None = None
        self._latest_taken = True
        self._pictures: PictureThread | None = None  # grid passes beside training (compiled)
        self._last_poll = 0.0  # when the UI last asked for a frame (perf_counter)
        self._poll_period = frame_interval  # seconds between its asks, smoothed
        self._records: list[Record] = []
        self._status = WorkerStatus("warming_up" if warm_up else "paused")
        self._thread = threading.Thread(target=self._main, name="training-worker", daemon=True)

    # ----- UI-thread API ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (warm-up first, then the command loop)."""
        self._thread.start()

    def send(self, command: Command) -> None:
        """Queue a command; it applies between two chunks of training."""
        self.sent += 1
        if isinstance(command, (Reset, SetNetwork)):  # a new run: the one counter of runs
            self.run += 1
            command = dataclasses.replace(command, run=self.run)
        self._commands.put(command)

    def play(self) -> None:
        """Train continuously."""
        self.send(Play())

    def pause(self) -> None:
        """Stop training."""
        self.send(Pause())

    def step_epoch(self) -> None:
        """Train to the end of the epoch."""
        self.send(StepEpoch())

    def step_batch(self) -> None:
        """Train one mini-batch."""
        self.send(StepBatch())

    def reset(self, weights: tuple[LayerWeights, ...] | None = None) -> None:
        """Start over at epoch 0."""
        self.send(Reset(weights))

    def set_training(self, training: TrainingSpec) -> None:
        """Apply training settings live."""
        self.send(SetTraining(training))

    def set_data(self, data: TrainingData) -> None:
        """Apply edited data live."""
        self.send(SetData(data))

    def set_network(
        self,
        network: NetworkSpec,
        training: TrainingSpec | None = None,
        data: TrainingData | None = None,
        weights: tuple[LayerWeights, ...] | None = None,
        epoch_offset: int = 0,
        state: TrainingState | None = None,
    ) -> None:
        """Replace the architecture (and whatever else is given); training starts over."""
        self.send(SetNetwork(network, training, data, weights, epoch_offset, state))

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Throttle to epochs per second, or None for as fast as possible."""
        self.send(SetSpeed(epochs_per_second))

    def set_pauses(self, epochs: tuple[int, ...]) -> None:
        """Pause continuous training when the epoch count reaches each of these epochs."""
        self.send(SetPauses(tuple(epochs)))

    def set_grid(self, request: GridRequest) -> None:
        """Evaluate the neurons over this view rectangle from now on."""
        self.send(SetGrid(request))

    def set_parameters(self, params: npt.ArrayLike, run: int) -> None:
        """Move the weights of run `run` to flat parameters (P,); training goes on from there."""
        self.send(SetParameters(np.array(params, dtype=np.float64), run))

    def set_weight(self, layer: int, unit: int, source: int, value: float, run: int) -> None:
        """Type W[unit, source] of dense layer `layer` (source -1: the bias) of run `run`."""
        self.send(SetWeight(layer, unit, source, float(value), run))

    def set_neuron_masks(self, masks: NeuronMasks | None) -> None:
        """Freeze or switch off neurons from now on."""
        self.send(SetNeuronMasks(masks))

    def set_gradient_view(self, on: bool) -> None:
        """Publish dL/dW (averaged over recent batches) with every frame, or stop."""
        self.send(SetGradientView(bool(on)))

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread and wait for it (a warm-up in progress stops at its next step)."""
        self._stop_requested.set()
        self.send(Stop())
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def fast_engine(self) -> bool:
        """Whether training runs on the compiled kernels (after a first start's warm-up)."""
        return self._pictures_beside()

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    def take_frame(self) -> Frame | None:
        """The newest Frame if there is one the caller has not taken yet, else None."""
        with self._lock:
            now = time.perf_counter()
            if 0.0 < now - self._last_poll < 1.0:
                self._poll_period = 0.8 * self._poll_period + 0.2 * (now - self._last_poll)
            self._last_poll = now
            if self._latest_taken:
                return None
            self._latest_taken = True
            if self._switch_interval is not None:  # plain Python: let the UI draw it alone
                self._ui_turn_until = time.perf_counter() + UI_TURN_SECONDS
            return self._latest

    def latest_frame(self) -> Frame | None:
        """The newest Frame, taken or not."""
        with self._lock:
            return self._latest

    def take_records(self) -> list[Record]:
        """Every metrics record since the last call, oldest first."""
        with self._lock:
            records, self._records = self._records, []
            return records

    def status(self) -> WorkerStatus:
        """The current state, for the status bar."""
        with self._lock:
            return self._status

    @property
    def total_samples(self) -> int:
        """Training samples processed since the thread started (for benchmarks)."""
        return self._total_samples

    # ----- worker thread ---------------------------------------------------------------------

    def _main(self) -> None:
        # The picture pass makes what the window shows next: it keeps the UI's priority (a
        # thread inherits its starter's), training and the compiler child get the lower one.
        self._pictures = PictureThread(self._deliver)
        run_in_background()
        if self._do_warm_up:
            self._provider = self._make_provider()
            self._provider.begin()
            self._chunk_steps = 1  # plain Python: grow from one step, to keep chunks short
            if not self._provider.compiled:
                # Plain Python holds the GIL between forced switches: make those short, so
                # that the UI thread never waits long for it (until the compiled kernels).
                self._switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(PYTHON_SWITCH_INTERVAL)
        try:
            self._build_trainer(
                self._network, self._training, self._data, self._weights, self._state
            )
            while not self._stopping:
                try:
                    self._apply_commands(self._wait_time())
                    if self._stopping:
                        break
                    self._wait_for_ui()
                    self._train_chunk()
                    self._record_if_due()
                    self._publish_if_due()
                    self._advance_engine()
                except Exception as error:  # a bug must not kill the thread: report, go on
                    traceback.print_exc()
                    self._block("internal", f"Internal error in training: {error!r}")
                    self._changed = True
                self._update_status()
        finally:
            self._pictures.stop()
            if self._provider is not None:
                self._provider.stop()
            if self._switch_interval is not None:
                sys.setswitchinterval(self._switch_interval)

    def _make_provider(self) -> KernelProvider:
        """The kernels of a first start (tests replace this to simulate the compiler)."""
        return KernelProvider()

    def _wait_for_ui(self) -> None:
        """Plain Python only: sleep (the GIL free) while the UI draws the frame it took."""
        wait = self._ui_turn_until - time.perf_counter()
        if wait > 0:
            time.sleep(min(wait, UI_TURN_SECONDS))

    def _advance_engine(self) -> None:
        """Between chunks: poll the compiler, or load one compiled kernel; switch when ready.

        Both kinds of kernels compute the same steps, so the epoch and the weights go on as
        they are; only the chunk size grows to the faster engine."""
        provider = self._provider
        if (
            provider is None
            or provider.compiled
            and self._trainer is not None
            and (self._trainer.kernels is provider.kernels)
        ):
            return
        if provider.advance() and self._trainer is not None:
            self._trainer.kernels = provider.kernels
            self._changed = True
        if provider.compiled and self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def _wait_time(self) -> float:
        """How long to wait for a command before the next chunk (0 while training)."""
        if self._trainable() and (self._running or self._pending_steps):
            if self._speed is None or self._pending_steps:
                return 0.0
            missing = 1.0 - self._credit
            steps_per_s = self._speed * self._trainer.steps_per_epoch
            return 0.0 if missing <= 0 else min(missing / steps_per_s, self._frame_interval)
        if self._changed:
            return max(0.0, self._frame_interval / 4)
        if self._provider is not None and self._provider.phase == "loading":
            return ENGINE_POLL
        return IDLE_WAIT

    def _apply_commands(self, wait: float) -> None:
        commands: list[Command] = []
        try:
            commands.append(
                self._commands.get(timeout=wait) if wait > 0 else self._commands.get_nowait()
            )
            while True:
                commands.append(self._commands.get_nowait())
        except queue.Empty:
            pass
        for i, command in enumerate(commands):
            nxt = commands[i + 1] if i + 1 < len(commands) else None
            self._applied += 1
            if isinstance(command, _COALESCE) and type(nxt) is type(command):
                continue
            self._apply(command)
            if self._stopping:
                return

    def _apply(self, command: Command) -> None:
        handler = _HANDLERS[type(command)]
        source = type(command).__name__
        try:
            handler(self, command)
        except ValueError as error:
            self._block(source, str(error))
        else:
            self._problems.pop(source, None)
        self._changed = True

    @property
    def _blocked(self) -> str:
        return next(iter(self._problems.values()), "")

    def _on_play(self, _: Play) -> None:
        self._running = self._trainable()
        self._paused_at = None
        self._pending_steps = 0
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()

    def _on_pause(self, _: Pause) -> None:
        self._running = False
        self._paused_at = None
        self._pending_steps = 0

    def _on_step_epoch(self, _: StepEpoch) -> None:
        self._paused_at = None
        self._running = False
        if self._trainable():
            self._pending_steps = self._trainer.steps_left_in_epoch

    def _on_step_batch(self, _: StepBatch) -> None:
        self._paused_at = None
        self._running = False
        if self._trainable():
            self._pending_steps = 1

    def _on_reset(self, command: Reset) -> None:
        self._paused_at = None
        self._problems.pop("internal", None)
        self._running = False
        self._pending_steps = 0
        self._epoch_offset = 0
        self._weights = command.weights
        self._run = command.run
        if self._trainer is None:
            self._build_trainer(self._network, self._training, self._data, self._weights)
        else:
            self._trainer.reset(list(command.weights) if command.weights else None)
            self._start_params = self._trainer.parameters()

    def _on_set_training(self, command: SetTraining) -> None:
        self._training = command.training
        if self._trainer is not None:
            self._trainer.set_training(command.training)

    def _on_set_data(self, command: SetData) -> None:
        self._data = command.data
        if self._trainer is None:
            self._build_trainer(self._network, self._training, self._data, self._weights)
            return
        self._trainer.set_data(command.data)

    def _on_set_network(self, command: SetNetwork) -> None:
        self._paused_at = None
        self._running = False
        self._pending_steps = 0
        self._run = command.run
        self._epoch_offset = command.epoch_offset
        self._build_trainer(
            command.network,
            command.training or self._training,
            command.data or self._data,
            command.weights,
            command.state,
        )

    def _on_set_speed(self, command: SetSpeed) -> None:
        self._speed = command.epochs_per_second
        self._credit = 0.0
        self._last_credit_time = time.perf_counter()

    def _on_set_pauses(self, command: SetPauses) -> None:
        self._pauses = tuple(sorted(set(command.epochs)))

    def _on_set_grid(self, command: SetGrid) -> None:
        self._grid = command.request

    def _on_set_parameters(self, command: SetParameters) -> None:
        trainer = self._trainer
        if trainer is None or command.run != self._run:
            return  # a click on the landscape of a run that is gone
        if command.params.shape != (trainer.layout.n_params,):
            return
        trainer.set_parameters(command.params)

    def _on_set_weight(self, command: SetWeight) -> None:
        trainer = self._trainer
        if trainer is None or command.run != self._run:
            return  # typed into a network that is gone
        try:
            trainer.set_weight(command.layer, command.unit, command.source, command.value)
        except ValueError:
            return  # the network changed under the edit (the UI checks values before sending)

    def _on_set_neuron_masks(self, command: SetNeuronMasks) -> None:
        self._masks = command.masks
        self._apply_masks()

    def _apply_masks(self) -> None:
        trainer = self._trainer
        if trainer is None:
            return
        try:
            trainer.set_masks(self._masks or NeuronMasks.none(trainer.network))
        except ValueError:
            self._masks = None  # masks of another architecture
            trainer.set_masks(NeuronMasks.none(trainer.network))

    def _on_set_gradient_view(self, command: SetGradientView) -> None:
        self._gradients = GradientAverage() if command.on else None

    def _weight_grads(self, trainer: Trainer) -> tuple[npt.NDArray[np.float64], ...] | None:
        if self._gradients is None:
            return None
        inputs = trainer.loss_inputs()
        loss = trainer.training.loss_for(trainer.network)
        weights = trainer.weights()
        return self._gradients.update(trainer.network, weights, loss, inputs.X, inputs.targets)

    def _on_stop(self, _: Stop) -> None:
        self._stopping = True

    def _build_trainer(
        self,
        network: NetworkSpec,
        training: TrainingSpec,
        data: TrainingData,
        weights: tuple[LayerWeights, ...] | None,
        state: TrainingState | None = None,
    ) -> None:
        self._network, self._training, self._data, self._weights = (
            network,
            training,
            data,
            weights,
        )
        self._problems.clear()
        try:
            self._trainer = Trainer(
                network,
                training,
                data,
                list(weights) if weights is not None else None,
                kernels=self._provider.kernels if self._provider else None,
            )
            self._apply_masks()
            self._start_params = self._trainer.parameters()
            if weights is not None:  # an opened session: its schedule (and state) continue
                try:
                    self._trainer.resume(self._epoch_offset, state)
                except ValueError:  # the state does not fit (edited data): optimizer afresh
                    self._trainer.resume(self._epoch_offset)
        except ValueError as error:
            self._trainer = None
            self._start_params = None
            self._block("build", str(error))
        self._changed = True

    def _block(self, source: str, reason: str) -> None:
        self._problems[source] = _friendly(reason)
        self._running = False
        self._pending_steps = 0

    def _epoch(self, trainer: Trainer) -> int:
        """Completed epochs, counting those of an opened session."""
        return self._epoch_offset + trainer.epoch

    def _steps_to_next_pause(self, trainer: Trainer) -> int | None:
        """Mini-batch steps until the next pause epoch is complete (None: no pause ahead)."""
        epoch = self._epoch(trainer)
        target = next((pause for pause in self._pauses if pause > epoch), None)
        if target is None:
            return None
        return trainer.steps_left_in_epoch + (target - epoch - 1) * trainer.steps_per_epoch

    def _trainable(self) -> bool:
        return self._trainer is not None and not self._blocked and self._trainer.can_train

    def _train_chunk(self) -> None:
        if not (self._running or self._pending_steps) or not self._trainable():
            return
        trainer = self._trainer
        steps = self._chunk_steps
        if self._pending_steps:
            steps = min(steps, self._pending_steps)
        elif self._speed is not None:
            now = time.perf_counter()
            self._credit += (now - self._last_credit_time) * self._speed * trainer.steps_per_epoch
            self._last_credit_time = now
            self._credit = min(self._credit, max(1.0, self._speed * trainer.steps_per_epoch))
            steps = min(steps, int(self._credit))
            if steps <= 0:
                return
            self._credit -= steps
        to_pause = None if self._pending_steps else self._steps_to_next_pause(trainer)
        if to_pause is not None:
            steps = min(steps, to_pause)  # stop exactly at the pause, even mid-chunk
        start = time.perf_counter()
        done = trainer.run(steps)
        elapsed = time.perf_counter() - start
        self._count_samples(done, trainer)
        if done and elapsed > 0:
            wanted = done / elapsed * CHUNK_SECONDS
            self._chunk_steps = int(
                min(MAX_CHUNK_STEPS, max(1, 0.7 * self._chunk_steps + 0.3 * wanted))
            )
        if self._pending_steps:
            self._pending_steps = 0 if done < steps else self._pending_steps - done
        if not trainer.can_train:
            self._running = False
            self._pending_steps = 0
        elif self._running and to_pause is not None and done == to_pause:
            self._running = False
            self._paused_at = self._epoch(trainer)
        self._changed = True

    def _count_samples(self, steps: int, trainer: Trainer) -> None:
        samples = steps * min(trainer.training.batch_size, trainer.data.train_xy.shape[0])
        self._total_samples += samples
        now = time.perf_counter()
        self._rate_window.append((now, self._total_samples))
        while len(self._rate_window) > 2 and now - self._rate_window[0][0] > 1.0:
            self._rate_window.pop(0)

    def _samples_per_s(self) -> float:
        if not (self._running or self._pending_steps) or len(self._rate_window) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._rate_window[0], self._rate_window[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def _publish_if_due(self) -> None:
        if not self._changed:
            return
        now = time.perf_counter()
        # Big networks make the grid pass slow: when it runs here (plain Python), frames come
        # less often, so that drawing takes at most about a quarter of the training's time.
        interval = (
            max(self._frame_interval, 4.0 * self._frame_cost)
            if (self._running or self._pending_steps)
            else self._frame_interval
        )
        if now - self._last_frame_time < interval or self._pictures.busy:
            return  # (a grid pass still running: its frame comes first)
        with self._lock:
            # The UI has not taken the last frame yet: keep training instead, unless a grid pass
            # done now would come just in time for its next ask (frames at the UI's pace).
            paced = self._pictures_beside() and now - self._last_poll < 2 * self._poll_period
            waiting = not self._latest_taken and (
                not paced or now - self._last_frame_time < 0.9 * self._poll_period
            )
        if waiting and (self._running or self._pending_steps):
            return
        self._publish()
        self._last_frame_time = now
        self._frame_cost = time.perf_counter() - now

    def _epoch_progress(self, trainer: Trainer) -> float:
        left = trainer.steps_left_in_epoch
        per_epoch = max(trainer.steps_per_epoch, 1)
        fraction = 0.0 if left >= per_epoch else 1.0 - left / per_epoch
        return self._epoch_offset + trainer.epoch + fraction

    def _record_if_due(self) -> None:
        """Metrics (no grid) more often than frames, so that curves show fast changes."""
        if not (self._running or self._pending_steps) or self._trainer is None:
            return
        now = time.perf_counter()
        if now - self._last_record_time < max(RECORD_INTERVAL, 20.0 * self._record_cost):
            return
        self._last_record_time = now
        record = Record(
            self._run, self._epoch_progress(self._trainer), self._trainer.snapshot(None)
        )
        with self._lock:
            self._append_record(record)
        self._record_cost = time.perf_counter() - now  # at most ~5 % of the time

    def _append_record(self, record: Record) -> None:
        self._records.append(record)
        del self._records[: max(0, len(self._records) - MAX_RECORDS)]

    def _publish(self) -> None:
        trainer = self._trainer
        frame = None
        beside = self._pictures_beside()
        if trainer is not None:
            snapshot = trainer.snapshot(None if beside else self._grid)
            progress = self._epoch_progress(trainer)
            frame = Frame(
                snapshot=snapshot,
                weights=tuple(trainer.weights()),
                network=trainer.network,
                run=self._run,
                epoch=self._epoch_offset + snapshot.epoch,
                epoch_progress=progress,
                running=bool(self._running),
                state=trainer.export_state(),
                params=trainer.parameters(),
                start_params=self._start_params,
                loss_inputs=trainer.loss_inputs(),
                kernels=trainer.kernels,
                masks=trainer.masks,
                weight_grads=self._weight_grads(trainer),
            )
        with self._lock:
            if frame is not None:
                if not beside:
                    self._latest = frame
                    self._latest_taken = False
                self._append_record(
                    Record(
                        frame.run,
                        frame.epoch_progress,
                        dataclasses.replace(frame.snapshot, grid=None),
                    )
                )
        if frame is not None and beside:
            self._pictures.submit(frame, trainer.units_snapshot(), self._grid)
        self._changed = False

    def _pictures_beside(self) -> bool:
        """Whether the grid pass runs on the picture thread: the compiled kernels release
        the GIL (plain Python would only take turns with training)."""
        return self._trainer is not None and self._trainer.kernels is compiled_kernels

    def _deliver(self, frame: Frame) -> None:
        """(picture thread) A frame with its grid done: the latest."""
        with self._lock:
            self._latest = frame
            self._latest_taken = False

    def _update_status(self) -> None:
        status = self._current_status()
        if self._provider is not None:
            status = dataclasses.replace(status, engine=self._provider.text())
        with self._lock:
            self._status = status

    def _current_status(self) -> WorkerStatus:
        trainer = self._trainer
        where = {
            "epoch": self._epoch_offset + trainer.epoch if trainer is not None else 0,
            "step": trainer.step if trainer is not None else 0,
            "run": self._run,
            "applied": self._applied,
        }
        if self._blocked:
            return WorkerStatus("blocked", message=self._blocked, **where)
        if trainer is not None and trainer.diverged:
            return WorkerStatus("diverged", message=trainer.message, **where)
        if trainer is not None and trainer.stopped_early:
            return WorkerStatus("stopped_early", message=trainer.message, **where)
        state = "running" if (self._running or self._pending_steps) else "paused"
        message = ""
        if state == "paused" and self._paused_at is not None:
            message = (
                f"Paused at epoch {self._paused_at:,}, where the lesson stops: look, "
                "then press Play to go on."
            )
        return WorkerStatus(state, samples_per_s=self._samples_per_s(), message=message, **where)

    def _set_status(self, **changes: object) -> None:
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)


class PictureThread:
    """Grid passes of frames on their own thread, one at a time and in order: `deliver` gets
    each frame with its grid (no grid if the pass failed)."""

    def __init__(self, deliver: Callable[[Frame], None]) -> None:
        self._deliver = deliver
        self._jobs: queue.Queue[tuple[Frame, UnitOutputs, GridRequest] | None] = queue.Queue()
        self._busy = threading.Event()  # a pass is queued or running
        self.passes = 0  # grid passes done
        self._thread = threading.Thread(target=self._main, name="picture-pass", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """Whether a frame is still waiting for its grid."""
        return self._busy.is_set()

    def submit(self, frame: Frame, units: UnitOutputs, request: GridRequest) -> None:
        """Evaluate `units` over `request` and deliver `frame` with that grid."""
        self._busy.set()
        self._jobs.put((frame, units, request))

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after the pass in progress (the frames not delivered are dropped)."""
        self._jobs.put(None)
        self._thread.join(timeout)

    def _main(self) -> None:
        while (job := self._jobs.get()) is not None:
            frame, units, request = job
            grid: GridResult | None = None
            try:
                grid = units.grid(request)
            except Exception:  # a bug must not kill the thread: the frame goes without a grid
                traceback.print_exc()
            self.passes += 1
            self._deliver(
                dataclasses.replace(frame, snapshot=dataclasses.replace(frame.snapshot, grid=grid))
            )
            self._busy.clear()


def _friendly(reason: str) -> str:
    """A message a student understands for the errors the data can cause."""
    if "no training points" in reason:
        return "There are no training points: draw some or pick a data set."
    return reason


_HANDLERS: dict[type, Callable[[TrainingWorker, Command], None]] = {
    Play: TrainingWorker._on_play,
    Pause: TrainingWorker._on_pause,
    StepEpoch: TrainingWorker._on_step_epoch,
    StepBatch: TrainingWorker._on_step_batch,
    Reset: TrainingWorker._on_reset,
    SetTraining: TrainingWorker._on_set_training,
    SetData: TrainingWorker._on_set_data,
    SetNetwork: TrainingWorker._on_set_network,
    SetSpeed: TrainingWorker._on_set_speed,
    SetPauses: TrainingWorker._on_set_pauses,
    SetGrid: TrainingWorker._on_set_grid,
    SetParameters: TrainingWorker._on_set_parameters,
    SetGradientView: TrainingWorker._on_set_gradient_view,
    SetWeight: TrainingWorker._on_set_weight,
    SetNeuronMasks: TrainingWorker._on_set_neuron_masks,
    Stop: TrainingWorker._on_stop,
}

__all__ = [
    "Command", "Frame", "Pause", "Play", "Record", "Reset", "SetData", "SetGrid", "SetNetwork",
    "SetGradientView", "SetNeuronMasks", "SetParameters", "SetPauses", "SetSpeed",
    "SetTraining", "SetWeight", "StepBatch", "StepEpoch", "Stop", "TrainingWorker",
    "WorkerStatus",
]  # fmt: skip
