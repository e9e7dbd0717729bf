"""Optimizers: one registry entry each, the only home of an optimizer.

An entry holds PyTorch's update rule as a small numba kernel, the default hyper-parameters, the
state it keeps (PyTorch's names, for resuming and session files), and its title and rule for
the UI. The hyper-parameters reach the kernels as a `Hyper` named tuple; their titles and help
texts for the settings form are in HYPER_OPTIONS.

To add an optimizer, write its kernel and add one entry to OPTIMIZERS with the next free code
(entries that share a kernel share its code): `optimizer_step`, the dispatch the training loop
calls, is generated from the registry, and the tests iterate it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from numba import njit

from .activations import ERROR_MODEL, FASTMATH, raise_unknown_code

# An optimizer's kernel, inlined into the dispatch below:
#     step(hyper, lr, params, grads, S1, S2, S3, t, scalars) -> None
# hyper: Hyper; lr: this step's learning rate (after the schedule); params, grads: float64 (P,);
# S1, S2, S3: float64 (P,) the optimizer's state arrays (its `buffers`, in order); t: the
# 1-based step; scalars: float64 (2,) extra scalar state (its `scalars`, in order).
step_kernel = njit(
    cache=True, nogil=True, fastmath=FASTMATH, error_model=ERROR_MODEL, inline="always"
)


class Hyper(NamedTuple):
    """Every optimizer's hyper-parameters by PyTorch name (float64; flags are 0.0 or 1.0).

    One type for all optimizers, so that the training loop compiles once; an optimizer reads
    the fields it has (the others stay 0).
    """

    lr: float = 0.0
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: float = 0.0
    beta1: float = 0.0
    beta2: float = 0.0
    eps: float = 0.0
    weight_decay: float = 0.0
    rho: float = 0.0
    alpha: float = 0.0
    centered: float = 0.0
    momentum_decay: float = 0.0
    lr_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    amsgrad: float = 0.0
    decoupled: float = 0.0


def hyper_of(values: dict[str, Any]) -> Hyper:
    """The kernels' Hyper from an OptimizerSpec's hyper-parameters ("betas" is split in two)."""
    fields = {key: float(value) for key, value in values.items() if key != "betas"}
    if "betas" in values:
        fields["beta1"], fields["beta2"] = (float(b) for b in values["betas"])
    return Hyper(**fields)


@dataclass(frozen=True)
class Option:
    """A hyper-parameter (of an optimizer or a schedule) as the settings form shows it."""

    title: str
    help: str
    integer: bool = False  # edited as a whole number


HYPER_OPTIONS: dict[str, Option] = {
    "momentum": Option("Momentum", "μ: how much of the last step carries over (v ← μ·v + g)"),
    "dampening": Option("Dampening", "Scales the new gradient in the momentum buffer: "
                                     "v ← μ·v + (1 − dampening)·g"),
    "nesterov": Option("Nesterov", "Look ahead along the momentum before taking the gradient"),
    "weight_decay": Option("Weight decay", "λ: pulls every weight toward 0 — adds λ·θ to the "
                                           "gradient, or with Decoupled decay (AdamW) shrinks "
                                           "θ by η·λ·θ apart from the gradient"),
    "eps": Option("Epsilon", "ε: keeps the division stable: … / (√v + ε)"),
    "rho": Option("Rho (ρ)", "ρ: decay of the running averages of g² and of the squared steps"),
    "alpha": Option("Alpha (α)", "α: decay of the running average of g²: v ← α·v + (1 − α)·g²"),
    "centered": Option("Centered", "Divide by an estimate of the gradient's variance instead "
                                   "of v"),
    "lr_decay": Option("LR decay", "The rate shrinks as η / (1 + (t − 1)·lr_decay)"),
    "initial_accumulator_value": Option("Initial accumulator", "The starting value of G, the "
                                                               "sum of squared gradients"),
    "amsgrad": Option("AMSGrad", "Divide by the largest v so far: the denominator never "
                                 "shrinks (the step still follows m)"),
    "decoupled": Option("Decoupled decay", "Shrink the weights directly (AdamW) instead of "
                                           "adding λ·θ to the gradient"),
    "momentum_decay": Option("Momentum decay", "ψ: NAdam's momentum schedule "
                                               "μₜ = β₁·(1 − ½·0.96^(t·ψ))"),
    "betas": Option("Betas (β₁, β₂)", "β₁, β₂: decay of the running averages of g (m) and of "
                                      "g² (v)"),
}  # fmt: skip


@dataclass(frozen=True)
class Optimizer:
    """An optimizer with PyTorch's update rule and default hyper-parameters."""

    name: str
    code: int  # the kernels' integer code; entries sharing a kernel share it
    defaults: dict[str, Any]
    rule: str
    title: str
    kernel: Callable[..., None]
    buffers: tuple[str, ...]  # the state arrays S1, S2, S3 by PyTorch name, in order
    scalars: tuple[str, ...] = field(default=())  # the scalar state, in order


