"""A slow, obvious numpy reference of the engine, written from PyTorch's definitions.

Nothing here imports the engine: every formula is written out again, so that a test comparing
the two can fail (an activation added after this file falls back to its registry entry's numpy
reference, see `activation`). Arrays are sample-major, as in PyTorch: inputs (n, features),
z = x W^T + b.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

# ----- activations: (f, f') pairs ------------------------------------------------------------

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
SELU_ALPHA = 1.6732632423543772848170429916717  # torch.nn.SELU
SELU_SCALE = 1.0507009873554804934193349852946
GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715
SOFTPLUS_THRESHOLD = 20.0


def sigmoid(z: Array) -> Array:
    """The logistic function, as 1/2·(1 + tanh(z/2)) (never overflows)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _negative_part_exp(z: Array) -> Array:
    """e^z where z <= 0 and 1 elsewhere (so the unused branch never overflows)."""
    return np.exp(np.minimum(z, 0.0))


def _softplus(z: Array) -> Array:
    return np.where(z > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(np.minimum(z, SOFTPLUS_THRESHOLD))))


def _gelu(z: Array) -> Array:
    return 0.5 * z * (1.0 + np.tanh(GELU_C * (z + GELU_K * z**3)))


def _gelu_slope(z: Array) -> Array:
    t = np.tanh(GELU_C * (z + GELU_K * z**3))
    dt = (1.0 - t**2) * GELU_C * (1.0 + 3.0 * GELU_K * z**2)
    return 0.5 * (1.0 + t) + 0.5 * z * dt


def _mish(z: Array) -> Array:
    return z * np.tanh(np.logaddexp(0.0, z))  # torch.nn.Mish: softplus without a threshold


def _mish_slope(z: Array) -> Array:
    t = np.tanh(np.logaddexp(0.0, z))
    return t + z * (1.0 - t**2) * sigmoid(z)


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "linear": (lambda z: z.copy(), lambda z: np.ones_like(z)),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                   lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "elu": (lambda z: np.where(z > 0, z, ELU_ALPHA * (_negative_part_exp(z) - 1.0)),
            lambda z: np.where(z > 0, 1.0, ELU_ALPHA * _negative_part_exp(z))),
    "selu": (lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (_negative_part_exp(z) - 1.0)),
             lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * _negative_part_exp(z))),
    "gelu": (_gelu, _gelu_slope),
    "softplus": (_softplus, lambda z: np.where(z > SOFTPLUS_THRESHOLD, 1.0, sigmoid(z))),
    "swish": (lambda z: z * sigmoid(z), lambda z: sigmoid(z) + z * sigmoid(z) * (1 - sigmoid(z))),
    "mish": (_mish, _mish_slope),
    "sine": (np.sin, np.cos),
}  # fmt: skip


def activation(name: str) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """(f, f') of an activation: written out above for the documented ones (PyTorch's
    definitions). One added later brings its own numpy reference in its registry entry, the
    only place that reaches into the engine (test_activations checks that reference against
    finite differences)."""
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    from playground.engine.activations import ACTIVATIONS as REGISTRY

    entry = REGISTRY[name]
    return entry.numpy, lambda z: entry.numpy_derivative(z, entry.numpy(z))


# ----- losses: value (mean) and gradient with respect to the output layer's logits -----------


def _bce(z: Array, t: Array) -> float:
    # -[t·ln σ(z) + (1-t)·ln(1-σ(z))] = t·softplus(-z) + (1-t)·softplus(z)
    return float(np.mean(t * np.logaddexp(0.0, -z) + (1.0 - t) * np.logaddexp(0.0, z)))


def _log_softmax(z: Array) -> Array:
    top = z.max(axis=1, keepdims=True)
    return z - top - np.log(np.exp(z - top).sum(axis=1, keepdims=True))


def _one_hot(labels: Array, classes: int) -> Array:
    return np.eye(classes)[labels.astype(int)]


def _huber(d: Array) -> Array:
    return np.where(np.abs(d) < 1.0, 0.5 * d**2, np.abs(d) - 0.5)


