"""The specs the engine runs: network, optimizer, schedule, training, and weights.

Specs are frozen dataclasses that validate themselves; an error message starts with the field's
path, e.g. ``layers[1].activation: unknown activation 'banana' (choose one of: linear, ...)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.problems import MAX_CLASSES, PROBLEMS

from .activations import ACTIVATIONS
from .features import FEATURES
from .registry import (
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    REGULARIZATIONS,
    SCHEDULES,
    choices,
    default_loss,
)

MAX_LAYERS = 16
MAX_UNITS = 256
MAX_BATCH = 1_000_000


def _check(ok: bool, path: str, message: str) -> None:
    if not ok:
        raise ValueError(f"{path}: {message}")


def _check_number(
    value: Any,
    path: str,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Reject non-numbers, NaN/Inf and values outside [low, high] (or open ends)."""
    _check(
        isinstance(value, (int, float)) and not isinstance(value, bool),
        path,
        f"expected a number, got {_short(value)}",
    )
    _check(
        not (isinstance(value, int) and abs(value) > 2**1023),
        path,
        f"{_short(value)} is out of range",
    )  # float() of it would overflow
    _check(math.isfinite(value), path, f"must be finite, got {value!r}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    bounds = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    _check(not (too_low or too_high), path, f"{_short(value)} is out of range {bounds}")


def _short(value: Any, limit: int = 60) -> str:
    """A value as echoed in a message, cut to `limit` characters with an ellipsis."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        digits = len(str(abs(value)))  # no repr of a huge integer: it may be too long to make
        return f"{str(value)[:limit]}… ({digits} digits)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _check_name(value: Any, registry: dict, path: str, what: str) -> None:
    _check(
        isinstance(value, str) and value in registry,
        path,
        f"unknown {what} {_short(value)} (choose one of: {choices(registry)})",
    )


@dataclass(frozen=True)
class LayerSpec:
    """A hidden dense layer: units, activation, inverted dropout rate and batch norm."""

    units: int
    activation: str = "tanh"
    dropout: float = 0.0
    batch_norm: bool = False

    def __post_init__(self) -> None:
        _check(
            isinstance(self.units, int)
            and not isinstance(self.units, bool)
            and 1 <= self.units <= MAX_UNITS,
            "units",
            f"{_short(self.units)} is out of range (1 to {MAX_UNITS} units)",
        )
        _check_name(self.activation, ACTIVATIONS, "activation", "activation")
        _check_number(self.dropout, "dropout", 0.0, 1.0, high_open=True)
        _check(isinstance(self.batch_norm, bool), "batch_norm", "expected true or false")


@dataclass(frozen=True)
class NetworkSpec:
    """Inputs (feature names), hidden layers, and the problem that fixes the output layer."""

    inputs: tuple[str, ...] = ("x1", "x2")
    layers: tuple[LayerSpec, ...] = ()
    problem: str = "classification"
    classes: int = 2
    standardize: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "layers", tuple(self.layers))
        _check(len(self.inputs) >= 1, "inputs", "choose at least one input feature")
        for i, name in enumerate(self.inputs):
            _check_name(name, FEATURES, f"inputs[{i}]", "feature")
        _check(len(set(self.inputs)) == len(self.inputs), "inputs", "a feature is listed twice")
        _check(
            len(self.layers) <= MAX_LAYERS,
            "layers",
            f"{len(self.layers)} hidden layers is too many (at most {MAX_LAYERS})",
        )
        for i, layer in enumerate(self.layers):
            _check(isinstance(layer, LayerSpec), f"layers[{i}]", "expected a layer")
        _check_name(self.problem, dict.fromkeys(PROBLEMS), "problem", "problem")
        if self.problem == "classification":
            _check(
                isinstance(self.classes, int) and 2 <= self.classes <= MAX_CLASSES,
                "classes",
                f"{_short(self.classes)} is out of range (2 to {MAX_CLASSES} classes)",
            )
        else:
            _check(self.classes == 1, "classes", "regression has one output (classes = 1)")

    @property
    def output_units(self) -> int:
        """1 for binary classification and regression, else the number of classes."""
        return self.classes if self.problem == "classification" and self.classes > 2 else 1

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(inputs, hidden..., outputs): the width of every layer of activations."""
        return (len(self.inputs), *(layer.units for layer in self.layers), self.output_units)

    def same_architecture(self, other: NetworkSpec) -> bool:
        """True when weights of one fit the other (so a change needs no reinitialisation)."""
        return self.layer_sizes == other.layer_sizes and [
            layer.batch_norm for layer in self.layers
        ] == [layer.batch_norm for layer in other.layers]


def _freeze_options(options: Any) -> tuple[tuple[str, Any], ...]:
    items = options.items() if isinstance(options, dict) else options
    return tuple(sorted((str(k), tuple(v) if isinstance(v, list) else v) for k, v in items))


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer by name, its learning rate, and hyper-parameters by PyTorch name."""

    name: str = "sgd"
    lr: float = 0.03
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", _freeze_options(self.options))
        _check_name(self.name, OPTIMIZERS, "name", "optimizer")
        _check_number(self.lr, "lr", 0.0, 1000.0, low_open=True)
        defaults = OPTIMIZERS[self.name].defaults
        for key, value in self.options:
            _check(
                key in defaults and key != "lr",
                key,
                f"not a parameter of {self.name} (choose from: "
                f"{', '.join(k for k in defaults if k != 'lr')})",
            )
            _check_hyper(key, value)

    def hyper(self) -> dict[str, Any]:
        """Every hyper-parameter: the defaults overridden by the options, lr included."""
        return {**OPTIMIZERS[self.name].defaults, **dict(self.options), "lr": self.lr}


def _check_hyper(key: str, value: Any) -> None:
    if key in ("nesterov", "centered", "amsgrad", "decoupled"):
        _check(isinstance(value, bool), key, "expected true or false")
    elif key == "betas":
        _check(isinstance(value, tuple) and len(value) == 2, key, "expected two numbers")
        for i, beta in enumerate(value):
            _check_number(beta, f"{key}[{i}]", 0.0, 1.0, high_open=True)
    elif key in ("momentum", "dampening", "rho", "alpha"):
        _check_number(value, key, 0.0, 1.0)
    elif key == "eps":
        _check_number(value, key, 0.0, 1.0, low_open=True)
    else:
        _check_number(value, key, 0.0, 1e6)


@dataclass(frozen=True)
class ScheduleSpec:
    """A learning-rate schedule by name with its options (epochs, gamma, ...)."""

    name: str = "constant"
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", _freeze_options(self.options))
        _check_name(self.name, SCHEDULES, "name", "schedule")
        defaults = SCHEDULES[self.name].defaults
        for key, value in self.options:
            _check(
                key in defaults,
                key,
                f"not an option of the {self.name} schedule"
                + (f" (choose from: {', '.join(defaults)})" if defaults else ""),
            )
            _check_number(value, key, 0.0, 1e9)
        params = self.params()
        if "step_size" in params:
            _check(params["step_size"] >= 1, "step_size", "must be at least 1 epoch")
        for key in ("t_max", "total_epochs", "div_factor", "final_div_factor"):
            if key in params:
                _check(params[key] > 0, key, "must be positive")
        if "pct_start" in params:
            _check(0 < params["pct_start"] < 1, "pct_start", "must be between 0 and 1")

    def params(self) -> dict[str, float]:
        """Every option: the defaults overridden by the given ones."""
        return {**SCHEDULES[self.name].defaults, **dict(self.options)}


@dataclass(frozen=True)
class TrainingSpec:
    """How to train: optimizer, batches, loss, regularisation, clipping, schedule, init, seed."""

    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    batch_size: int = 10
    shuffle: bool = True
    loss: str | None = None  # None: the problem's default (bce, cross_entropy or mse)
    regularization: str = "none"
    regularization_rate: float = 0.0
    grad_clip: float | None = None
    schedule: ScheduleSpec = field(default_factory=ScheduleSpec)
    init: str = "glorot_uniform"
    seed: int = 0
    early_stopping_patience: int = 0  # epochs without a better test loss; 0 = off

    def __post_init__(self) -> None:
        _check(isinstance(self.optimizer, OptimizerSpec), "optimizer", "expected an optimizer")
        _check(
            isinstance(self.batch_size, int)
            and not isinstance(self.batch_size, bool)
            and 1 <= self.batch_size <= MAX_BATCH,
            "batch_size",
            f"{_short(self.batch_size)} is out of range (1 to {MAX_BATCH})",
        )
        _check(isinstance(self.shuffle, bool), "shuffle", "expected true or false")
        if self.loss is not None:
            _check_name(self.loss, LOSSES, "loss", "loss")
        _check_name(self.regularization, REGULARIZATIONS, "regularization", "regularization")
        _check_number(self.regularization_rate, "regularization_rate", 0.0, 100.0)
        if self.grad_clip is not None:
            _check_number(self.grad_clip, "grad_clip", 0.0, 1e9, low_open=True)
        _check(isinstance(self.schedule, ScheduleSpec), "schedule", "expected a schedule")
        _check_name(self.init, INITIALIZERS, "init", "initializer")
        _check(
            isinstance(self.seed, int)
            and not isinstance(self.seed, bool)
            and 0 <= self.seed < 2**63,
            "seed",
            f"{_short(self.seed)} must be a whole number >= 0",
        )
        _check(
            isinstance(self.early_stopping_patience, int)
            and 0 <= self.early_stopping_patience <= 100_000,
            "early_stopping_patience",
            "must be a whole number of epochs >= 0",
        )

    def loss_for(self, network: NetworkSpec) -> str:
        """The loss actually used for this network (checked against its problem)."""
        name = self.loss or default_loss(network.problem, network.classes)
        loss = LOSSES[name]
        if network.problem == "classification":
            expected = default_loss(network.problem, network.classes)
            _check(
                name == expected,
                "loss",
                f"{name!r} does not fit {network.classes} classes (use {expected!r})",
            )
        else:
            _check(
                loss.problem == "regression",
                "loss",
                f"{name!r} is a classification loss (use mse, mae or huber)",
            )
        return name


@dataclass(frozen=True, eq=False)
class BatchNormState:
    """Batch-norm parameters (gamma, beta) and running statistics, each float64 (units,)."""

    gamma: npt.NDArray[np.float64]
    beta: npt.NDArray[np.float64]
    running_mean: npt.NDArray[np.float64]
    running_var: npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class LayerWeights:
    """One dense layer's parameters: W float64 (out, in) as torch.nn.Linear, b (out,)."""

    W: npt.NDArray[np.float64]
    b: npt.NDArray[np.float64]
    bn: BatchNormState | None = None


def check_weights(
    network: NetworkSpec, weights: list[LayerWeights] | tuple[LayerWeights, ...]
) -> None:
    """Raise ValueError unless the weights fit the network (shapes, batch norm, finite)."""
    sizes = network.layer_sizes
    _check(
        len(weights) == len(sizes) - 1,
        "weights",
        f"expected {len(sizes) - 1} layers of weights, got {len(weights)}",
    )
    for i, lw in enumerate(weights):
        n_in, n_out = sizes[i], sizes[i + 1]
        _check(
            lw.W.shape == (n_out, n_in),
            f"weights[{i}].W",
            f"shape {list(lw.W.shape)} does not match the network ({n_out}×{n_in})",
        )
        _check(
            lw.b.shape == (n_out,),
            f"weights[{i}].b",
            f"length {lw.b.shape[0] if lw.b.ndim == 1 else lw.b.shape} does not match the "
            f"network ({n_out})",
        )
        has_bn = i < len(network.layers) and network.layers[i].batch_norm
        _check(
            (lw.bn is not None) == has_bn,
            f"weights[{i}].bn",
            "batch-norm parameters present without batch norm"
            if lw.bn is not None
            else "batch norm needs gamma, beta, running_mean and running_var",
        )
        arrays = [lw.W, lw.b]
        if lw.bn is not None:
            for name in ("gamma", "beta", "running_mean", "running_var"):
                value = getattr(lw.bn, name)
                _check(
                    value.shape == (n_out,),
                    f"weights[{i}].bn.{name}",
                    f"length does not match the layer ({n_out})",
                )
                arrays.append(value)
            _check(
                bool(np.all(lw.bn.running_var >= 0)),
                f"weights[{i}].bn.running_var",
                "must not be negative",
            )
        for arr in arrays:
            _check(bool(np.all(np.isfinite(arr))), f"weights[{i}]", "contains NaN or Infinity")
