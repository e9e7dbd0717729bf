"""The loss-landscape tab: live while training, a click moves the weights, re-centre, the line
from the run's start to now, data edits and resets, and its thread stopped."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from playground.engine.landscape import project, random_plane
from playground.landscape_worker import LandscapeRequest, LandscapeWorker
from playground.session import Session
from playground.ui.models.landscape_model import RESOLUTION, SEED, LandscapeModel

from .conftest import WAIT_MS
from .window_checks import assert_big_stays_the_users


def _landscape(qtbot, window, directions: str = "random"):  # noqa: ANN001, ANN202
    """The window's landscape tab in front, with its first result drawn."""
    controller = window.controller
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    window.metrics.show_tab("Landscape")
    view = window.landscape_view
    view.set_directions(directions)
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    return view


def _paused_frame(qtbot, controller):  # noqa: ANN001, ANN202
    """The frame once every command sent has been applied and training has stopped."""
    marker = controller.worker.sent
    qtbot.waitUntil(
        lambda: controller.status.applied >= marker and controller.status.state == "paused",
        timeout=WAIT_MS,
    )
    step = controller.status.step
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.snapshot.step == step,
        timeout=WAIT_MS,
    )
    return controller.frame


def _result_after(qtbot, view, frame):  # noqa: ANN001, ANN202
    """The first result computed for the parameters of `frame`."""
    qtbot.waitUntil(
        lambda: (
            view.result is not None and np.array_equal(view.result.request.line_end, frame.params)
        ),
        timeout=WAIT_MS,
    )
    return view.result


def test_the_view_updates_while_training(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window, "pca")
    first = view.result
    assert view.isVisible()
    controller.play()
    qtbot.waitUntil(lambda: len(view.model.path) >= 5, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: view.result is not first and view.result.new_surface and len(view.figure.path) >= 5,
        timeout=WAIT_MS,
    )
    result = view.result
    assert result.loss.shape == (RESOLUTION, RESOLUTION)
    assert np.isfinite(result.loss).all()
    assert result.plane is not first.plane  # the PCA plane follows the path
    shown = view.figure.plane.image.image
    np.testing.assert_allclose(10.0 ** shown.astype(float), result.loss, rtol=1e-5)
    np.testing.assert_array_equal(view.figure.path, project(result.plane, view.model.path_array()))
    assert view.worker.surfaces >= 2


def test_a_click_moves_the_weights_there_and_training_goes_on(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    controller.step_epoch()
    frame = _paused_frame(qtbot, controller)
    result = _result_after(qtbot, view, frame)
    plot = view.figure.plane
    target = (0.4, -0.3)
    scene = plot.getPlotItem().vb.mapViewToScene(QPointF(*target))
    pos = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))

    move = view.last_move
    assert move is not None
    assert move.alpha == pytest.approx(target[0], abs=0.05)
    assert move.beta == pytest.approx(target[1], abs=0.05)
    plane = result.plane
    expected = plane.centre + move.alpha * plane.d1 + move.beta * plane.d2
    qtbot.waitUntil(lambda: np.array_equal(controller.frame.params, expected), timeout=WAIT_MS)
    moved = controller.frame
    assert moved.run == frame.run and moved.epoch == frame.epoch
    qtbot.waitUntil(lambda: np.array_equal(view.model.path[-1], expected), timeout=WAIT_MS)
    controller.step_epoch()  # training goes on from the new weights
    qtbot.waitUntil(lambda: controller.frame.epoch == frame.epoch + 1, timeout=WAIT_MS)
    assert not np.array_equal(controller.frame.params, expected)


