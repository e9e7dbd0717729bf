"""Where a network is wrong: confusion counts add up and name their points; residuals."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import kernels as K
from playground.engine.confusion import (
    cell_points,
    confusion_matrix,
    predicted_classes,
    residual_points,
    residuals,
)


def test_confusion_counts_add_up_and_each_cell_names_its_points() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 300)
    logits = rng.normal(size=(300, 4))
    logits[np.arange(300), labels] += 1.0  # mostly right
    predicted = predicted_classes(logits, K.OUT_SOFTMAX)
    counts = confusion_matrix(labels, predicted, 4)
    assert counts.sum() == 300
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(labels, minlength=4))
    seen = np.zeros(300, int)
    for true in range(4):
        for guess in range(4):
            members = cell_points(labels, predicted, true, guess)
            assert len(members) == counts[true, guess]
            assert np.all(labels[members] == true) and np.all(predicted[members] == guess)
            seen[members] += 1
    assert np.all(seen == 1)  # the cells split the points
    assert np.trace(counts) == np.count_nonzero(predicted == labels)


def test_binary_predictions_follow_the_half_probability() -> None:
    p = np.array([[0.2], [0.5], [0.9], [0.49]])
    np.testing.assert_array_equal(predicted_classes(p, K.OUT_SIGMOID), [0, 1, 1, 0])
    predicted = predicted_classes(p, K.OUT_SIGMOID)
    assert confusion_matrix([0, 1, 1, 1], predicted, 2).tolist() == [[1, 0], [1, 2]]
    with pytest.raises(ValueError, match="regression"):
        predicted_classes(p, K.OUT_LINEAR)


def test_residuals_are_prediction_minus_target() -> None:
    r = residuals(np.array([[1.5], [0.0], [-2.0]]), np.array([1.0, 1.0, -2.5]))
    np.testing.assert_array_equal(r, [0.5, -1.0, 0.5])
    np.testing.assert_array_equal(residual_points(r, 0.6, 0.0), [0, 2])
