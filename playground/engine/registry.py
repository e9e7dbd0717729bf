"""Registries of the engine's choices: losses, optimizers, schedules, initializers.

Each entry carries its kernel code (where a kernel needs one), its PyTorch-named defaults and a
formula for tooltips. The UI fills its menus from these dicts; the specs validate against them.
Activations (activations.py) and optimizers (optimizers.py) live with their kernels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .activations import ACTIVATIONS, Activation
from .optimizers import HYPER_OPTIONS, OPTIMIZERS, Hyper, Optimizer, Option, hyper_of


@dataclass(frozen=True)
class Loss:
    """A loss: its kernel code, the problem it serves and its formula."""

    name: str
    code: int
    problem: str
    formula: str


LOSSES: dict[str, Loss] = {
    x.name: x
    for x in (
        Loss("bce", 0, "classification", "L = −mean(y·ln p + (1−y)·ln(1−p)), p = sigmoid(z)"),
        Loss("cross_entropy", 1, "classification", "L = −mean(ln softmax(z)[y])"),
        Loss("mse", 2, "regression", "L = mean((ŷ − y)²)"),
        Loss("mae", 3, "regression", "L = mean(|ŷ − y|)"),
        Loss("huber", 4, "regression", "L = mean(½d² if |d| < 1 else |d| − ½), d = ŷ − y"),
    )
}


def default_loss(problem: str, classes: int) -> str:
    """The loss DESIGN §3 pairs with a problem: BCE (2 classes), cross-entropy, or MSE."""
    if problem == "regression":
        return "mse"
    return "bce" if classes == 2 else "cross_entropy"


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule (per epoch; one-cycle per step), with PyTorch-like options."""

    name: str
    code: int
    defaults: dict[str, float]
    formula: str


class ScheduleOptions(NamedTuple):
    """Every schedule's options as the kernels read them (float64; a schedule reads its own)."""

    step_size: float = 0.0
    gamma: float = 0.0
    t_max: float = 0.0
    eta_min: float = 0.0
    total_epochs: float = 0.0
    pct_start: float = 0.0
    div_factor: float = 0.0
    final_div_factor: float = 0.0


SCHEDULE_OPTIONS: dict[str, Option] = {
    "step_size": Option(
        "Step size (epochs)", "Multiply the rate by γ every step_size epochs", integer=True
    ),
    "gamma": Option("Gamma (γ)", "γ: the factor the rate is multiplied by"),
    "t_max": Option(
        "T max (epochs)", "Epochs of the cosine's way down from η to η_min", integer=True
    ),
    "eta_min": Option("Minimum LR", "η_min: the lowest rate the cosine reaches"),
    "total_epochs": Option("Total epochs", "Length of the one-cycle run in epochs", integer=True),
    "pct_start": Option("Warm-up share", "Share of the run spent warming up"),
    "div_factor": Option("Start divisor", "The run starts at η / div_factor"),
    "final_div_factor": Option("Final divisor", "It ends at η / (div_factor · final_div_factor)"),
}

SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule("constant", 0, {}, "η(t) = η"),
        Schedule("step", 1, {"step_size": 50, "gamma": 0.5}, "η(t) = η·γ^⌊epoch/step_size⌋"),
        Schedule("exponential", 2, {"gamma": 0.99}, "η(t) = η·γ^epoch"),
        Schedule("cosine", 3, {"t_max": 200, "eta_min": 0.0},
                 "η(t) = η_min + (η − η_min)·(1 + cos(π·epoch/T_max))/2"),
        Schedule("one_cycle", 4, {"total_epochs": 200, "pct_start": 0.3, "div_factor": 25.0,
                                  "final_div_factor": 1e4},
                 "warm up from η/25 to η over 30 % of the run, then cosine down to η/(25·10⁴)"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Initializer:
    """A weight initializer; `scale` is its bound or standard deviation from fan-in/fan-out."""

    name: str
    kind: str  # "zeros", "constant", "uniform" or "normal"
    formula: str


INITIALIZERS: dict[str, Initializer] = {
    i.name: i
    for i in (
        Initializer("zeros", "zeros", "W = 0"),
        Initializer("constant", "constant", "W = 0.1"),
        Initializer("uniform", "uniform", "W ~ U(−0.5, 0.5)"),
        Initializer("normal", "normal", "W ~ N(0, 1)"),
        Initializer("glorot_uniform", "uniform", "W ~ U(±√(6/(fan_in + fan_out)))"),
        Initializer("glorot_normal", "normal", "W ~ N(0, 2/(fan_in + fan_out))"),
        Initializer("he_uniform", "uniform", "W ~ U(±√(6/fan_in))"),
        Initializer("he_normal", "normal", "W ~ N(0, 2/fan_in)"),
        Initializer("lecun_normal", "normal", "W ~ N(0, 1/fan_in)"),
    )
}

REGULARIZATIONS: dict[str, str] = {
    "none": "no penalty",
    "l1": "penalty λ·Σ|W|, gradient λ·sign(W) (weights only, never biases)",
    "l2": "penalty λ/2·ΣW², gradient λ·W (weights only, never biases)",
}


__all__ = [
    "ACTIVATIONS",
    "HYPER_OPTIONS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "REGULARIZATIONS",
    "SCHEDULES",
    "SCHEDULE_OPTIONS",
    "Activation",
    "Hyper",
    "Initializer",
    "Loss",
    "Optimizer",
    "Option",
    "Schedule",
    "ScheduleOptions",
    "choices",
    "default_loss",
    "hyper_of",
]


def choices(registry: dict[str, Any]) -> str:
    """'a, b, c': the names of a registry, for error messages."""
    return ", ".join(registry)
