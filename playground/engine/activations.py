"""Hidden-layer activations: one registry entry each, the only home of an activation.

An entry holds everything every part of the app needs: the scalar kernels numba inlines into the
training loop, the numpy versions (previews, the plain-numpy eval pass, exported models), the
ONNX graph (as a list of steps that io/onnx_export.py turns into nodes, so that the engine never
imports onnx), the formula for tooltips and whether the outputs stay within [-1, 1].

To add an activation, write its two scalar kernels and its numpy pair, then add one entry to
ACTIVATIONS with the next free code: the kernels' dispatch (`activate_row`,
`scale_by_derivative`) is generated from the registry below, and the tests iterate it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from .vector_math import exp_nonpositive, np_exp_nonpositive, np_tanh
from .vector_math import tanh as vector_tanh

Array = npt.NDArray[np.float64]

# No fastmath: the compiled kernels compute exactly what their plain-Python copy (pure.py) does,
# so the weights are the same bits whichever engine ran (the app trains in Python until the
# compiled kernels arrive). Reassociation and fused multiply-adds made the two drift apart in
# the last bits (up to 2e-10 after 12 steps of batch norm + Adam): a run then depended on when
# the fast engine came in. It cost ~14 % on W2.
FASTMATH = False
# numpy's error model: x / 0.0 gives ±inf or NaN (as numpy and the plain-Python copy, pure.py)
# instead of raising ZeroDivisionError; the zero check it saves kept every loop with a division
# from vectorising (Adam's update ran 2.7× slower).
ERROR_MODEL = "numpy"
# A scalar kernel: inlined into the dispatch loops below (no call per element).
scalar = njit(cache=True, nogil=True, fastmath=FASTMATH, error_model=ERROR_MODEL, inline="always")

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
LEAKY_SLOPE = 0.01
GELU_C = math.sqrt(2.0 / math.pi)
SOFTPLUS_THRESHOLD = 20.0  # as torch.nn.Softplus: the identity above it

# One ONNX node: (output name, operator, inputs, attributes). An input is "x" (the activation's
# input), an earlier step's output name, or a float constant; the last step's output is f(x).
OnnxStep = tuple[str, str, tuple[str | float, ...], tuple[tuple[str, float], ...]]


def onnx_step(output: str, op_type: str, *inputs: str | float, **attributes: float) -> OnnxStep:
    """One step of an activation's ONNX graph (see OnnxStep)."""
    return output, op_type, inputs, tuple(sorted(attributes.items()))


@dataclass(frozen=True)
class Activation:
    """A registered activation: its kernel code, its kernels, numpy and ONNX forms, its formula.

    forward(z) -> f(z) and backward(z, a, g) -> g·f′(z) (given a = f(z)) are scalar numba
    functions; numpy(z) and numpy_derivative(z, a) -> f′(z) work elementwise on float64 arrays.
    """

    name: str
    code: int  # the kernels' integer code (a numba kernel cannot look a name up)
    formula: str
    bounded: bool  # every output within [-1, 1]: neuron pictures use fixed levels
    forward: Callable[[float], float]
    backward: Callable[[float, float, float], float]
    numpy: Callable[[Array], Array]
    numpy_derivative: Callable[[Array, Array], Array]
    onnx: tuple[OnnxStep, ...]  # empty: the identity


# ----- helpers shared by several activations -------------------------------------------------


@scalar
def sigmoid(z: float) -> float:
    """Numerically stable logistic function: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) below
    (one exp of -|z| for both, and a select instead of a branch that random signs mispredict)."""
    e = exp_nonpositive(-abs(z))  # vectorisable, see vector_math.py
    return (1.0 if z >= 0.0 else e) / (1.0 + e)


@scalar
def softplus(z: float) -> float:
    """ln(1 + e^z), the identity above the threshold as in PyTorch."""
    if z > SOFTPLUS_THRESHOLD:
        return z
    return math.log1p(math.exp(z))


def np_sigmoid(z: Array) -> Array:
    """The logistic function in numpy, without overflow."""
    e = np_exp_nonpositive(-np.abs(z))  # never overflows; the kernel's bits
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def np_softplus(z: Array) -> Array:
    """ln(1 + e^z) in numpy, the identity above the threshold."""
    return np.where(z > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(np.minimum(z, SOFTPLUS_THRESHOLD))))


# relu(x) + ln(1 + e^-|x|): ln(1 + e^x) without overflow (PyTorch's threshold is moot in float32).
ONNX_SOFTPLUS = (
    onnx_step("abs", "Abs", "x"),
    onnx_step("neg", "Neg", "abs"),
    onnx_step("exp", "Exp", "neg"),
    onnx_step("one_plus", "Add", 1.0, "exp"),
    onnx_step("tail", "Log", "one_plus"),
    onnx_step("relu", "Relu", "x"),
    onnx_step("softplus", "Add", "relu", "tail"),
)

