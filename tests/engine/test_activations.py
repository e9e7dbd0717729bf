"""Every activation and its derivative against naive.py's formulas (PyTorch's definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.activations import (
    ACTIVATIONS,
    BY_CODE,
    activate,
    activate_row,
    curve,
    scale_by_derivative,
)
from tests.engine import naive

NAMES = sorted(ACTIVATIONS)
# A dense sweep, both sides of every kink and threshold, and the far tails.
Z = np.concatenate(
    [np.linspace(-30.0, 30.0, 2001), [-1e-9, 1e-9, 19.999, 20.0, 20.001, -700.0, 700.0, 0.5, -0.5]]
)


DOCUMENTED = {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus",
              "swish", "mish", "sine"}  # DESIGN §3  # fmt: skip


def test_registry_offers_the_documented_activations():
    assert DOCUMENTED <= set(ACTIVATIONS)
    assert set(naive.ACTIVATIONS) == DOCUMENTED  # written out from PyTorch's definitions
    assert sorted(a.code for a in ACTIVATIONS.values()) == list(range(len(ACTIVATIONS)))
    assert all(a.formula.startswith("f(z) = ") for a in ACTIVATIONS.values())
    assert all(name == a.name for name, a in ACTIVATIONS.items())


@pytest.mark.parametrize("name", NAMES)
def test_the_kernels_match_the_numpy_reference(name):
    """The generated dispatch runs this entry's scalar kernels: f and g·f' per element."""
    activation = ACTIVATIONS[name]
    z = Z[np.abs(Z) < 700.0]
    values = np.empty_like(z)
    activate_row(activation.code, z, values, z.size)
    g = np.linspace(-2.0, 2.0, z.size)
    scaled = g.copy()
    scale_by_derivative(activation.code, z, values, scaled, z.size)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = activation.numpy(z)
        slopes = activation.numpy_derivative(z, expected)
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(scaled, g * slopes, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("kernel", ["activate_row", "scale_by_derivative"])
def test_an_unknown_code_fails_loudly(kernel):
    z = np.zeros(3)
    unknown = max(BY_CODE) + 1
    with pytest.raises(ValueError, match="unknown activation code"):
        if kernel == "activate_row":
            activate_row(unknown, z, z.copy(), 3)
        else:
            scale_by_derivative(unknown, z, z.copy(), z.copy(), 3)
    with pytest.raises(ValueError, match="unknown activation code"):
        activate(unknown, z)


@pytest.mark.parametrize("name", NAMES)
def test_bounded_means_every_output_within_one(name):
    values, _ = curve(name, Z)
    assert ACTIVATIONS[name].bounded == bool(np.all(np.abs(values) <= 1.0))


@pytest.mark.parametrize("name", NAMES)
def test_the_registry_slopes_are_the_derivatives_of_the_values(name):
    """The entry's own numpy pair against central differences, away from kinks."""
    z = np.linspace(-8.0, 8.0, 801)
    z = z[np.abs(z) > 1e-3]
    h = 1e-6
    values, slopes = curve(name, z)
    numeric = (curve(name, z + h)[0] - curve(name, z - h)[0]) / (2 * h)
    np.testing.assert_allclose(slopes, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_values_and_slopes_match_the_reference(name):
    f, df = naive.activation(name)
    values, slopes = curve(name, Z)
    np.testing.assert_allclose(values, f(Z), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(slopes, df(Z), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_reference_slopes_are_the_derivatives_of_the_values(name):
    """The reference checks itself: f' against central differences of f, away from kinks."""
    f, df = naive.activation(name)
    z = np.linspace(-8.0, 8.0, 801)
    z = z[np.abs(z) > 1e-3]
    h = 1e-6
    np.testing.assert_allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("name", "z", "expected"), [
    ("leaky_relu", -2.0, -0.02),
    ("elu", -1.0, np.expm1(-1.0)),
    ("selu", 1.0, 1.0507009873554805),
    ("selu", -1.0, 1.0507009873554805 * 1.6732632423543772 * np.expm1(-1.0)),
    ("gelu", 1.0, 0.8411919906082768),  # torch.nn.functional.gelu(1.0, approximate="tanh")
    ("softplus", 25.0, 25.0),  # above the threshold: the identity
    ("softplus", 0.0, np.log(2.0)),
    ("swish", 1.0, 1.0 / (1.0 + np.exp(-1.0))),
    ("mish", 1.0, 0.8650983882673103),  # torch.nn.functional.mish(1.0)
    ("sine", np.pi / 2, 1.0),
])  # fmt: skip
def test_known_values(name, z, expected):
    assert curve(name, [z])[0][0] == pytest.approx(expected, rel=1e-12)
    assert naive.activation(name)[0](np.array([z]))[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("name", "slope_at_zero"), [
    ("relu", 0.0), ("leaky_relu", 0.01), ("elu", 1.0), ("sine", 1.0), ("tanh", 1.0),
    ("sigmoid", 0.25), ("softplus", 0.5), ("swish", 0.5), ("gelu", 0.5),
])  # fmt: skip
def test_slope_at_zero_follows_pytorch(name, slope_at_zero):
    assert curve(name, [0.0])[1][0] == pytest.approx(slope_at_zero, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_no_overflow_in_the_tails(name):
    values, slopes = curve(name, [-1e4, -750.0, 750.0, 1e4])
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))
