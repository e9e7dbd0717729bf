"""Dataset generators (TensorFlow Playground style) in one registry, all inside [-6, 6]²."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.data.points import MAX_POINTS, Points

EXTENT = 6.0  # points lie in the square [-EXTENT, EXTENT]²
MAX_TEST_RATIO = 0.9

Arrays = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
# make(rng, n, noise, **options) -> (xy (n, 2) float64, labels (n,) float64)
MakeFn = Callable[..., Arrays]


@dataclass(frozen=True)
class DatasetOption:
    """An integer parameter of a dataset, with its range, for a spin box."""

    name: str
    title: str
    default: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class DatasetInfo:
    """A registered dataset: its names, problem, one-line description and generator."""

    name: str
    title: str
    problem: str
    description: str
    make: MakeFn
    options: tuple[DatasetOption, ...] = ()

    def classes(self, **options: int) -> int:
        """Number of classes the dataset yields with these options (1 for regression)."""
        if self.problem == "regression":
            return 1
        for option in self.options:
            if option.name in ("classes", "arms"):
                return int(options.get(option.name, option.default))
        return 2


def _uniform_square(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """n points drawn uniformly in [-6, 6]²; shape (n, 2)."""
    return rng.uniform(-EXTENT, EXTENT, size=(n, 2))


def _jitter(rng: np.random.Generator, n: int, amplitude: float) -> npt.NDArray[np.float64]:
    """Uniform jitter in [-amplitude, amplitude] per coordinate; shape (n, 2)."""
    return rng.uniform(-1.0, 1.0, size=(n, 2)) * amplitude


def _gaussian_inside(
    rng: np.random.Generator, centres: npt.NDArray[np.float64], std: float
) -> npt.NDArray[np.float64]:
    """Gaussian samples around centres (n, 2), redrawn until they fall inside the square."""
    xy = centres + rng.normal(0.0, std, size=centres.shape)
    for _ in range(100):
        outside = (np.abs(xy) > EXTENT).any(axis=1)
        if not outside.any():
            break
        xy[outside] = centres[outside] + rng.normal(0.0, std, size=(int(outside.sum()), 2))
    return np.clip(xy, -EXTENT, EXTENT)


def _balanced_labels(n: int, classes: int) -> npt.NDArray[np.float64]:
    """Class labels 0, 1, ..., classes-1, 0, 1, ... so every class gets n//classes or one more."""
    return (np.arange(n) % classes).astype(np.float64)