# ----- the kernels of each activation --------------------------------------------------------


@scalar
def linear(z: float) -> float:
    return z


@scalar
def linear_backward(z: float, a: float, g: float) -> float:
    return g


@scalar
def sigmoid_backward(z: float, a: float, g: float) -> float:
    return g * (a * (1.0 - a))


@scalar
def tanh(z: float) -> float:
    return vector_tanh(z)  # vectorisable (libm's was half of W1's time), see vector_math.py


@scalar
def tanh_backward(z: float, a: float, g: float) -> float:
    return g * (1.0 - a * a)


@scalar
def relu(z: float) -> float:
    return z if z > 0.0 else 0.0


@scalar
def relu_backward(z: float, a: float, g: float) -> float:
    return g if z > 0.0 else 0.0


@scalar
def leaky_relu(z: float) -> float:
    return z if z > 0.0 else LEAKY_SLOPE * z


@scalar
def leaky_relu_backward(z: float, a: float, g: float) -> float:
    return g * (1.0 if z > 0.0 else LEAKY_SLOPE)


@scalar
def elu(z: float) -> float:
    return z if z > 0.0 else math.expm1(z)


@scalar
def elu_backward(z: float, a: float, g: float) -> float:
    return g * (1.0 if z > 0.0 else a + 1.0)


@scalar
def selu(z: float) -> float:
    return SELU_SCALE * (z if z > 0.0 else SELU_ALPHA * math.expm1(z))


@scalar
def selu_backward(z: float, a: float, g: float) -> float:
    return g * (SELU_SCALE if z > 0.0 else a + SELU_SCALE * SELU_ALPHA)


@scalar
def gelu(x: float) -> float:
    return 0.5 * x * (1.0 + math.tanh(GELU_C * (x + 0.044715 * x * x * x)))


@scalar
def gelu_backward(x: float, a: float, g: float) -> float:
    t = math.tanh(GELU_C * (x + 0.044715 * x * x * x))
    return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 0.134145 * x * x))


def np_gelu_derivative(z: Array, a: Array) -> Array:
    t = np.tanh(GELU_C * (z + 0.044715 * z * z * z))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 0.134145 * z * z)


@scalar
def softplus_backward(z: float, a: float, g: float) -> float:
    return g * (sigmoid(z) if z <= SOFTPLUS_THRESHOLD else 1.0)


@scalar
def swish(z: float) -> float:
    return z * sigmoid(z)


@scalar
def swish_backward(z: float, a: float, g: float) -> float:
    s = sigmoid(z)
    return g * (s + z * s * (1.0 - s))


def np_swish_derivative(z: Array, a: Array) -> Array:
    s = np_sigmoid(z)
    return s + z * s * (1.0 - s)


@scalar
def mish(z: float) -> float:
    return z * math.tanh(softplus(z))


@scalar
def mish_backward(z: float, a: float, g: float) -> float:
    t = math.tanh(softplus(z))
    return g * (t + z * (1.0 - t * t) * sigmoid(z))


def np_mish_derivative(z: Array, a: Array) -> Array:
    t = np.tanh(np_softplus(z))
    return t + z * (1.0 - t * t) * np_sigmoid(z)


@scalar
def sine(z: float) -> float:
    return math.sin(z)


@scalar
def sine_backward(z: float, a: float, g: float) -> float:
    return g * math.cos(z)


