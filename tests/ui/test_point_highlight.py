"""The output view's highlight: rings around chosen points, cleared when the points change."""

from __future__ import annotations

import numpy as np
import pytest

from playground.session import Session
from playground.ui.models.data_editor import DataEditor
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import SessionModel
from playground.ui.views.heatmap_view import OutputView
from playground.ui.widgets.appearance import Appearance


@pytest.fixture
def output_view(qtbot):  # noqa: ANN001, ANN201
    from playground.ui.models.training_runner import TrainingRunner

    model = SessionModel(Session.default())
    data = DataEditor(model.session.points, lambda: model.session)
    runner = TrainingRunner(model.session, warm_up=False)
    view = OutputView(
        model=model,
        data=data,
        runner=runner,
        selection=Selection(lambda: model.session.network.layer_sizes),
        appearance=Appearance(),
    )
    qtbot.addWidget(view)
    yield view, data
    runner.shutdown()


def test_highlight_rings_exactly_the_chosen_points(qtbot, output_view) -> None:  # noqa: ANN001
    view, data = output_view
    chosen = np.array([3, 0, 17])
    with qtbot.waitSignal(view.highlight_changed) as blocker:
        view.highlight_points(chosen)
    np.testing.assert_array_equal(blocker.args[0], chosen)
    rings = np.column_stack(view.highlight.ring.getData())
    np.testing.assert_array_equal(rings, data.points.xy[chosen])
    view.highlight_points(None)
    assert len(view.highlight.ring.getData()[0]) == 0


def test_editing_the_points_clears_the_highlight(qtbot, output_view) -> None:  # noqa: ANN001
    view, data = output_view
    view.highlight_points([1, 2])
    data.clear_points()
    assert view.highlight.indices.size == 0
    assert len(view.highlight.ring.getData()[0]) == 0
