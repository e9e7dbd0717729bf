"""Points: coercion, validation and helpers."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.points import MAX_POINTS, Points


def make(n: int = 4, problem: str = "classification", classes: int = 2, **overrides) -> Points:
    """A small valid Points, with any field overridden."""
    fields = {
        "xy": np.arange(2 * n, dtype=np.float64).reshape(n, 2),
        "labels": np.arange(n) % max(classes, 2) if problem == "classification" else np.ones(n),
        "is_test": np.arange(n) % 2 == 1,
        "problem": problem,
        "classes": classes,
    }
    fields.update(overrides)
    return Points(**fields)


def test_coerces_to_read_only_float_and_bool_copies():
    xy = [[0, 1], [2, 3]]
    labels = np.array([0, 1], dtype=np.int32)
    is_test = np.array([0, 1])
    points = Points(xy, labels, is_test, "classification", np.int64(2))
    assert points.xy.dtype == np.float64 and points.xy.flags.c_contiguous
    assert points.labels.dtype == np.float64
    assert points.is_test.dtype == np.bool_
    assert type(points.classes) is int
    for array in (points.xy, points.labels, points.is_test):
        assert not array.flags.writeable
    labels[0] = 1  # the caller's array is copied, not shared
    assert points.labels[0] == 0
    with pytest.raises(ValueError):
        points.xy[0, 0] = 5.0


def test_is_frozen():
    points = make()
    with pytest.raises(AttributeError):
        points.problem = "regression"  # type: ignore[misc]


def test_n_len_repr():
    points = make(5)
    assert points.n == len(points) == 5
    assert repr(points) == "Points(n=5, test=2, problem='classification', classes=2)"


def test_train_and_test_split():
    points = make(4)
    train_xy, train_labels = points.train()
    test_xy, test_labels = points.test()
    np.testing.assert_array_equal(train_xy, [[0, 1], [4, 5]])
    np.testing.assert_array_equal(train_labels, [0, 0])
    np.testing.assert_array_equal(test_xy, [[2, 3], [6, 7]])
    np.testing.assert_array_equal(test_labels, [1, 1])


def test_with_points_keeps_problem_and_classes():
    points = make(4, classes=3)
    other = points.with_points([[1.0, 2.0]], [2])
    assert (other.problem, other.classes, other.n) == ("classification", 3, 1)
    assert not other.is_test.any()
    with pytest.raises(ValueError, match="not a class index 0..2"):
        points.with_points([[1.0, 2.0]], [3])


@pytest.mark.parametrize(
    ("problem", "classes", "expected"),
    [("classification", None, 2), ("classification", 5, 5), ("regression", None, 1)],
)
def test_empty(problem, classes, expected):
    points = Points.empty(problem, classes)
    assert points.n == 0 and points.xy.shape == (0, 2)
    assert (points.problem, points.classes) == (problem, expected)
    assert points.train()[0].shape == (0, 2)


def test_empty_lists_become_empty_arrays():
    points = Points([], [], [], "regression", 1)
    assert points.xy.shape == (0, 2) and points.labels.shape == (0,)


def test_regression_accepts_any_finite_target():
    points = make(3, "regression", 1, labels=[-7.5, 0.25, 1e6])
    assert points.labels.tolist() == [-7.5, 0.25, 1e6]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"problem": "ranking"}, "problem must be one of classification, regression"),
        ({"classes": 1}, r"classification needs 2..8 classes, got 1"),
        ({"classes": 9}, r"classification needs 2..8 classes, got 9"),
        ({"classes": 2.0}, "classes must be an integer"),
        ({"classes": True}, "classes must be an integer"),
        ({"xy": np.zeros((4, 3))}, r"xy must have shape \(n, 2\), got \(4, 3\)"),
        ({"xy": np.zeros(8)}, r"xy must have shape \(n, 2\), got \(8,\)"),
        ({"xy": np.array([["a", "b"]] * 4)}, "xy must be numeric"),
        ({"labels": np.zeros(3)}, r"labels must have shape \(4,\), got \(3,\)"),
        ({"is_test": np.zeros(5, dtype=bool)}, r"is_test must have shape \(4,\), got \(5,\)"),
        ({"is_test": np.array([0, 1, 2, 0])}, "is_test must be boolean"),
        ({"is_test": np.zeros(4)}, "is_test must be boolean"),
        ({"xy": np.full((4, 2), np.nan)}, "xy contains NaN or infinite values"),
        ({"labels": [0, 1, np.inf, 0]}, "labels contain NaN or infinite values"),
        ({"labels": [0, 1, 0.5, 0]}, "label 0.5 of point 2 is not a class index 0..1"),
        ({"labels": [0, 1, 2, 0]}, "label 2 of point 2 is not a class index 0..1"),
        ({"labels": [0, -1, 1, 0]}, "label -1 of point 1 is not a class index 0..1"),
    ],
)
def test_rejects_invalid(overrides, message):
    with pytest.raises(ValueError, match=message):
        make(4, **overrides)


def test_regression_needs_one_class():
    with pytest.raises(ValueError, match="regression must have classes=1, got 2"):
        make(3, "regression", 2)


def test_rejects_too_many_points():
    n = MAX_POINTS + 1
    with pytest.raises(ValueError, match=f"too many points: {n}"):
        Points(np.zeros((n, 2)), np.zeros(n), np.zeros(n, dtype=bool), "regression", 1)


def test_error_messages_are_one_line():
    with pytest.raises(ValueError) as info:
        make(4, labels=[0, 1, 5, 0])
    assert "\n" not in str(info.value)