# ----- the kernels ----------------------------------------------------------------------------


@step_kernel
def sgd_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.SGD with momentum, dampening and Nesterov; S1: the momentum buffer."""
    wd = hyper.weight_decay
    mom = hyper.momentum
    damp = hyper.dampening
    nesterov = hyper.nesterov != 0.0
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        if mom != 0.0:
            if t == 1:
                S1[i] = g
            else:
                S1[i] = mom * S1[i] + (1.0 - damp) * g
            g = g + mom * S1[i] if nesterov else S1[i]
        params[i] -= lr * g


@step_kernel
def adagrad_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.Adagrad; S1: the sum of squared gradients."""
    wd = hyper.weight_decay
    clr = lr / (1.0 + (t - 1) * hyper.lr_decay)
    eps = hyper.eps
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        S1[i] += g * g
        params[i] -= clr * g / (math.sqrt(S1[i]) + eps)


@step_kernel
def rmsprop_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.RMSprop; S1: the average of g², S2: the momentum buffer, S3: the average
    of g (centered)."""
    wd = hyper.weight_decay
    alpha = hyper.alpha
    eps = hyper.eps
    mom = hyper.momentum
    centered = hyper.centered != 0.0
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        S1[i] = alpha * S1[i] + (1.0 - alpha) * g * g
        if centered:
            S3[i] = alpha * S3[i] + (1.0 - alpha) * g
            avg = math.sqrt(S1[i] - S3[i] * S3[i]) + eps
        else:
            avg = math.sqrt(S1[i]) + eps
        if mom > 0.0:
            S2[i] = mom * S2[i] + g / avg
            params[i] -= lr * S2[i]
        else:
            params[i] -= lr * g / avg


@step_kernel
def adadelta_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.Adadelta; S1: the average of g², S2: the average of the squared steps."""
    wd = hyper.weight_decay
    rho = hyper.rho
    eps = hyper.eps
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        S1[i] = rho * S1[i] + (1.0 - rho) * g * g
        delta = math.sqrt(S2[i] + eps) / math.sqrt(S1[i] + eps) * g
        S2[i] = rho * S2[i] + (1.0 - rho) * delta * delta
        params[i] -= lr * delta


@step_kernel
def adam_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.Adam / AdamW (decoupled) / AMSGrad; S1: m, S2: v, S3: the largest v."""
    wd = hyper.weight_decay
    b1 = hyper.beta1
    b2 = hyper.beta2
    eps = hyper.eps
    amsgrad = hyper.amsgrad != 0.0
    decoupled = hyper.decoupled != 0.0
    bc1 = 1.0 - b1 ** float(t)  # float powers: libm's pow, as in plain Python
    bc2_sqrt = math.sqrt(1.0 - b2 ** float(t))
    step = lr / bc1
    for i in range(params.shape[0]):
        if decoupled:
            params[i] *= 1.0 - lr * wd
            g = grads[i]
        else:
            g = grads[i] + wd * params[i]
        S1[i] = b1 * S1[i] + (1.0 - b1) * g
        S2[i] = b2 * S2[i] + (1.0 - b2) * g * g
        if amsgrad:
            S3[i] = max(S3[i], S2[i])
            denom = math.sqrt(S3[i]) / bc2_sqrt + eps
        else:
            denom = math.sqrt(S2[i]) / bc2_sqrt + eps
        params[i] -= step * S1[i] / denom


@step_kernel
def adamax_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.Adamax; S1: m, S2: the infinity norm u."""
    wd = hyper.weight_decay
    b1 = hyper.beta1
    b2 = hyper.beta2
    eps = hyper.eps
    clr = lr / (1.0 - b1 ** float(t))
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        S1[i] = b1 * S1[i] + (1.0 - b1) * g
        S2[i] = max(b2 * S2[i], abs(g) + eps)
        params[i] -= clr * S1[i] / S2[i]


@step_kernel
def nadam_step(hyper, lr, params, grads, S1, S2, S3, t, scalars):  # noqa: ANN001
    """torch.optim.NAdam; S1: m, S2: v, scalars[0]: the product of the momentum coefficients."""
    wd = hyper.weight_decay
    b1 = hyper.beta1
    b2 = hyper.beta2
    eps = hyper.eps
    psi = hyper.momentum_decay
    mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    if t == 1:
        scalars[0] = 1.0
    scalars[0] *= mu
    mu_product = scalars[0]
    bc2 = 1.0 - b2 ** float(t)
    c_grad = lr * (1.0 - mu) / (1.0 - mu_product)
    c_avg = lr * mu_next / (1.0 - mu_product * mu_next)
    for i in range(params.shape[0]):
        g = grads[i] + wd * params[i]
        S1[i] = b1 * S1[i] + (1.0 - b1) * g
        S2[i] = b2 * S2[i] + (1.0 - b2) * g * g
        denom = math.sqrt(S2[i] / bc2) + eps
        params[i] -= c_grad * g / denom
        params[i] -= c_avg * S1[i] / denom