def test_recentre_puts_the_plane_through_the_current_weights(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    start = view.result.plane.centre.copy()
    for _ in range(2):
        controller.step_epoch()
        frame = _paused_frame(qtbot, controller)
    assert np.array_equal(_result_after(qtbot, view, frame).plane.centre, start)

    view.recentre_button.click()
    qtbot.waitUntil(lambda: np.array_equal(view.result.plane.centre, frame.params), timeout=WAIT_MS)
    plane = view.result.plane
    expected = random_plane(frame.loss_inputs.layout, frame.params, SEED)
    np.testing.assert_array_equal(plane.d1, expected.d1)
    np.testing.assert_array_equal(plane.d2, expected.d2)
    np.testing.assert_allclose(view.figure.path[-1], [0.0, 0.0], atol=1e-9)
    np.testing.assert_array_equal(view.figure.path, project(plane, view.model.path_array()))
    assert view.result.new_surface


def test_the_line_runs_from_the_start_loss_to_the_current_loss(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    start_frame = controller.frame
    assert start_frame.snapshot.step == 0
    for _ in range(3):
        controller.step_epoch()
        frame = _paused_frame(qtbot, controller)
    result = _result_after(qtbot, view, frame)
    assert np.array_equal(result.request.line_start, start_frame.params)
    assert result.line_loss[0] == pytest.approx(start_frame.snapshot.train_loss, rel=1e-12)
    assert result.line_loss[-1] == pytest.approx(frame.snapshot.train_loss, rel=1e-9)
    assert result.line_loss[0] != pytest.approx(result.line_loss[-1], rel=1e-6)


def test_reset_and_a_new_network_draw_a_new_plane(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    controller.step_epoch()
    frame = _paused_frame(qtbot, controller)
    old_run = frame.run
    controller.add_layer()
    qtbot.waitUntil(
        lambda: view.result is not None and view.result.request.run != old_run, timeout=WAIT_MS
    )
    new = controller.frame
    assert view.result.plane.centre.shape == new.params.shape != frame.params.shape
    np.testing.assert_array_equal(view.result.plane.centre, new.start_params)
    assert len(view.model.path) >= 1


def test_edited_data_recomputes_the_surface(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    before = view.result
    surfaces = view.worker.surfaces
    controller.regenerate()
    qtbot.waitUntil(lambda: view.result is not before and view.result.new_surface, timeout=WAIT_MS)
    assert view.worker.surfaces > surfaces
    assert view.result.request.inputs.X is not before.request.inputs.X
    assert view.result.plane is before.plane  # the same plane, a new surface over it


def test_nothing_is_computed_while_the_view_is_hidden(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    view = _landscape(qtbot, window)
    window.metrics.show_tab("Loss")
    assert not view.isVisible()
    qtbot.waitUntil(lambda: view.worker.idle, timeout=WAIT_MS)
    computed = view.worker.computed
    controller.step_epoch()
    frame = _paused_frame(qtbot, controller)
    qtbot.waitUntil(lambda: np.array_equal(view.model.current, frame.params), timeout=WAIT_MS)
    assert view.worker.computed == computed  # the path follows, the worker waits
    window.metrics.show_tab("Landscape")
    _result_after(qtbot, view, frame)


def test_the_landscape_thread_stops_with_the_window(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window()
    view = _landscape(qtbot, window)
    assert view.worker.alive
    window.shutdown()
    assert not view.worker.alive


def test_the_worker_keeps_only_the_newest_request_and_reuses_the_surface() -> None:
    session = Session.default()
    trainer = session.make_trainer()
    inputs = trainer.loss_inputs()
    start = trainer.parameters()
    trainer.run_epochs(2)
    now = trainer.parameters()
    plane = random_plane(inputs.layout, start, SEED)
    ts = np.linspace(0, 1, 5)

    def request(end: np.ndarray) -> LandscapeRequest:
        return LandscapeRequest(0, inputs, plane, start, end, ts, resolution=7)

    worker = LandscapeWorker(min_interval=0.0)
    worker.start()
    try:
        worker.submit(request(now))
        deadline = time.monotonic() + 60
        while worker.latest() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        first = worker.take()
        assert first is not None and first.new_surface and worker.take() is None
        worker.submit(request(start))
        while worker.computed < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        second = worker.take()
        assert not second.new_surface and second.loss is first.loss
        assert second.line_loss[-1] == pytest.approx(second.line_loss[0])
    finally:
        worker.stop()
    assert not worker.alive
    data = session.training_data()
    loss, _ = session.make_trainer().evaluate(data.train_xy, data.train_labels)
    assert first.line_loss[0] == pytest.approx(loss, rel=1e-12)
    centre_loss = first.loss[3, 3]  # alphas = betas = linspace(-1, 1, 7): (0, 0) in the middle
    assert centre_loss == pytest.approx(loss, rel=1e-12)


def test_the_model_thins_a_long_path_and_keeps_its_ends() -> None:
    model = LandscapeModel()
    session = Session.default()
    trainer = session.make_trainer()

    class FakeFrame:
        run = 1
        kernels = None
        masks = None

        def __init__(self, params: np.ndarray) -> None:
            self.params = params
            self.start_params = first
            self.loss_inputs = trainer.loss_inputs()

    first = trainer.parameters()
    for k in range(600):
        model.add_frame(FakeFrame(first + k))
    assert len(model.path) <= 256
    assert np.array_equal(model.path[0], first)
    assert np.array_equal(model.path[-1], first + 599)


def test_the_command_line_picture_is_the_views_figure(qtbot, tmp_path) -> None:  # noqa: ANN001
    from PIL import Image

    from playground.engine.landscape import landscape_of
    from playground.launcher import QtApp
    from playground.ui.views.landscape_view import PICTURE_SIZE

    result = landscape_of(Session.default().make_trainer(), epochs=5, resolution=9)
    out = tmp_path / "landscape.png"
    QtApp().landscape_picture(result, str(out))
    with Image.open(out) as image:
        assert image.size == PICTURE_SIZE
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3)[::7], axis=0)) > 50  # a drawn surface, not blank
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


@pytest.mark.parametrize(
    ("size", "big"), [((1280, 720), True), ((1024, 768), True), ((1280, 1000), False)]
)
def test_the_tab_opens_big_where_the_panel_under_the_output_view_is_short(
    qtbot, make_window, size, big
) -> None:  # noqa: ANN001
    """At 1280×720, the window as it opens, the panel under the output view left the plane a
    strip of ~35 px: the tab opens big (in the output view's place), as the hidden space's
    does (the same OpensBig); a tall window keeps both. Big stays the user's to uncheck."""
    window = make_window(None, *size)
    view, output = _landscape(qtbot, window), window.output_view
    qtbot.wait(100)  # laid out
    assert view.figure.plane.getPlotItem().vb.sceneBoundingRect().height() >= 110  # readable
    assert view.big_button.isChecked() == big
    assert output.isVisible() == (not big)
    if not big:
        return
    assert_big_stays_the_users(qtbot, window, view, "Landscape")


def test_from_the_big_landscape_to_the_hidden_space_the_plot_stays_big(qtbot, make_window) -> None:  # noqa: ANN001
    """At 1280×720 the landscape opens big; choosing the Hidden space tab (or a lesson that
    names it) shows that one big too, and the window keeps its size when the output view
    comes back (the big landscape's line plot held the curves' panel taller: the window grew
    to 758 px and the hidden space opened small)."""
    window = make_window(None, 1280, 720)
    view, output, hidden = _landscape(qtbot, window), window.output_view, window.hidden_view
    qtbot.wait(100)  # laid out
    assert view.big_button.isChecked() and not output.isVisible()
    window.metrics.show_tab("Hidden space")
    qtbot.wait(100)
    assert hidden.big_button.isChecked() and not view.big_button.isChecked()
    assert not output.isVisible()
    window.metrics.show_tab("Landscape")  # and back
    qtbot.wait(100)
    assert view.big_button.isChecked() and not hidden.big_button.isChecked()
    assert not output.isVisible()
    window.metrics.show_tab("Loss")  # a curve: the output view comes back
    assert output.isVisible()
    qtbot.wait(100)
    assert window.height() <= 720  # and the window still fits the screen
