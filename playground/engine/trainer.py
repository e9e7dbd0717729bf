"""The Trainer: owns a network's parameters, optimizer state, data and RNG; makes Snapshots."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from . import grid_eval
from . import kernels as K
from . import resume as resuming
from .features import expand, standardized
from .network import LOSS_CODE, OUT_KIND, Layout, initial_params, pack_weights, unpack_weights
from .neuron_masks import (
    NeuronMasks,
    check_masks,
    frozen_indices,
    off_rows,
    outgoing_indices,
)
from .registry import OPTIMIZERS, SCHEDULES, ScheduleOptions, hyper_of
from .resume import TrainingState
from .spec import LayerWeights, NetworkSpec, TrainingSpec, check_weights

EVAL_TILE = 512
BUFFERS = 6  # activation buffers of rows × batch: A, Y, H, M, XH, D
MAX_BUFFER_BYTES = 384 * 2**20  # so that any session trains within 1 GB, or is refused
FLOAT32_MAX = float(np.finfo(np.float32).max)

# What the Trainer runs on: the kernels module (compiled by numba), or anything with the same
# four entry points, e.g. pure.PythonKernels while numba compiles (see engine/compiler.py).
Kernels = Any
MAX_GRID = 400

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class TrainingData:
    """Raw points and labels, split into train, test and (optionally) validation: xy float64
    (n, 2), labels (n,). Early stopping watches the validation points when there are any."""

    train_xy: Array
    train_labels: Array
    test_xy: Array = field(default_factory=lambda: np.zeros((0, 2)))
    test_labels: Array = field(default_factory=lambda: np.zeros(0))
    validation_xy: Array = field(default_factory=lambda: np.zeros((0, 2)))
    validation_labels: Array = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        for name in ("train_xy", "test_xy", "validation_xy"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), float).reshape(-1, 2))
        for name in ("train_labels", "test_labels", "validation_labels"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), float).reshape(-1))
        if self.train_xy.shape[0] != self.train_labels.shape[0]:
            raise ValueError("train_labels: one label per training point is needed")
        if self.test_xy.shape[0] != self.test_labels.shape[0]:
            raise ValueError("test_labels: one label per test point is needed")
        if self.validation_xy.shape[0] != self.validation_labels.shape[0]:
            raise ValueError("validation_labels: one label per validation point is needed")

    @property
    def stopping_split(self) -> str:
        """The split early stopping watches: "validation" if there is one, else "test"."""
        return "validation" if self.validation_xy.shape[0] else "test"


@dataclass(frozen=True)
class GridRequest:
    """A view rectangle to evaluate every neuron over, at resolution×resolution points."""

    x_min: float = -6.0
    x_max: float = 6.0
    y_min: float = -6.0
    y_max: float = 6.0
    resolution: int = 100

    def __post_init__(self) -> None:
        if not 2 <= self.resolution <= MAX_GRID:
            raise ValueError(f"resolution: {self.resolution} is out of range (2 to {MAX_GRID})")
        if not (self.x_max > self.x_min and self.y_max > self.y_min):
            raise ValueError("grid: the view rectangle is empty")

    def points(self) -> Array:
        """The grid's points, float64 (resolution², 2), row-major with y rising by row."""
        xs = np.linspace(self.x_min, self.x_max, self.resolution)
        ys = np.linspace(self.y_min, self.y_max, self.resolution)
        gx, gy = np.meshgrid(xs, ys)
        return np.column_stack([gx.ravel(), gy.ravel()])


@dataclass(frozen=True, eq=False)
class GridResult:
    """Every unit's output over a grid; each image float32 (units, res, res), row 0 at y_min.

    layers[0] are the input features (as the network sees them), layers[1..-2] the hidden
    layers, layers[-1] the output: P(class 1) for binary, class probabilities, or the value.
    """

    request: GridRequest
    layers: tuple[npt.NDArray[np.float32], ...]

    @property
    def output(self) -> npt.NDArray[np.float32]:
        """The output layer's images."""
        return self.layers[-1]