# ----- the registry ---------------------------------------------------------------------------

_ADAM = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
_SGD_STATE = ("momentum_buffer",)
_ADAM_STATE = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", 0, {"lr": 0.03, "weight_decay": 0.0},
                  "θ ← θ − η·g", "SGD", sgd_step, _SGD_STATE),
        Optimizer("momentum", 0, {"lr": 0.03, "momentum": 0.9, "dampening": 0.0,
                                  "weight_decay": 0.0},
                  "v ← μ·v + g;  θ ← θ − η·v", "Momentum", sgd_step, _SGD_STATE),
        Optimizer("nesterov", 0, {"lr": 0.03, "momentum": 0.9, "weight_decay": 0.0,
                                  "nesterov": True},
                  "v ← μ·v + g;  θ ← θ − η·(g + μ·v)", "Nesterov", sgd_step, _SGD_STATE),
        Optimizer("adagrad", 1, {"lr": 0.01, "lr_decay": 0.0, "weight_decay": 0.0,
                                 "initial_accumulator_value": 0.0, "eps": 1e-10},
                  "G ← G + g²;  θ ← θ − η·g / (√G + ε)", "Adagrad", adagrad_step, ("sum",)),
        Optimizer("rmsprop", 2, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
                                 "momentum": 0.0, "centered": False},
                  "v ← α·v + (1−α)·g²;  θ ← θ − η·g / (√v + ε)", "RMSprop", rmsprop_step,
                  ("square_avg", "momentum_buffer", "grad_avg")),
        Optimizer("adadelta", 3, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
                  "v ← ρv + (1−ρ)g²;  Δ ← √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − η·Δ",
                  "Adadelta", adadelta_step, ("square_avg", "acc_delta")),
        Optimizer("adam", 4, dict(_ADAM),
                  "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂ / (√v̂ + ε)", "Adam",
                  adam_step, _ADAM_STATE),
        Optimizer("adamw", 4, dict(_ADAM, weight_decay=1e-2, decoupled=True),
                  "θ ← θ − ηλθ;  then Adam without λ in g", "AdamW", adam_step, _ADAM_STATE),
        Optimizer("adamax", 5, dict(_ADAM, lr=2e-3),
                  "m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − η/(1−β₁ᵗ)·m/u", "Adamax",
                  adamax_step, ("exp_avg", "exp_inf")),
        Optimizer("nadam", 6, dict(_ADAM, lr=2e-3, momentum_decay=4e-3),
                  "Adam with Nesterov momentum: θ ← θ − η·(μₜ₊₁m̂ + (1−μₜ)ĝ) / (√v̂ + ε)",
                  "NAdam", nadam_step, ("exp_avg", "exp_avg_sq"), scalars=("mu_product",)),
        Optimizer("amsgrad", 4, dict(_ADAM, amsgrad=True),
                  "Adam dividing by the largest v so far, vₘₐₓ ← max(vₘₐₓ, v): the denominator "
                  "never shrinks", "AMSGrad", adam_step,
                  _ADAM_STATE),
    )
}  # fmt: skip

# ----- the dispatch, generated from the registry (see activations.py for why) ----------------

KERNELS: dict[int, Callable[..., None]] = {o.code: o.kernel for o in OPTIMIZERS.values()}


def _dispatch_source() -> str:
    lines = [
        "def optimizer_step(code, hyper, lr, params, grads, S1, S2, S3, t, scalars):",
        '    """One update with the rule of optimizer `code` (arguments: see step_kernel)"""',
    ]
    for code, kernel in sorted(KERNELS.items()):
        lines += [
            f"    if code == {code}:  # {kernel.__name__}",
            f"        kernel_{code}(hyper, lr, params, grads, S1, S2, S3, t, scalars)",
            "        return",
        ]
    lines.append(raise_unknown_code("optimizer_step: unknown optimizer code"))
    return "\n".join(lines) + "\n"


DISPATCH_SOURCE = _dispatch_source()


def _compile_dispatch() -> Callable[..., None]:
    namespace: dict[str, object] = {"__name__": __name__, "ValueError": ValueError}
    for code, kernel in KERNELS.items():
        namespace[f"kernel_{code}"] = kernel
    exec(compile(DISPATCH_SOURCE, __file__, "exec"), namespace)  # noqa: S102 - our own source
    return njit(cache=True, nogil=True, fastmath=FASTMATH, error_model=ERROR_MODEL)(
        namespace["optimizer_step"]
    )


optimizer_step = _compile_dispatch()