LOSSES: dict[str, tuple[Callable[[Array, Array], float], Callable[[Array, Array], Array]]] = {
    # targets arrive as (n, 1) for bce and regression, (n,) class indices for cross-entropy
    "bce": (_bce, lambda z, t: (sigmoid(z) - t) / z.shape[0]),
    "cross_entropy": (
        lambda z, t: float(-np.mean(_log_softmax(z)[np.arange(z.shape[0]), t.astype(int)])),
        lambda z, t: (np.exp(_log_softmax(z)) - _one_hot(t, z.shape[1])) / z.shape[0],
    ),
    "mse": (lambda z, t: float(np.mean((z - t) ** 2)), lambda z, t: 2.0 * (z - t) / z.size),
    "mae": (lambda z, t: float(np.mean(np.abs(z - t))), lambda z, t: np.sign(z - t) / z.size),
    "huber": (lambda z, t: float(np.mean(_huber(z - t))),
              lambda z, t: np.where(np.abs(z - t) < 1.0, z - t, np.sign(z - t)) / z.size),
}  # fmt: skip

# ----- input features ------------------------------------------------------------------------

FEATURES: dict[str, Callable[[Array], Array]] = {
    "x1": lambda xy: xy[:, 0],
    "x2": lambda xy: xy[:, 1],
    "x1^2": lambda xy: xy[:, 0] ** 2,
    "x2^2": lambda xy: xy[:, 1] ** 2,
    "x1*x2": lambda xy: xy[:, 0] * xy[:, 1],
    "sin(x1)": lambda xy: np.sin(xy[:, 0]),
    "sin(x2)": lambda xy: np.sin(xy[:, 1]),
    "cos(x1)": lambda xy: np.cos(xy[:, 0]),
    "cos(x2)": lambda xy: np.cos(xy[:, 1]),
}


def features(xy: Array, inputs: Sequence[str]) -> Array:
    """Sample-major feature matrix (n, len(inputs)) from raw points xy (n, 2)."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return np.column_stack([FEATURES[name](xy) for name in inputs])


# ----- the network ----------------------------------------------------------------------------

BN_EPS = 1e-5
BN_MOMENTUM = 0.1


@dataclass
class NaiveLayer:
    """A dense layer; activation None marks the output layer. BN arrays are None without BN."""

    W: Array
    b: Array
    activation: str | None = None
    dropout: float = 0.0
    gamma: Array | None = None
    beta: Array | None = None
    running_mean: Array | None = None
    running_var: Array | None = None

    @property
    def batch_norm(self) -> bool:
        """True when the layer normalises its pre-activations."""
        return self.gamma is not None

    def params(self) -> list[Array]:
        """The trainable arrays, in the engine's order: W, b, then gamma, beta."""
        return [self.W, self.b] + ([self.gamma, self.beta] if self.batch_norm else [])


@dataclass
class LayerTrace:
    """What one layer's forward pass computed (kept for the backward pass)."""

    a_in: Array
    z: Array  # x W^T + b
    y: Array  # after batch norm (= z without it): the activation's argument
    h: Array  # activation (logits for the output layer)
    a: Array  # after dropout
    mask: Array | None = None
    xhat: Array | None = None
    batch_mean: Array | None = None
    batch_var: Array | None = None  # biased, as used to normalise


