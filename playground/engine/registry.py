"""Registries of the engine's choices: losses, optimizers, schedules, initializers.

Each entry carries its kernel code (where a kernel needs one), its PyTorch-named defaults and a
formula for tooltips. The UI fills its menus from these dicts; the specs validate against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
class Optimizer:
    """An optimizer with PyTorch's update rule and default hyper-parameters."""

    name: str
    code: int
    defaults: dict[str, Any]
    rule: str
    title: str = ""


# Hyper-parameter slots of the kernel's float64 array, by PyTorch name.
HYPER_SLOTS = {
    "lr": 0, "momentum": 1, "dampening": 2, "nesterov": 3, "beta1": 4, "beta2": 5, "eps": 6,
    "weight_decay": 7, "rho": 8, "alpha": 9, "centered": 10, "momentum_decay": 11,
    "lr_decay": 12, "initial_accumulator_value": 13, "amsgrad": 14, "decoupled": 15,
}  # fmt: skip

_ADAM = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}

OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", 0, {"lr": 0.03, "weight_decay": 0.0},
                  "θ ← θ − η·g", "SGD"),
        Optimizer("momentum", 0, {"lr": 0.03, "momentum": 0.9, "dampening": 0.0,
                                  "weight_decay": 0.0},
                  "v ← μ·v + g;  θ ← θ − η·v", "Momentum"),
        Optimizer("nesterov", 0, {"lr": 0.03, "momentum": 0.9, "weight_decay": 0.0,
                                  "nesterov": True},
                  "v ← μ·v + g;  θ ← θ − η·(g + μ·v)", "Nesterov"),
        Optimizer("adagrad", 1, {"lr": 0.01, "lr_decay": 0.0, "weight_decay": 0.0,
                                 "initial_accumulator_value": 0.0, "eps": 1e-10},
                  "G ← G + g²;  θ ← θ − η·g / (√G + ε)", "Adagrad"),
        Optimizer("rmsprop", 2, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
                                 "momentum": 0.0, "centered": False},
                  "v ← α·v + (1−α)·g²;  θ ← θ − η·g / (√v + ε)", "RMSprop"),
        Optimizer("adadelta", 3, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
                  "v ← ρv + (1−ρ)g²;  Δ ← √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − η·Δ",
                  "Adadelta"),
        Optimizer("adam", 4, dict(_ADAM),
                  "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂ / (√v̂ + ε)", "Adam"),
        Optimizer("adamw", 4, dict(_ADAM, weight_decay=1e-2, decoupled=True),
                  "θ ← θ − ηλθ;  then Adam without λ in g", "AdamW"),
        Optimizer("adamax", 5, dict(_ADAM, lr=2e-3),
                  "m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − η/(1−β₁ᵗ)·m/u", "Adamax"),
        Optimizer("nadam", 6, dict(_ADAM, lr=2e-3, momentum_decay=4e-3),
                  "Adam with Nesterov momentum: θ ← θ − η·(μₜ₊₁m̂ + (1−μₜ)ĝ) / (√v̂ + ε)",
                  "NAdam"),
        Optimizer("amsgrad", 4, dict(_ADAM, amsgrad=True),
                  "Adam with v̂ ← max(v̂, v): the step size never grows", "AMSGrad"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule (per epoch; one-cycle per step), with PyTorch-like options."""

    name: str
    code: int
    defaults: dict[str, float]
    formula: str


SCHEDULE_SLOTS = {"step_size": 0, "gamma": 1, "t_max": 2, "eta_min": 3, "total_epochs": 4,
                  "pct_start": 5, "div_factor": 6, "final_div_factor": 7}  # fmt: skip

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


def choices(registry: dict[str, Any]) -> str:
    """'a, b, c': the names of a registry, for error messages."""
    return ", ".join(registry)