def make_circle(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Inner disc (class 1, r < 2.5) and outer ring (class 0, 3.5 < r < 5)."""
    radius = 5.0
    inner = _balanced_labels(n, 2) == 1
    r = np.where(inner, rng.uniform(0.0, 0.5 * radius, n), rng.uniform(0.7 * radius, radius, n))
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    xy = np.column_stack((r * np.sin(angle), r * np.cos(angle)))
    judged = xy + _jitter(rng, n, noise * radius)
    labels = (np.hypot(judged[:, 0], judged[:, 1]) < 0.5 * radius).astype(np.float64)
    return xy, labels


def make_xor(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Quadrants: class 1 where x1·x2 > 0, class 0 elsewhere; points kept 0.3 off the axes."""
    xy = rng.uniform(-5.0, 5.0, size=(n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)
    judged = xy + _jitter(rng, n, noise * 5.0)
    labels = (judged[:, 0] * judged[:, 1] >= 0).astype(np.float64)
    return xy, labels


def make_gaussians(rng: np.random.Generator, n: int, noise: float, classes: int = 2) -> Arrays:
    """One gaussian blob per class, centres evenly spaced on a circle."""
    labels = _balanced_labels(n, classes)
    radius = 2.0 * math.sqrt(2.0) if classes == 2 else 4.0
    angles = math.pi / 4 + math.pi + 2.0 * math.pi * np.arange(classes) / classes
    centres = radius * np.column_stack((np.cos(angles), np.sin(angles)))
    xy = _gaussian_inside(rng, centres[labels.astype(np.intp)], 0.7 + 1.3 * noise)
    return xy, labels


def make_spiral(rng: np.random.Generator, n: int, noise: float, arms: int = 2) -> Arrays:
    """Interleaved spiral arms from the centre out to radius 5, one class per arm."""
    labels = _balanced_labels(n, arms)
    arm = labels.astype(np.intp)
    per_arm = np.bincount(arm, minlength=arms)
    position = np.arange(n) // arms / np.maximum(per_arm[arm], 1)  # 0..1 along the arm
    turns = max(0.75, 3.5 / arms)  # fewer turns for many arms keeps the arms apart
    r = 5.0 * position
    t = 2.0 * math.pi * (turns * position + arm / arms)
    xy = np.column_stack((r * np.sin(t), r * np.cos(t))) + _jitter(rng, n, noise)
    return xy, labels


def make_moons(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Two interleaving half circles (class 0 on top, class 1 below), scaled to the square."""
    labels = _balanced_labels(n, 2)
    t = rng.uniform(0.0, math.pi, n)
    upper = np.column_stack((np.cos(t), np.sin(t)))
    lower = np.column_stack((1.0 - np.cos(t), 0.5 - np.sin(t)))
    centres = np.where((labels == 0)[:, None], upper, lower)
    centres = 3.5 * (centres - np.array([0.5, 0.25]))
    xy = _gaussian_inside(rng, centres, noise) if noise > 0 else centres
    return xy, labels


def make_checkerboard(rng: np.random.Generator, n: int, noise: float, cells: int = 4) -> Arrays:
    """A cells×cells checkerboard over the square; cell (i, j) has class (i + j) mod 2."""
    xy = _uniform_square(rng, n)
    cell = 2.0 * EXTENT / cells
    judged = xy + _jitter(rng, n, noise * cell)
    index = np.floor((judged + EXTENT) / cell).astype(np.intp)
    labels = (index.sum(axis=1) % 2).astype(np.float64)
    return xy, labels


def make_plane(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Target (x1 + x2) / 12: a tilted plane from -1 to 1."""
    xy = _uniform_square(rng, n)
    judged = xy + _jitter(rng, n, noise * EXTENT)
    return xy, np.clip(judged.sum(axis=1) / (2.0 * EXTENT), -1.0, 1.0)


_BUMPS = np.array(
    [[-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
     [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0]]
)  # fmt: skip


def make_multi_gaussian(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Six signed cone-shaped bumps of radius 2; the target is the strongest bump at the point."""
    xy = _uniform_square(rng, n)
    judged = xy + _jitter(rng, n, noise * EXTENT)
    distance = np.hypot(
        judged[:, 0, None] - _BUMPS[None, :, 0], judged[:, 1, None] - _BUMPS[None, :, 1]
    )
    signed = _BUMPS[None, :, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(signed), axis=1)
    return xy, signed[np.arange(n), strongest]


def make_sine(rng: np.random.Generator, n: int, noise: float) -> Arrays:
    """Target sin(x1): a wave along x1, constant along x2."""
    xy = _uniform_square(rng, n)
    judged_x1 = xy[:, 0] + rng.uniform(-1.0, 1.0, n) * noise * math.pi
    return xy, np.sin(judged_x1)


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "circle",
            "Circle",
            "classification",
            "A disc of class 1 inside a ring of class 0; noise decides each label at a point "
            "shifted by up to noise × 5 units per axis, so labels blur near the gap.",
            make_circle,
        ),
        DatasetInfo(
            "xor",
            "Exclusive or",
            "classification",
            "Class 1 in the quadrants where x1·x2 > 0, class 0 in the others; noise decides "
            "each label at a point shifted by up to noise × 5 units per axis.",
            make_xor,
        ),
        DatasetInfo(
            "gaussians",
            "Gaussian blobs",
            "classification",
            "One gaussian blob per class with centres on a circle; noise widens the blobs from "
            "standard deviation 0.7 (noise 0) to 2.0 (noise 1) so they overlap.",
            make_gaussians,
            (DatasetOption("classes", "Classes", 2, 2, 8),),
        ),
        DatasetInfo(
            "spiral",
            "Spiral",
            "classification",
            "Interleaved spiral arms, one class per arm; noise moves each point by up to "
            "noise units per axis.",
            make_spiral,
            (DatasetOption("arms", "Arms", 2, 2, 8),),
        ),
        DatasetInfo(
            "moons",
            "Two moons",
            "classification",
            "Two interleaving half circles; noise is the standard deviation, in units, of the "
            "gaussian scatter added to each point.",
            make_moons,
        ),
        DatasetInfo(
            "checkerboard",
            "Checkerboard",
            "classification",
            "Alternating classes on a board of cells × cells squares; noise decides each label "
            "at a point shifted by up to noise × one cell width per axis.",
            make_checkerboard,
            (DatasetOption("cells", "Cells per side", 4, 2, 12),),
        ),
        DatasetInfo(
            "plane",
            "Plane",
            "regression",
            "Target (x1 + x2) / 12, a tilted plane from -1 to 1; noise evaluates it at a point "
            "shifted by up to noise × 6 units per axis (clipped to [-1, 1]).",
            make_plane,
        ),
        DatasetInfo(
            "multi_gaussian",
            "Multi gaussian",
            "regression",
            "Six bumps of height +1 or -1 on a 3 × 2 grid; noise evaluates the target at a "
            "point shifted by up to noise × 6 units per axis.",
            make_multi_gaussian,
        ),
        DatasetInfo(
            "sine",
            "Sine",
            "regression",
            "Target sin(x1), a wave along x1; noise evaluates it at an x1 shifted by up to "
            "noise × π units.",
            make_sine,
        ),
    )
}


def _check_int(name: str, value: Any, minimum: int, maximum: int) -> int:
    """Return value as an int if it is an integer in [minimum, maximum], else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in {minimum}..{maximum}, got {value}")
    return int(value)


def _check_fraction(name: str, value: Any, maximum: float) -> float:
    """Return value as a float if it is a real number in [0, maximum], else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not 0.0 <= value <= maximum:  # also rejects NaN
        raise ValueError(f"{name} must be in [0, {maximum:g}], got {value!r}")
    return float(value)


def generate(
    name: str,
    n: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = 0.0,
    validation_ratio: float = 0.0,
    **options: int,
) -> Points:
    """Generate dataset `name`; the same arguments always give identical arrays. The test
    points are drawn first, then the validation points from the rest (so a validation split
    leaves the test points as they were without one)."""
    info = DATASETS.get(name)
    if info is None:
        raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    n = _check_int("n", n, 1, MAX_POINTS)
    noise = _check_fraction("noise", noise, 1.0)
    seed = _check_int("seed", seed, 0, 2**63 - 1)
    test_ratio = _check_fraction("test_ratio", test_ratio, MAX_TEST_RATIO)
    validation_ratio = _check_fraction("validation_ratio", validation_ratio, MAX_TEST_RATIO)
    if test_ratio + validation_ratio > MAX_TEST_RATIO:
        raise ValueError(
            f"test_ratio + validation_ratio must be at most {MAX_TEST_RATIO:g} (some points "
            f"must be left to train on), got {test_ratio:g} + {validation_ratio:g}"
        )
    known = {option.name: option for option in info.options}
    for key in options:
        if key not in known:
            valid = ", ".join(known) if known else "none"
            raise ValueError(f"dataset {name!r} has no option {key!r} (options: {valid})")
    values = {
        key: _check_int(key, options.get(key, option.default), option.minimum, option.maximum)
        for key, option in known.items()
    }

    rng = np.random.default_rng(seed)
    xy, labels = info.make(rng, n, noise, **values)
    xy = np.clip(xy, -EXTENT, EXTENT)
    is_test = np.zeros(n, dtype=np.bool_)
    is_test[rng.choice(n, size=int(round(n * test_ratio)), replace=False)] = True
    is_validation = np.zeros(n, dtype=np.bool_)
    if validation_ratio > 0:
        rest = np.flatnonzero(~is_test)
        count = min(int(round(n * validation_ratio)), rest.size - 1)
        is_validation[rng.choice(rest, size=max(count, 0), replace=False)] = True
    return Points(xy, labels, is_test, info.problem, info.classes(**values), is_validation)