@dataclass
class NaiveNet:
    """A dense network with the output layer and loss the problem dictates."""

    layers: list[NaiveLayer]
    loss: str

    def copy(self) -> NaiveNet:
        """A deep copy."""
        return copy.deepcopy(self)

    def params(self) -> list[Array]:
        """Every trainable array (views into the layers), layer by layer."""
        return [p for layer in self.layers for p in layer.params()]

    def forward(
        self,
        X: Array,
        *,
        train: bool,
        masks: Sequence[Array | None] | None = None,
        update_running: bool = True,
    ) -> list[LayerTrace]:
        """Forward pass of X (n, F). train: batch statistics (updating the running ones)."""
        traces = []
        a = np.asarray(X, dtype=np.float64)
        for i, layer in enumerate(self.layers):
            z = a @ layer.W.T + layer.b
            y, xhat, mean, var = z, None, None, None
            if layer.batch_norm:
                if train:
                    mean = z.mean(axis=0)
                    var = ((z - mean) ** 2).mean(axis=0)
                    if update_running:
                        n = z.shape[0]
                        unbiased = var * n / (n - 1)
                        layer.running_mean = (
                            1 - BN_MOMENTUM
                        ) * layer.running_mean + BN_MOMENTUM * mean
                        layer.running_var = (
                            1 - BN_MOMENTUM
                        ) * layer.running_var + BN_MOMENTUM * unbiased
                    xhat = (z - mean) / np.sqrt(var + BN_EPS)
                else:
                    xhat = (z - layer.running_mean) / np.sqrt(layer.running_var + BN_EPS)
                y = layer.gamma * xhat + layer.beta
            if layer.activation is None:
                h = y
            else:
                h = activation(layer.activation)[0](y)
            mask = masks[i] if (train and masks is not None) else None
            out = h * mask if mask is not None else h
            traces.append(LayerTrace(a, z, y, h, out, mask, xhat, mean, var))
            a = out
        return traces

    def logits(self, X: Array, *, train: bool = False) -> Array:
        """Output-layer pre-activations (n, outputs)."""
        return self.forward(X, train=train, update_running=False)[-1].h

    def predict(self, X: Array) -> Array:
        """Eval mode: probabilities (n, C), C = 2 for binary, or values (n, 1)."""
        z = self.logits(X)
        if self.loss == "bce":
            p = sigmoid(z[:, 0])
            return np.column_stack([1.0 - p, p])
        if self.loss == "cross_entropy":
            return np.exp(_log_softmax(z))
        return z

    def unit_outputs(self, X: Array) -> list[Array]:
        """Eval mode: every layer's output (n, units), inputs first; the output as predicted."""
        traces = self.forward(X, train=False)
        outputs = [np.asarray(X, dtype=np.float64)] + [t.a for t in traces[:-1]]
        z = traces[-1].h
        if self.loss == "bce":
            outputs.append(sigmoid(z))
        elif self.loss == "cross_entropy":
            outputs.append(np.exp(_log_softmax(z)))
        else:
            outputs.append(z)
        return outputs

    def _targets(self, targets: Array) -> Array:
        t = np.asarray(targets, dtype=np.float64)
        return t if self.loss == "cross_entropy" else t.reshape(-1, 1)

    def data_loss(
        self,
        X: Array,
        targets: Array,
        *,
        train: bool = True,
        masks: Sequence[Array | None] | None = None,
    ) -> float:
        """Mean data loss; running statistics are left alone."""
        traces = self.forward(X, train=train, masks=masks, update_running=False)
        return LOSSES[self.loss][0](traces[-1].h, self._targets(targets))

    def gradients(
        self,
        X: Array,
        targets: Array,
        *,
        masks: Sequence[Array | None] | None = None,
        update_running: bool = True,
    ) -> tuple[float, list[Array]]:
        """Training-mode (mean data loss, gradients in the order of params()) by backprop."""
        traces = self.forward(X, train=True, masks=masks, update_running=update_running)
        t = self._targets(targets)
        value, slope = LOSSES[self.loss]
        loss = value(traces[-1].h, t)
        delta = slope(traces[-1].h, t)  # dL/dy of the output layer
        per_layer: list[list[Array]] = []
        for i in range(len(self.layers) - 1, -1, -1):
            layer, trace = self.layers[i], traces[i]
            grads_bn: list[Array] = []
            if layer.batch_norm:
                delta, dgamma, dbeta = _batch_norm_backward(delta, trace, layer.gamma)
                grads_bn = [dgamma, dbeta]
            per_layer.append([delta.T @ trace.a_in, delta.sum(axis=0), *grads_bn])
            if i == 0:
                break
            below = self.layers[i - 1]
            d_a = delta @ layer.W
            d_h = d_a * traces[i - 1].mask if traces[i - 1].mask is not None else d_a
            delta = d_h * activation(below.activation)[1](traces[i - 1].y)
        return loss, [g for layer_grads in reversed(per_layer) for g in layer_grads]


