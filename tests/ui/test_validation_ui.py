"""The validation split in the window: the data panel's slider makes one, the loss and accuracy
plots draw its dotted curve, and test plus validation cannot pass 90 %."""

from __future__ import annotations

import numpy as np

from playground.ui.views.plots import MetricsHistory, TrainTestCurves
from playground.worker import Record


def test_the_validation_slider_holds_out_points_and_refuses_too_much(window) -> None:  # noqa: ANN001
    form = window.data_panel.recipe_form
    form.validation_slider.committed.emit(2)
    points = window.controller.session.points
    assert points.n_validation == round(0.2 * points.n)
    assert not np.any(points.is_test & points.is_validation)
    form.test_slider.committed.emit(8)  # 80 % + 20 % > 90 %: refused, the slider goes back
    assert window.controller.session.points.n_validation == round(0.2 * points.n)
    assert form.test_slider.slider.value() == round(10 * points.is_test.mean())


def test_the_loss_plot_draws_a_validation_curve(window) -> None:  # noqa: ANN001
    window.data_panel.recipe_form.validation_slider.committed.emit(2)
    trainer = window.controller.session.make_trainer()
    history = MetricsHistory()
    for epoch in range(1, 4):
        trainer.run_epochs(1)
        history.add([Record(0, float(epoch), trainer.snapshot())])
    curves = TrainTestCurves(1, 2, 5)
    curves.draw(history)
    x, y = curves.validation_curve.getData()
    assert len(x) == 3 and np.all(np.isfinite(y))