@dataclass(frozen=True, eq=False)
class LossInputs:
    """The training data loss as a function of the flat parameters: everything but them.

    Eval mode (batch norm's running statistics, no dropout), data loss only (no penalty).
    """

    layout: Layout
    out_kind: int  # kernels.OUT_SIGMOID, OUT_SOFTMAX or OUT_LINEAR
    loss_code: int  # kernels.LOSS_*
    X: Array  # float64 (F, N) training features, expanded and standardised as the Trainer does
    targets: Array  # float64 (N,) class index or value of each training point
    bn_mean: Array  # float64 (R,) batch norm's running means by unit row (held fixed)
    bn_var: Array  # float64 (R,) running variances

    @property
    def n_params(self) -> int:
        """P, the length of the flat parameter vectors this loss takes."""
        return self.layout.n_params


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the window shows of a moment of training; arrays are copies (deeply immutable)."""

    epoch: int
    step: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    penalty: float
    learning_rate: float
    grad_norm_per_layer: Array  # RMS of ||dL/dW_l|| over the steps since the last snapshot
    weight_norm_per_layer: Array  # ||W_l||_F
    diverged: bool = False
    stopped_early: bool = False
    message: str = ""
    grid: GridResult | None = None
    validation_loss: float | None = None  # None without validation points
    validation_accuracy: float | None = None


class Trainer:
    """Trains one network on one data set, a chunk of steps at a time (see DESIGN §2, §3)."""

    def __init__(
        self,
        network: NetworkSpec,
        training: TrainingSpec,
        data: TrainingData,
        weights: list[LayerWeights] | None = None,
        *,
        kernels: Kernels | None = None,
    ) -> None:
        self.kernels: Kernels = kernels if kernels is not None else K
        self.network = network
        self.training = training
        self._layout = Layout.of(network)
        self._loss_name = training.loss_for(network)
        self.diverged = False
        self.stopped_early = False
        self.message = ""
        self._set_data_arrays(data)
        self._allocate_buffers()
        self._masks = NeuronMasks.none(network)
        self.reset(weights)

    # ----- set-up --------------------------------------------------------------------------

    def reset(self, weights: list[LayerWeights] | None = None) -> None:
        """Start over: weights from `weights` or from the initializer and seed; step 0."""
        layout = self._layout
        self._bn_mean = np.zeros(layout.n_rows)
        self._bn_var = np.ones(layout.n_rows)
        if weights is not None:
            check_weights(self.network, weights)
            self._params = pack_weights(layout, weights, self._bn_mean, self._bn_var)
        else:
            self._params = initial_params(
                self.network, layout, self.training.init, self.training.seed
            )
        self._grads = np.zeros(layout.n_params)
        self._held: dict[int, float] = {}  # off neurons' outgoing weights, held at 0 meanwhile
        self._hold_masked()
        self._rng = np.array([_seed_state(self.training.seed)], dtype=np.uint64)
        self._perm = np.arange(self._n_train, dtype=np.int64)
        self._counters = np.zeros(7, dtype=np.int64)
        self._epoch_base = 0  # epochs before a resume: the schedule counts them
        self._grad_sq = np.zeros(layout.table.shape[0])
        self._last_grad_norm = np.zeros(layout.table.shape[0])
        self._stats = np.array([math.nan, 0.0, self.training.optimizer.lr, math.inf])
        self._best_params = self._params.copy()
        self._best_bn = np.vstack([self._bn_mean, self._bn_var])
        self._reset_optimizer()
        self.diverged = False
        self.stopped_early = False
        self.message = ""

    def _reset_optimizer(self) -> None:
        n = self._layout.n_params
        self._S1, self._S2, self._S3 = np.zeros(n), np.zeros(n), np.zeros(n)
        spec = self.training.optimizer
        if "initial_accumulator_value" in spec.hyper():
            self._S1[:] = spec.hyper()["initial_accumulator_value"]
        self._scalars = np.ones(2)
        self._counters[K.C_OPT_T] = 0
        self._set_hyper()

    def _set_hyper(self) -> None:
        spec = self.training
        self._hyper = hyper_of(spec.optimizer.hyper())
        self._opt_code = OPTIMIZERS[spec.optimizer.name].code
        self._sched = ScheduleOptions(
            **{key: float(value) for key, value in spec.schedule.params().items()}
        )
        self._sched_code = SCHEDULES[spec.schedule.name].code
        self._reg_kind = {"none": 0, "l1": 1, "l2": 2}[spec.regularization]

    def _set_data_arrays(self, data: TrainingData) -> None:
        """Feature matrices (standardised if asked), checked against the problem."""
        network = self.network
        for name, labels in (
            ("train", data.train_labels),
            ("test", data.test_labels),
            ("validation", data.validation_labels),
        ):
            if not np.all(np.isfinite(labels)):
                raise ValueError(f"{name} labels: NaN or Infinity")
            if (
                network.problem == "classification"
                and labels.size
                and (
                    np.any(labels != np.round(labels))
                    or labels.min() < 0
                    or labels.max() >= network.classes
                )
            ):
                raise ValueError(f"{name} labels: class indices must be 0 to {network.classes - 1}")
        if data.train_xy.shape[0] == 0:
            raise ValueError("data: there are no training points")
        self.data = data
        self._mean, self._std = standardization(network, data.train_xy)
        self._X = self._features(data.train_xy)
        self._X_test = self._features(data.test_xy)
        self._y = np.ascontiguousarray(data.train_labels, dtype=np.float64)
        self._y_test = np.ascontiguousarray(data.test_labels, dtype=np.float64)
        self._X_validation = self._features(data.validation_xy)
        self._y_validation = np.ascontiguousarray(data.validation_labels, dtype=np.float64)
        self._n_train = self._X.shape[1]

    def _features(self, xy: Array) -> Array:
        return standardized(xy, self.network.inputs, self._mean, self._std)

    def _allocate_buffers(self) -> None:
        rows = self._layout.n_rows
        check_buffer_memory(rows, self.training.batch_size, self._n_train)
        width = buffer_width(self.training.batch_size, self._n_train)
        self._A, self._Y, self._H, self._M, self._XH, self._D = (
            np.zeros((rows, width)) for _ in range(6)
        )
        self._INV = np.zeros(rows)
        self._TB = np.zeros(width)

    # ----- changes between chunks ---------------------------------------------------------

    def set_training(self, training: TrainingSpec) -> None:
        """Apply new training settings, keeping the weights (init/seed apply on reset)."""
        loss = training.loss_for(self.network)
        check_buffer_memory(self._layout.n_rows, training.batch_size, self._n_train)
        old = self.training
        self.training = training
        self._loss_name = loss
        if training.optimizer.name != old.optimizer.name:
            self._reset_optimizer()
        else:
            self._set_hyper()
        if training.batch_size != old.batch_size:
            self._allocate_buffers()
        if training.early_stopping_patience != old.early_stopping_patience:
            self._counters[K.C_STALE] = 0
        self.stopped_early = False

    def set_data(self, data: TrainingData) -> None:
        """Train on edited data from now on, keeping the weights; the epoch restarts its walk."""
        check_buffer_memory(self._layout.n_rows, self.training.batch_size, data.train_xy.shape[0])
        self._set_data_arrays(data)
        self._allocate_buffers()
        self._perm = np.arange(self._n_train, dtype=np.int64)
        self._counters[K.C_CURSOR] = 0
        self.stopped_early = False

    def set_network(self, network: NetworkSpec, weights: list[LayerWeights] | None = None) -> None:
        """A new architecture: reinitialise (or start from `weights`) at step 0."""
        self.training.loss_for(network)
        check_buffer_memory(Layout.of(network).n_rows, self.training.batch_size, self._n_train)
        self.network = network
        self._layout = Layout.of(network)
        self._loss_name = self.training.loss_for(network)
        self._set_data_arrays(self.data)
        self._allocate_buffers()
        self._masks = NeuronMasks.none(network)
        self.reset(weights)

    # ----- training -----------------------------------------------------------------------

    @property
    def epoch(self) -> int:
        """Epochs completed by this Trainer (since it was made, reset or resumed)."""
        return int(self._counters[K.C_EPOCH]) - self._epoch_base

    @property
    def schedule_epoch(self) -> int:
        """Completed epochs including those before a resume: the schedule's position."""
        return int(self._counters[K.C_EPOCH])

    @property
    def step(self) -> int:
        """Completed mini-batch steps."""
        return int(self._counters[K.C_STEP])

    @property
    def steps_per_epoch(self) -> int:
        """Mini-batches in one epoch."""
        return -(-self._n_train // self.training.batch_size)

    @property
    def steps_left_in_epoch(self) -> int:
        """Steps until the current epoch ends."""
        left = self._n_train - int(self._counters[K.C_CURSOR])
        return -(-left // self.training.batch_size)

    @property
    def can_train(self) -> bool:
        """False after divergence or early stopping, until a reset or a change."""
        return not (self.diverged or self.stopped_early)

    def run(self, steps: int) -> int:
        """Run up to `steps` mini-batch steps; return how many ran (fewer if training stopped)."""
        if steps <= 0 or not self.can_train:
            return 0
        t = self.training
        layout = self._layout
        network = K.Network(
            self._params,
            self._grads,
            layout.table,
            layout.dropout,
            self._bn_mean,
            self._bn_var,
            layout.weight_mask,
            layout.w_offset,
            layout.w_length,
            self._frozen_index,
        )
        # The kernels' held-out points serve early stopping only: validation when there is any.
        if self.data.stopping_split == "validation":
            data = K.Data(self._X, self._y, self._X_validation, self._y_validation)
        else:
            data = K.Data(self._X, self._y, self._X_test, self._y_test)
        buffers = K.Buffers(
            self._A, self._Y, self._H, self._M, self._XH, self._INV, self._D, self._TB
        )
        settings = K.Settings(
            out_kind=int(OUT_KIND.get(self._loss_name, K.OUT_LINEAR)),
            loss_code=int(LOSS_CODE[self._loss_name]),
            shuffle=bool(t.shuffle),
            batch_size=int(t.batch_size),
            reg_kind=int(self._reg_kind),
            reg_rate=float(t.regularization_rate),
            clip=float(t.grad_clip or 0.0),
            patience=int(t.early_stopping_patience),
            optimizer_code=int(self._opt_code),
            hyper=self._hyper,
            schedule_code=int(self._sched_code),
            schedule=self._sched,
        )
        state = K.State(
            self._perm,
            self._rng,
            self._counters,
            self._grad_sq,
            self._stats,
            self._S1,
            self._S2,
            self._S3,
            self._scalars,
            self._best_params,
            self._best_bn,
        )
        status, done = self.kernels.train_steps(
            np.int64(steps), network, data, buffers, settings, state
        )
        if status == K.STATUS_OK and not self._fits_float32():
            self.diverged = True
            self.message = (
                f"Training diverged at epoch {self.epoch}, step {self.step}: the "
                "weights or batch-norm statistics grew beyond float32 range (about "
                f"3.4e38). Try a lower learning rate (now "
                f"{self.training.optimizer.lr:g}), a gentler schedule, gradient "
                "clipping, or batch norm."
            )
        elif status == K.STATUS_DIVERGED:
            self.diverged = True
            self.message = self._divergence_message()
        elif status == K.STATUS_EARLY_STOP:
            self.stopped_early = True
            self.message = (
                f"Stopped early at epoch {self.epoch}: the {self.data.stopping_split} loss "
                "has not improved "
                f"for {t.early_stopping_patience} epochs; restored the best weights "
                f"(epoch {int(self._counters[K.C_BEST_EPOCH])})."
            )
        return int(done)

    def _fits_float32(self) -> bool:
        """Whether every weight and batch-norm statistic is finite in float32 (exports need it)."""
        with np.errstate(invalid="ignore"):
            return bool(
                np.all(np.abs(self._params) <= FLOAT32_MAX)
                and np.all(np.abs(self._bn_mean) <= FLOAT32_MAX)
                and np.all(self._bn_var <= FLOAT32_MAX)
            )

    def run_epochs(self, epochs: int) -> int:
        """Run whole epochs (finishing the current one first); return the steps run.

        One kernel call for all of them: each call costs ~20 µs of Python and numba dispatch,
        a third of a W1 epoch.
        """
        if epochs <= 0:
            return 0
        return self.run(self.steps_left_in_epoch + (epochs - 1) * self.steps_per_epoch)

    def _divergence_message(self) -> str:
        layer = self._first_nonfinite_layer()
        where = f" in layer {layer + 1}" if layer is not None else ""
        return (
            f"Training diverged at epoch {self.epoch}, step {self.step}: the loss became "
            f"{'NaN' if math.isnan(self._stats[0]) else 'infinite'}{where}. "
            f"Try a lower learning rate (now {self.training.optimizer.lr:g}), "
            "gradient clipping, or batch norm."
        )

    def _first_nonfinite_layer(self) -> int | None:
        for layer in range(self._layout.table.shape[0]):
            start = self._layout.table[layer, K.W_OFF]
            stop = self._layout.table[layer, K.B_OFF] + self._layout.table[layer, K.N_OUT]
            r0 = int(self._layout.table[layer, K.ROW_OUT])
            n = int(self._layout.table[layer, K.N_OUT])
            if not np.all(np.isfinite(self._params[start:stop])) or not np.all(
                np.isfinite(self._Y[r0 : r0 + n])
            ):
                return layer
        return None

    # ----- the weights as one flat vector (the loss landscape's currency) -----------------

    def parameters(self) -> Array:
        """A copy of every parameter, float64 (P,), in the layout of `network.Layout`.

        Per dense layer: W (out×in, row-major), b, then gamma and beta with batch norm. The
        batch-norm running statistics are not parameters (see `loss_inputs`)."""
        return self._params.copy()

    def set_parameters(self, flat: npt.ArrayLike) -> None:
        """Move the weights to `flat`, float64 (P,) in the layout of `parameters()`.

        Training continues from there as from a fresh start at those weights: the optimizer's
        state (momentum, Adam's moments, its step count) is reset, as when the optimizer
        changes; the epoch and step counts, the schedule's position, the random generator,
        the epoch's order and the batch-norm running statistics are kept. A diverged or
        early-stopped Trainer can train again. ValueError on a wrong shape or NaN/Inf."""
        values = np.asarray(flat, dtype=np.float64)
        if values.shape != self._params.shape:
            raise ValueError(
                f"parameters: expected {self._params.shape[0]} values, got shape {values.shape}"
            )
        if not np.all(np.isfinite(values)):
            raise ValueError("parameters: NaN or Infinity")
        self._params[:] = values
        for index in self._held:  # an off neuron's outgoing weights stay 0 (and held)
            self._params[index] = 0.0
        self._reset_optimizer()
        self.diverged = False
        self.stopped_early = False
        self.message = ""

    @property
    def layout(self) -> Layout:
        """Where each layer's parameters are in the flat vector of `parameters()`."""
        return self._layout

    def loss_inputs(self) -> LossInputs:
        """What the training data loss at any parameters needs besides them (copies, so that
        another thread may use them while this Trainer trains on)."""
        return LossInputs(
            layout=self._layout,
            out_kind=int(OUT_KIND.get(self._loss_name, K.OUT_LINEAR)),
            loss_code=int(LOSS_CODE[self._loss_name]),
            X=self._X,  # replaced, never changed in place, when the data changes
            targets=self._y,
            bn_mean=self._bn_mean.copy(),
            bn_var=self._bn_var.copy(),
        )

    # ----- results ------------------------------------------------------------------------

    def weights(self) -> list[LayerWeights]:
        """Copies of the current weights, one entry per dense layer (output last); an off
        neuron's outgoing weights as they will be when it is switched on again (see
        `neuron_masks.bake_off` for the weights that act now)."""
        params = self._params.copy()
        for index, value in self._held.items():
            params[index] = value
        return unpack_weights(self._layout, params, self._bn_mean, self._bn_var)

    @property
    def standardization(self) -> tuple[Array, Array]:
        """(mean, std) subtracted from / dividing the features (0 and 1 when off)."""
        return self._mean.copy(), self._std.copy()

    def evaluate(self, xy: Array, labels: Array) -> tuple[float, float | None]:
        """Eval-mode (mean data loss, accuracy or None) on points xy (n, 2)."""
        X = self._features(np.asarray(xy, float).reshape(-1, 2))
        return self._evaluate(X, np.ascontiguousarray(labels, dtype=np.float64))

    def _evaluate(self, X: Array, y: Array) -> tuple[float, float | None]:
        n = X.shape[1]
        if n == 0:
            return math.nan, None
        total, correct = self.kernels.evaluate(
            self._params,
            self._layout.table,
            np.int64(OUT_KIND.get(self._loss_name, 2)),
            np.int64(LOSS_CODE[self._loss_name]),
            X,
            y,
            self._A,
            self._Y,
            self._bn_mean,
            self._bn_var,
        )
        accuracy = correct / n if self.network.problem == "classification" else None
        return total / n, accuracy

    def penalty(self) -> float:
        """The regularisation penalty of the current weights (not part of the data loss)."""
        rate = self.training.regularization_rate
        W = self._params[self._layout.weight_mask]
        with np.errstate(over="ignore", invalid="ignore"):  # huge weights: inf is the answer
            if self.training.regularization == "l1":
                return float(rate * np.abs(W).sum())
            if self.training.regularization == "l2":
                return float(rate * 0.5 * (W * W).sum())
        return 0.0

    def unit_outputs(self, xy: Array, dtype: type = np.float32) -> tuple[npt.NDArray, ...]:
        """Eval-mode output of every unit at points xy (n, 2): per layer (units, n) of dtype."""
        return self._units_at(copy=False).unit_outputs(xy, dtype, self._A, self._Y)

    def units_snapshot(self) -> UnitOutputs:
        """Every unit's output at the current weights, on copies: another thread may evaluate
        it (e.g. a grid for the pictures) while this Trainer trains on."""
        return self._units_at(copy=True)

    def _units_at(self, copy: bool) -> UnitOutputs:
        def own(array: npt.NDArray) -> npt.NDArray:
            return array.copy() if copy else array

        return UnitOutputs(
            kernels=self.kernels,
            params=own(self._params),
            table=own(self._layout.table),
            row_ends=(*self._layout.row_offsets, self._layout.n_rows),
            out_kind=int(OUT_KIND.get(self._loss_name, K.OUT_LINEAR)),
            inputs=self.network.inputs,
            mean=own(self._mean),
            std=own(self._std),
            bn_mean=own(self._bn_mean),
            bn_var=own(self._bn_var),
            off_rows=own(self._off_rows),
            tile=self._A.shape[1],
        )

    def predict(self, xy: Array) -> Array:
        """Class probabilities float64 (n, C), C = 2 for binary, or values (n, 1)."""
        out = self.unit_outputs(xy, np.float64)[-1].T.copy()
        if self._loss_name == "bce":
            return np.column_stack([1.0 - out[:, 0], out[:, 0]])
        return out

    def snapshot(self, grid: GridRequest | None = None) -> Snapshot:
        """The current state, with every neuron over `grid` if one is asked for."""
        train_loss, train_acc = self._evaluate(self._X, self._y)
        test_loss, test_acc = self._evaluate(self._X_test, self._y_test)
        validation_loss, validation_acc = self._evaluate(self._X_validation, self._y_validation)
        steps = int(self._counters[K.C_GRAD_STEPS])
        if steps:
            self._last_grad_norm = np.sqrt(self._grad_sq / steps)
            self._grad_sq[:] = 0.0
            self._counters[K.C_GRAD_STEPS] = 0
        with np.errstate(over="ignore", invalid="ignore"):  # huge weights: inf is the answer
            weight_norms = np.array(
                [
                    np.linalg.norm(self._layout.weight_view(self._params, layer))
                    for layer in range(self._layout.table.shape[0])
                ]
            )
        grid_result = None
        if grid is not None:
            grid_result = self._units_at(copy=False).grid(grid, self._A, self._Y)
        return Snapshot(
            epoch=self.epoch,
            step=self.step,
            train_loss=train_loss,
            test_loss=None if math.isnan(test_loss) else test_loss,
            train_accuracy=train_acc,
            test_accuracy=test_acc,
            penalty=self.penalty(),
            learning_rate=self.current_learning_rate(),
            grad_norm_per_layer=self._last_grad_norm.copy(),
            weight_norm_per_layer=weight_norms,
            diverged=self.diverged,
            stopped_early=self.stopped_early,
            message=self.message,
            grid=grid_result,
            validation_loss=None if math.isnan(validation_loss) else validation_loss,
            validation_accuracy=validation_acc,
        )

    def current_learning_rate(self) -> float:
        """The schedule's learning rate at the current position."""
        cursor = int(self._counters[K.C_CURSOR])
        fraction = (cursor // self.training.batch_size) / max(self.steps_per_epoch, 1)
        return float(
            self.kernels.scheduled_lr(
                np.int64(self._sched_code),
                self._hyper.lr,
                self._sched,
                np.int64(self.schedule_epoch),
                fraction,
            )
        )

    # ----- hands on the weights (engine/neuron_masks.py) ----------------------------------

    @property
    def masks(self) -> NeuronMasks:
        """Which neurons are frozen and which are switched off."""
        return self._masks

    def set_masks(self, masks: NeuronMasks) -> None:
        """Freeze or switch off neurons from now on (ValueError if the masks do not fit)."""
        check_masks(self.network, masks)
        for index, value in self._held.items():
            self._params[index] = value
        self._held = {}
        self._masks = masks
        self._hold_masked()

    def _hold_masked(self) -> None:
        """Hold the off neurons' outgoing weights at 0; the frozen index for the kernels."""
        table = self._layout.table
        for index in outgoing_indices(table, self._masks):
            self._held[index] = float(self._params[index])
            self._params[index] = 0.0
        self._frozen_index = frozen_indices(table, self._masks)
        self._off_rows = off_rows(table, self._masks)

    def set_weight(self, layer: int, unit: int, source: int, value: float) -> None:
        """W[unit, source] of dense layer `layer` (source -1: the bias b[unit]) becomes
        `value`; training goes on from there (the optimizer's state is kept). ValueError on a
        neuron or input the network does not have, or on NaN/Inf."""
        index = parameter_index(self._layout, layer, unit, source)
        value = float(value)
        if not math.isfinite(value) or abs(value) > FLOAT32_MAX:
            raise ValueError(f"weight: {value!r} is not a finite number")
        if index in self._held:
            self._held[index] = value
        else:
            self._params[index] = value

    # ----- resume exactly (engine/resume.py) ----------------------------------------------

    def export_state(self) -> TrainingState:
        """Copies of what continuing needs besides the weights and the epoch."""
        slots = (self._S1, self._S2, self._S3)
        return resuming.export_state(
            self.training.optimizer,
            self._layout,
            slots,
            self._scalars,
            self._rng,
            self._counters,
            self._perm,
        )

    def resume(self, epoch: int, state: TrainingState | None = None) -> None:
        """Continue a run saved after `epoch` epochs: the schedule resumes there and, with a
        state, the optimizer, the random generator and the epoch's order too (bit for bit)."""
        self._counters[K.C_EPOCH] = epoch
        self._epoch_base = epoch
        if state is not None:
            resuming.check_state(self.network, self.training, self._n_train, state)
            slots = (self._S1, self._S2, self._S3)
            resuming.import_state(
                state, self._layout, slots, self._scalars, self._rng, self._counters, self._perm
            )


@dataclass(frozen=True, eq=False)
class UnitOutputs:
    """Every unit's eval-mode output at one moment's weights: what `Trainer.unit_outputs`
    reads (copies when made by `Trainer.units_snapshot`, so that another thread may use them)."""

    kernels: Kernels
    params: Array  # (P,)
    table: npt.NDArray[np.int64]  # the layout's table
    row_ends: tuple[int, ...]  # first unit row of each layer, then the number of rows
    out_kind: int
    inputs: tuple[str, ...]  # the network's input features
    mean: Array  # (F,) standardisation
    std: Array  # (F,)
    bn_mean: Array  # (R,)
    bn_var: Array  # (R,)
    off_rows: npt.NDArray[np.int64]  # rows of switched-off neurons (they output 0)
    tile: int  # columns of the working buffers a pass allocates

    def unit_outputs(
        self, xy: Array, dtype: type = np.float32, A: Array | None = None, Y: Array | None = None
    ) -> tuple[npt.NDArray, ...]:
        """Per layer (units, n) of dtype at points xy (n, 2); A and Y: working buffers float64
        (R, tile), new ones if not given."""
        X = standardized(xy, self.inputs, self.mean, self.std)
        n_rows = self.row_ends[-1]
        if A is None or Y is None:
            A, Y = np.zeros((n_rows, self.tile)), np.zeros((n_rows, self.tile))
        out = np.empty((n_rows, X.shape[1]), dtype=dtype)
        out_kind, table = np.int64(self.out_kind), self.table
        if X.shape[1] and dtype == np.float32 and self.kernels is K and grid_eval.worth_it(table):
            # a picture: numpy's vectorised exp, log1p... (see grid_eval)
            grid_eval.grid_pass(self.params, table, out_kind, X, self.bn_mean, self.bn_var, out,
                                A, Y)  # fmt: skip
        elif X.shape[1]:
            self.kernels.grid_pass(self.params, table, out_kind, X, A, Y, self.bn_mean,
                                   self.bn_var, out)  # fmt: skip
        out[self.off_rows] = 0  # a switched-off neuron outputs 0 (its outgoing weights are 0)
        rows = self.row_ends
        return tuple(out[rows[i] : rows[i + 1]] for i in range(len(rows) - 1))

    def grid(self, request: GridRequest, A: Array | None = None, Y: Array | None = None
             ) -> GridResult:  # fmt: skip
        """Every unit over the request's grid, float32 images."""
        images = self.unit_outputs(request.points(), np.float32, A, Y)
        r = request.resolution
        return GridResult(request, tuple(image.reshape(-1, r, r) for image in images))


def parameter_index(layout: Layout, layer: int, unit: int, source: int) -> int:
    """The flat index of W[unit, source] of dense layer `layer` (source -1: b[unit])."""
    table = layout.table
    if not 0 <= layer < table.shape[0]:
        raise ValueError(f"layer: {layer} is not a dense layer (0 to {table.shape[0] - 1})")
    n_in, n_out = int(table[layer, K.N_IN]), int(table[layer, K.N_OUT])
    if not 0 <= unit < n_out:
        raise ValueError(f"unit: layer {layer} has units 0 to {n_out - 1}, not {unit}")
    if not -1 <= source < n_in:
        raise ValueError(f"input: layer {layer} has inputs 0 to {n_in - 1}, not {source}")
    if source < 0:
        return int(table[layer, K.B_OFF]) + unit
    return int(table[layer, K.W_OFF]) + unit * n_in + source


def buffer_width(batch_size: int, n_train: int) -> int:
    """Columns of the training buffers: a batch, at least an evaluation tile."""
    return min(max(batch_size, EVAL_TILE), max(n_train, EVAL_TILE))


def check_buffer_memory(rows: int, batch_size: int, n_train: int) -> None:
    """ValueError ('batch_size: ...') when the training buffers would pass MAX_BUFFER_BYTES."""
    need = BUFFERS * 8 * rows * buffer_width(batch_size, n_train)
    if need > MAX_BUFFER_BYTES:
        most = max(1, MAX_BUFFER_BYTES // (BUFFERS * 8 * rows))
        raise ValueError(
            f"batch_size: a batch of {min(batch_size, n_train)} points through "
            f"{rows} units needs {need / 2**30:.1f} GB of working memory (at most "
            f"{MAX_BUFFER_BYTES // 2**20} MB); use a batch size of at most {most}"
        )


def standardization(network: NetworkSpec, train_xy: Array) -> tuple[Array, Array]:
    """(mean, std) of each feature over the training points; (0, 1) when standardize is off."""
    width = len(network.inputs)
    if not network.standardize:
        return np.zeros(width), np.ones(width)
    if train_xy.shape[0] == 0:
        raise ValueError(
            "data: standardize needs training points (for the features' mean and "
            "standard deviation)"
        )
    X = expand(train_xy, network.inputs)
    with np.errstate(over="ignore", invalid="ignore"):  # huge points: checked where used
        std = X.std(axis=1)
        return X.mean(axis=1), np.where(std > 1e-12, std, 1.0)


def _seed_state(seed: int) -> int:
    """A non-zero 64-bit xorshift state from a seed (splitmix64)."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return z or 1