def _batch_norm_backward(d_y: Array, trace: LayerTrace, gamma: Array) -> tuple[Array, Array, Array]:
    """dL/dz, dL/dgamma, dL/dbeta through y = gamma·(z - mean)/sqrt(var + eps) + beta."""
    n = d_y.shape[0]
    centred = trace.z - trace.batch_mean
    std = np.sqrt(trace.batch_var + BN_EPS)
    d_gamma = (d_y * trace.xhat).sum(axis=0)
    d_beta = d_y.sum(axis=0)
    d_xhat = d_y * gamma
    d_var = (d_xhat * centred).sum(axis=0) * -0.5 * std**-3
    d_mean = -(d_xhat / std).sum(axis=0) + d_var * (-2.0 * centred).sum(axis=0) / n
    d_z = d_xhat / std + d_var * 2.0 * centred / n + d_mean / n
    return d_z, d_gamma, d_beta


# ----- regularisation and clipping -------------------------------------------------------------


def penalty(net: NaiveNet, kind: str, rate: float) -> tuple[float, list[Array]]:
    """(penalty, its gradient in the order of params()): on W only, never b, gamma or beta."""
    value = 0.0
    grads = []
    for layer in net.layers:
        for name, p in zip(("W", "b", "gamma", "beta"), layer.params(), strict=False):
            if name != "W" or kind == "none":
                grads.append(np.zeros_like(p))
            elif kind == "l1":
                value += rate * np.abs(p).sum()
                grads.append(rate * np.sign(p))
            else:
                value += rate / 2.0 * (p**2).sum()
                grads.append(rate * p)
    return float(value), grads


def clip_grad_norm(grads: list[Array], max_norm: float) -> float:
    """torch.nn.utils.clip_grad_norm_: scale all grads in place by max_norm/(norm + 1e-6) if < 1."""
    norm = math.sqrt(sum(float((g**2).sum()) for g in grads))
    coef = max_norm / (norm + 1e-6)
    if coef < 1.0:
        for g in grads:
            g *= coef
    return norm


# ----- optimizers: torch.optim's single-tensor update rules, step by step ---------------------