# ----- the registry --------------------------------------------------------------------------

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "linear", 0, "f(z) = z", False, linear, linear_backward,
            numpy=lambda z: z.copy(),
            numpy_derivative=lambda z, a: np.ones_like(z),
            onnx=(),
        ),
        Activation(
            "sigmoid", 1, "f(z) = 1 / (1 + e^(-z))", True, sigmoid, sigmoid_backward,
            numpy=np_sigmoid,
            numpy_derivative=lambda z, a: a * (1.0 - a),
            onnx=(onnx_step("sigmoid", "Sigmoid", "x"),),
        ),
        Activation(
            "tanh", 2, "f(z) = tanh(z)", True, tanh, tanh_backward,
            numpy=np_tanh,
            numpy_derivative=lambda z, a: 1.0 - a * a,
            onnx=(onnx_step("tanh", "Tanh", "x"),),
        ),
        Activation(
            "relu", 3, "f(z) = max(0, z)", False, relu, relu_backward,
            numpy=lambda z: np.where(z > 0.0, z, 0.0),
            numpy_derivative=lambda z, a: np.where(z > 0.0, 1.0, 0.0),
            onnx=(onnx_step("relu", "Relu", "x"),),
        ),
        Activation(
            "leaky_relu", 4, "f(z) = z if z > 0 else 0.01·z", False, leaky_relu,
            leaky_relu_backward,
            numpy=lambda z: np.where(z > 0.0, z, LEAKY_SLOPE * z),
            numpy_derivative=lambda z, a: np.where(z > 0.0, 1.0, LEAKY_SLOPE),
            onnx=(onnx_step("leaky_relu", "LeakyRelu", "x", alpha=LEAKY_SLOPE),),
        ),
        Activation(
            "elu", 5, "f(z) = z if z > 0 else e^z − 1", False, elu, elu_backward,
            numpy=lambda z: np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0))),
            numpy_derivative=lambda z, a: np.where(z > 0.0, 1.0, a + 1.0),
            onnx=(onnx_step("elu", "Elu", "x", alpha=1.0),),
        ),
        Activation(
            "selu", 6, "f(z) = 1.0507·(z if z > 0 else 1.6733·(e^z − 1))", False, selu,
            selu_backward,
            numpy=lambda z: SELU_SCALE * np.where(z > 0.0, z,
                                                  SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
            numpy_derivative=lambda z, a: np.where(z > 0.0, SELU_SCALE,
                                                   a + SELU_SCALE * SELU_ALPHA),
            onnx=(onnx_step("selu", "Selu", "x", alpha=SELU_ALPHA, gamma=SELU_SCALE),),
        ),
        Activation(
            "gelu", 7, "f(z) = z/2·(1 + tanh(√(2/π)·(z + 0.044715·z³)))", False, gelu,
            gelu_backward,
            numpy=lambda z: 0.5 * z * (1.0 + np.tanh(GELU_C * (z + 0.044715 * z * z * z))),
            numpy_derivative=np_gelu_derivative,
            onnx=(  # the tanh approximation
                onnx_step("square", "Mul", "x", "x"),
                onnx_step("cube", "Mul", "square", "x"),
                onnx_step("cubic", "Mul", 0.044715, "cube"),
                onnx_step("sum", "Add", "x", "cubic"),
                onnx_step("inner", "Mul", GELU_C, "sum"),
                onnx_step("half_x", "Mul", 0.5, "x"),
                onnx_step("tanh", "Tanh", "inner"),
                onnx_step("one_plus", "Add", 1.0, "tanh"),
                onnx_step("gelu", "Mul", "half_x", "one_plus"),
            ),
        ),
        Activation(
            "softplus", 8, "f(z) = ln(1 + e^z)", False, softplus, softplus_backward,
            numpy=np_softplus,
            numpy_derivative=lambda z, a: np.where(z <= SOFTPLUS_THRESHOLD, np_sigmoid(z), 1.0),
            onnx=ONNX_SOFTPLUS,
        ),
        Activation(
            "swish", 9, "f(z) = z·sigmoid(z)", False, swish, swish_backward,
            numpy=lambda z: z * np_sigmoid(z),
            numpy_derivative=np_swish_derivative,
            onnx=(onnx_step("sigmoid", "Sigmoid", "x"), onnx_step("swish", "Mul", "x", "sigmoid")),
        ),
        Activation(
            "mish", 10, "f(z) = z·tanh(softplus(z))", False, mish, mish_backward,
            numpy=lambda z: z * np.tanh(np_softplus(z)),
            numpy_derivative=np_mish_derivative,
            onnx=(*ONNX_SOFTPLUS, onnx_step("tanh", "Tanh", "softplus"),
                  onnx_step("mish", "Mul", "x", "tanh")),
        ),
        Activation(
            "sine", 11, "f(z) = sin(z)", True, sine, sine_backward,
            numpy=np.sin,
            numpy_derivative=lambda z, a: np.cos(z),
            onnx=(onnx_step("sine", "Sin", "x"),),
        ),
    )
}  # fmt: skip

BY_CODE: dict[int, Activation] = {a.code: a for a in ACTIVATIONS.values()}

# ----- the kernels' dispatch, generated from the registry ------------------------------------
#
# numba's cache keys a kernel on its own file only: the compiled forward/backward of kernels.py
# keep the dispatch they were compiled with. After editing this file, vector_math.py or
# optimizers.py, clear the cache (`find playground -name '*.nb[ic]' -delete`, or use a fresh
# NUMBA_CACHE_DIR).
STALE_CACHE_HINT = (
    " (if you just added it: numba's cached kernels.py predates it; clear the "
    "cache, see activations.py)"
)


def raise_unknown_code(message: str) -> str:
    """A generated dispatch's last line: raise with a constant message (numba needs one)."""
    return f"    raise ValueError({message + STALE_CACHE_HINT!r})"


# A numba kernel cannot call through a Python dict, so each dispatch is an `if code == K` chain
# with one loop per activation (the scalar kernel inlined in it), written out from ACTIVATIONS
# when this module loads. It is compiled with this file's name so that numba caches it (and
# drops the cache when this file changes); an unknown code raises instead of running a default.


