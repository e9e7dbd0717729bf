"""Dataset generators: shapes, ranges, classes, reproducibility, splits and argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.generators import DATASETS, EXTENT, generate
from playground.data.points import Points

NAMES = sorted(DATASETS)
CLASSIFICATION = [name for name in NAMES if DATASETS[name].problem == "classification"]
REGRESSION = [name for name in NAMES if DATASETS[name].problem == "regression"]


def test_registry_has_the_documented_datasets():
    assert set(CLASSIFICATION) == {"circle", "xor", "gaussians", "spiral", "moons", "checkerboard"}
    assert set(REGRESSION) == {"plane", "multi_gaussian", "sine"}
    for name, info in DATASETS.items():
        assert info.name == name and info.title
        assert info.description.endswith(".") and "noise" in info.description
        assert "\n" not in info.description
        for option in info.options:
            assert option.minimum <= option.default <= option.maximum


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.3, 1.0])
def test_shape_range_and_problem(name, noise):
    points = generate(name, n=300, noise=noise, seed=1)
    assert isinstance(points, Points)
    assert points.xy.shape == (300, 2) and points.labels.shape == (300,)
    assert np.abs(points.xy).max() <= EXTENT
    assert points.problem == DATASETS[name].problem
    assert not points.is_test.any()
    if points.problem == "regression":
        assert points.classes == 1
        assert np.abs(points.labels).max() <= 1.0
        assert points.labels.std() > 0.1


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_every_class_present(name):
    points = generate(name, n=400, seed=2)
    assert points.classes == 2
    assert set(np.unique(points.labels)) == {0.0, 1.0}
    assert np.bincount(points.labels.astype(int)).min() > 100  # roughly balanced


@pytest.mark.parametrize(("name", "option"), [("gaussians", "classes"), ("spiral", "arms")])
@pytest.mark.parametrize("count", [2, 3, 5, 8])
def test_multi_class_options(name, option, count):
    points = generate(name, n=400, seed=3, **{option: count})
    assert points.classes == count
    counts = np.bincount(points.labels.astype(int), minlength=count)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_arrays_other_seed_differs(name):
    first = generate(name, n=200, noise=0.2, seed=7, test_ratio=0.3)
    again = generate(name, n=200, noise=0.2, seed=7, test_ratio=0.3)
    other = generate(name, n=200, noise=0.2, seed=8, test_ratio=0.3)
    np.testing.assert_array_equal(first.xy, again.xy)
    np.testing.assert_array_equal(first.labels, again.labels)
    np.testing.assert_array_equal(first.is_test, again.is_test)
    assert not np.array_equal(first.xy, other.xy)
    assert not np.array_equal(first.is_test, other.is_test)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("n", "ratio"), [(200, 0.25), (101, 0.5), (7, 0.9), (10, 0.0), (1, 0.9)])
def test_test_ratio_count(name, n, ratio):
    points = generate(name, n=n, seed=4, test_ratio=ratio)
    assert points.n == n
    assert int(points.is_test.sum()) == round(n * ratio)


def test_split_does_not_move_the_points():
    plain = generate("spiral", n=100, seed=5)
    split = generate("spiral", n=100, seed=5, test_ratio=0.5)
    np.testing.assert_array_equal(plain.xy, split.xy)
    np.testing.assert_array_equal(plain.labels, split.labels)


def test_xor_labels_follow_quadrants_without_noise():
    points = generate("xor", n=500, seed=0)
    np.testing.assert_array_equal(points.labels, points.xy[:, 0] * points.xy[:, 1] > 0)
    assert np.abs(points.xy).min() >= 0.3


def test_circle_inner_disc_is_class_one_without_noise():
    points = generate("circle", n=500, seed=0)
    radius = np.hypot(points.xy[:, 0], points.xy[:, 1])
    assert radius[points.labels == 1].max() < 2.5
    assert radius[points.labels == 0].min() >= 3.5
    assert radius.max() <= 5.0


def test_checkerboard_labels_follow_cells_without_noise():
    points = generate("checkerboard", n=500, seed=0, cells=3)
    cell = np.floor((points.xy + 6.0) / 4.0).astype(int)
    np.testing.assert_array_equal(points.labels, cell.sum(axis=1) % 2)


def test_plane_and_sine_targets_without_noise():
    plane = generate("plane", n=100, seed=0)
    np.testing.assert_allclose(plane.labels, (plane.xy[:, 0] + plane.xy[:, 1]) / 12)
    sine = generate("sine", n=100, seed=0)
    np.testing.assert_allclose(sine.labels, np.sin(sine.xy[:, 0]))


def test_multi_gaussian_peaks():
    points = generate("multi_gaussian", n=4000, seed=0)
    near_positive = np.hypot(points.xy[:, 0] + 4, points.xy[:, 1] - 2.5) < 0.5
    near_negative = np.hypot(points.xy[:, 0], points.xy[:, 1] - 2.5) < 0.5
    assert (points.labels[near_positive] > 0.7).all()
    assert (points.labels[near_negative] < -0.7).all()


def test_gaussian_blobs_separate_without_noise():
    points = generate("gaussians", n=800, seed=0, classes=4)
    centres = np.array([points.xy[points.labels == k].mean(axis=0) for k in range(4)])
    gaps = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))
    assert gaps[~np.eye(4, dtype=bool)].min() > 4.0


def test_noise_changes_labels_or_positions():
    for name in NAMES:
        clean = generate(name, n=300, seed=6)
        noisy = generate(name, n=300, seed=6, noise=0.5)
        changed = not np.array_equal(clean.labels, noisy.labels) or not np.array_equal(
            clean.xy, noisy.xy
        )
        assert changed, name


def test_numpy_integer_arguments_are_accepted():
    points = generate("spiral", n=np.int64(50), seed=np.int32(1), arms=np.int64(3))
    assert (points.n, points.classes) == (50, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "donut"}, "unknown dataset 'donut'; choose from circle, xor, gaussians"),
        ({"n": 0}, r"n must be in 1..100000, got 0"),
        ({"n": 100_001}, r"n must be in 1..100000, got 100001"),
        ({"n": 10.0}, "n must be an integer, got 10.0"),
        ({"n": True}, "n must be an integer"),
        ({"noise": -0.1}, r"noise must be in \[0, 1\], got -0.1"),
        ({"noise": 1.5}, r"noise must be in \[0, 1\], got 1.5"),
        ({"noise": float("nan")}, r"noise must be in \[0, 1\], got nan"),
        ({"noise": "0.1"}, "noise must be a number"),
        ({"test_ratio": 0.95}, r"test_ratio must be in \[0, 0.9\], got 0.95"),
        ({"test_ratio": -0.5}, r"test_ratio must be in \[0, 0.9\]"),
        ({"seed": -1}, r"seed must be in 0.."),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"name": "spiral", "arms": 1}, r"arms must be in 2..8, got 1"),
        ({"name": "spiral", "arms": 9}, r"arms must be in 2..8, got 9"),
        ({"name": "gaussians", "classes": 2.5}, "classes must be an integer"),
        (
            {"name": "spiral", "classes": 3},
            r"dataset 'spiral' has no option 'classes' \(options: arms\)",
        ),
        ({"name": "xor", "arms": 3}, r"dataset 'xor' has no option 'arms' \(options: none\)"),
        ({"name": "checkerboard", "cells": 1}, r"cells must be in 2..12, got 1"),
    ],
)
def test_bad_arguments_rejected(kwargs, message):
    kwargs = {"name": "circle", **kwargs}
    with pytest.raises(ValueError, match=message) as info:
        generate(**kwargs)
    assert "\n" not in str(info.value)


def test_info_reports_classes():
    assert DATASETS["spiral"].classes() == 2
    assert DATASETS["spiral"].classes(arms=6) == 6
    assert DATASETS["gaussians"].classes(classes=4) == 4
    assert DATASETS["moons"].classes() == 2
    assert DATASETS["sine"].classes() == 1