class Optimizer:
    """State per parameter index and a step counter; lr may be changed between steps."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.t = 0
        self.state: dict[int, dict[str, Array]] = {}

    def step(self, params: list[Array], grads: list[Array]) -> None:
        """Update params in place."""
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self._update(p, g.copy(), self.state.setdefault(i, {}))

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """torch.optim.SGD."""

    def __init__(
        self,
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(lr)
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        d_p = g + self.weight_decay * p
        if self.momentum != 0:
            if "buf" not in state:
                state["buf"] = d_p.copy()
            else:
                state["buf"] = self.momentum * state["buf"] + (1 - self.dampening) * d_p
            d_p = d_p + self.momentum * state["buf"] if self.nesterov else state["buf"]
        p -= self.lr * d_p


class Adagrad(Optimizer):
    """torch.optim.Adagrad."""

    def __init__(
        self,
        lr: float,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(lr)
        self.lr_decay, self.weight_decay = lr_decay, weight_decay
        self.initial, self.eps = initial_accumulator_value, eps

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        total = state.setdefault("sum", np.full_like(p, self.initial))
        g = g + self.weight_decay * p
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        total += g * g
        p -= clr * g / (np.sqrt(total) + self.eps)


class RMSprop(Optimizer):
    """torch.optim.RMSprop (with momentum and centered variants)."""

    def __init__(
        self,
        lr: float,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(lr)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        g = g + self.weight_decay * p
        sq = state["square_avg"] = (
            self.alpha * state.get("square_avg", np.zeros_like(p)) + (1 - self.alpha) * g * g
        )
        if self.centered:
            avg_g = state["grad_avg"] = (
                self.alpha * state.get("grad_avg", np.zeros_like(p)) + (1 - self.alpha) * g
            )
            avg = np.sqrt(sq - avg_g**2) + self.eps
        else:
            avg = np.sqrt(sq) + self.eps
        if self.momentum > 0:
            buf = state["buf"] = self.momentum * state.get("buf", np.zeros_like(p)) + g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * g / avg


class Adadelta(Optimizer):
    """torch.optim.Adadelta."""

    def __init__(
        self, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0
    ) -> None:
        super().__init__(lr)
        self.rho, self.eps, self.weight_decay = rho, eps, weight_decay

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        g = g + self.weight_decay * p
        sq = state["square_avg"] = (
            self.rho * state.get("square_avg", np.zeros_like(p)) + (1 - self.rho) * g * g
        )
        acc = state.get("acc_delta", np.zeros_like(p))
        delta = np.sqrt(acc + self.eps) / np.sqrt(sq + self.eps) * g
        state["acc_delta"] = self.rho * acc + (1 - self.rho) * delta * delta
        p -= self.lr * delta


class Adam(Optimizer):
    """torch.optim.Adam (amsgrad optional); decoupled=True gives torch.optim.AdamW."""

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        decoupled: bool = False,
    ) -> None:
        super().__init__(lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.amsgrad, self.decoupled = amsgrad, decoupled

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        if self.decoupled:
            p *= 1 - self.lr * self.weight_decay
        else:
            g = g + self.weight_decay * p
        m = state["exp_avg"] = (
            self.beta1 * state.get("exp_avg", np.zeros_like(p)) + (1 - self.beta1) * g
        )
        v = state["exp_avg_sq"] = (
            self.beta2 * state.get("exp_avg_sq", np.zeros_like(p)) + (1 - self.beta2) * g * g
        )
        bias_correction1 = 1 - self.beta1**self.t
        bias_correction2 = 1 - self.beta2**self.t
        if self.amsgrad:
            v = state["max_exp_avg_sq"] = np.maximum(state.get("max_exp_avg_sq", v), v)
        denom = np.sqrt(v) / math.sqrt(bias_correction2) + self.eps
        p -= self.lr / bias_correction1 * m / denom


def AdamW(
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> Adam:
    """torch.optim.AdamW: Adam with weight decay applied to the parameters, not the gradient."""
    return Adam(lr, betas, eps, weight_decay, amsgrad, decoupled=True)


class Adamax(Optimizer):
    """torch.optim.Adamax."""

    def __init__(
        self,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        g = g + self.weight_decay * p
        m = state["exp_avg"] = (
            self.beta1 * state.get("exp_avg", np.zeros_like(p)) + (1 - self.beta1) * g
        )
        u = state["exp_inf"] = np.maximum(
            self.beta2 * state.get("exp_inf", np.zeros_like(p)), np.abs(g) + self.eps
        )
        p -= self.lr / (1 - self.beta1**self.t) * m / u


class NAdam(Optimizer):
    """torch.optim.NAdam (momentum_decay, mu_product)."""

    def __init__(
        self,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
    ) -> None:
        super().__init__(lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay, self.momentum_decay = eps, weight_decay, momentum_decay
        self.mu_product = 1.0

    def step(self, params: list[Array], grads: list[Array]) -> None:
        """Update params in place; mu_product is shared by all parameters."""
        t = self.t + 1
        self.mu = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))
        self.mu_next = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        self.mu_product *= self.mu
        super().step(params, grads)

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        g = g + self.weight_decay * p
        m = state["exp_avg"] = (
            self.beta1 * state.get("exp_avg", np.zeros_like(p)) + (1 - self.beta1) * g
        )
        v = state["exp_avg_sq"] = (
            self.beta2 * state.get("exp_avg_sq", np.zeros_like(p)) + (1 - self.beta2) * g * g
        )
        denom = np.sqrt(v / (1 - self.beta2**self.t)) + self.eps
        p -= self.lr * (1 - self.mu) / (1 - self.mu_product) * g / denom
        p -= self.lr * self.mu_next / (1 - self.mu_product * self.mu_next) * m / denom


# Our optimizer names -> torch.optim constructors with the settings the names imply.
OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": SGD,
    "momentum": lambda lr, **kw: SGD(lr, **{"momentum": 0.9, **kw}),
    "nesterov": lambda lr, **kw: SGD(lr, **{"momentum": 0.9, "nesterov": True, **kw}),
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adadelta": Adadelta,
    "adam": Adam,
    "adamw": AdamW,
    "adamax": Adamax,
    "nadam": NAdam,
    "amsgrad": lambda lr, **kw: Adam(lr, **{"amsgrad": True, **kw}),
}

# torch.optim's default hyper-parameters (lr aside), as the registry must offer them.
TORCH_DEFAULTS: dict[str, dict[str, object]] = {
    "sgd": {"weight_decay": 0.0},
    "momentum": {"momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0},
    "nesterov": {"momentum": 0.9, "weight_decay": 0.0, "nesterov": True},
    "adagrad": {"lr": 0.01, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0,
                "eps": 1e-10},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
                "centered": False},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    "adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "adamw": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2},
    "adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "nadam": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
              "momentum_decay": 4e-3},
    "amsgrad": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                "amsgrad": True},
}  # fmt: skip

# ----- learning-rate schedules (the registry's formulas) -------------------------------------


def _cosine_between(start: float, end: float, x: float) -> float:
    """From start (x = 0) to end (x = 1) along half a cosine."""
    return end + (start - end) * (1.0 + math.cos(math.pi * x)) / 2.0


def scheduled_lr(
    name: str, lr: float, epoch: int, fraction: float = 0.0, **options: float
) -> float:
    """Learning rate at `epoch` (+ `fraction` of it, for one-cycle); options as the registry's."""
    if name == "constant":
        return lr
    if name == "step":
        return lr * options["gamma"] ** math.floor(epoch / options["step_size"])
    if name == "exponential":
        return lr * options["gamma"] ** epoch
    if name == "cosine":
        return _cosine_between(lr, options["eta_min"], epoch / options["t_max"])
    if name == "one_cycle":
        initial = lr / options["div_factor"]
        final = initial / options["final_div_factor"]
        progress = min((epoch + fraction) / options["total_epochs"], 1.0)
        pct = options["pct_start"]
        if progress < pct:
            return _cosine_between(initial, lr, progress / pct)
        return _cosine_between(lr, final, (progress - pct) / (1.0 - pct))
    raise KeyError(name)