def _dispatch_source() -> str:
    lines = [
        "def activate_row(code, z, out, n):",
        '    """out[:n] = f(z[:n]) for activation `code`; z, out: float64 (>= n,)."""',
    ]
    for a in ACTIVATIONS.values():
        lines += [
            f"    if code == {a.code}:  # {a.name}",
            "        for i in range(n):",
            f"            out[i] = forward_{a.code}(z[i])",
            "        return",
        ]
    lines += [
        raise_unknown_code("activate_row: unknown activation code"),
        "",
        "",
        "def scale_by_derivative(code, z, a, g, n):",
        '    """g[:n] *= f\'(z[:n]) for activation `code`, where a = f(z); all float64',
        '    (>= n,)."""',
    ]
    for a in ACTIVATIONS.values():
        lines += [
            f"    if code == {a.code}:  # {a.name}",
            "        for i in range(n):",
            f"            g[i] = backward_{a.code}(z[i], a[i], g[i])",
            "        return",
        ]
    lines.append(raise_unknown_code("scale_by_derivative: unknown activation code"))
    lines += [
        "",
        "",
        "def activate_rows(code, z, out, r0, n_rows, n):",
        '    """out[r, :n] = f(z[r, :n]) for the rows r0 .. r0 + n_rows - 1 (one layer), with one',
        '    dispatch on `code` for them all; z, out: float64 (>= r0 + n_rows, >= n)."""',
    ]
    for a in ACTIVATIONS.values():
        lines += [
            f"    if code == {a.code}:  # {a.name}",
            "        for r in range(r0, r0 + n_rows):",
            "            z_r = z[r]",
            "            out_r = out[r]",
            "            for i in range(n):",
            f"                out_r[i] = forward_{a.code}(z_r[i])",
            "        return",
        ]
    lines += [
        raise_unknown_code("activate_rows: unknown activation code"),
        "",
        "",
        "def scale_rows_by_derivative(code, z, a, g, r0, n_rows, n):",
        '    """g[r, :n] *= f\'(z[r, :n]) for the rows r0 .. r0 + n_rows - 1, where a = f(z), with',
        '    one dispatch on `code`; all float64 (>= r0 + n_rows, >= n)."""',
    ]
    for a in ACTIVATIONS.values():
        lines += [
            f"    if code == {a.code}:  # {a.name}",
            "        for r in range(r0, r0 + n_rows):",
            "            z_r = z[r]",
            "            a_r = a[r]",
            "            g_r = g[r]",
            "            for i in range(n):",
            f"                g_r[i] = backward_{a.code}(z_r[i], a_r[i], g_r[i])",
            "        return",
        ]
    lines.append(raise_unknown_code("scale_rows_by_derivative: unknown activation code"))
    return "\n".join(lines) + "\n"


DISPATCH_SOURCE = _dispatch_source()


def _compile_dispatch() -> tuple[Callable[..., None], ...]:
    namespace: dict[str, object] = {"__name__": __name__, "ValueError": ValueError}
    for a in ACTIVATIONS.values():
        namespace[f"forward_{a.code}"] = a.forward
        namespace[f"backward_{a.code}"] = a.backward
    exec(compile(DISPATCH_SOURCE, __file__, "exec"), namespace)  # noqa: S102 - our own source
    kernel = njit(cache=True, nogil=True, fastmath=FASTMATH, error_model=ERROR_MODEL)
    names = ("activate_row", "scale_by_derivative", "activate_rows", "scale_rows_by_derivative")
    return tuple(kernel(namespace[name]) for name in names)


activate_row, scale_by_derivative, activate_rows, scale_rows_by_derivative = _compile_dispatch()

# ----- numpy, for previews and the plain-numpy eval pass -------------------------------------


def _entry(code: int) -> Activation:
    try:
        return BY_CODE[int(code)]
    except KeyError:
        raise ValueError(f"unknown activation code {code}") from None


def activate(code: int, z: Array) -> Array:
    """f(z) for activation `code`, elementwise in numpy (no compiling): previews, grid passes."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _entry(code).numpy(z)


def derivative(code: int, z: Array, a: Array) -> Array:
    """f'(z) for activation `code`, where a = f(z), elementwise in numpy."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _entry(code).numpy_derivative(z, a)


def curve(name: str, z: npt.ArrayLike) -> tuple[Array, Array]:
    """(f(z), f'(z)) of a registered activation, for plots; z is 1-D.

    Plain numpy, so that drawing a preview never waits for numba to compile (the same formulas
    as activate_row and scale_by_derivative).
    """
    code = ACTIVATIONS[name].code
    z = np.ascontiguousarray(z, dtype=np.float64)
    values = activate(code, z)
    return values, derivative(code, z, values)
