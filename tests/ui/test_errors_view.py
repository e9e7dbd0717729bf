"""'Where it is wrong', built from its models alone: confusion counts add up and a cell click
chooses exactly its points; a regression shows residuals = prediction − target."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.data.generators import generate
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session
from playground.ui.models.data_editor import DataEditor
from playground.ui.views.errors_view import ErrorsView
from playground.ui.widgets.appearance import Appearance

WAIT_MS = 30_000


def session_on(name: str, **options: object) -> Session:
    points = generate(name, n=150, noise=0.1, seed=2, test_ratio=0.3, **options)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(5, "tanh"),), points.problem, points.classes)
    return Session(points, network, TrainingSpec(OptimizerSpec("adam", 0.03), seed=1))


@pytest.fixture
def make_view(qtbot):  # noqa: ANN001, ANN201
    from playground.ui.models.training_runner import TrainingRunner

    made = []

    def make(session: Session) -> ErrorsView:
        runner = TrainingRunner(session, warm_up=False)
        data = DataEditor(session.points, lambda: session)
        view = ErrorsView(runner=runner, data=data, appearance=Appearance(), min_interval=0)
        qtbot.addWidget(view)
        view.resize(560, 420)
        view.show()
        qtbot.waitExposed(view)
        made.append((view, runner))
        view.runner = runner
        view.session = session
        return view

    yield make
    for view, runner in made:
        view.shutdown()
        runner.shutdown()
        assert not view.worker.alive


def _trained_predictions(view: ErrorsView) -> np.ndarray:
    """The classes the frame's weights predict for every point, through a fresh Trainer."""
    session = view.session.replace(weights=view.mistakes.frame.weights)
    return session.make_trainer().predict(session.points.xy)


def test_confusion_counts_add_up_and_follow_training(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(session_on("gaussians", classes=3, validation_ratio=0.2))
    view.runner.step_epoch()
    qtbot.waitUntil(
        lambda: (
            view.mistakes is not None
            and view.runner.frame.epoch == 1
            and view.mistakes.frame is view.runner.frame
        ),
        timeout=WAIT_MS,
    )
    points = view.session.points
    masks = {"train": points.is_train, "validation": points.is_validation, "test": points.is_test}
    assert all(mask.any() for mask in masks.values())
    total = 0
    predicted = _trained_predictions(view).argmax(axis=1)
    labels = points.labels.astype(int)
    for split, mask in masks.items():
        counts = view.tables[split].counts
        assert counts.shape == (3, 3) and view.tables[split].rowCount() == 3
        assert counts.sum() == np.count_nonzero(mask)  # each split's counts add up
        assert view.tables[split].isVisible()
        total += counts.sum()
        for true in range(3):
            for guess in range(3):
                expected = np.count_nonzero(mask & (labels == true) & (predicted == guess))
                assert counts[true, guess] == expected, (split, true, guess)
                assert view.tables[split].item(true, guess).text() == str(expected)
        right = f"{int(np.trace(counts))}/{int(counts.sum())}"
        assert right in view.matrices.buttons[split].text()
    assert total == points.n
    view.resize(200, 420)  # too narrow for three matrices: the chosen split's alone
    qtbot.waitUntil(lambda: not view.tables["test"].isVisible(), timeout=WAIT_MS)
    assert view.tables["train"].isVisible() and not view.tables["validation"].isVisible()
    view.choose_cell("test", 1, 1)  # a cell of another split brings its matrix
    assert view.tables["test"].isVisible() and not view.tables["train"].isVisible()
    assert view.matrices.buttons["test"].isChecked()


def test_without_validation_points_there_is_no_validation_matrix(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(session_on("xor"))
    qtbot.waitUntil(lambda: view.mistakes is not None, timeout=WAIT_MS)
    assert set(view.mistakes.counts) == {"train", "test"}
    assert not view.tables["validation"].isVisible() and view.tables["test"].isVisible()


def test_clicking_a_cell_chooses_exactly_its_points(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(session_on("xor"))
    qtbot.waitUntil(lambda: view.mistakes is not None, timeout=WAIT_MS)
    points = view.session.points
    predicted = (_trained_predictions(view)[:, 1] >= 0.5).astype(int)
    table = view.tables["test"]
    true, guess = 1, 0
    rect = table.visualItemRect(table.item(true, guess))
    with qtbot.waitSignal(view.points_chosen, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    expected = np.flatnonzero(points.is_test & (points.labels == true) & (predicted == guess))
    np.testing.assert_array_equal(blocker.args[0], expected)
    assert len(expected) == view.tables["test"].counts[true, guess]
    assert "Ringed" in view.caption.text()
    with qtbot.waitSignal(view.points_chosen) as blocker:  # the same cell again: none
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0].size == 0 and view.chosen is None


def test_a_regression_shows_residuals_prediction_minus_target(qtbot, make_view) -> None:  # noqa: ANN001
    view = make_view(session_on("sine"))
    qtbot.waitUntil(lambda: view.mistakes is not None, timeout=WAIT_MS)
    assert view.stack.currentWidget() is view.residuals
    points = view.session.points
    prediction = _trained_predictions(view)[:, 0]
    expected = prediction - points.labels
    np.testing.assert_allclose(view.mistakes.residual, expected, atol=1e-12)
    x, y = view.residuals.train.getData()
    np.testing.assert_allclose(y, expected[points.is_train], atol=1e-12)
    np.testing.assert_allclose(x, points.labels[points.is_train])
    low, high = np.quantile(expected, [0.8, 1.0])
    with qtbot.waitSignal(view.points_chosen) as blocker:
        view.residuals.choose(low, high)
    chosen = blocker.args[0]
    np.testing.assert_array_equal(chosen, np.flatnonzero((expected >= low) & (expected <= high)))


def test_in_the_window_a_cell_rings_exactly_its_points_on_the_output_view(
    qtbot,  # noqa: ANN001
    make_window,  # noqa: ANN001
) -> None:
    window = make_window(session_on("xor"))
    window.metrics.show_tab("Where wrong")
    view = window.errors_view
    qtbot.waitUntil(lambda: view.mistakes is not None, timeout=WAIT_MS)
    mistakes = view.mistakes
    true, guess = next(
        (t, g) for t in range(2) for g in range(2) if mistakes.counts["train"][t, g] > 0
    )
    table = view.tables["train"]
    rect = table.visualItemRect(table.item(true, guess))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    points = window.controller.data.points
    expected = np.flatnonzero(
        ~points.is_test & (points.labels == true) & (view.mistakes.prediction == guess)
    )
    assert len(expected) == view.mistakes.counts["train"][true, guess]
    np.testing.assert_array_equal(window.output_view.highlight.indices, expected)
    rings = np.column_stack(window.output_view.highlight.ring.getData())
    np.testing.assert_array_equal(rings, points.xy[expected])
    window.metrics.show_tab("Loss")  # leaving the tab takes the rings away
    assert window.output_view.highlight.indices.size == 0