# ----- training ---------------------------------------------------------------------------------


@dataclass
class NaiveTraining:
    """One optimizer driving a NaiveNet, as a PyTorch training loop would."""

    net: NaiveNet
    optimizer: Optimizer
    regularization: str = "none"
    rate: float = 0.0
    grad_clip: float | None = None
    losses: list[float] = field(default_factory=list)

    def step(
        self, X: Array, targets: Array, masks: Sequence[Array | None] | None = None
    ) -> list[Array]:
        """One step on the batch (X, targets); returns the gradients the optimizer got."""
        loss, grads = self.net.gradients(X, targets, masks=masks)
        _, penalty_grads = penalty(self.net, self.regularization, self.rate)
        grads = [g + pg for g, pg in zip(grads, penalty_grads, strict=True)]
        if self.grad_clip is not None:
            clip_grad_norm(grads, self.grad_clip)
        self.optimizer.step(self.net.params(), grads)
        self.losses.append(loss)
        return grads


def batches(n: int, batch_size: int, order: Array | None = None) -> list[Array]:
    """One epoch's mini-batches of indices: in `order` (default 0..n-1), the last one shorter."""
    order = np.arange(n) if order is None else np.asarray(order)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


# ----- the engine's documented random generator (xorshift64*, seeded by splitmix64) ---------

MASK64 = (1 << 64) - 1


class XorShift64Star:
    """The shuffling generator the kernels document, in plain Python integers."""

    def __init__(self, seed: int) -> None:
        z = (seed + 0x9E3779B97F4A7C15) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        self.state = z or 1

    def uniform(self) -> float:
        """A float in [0, 1) from the top 53 bits of the scrambled state."""
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (((x * 2685821657736338717) & MASK64) >> 11) / 2.0**53

    def shuffle(self, order: list[int]) -> None:
        """Fisher–Yates, from the last position down."""
        for i in range(len(order) - 1, 0, -1):
            j = int(self.uniform() * (i + 1))
            order[i], order[j] = order[j], order[i]
