"""The real window, driven like a user: draw, undo, train, change settings, open files, close."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from playground.data.generators import generate
from playground.data.points import MAX_POINTS
from playground.io.csv import format_csv
from playground.session import Session, load_session
from playground.worker import Frame

from .conftest import WAIT_MS
from .test_files import answer_dialog


def _xor_session() -> Session:
    return Session.default().with_points(generate("xor", n=200, noise=0.0, seed=0, test_ratio=0.3))


def _click_plot(qtbot, window, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:  # noqa: ANN001
    view = window.output_view
    pos = view.data_to_viewport(x, y)
    qtbot.mouseClick(view.plot.viewport(), button, pos=QPoint(round(pos.x()), round(pos.y())))


def _wait_epoch(qtbot, window, epochs: int) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.controller.status.epoch >= epochs, timeout=WAIT_MS)


def test_click_adds_a_point_of_the_chosen_class_and_undo_removes_it(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    qtbot.mouseClick(window.data_panel.class_buttons[1], Qt.MouseButton.LeftButton)
    assert controller.draw.label == 1
    before = controller.session.points.n

    _click_plot(qtbot, window, 2.5, -1.5)

    qtbot.waitUntil(lambda: controller.session.points.n == before + 1, timeout=WAIT_MS)
    points = controller.session.points
    pixel = window.output_view.view_box.pixel()
    assert np.allclose(points.xy[-1], [2.5, -1.5], atol=2 * pixel)
    assert points.labels[-1] == 1
    assert not points.is_test[-1]

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert controller.session.points.n == before
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert controller.session.points.n == before + 1


def test_right_click_removes_the_nearest_point(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.clear_points()
    controller.editor.add(1.0, 1.0, 0)
    controller.editor.add(-3.0, 2.0, 1)

    _click_plot(qtbot, window, 1.02, 0.98, Qt.MouseButton.RightButton)

    qtbot.waitUntil(lambda: controller.session.points.n == 1, timeout=WAIT_MS)
    assert np.allclose(controller.session.points.xy[0], [-3.0, 2.0])


def test_drag_sprays_points_in_one_undo_step(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.clear_points()
    drawing = window.output_view._drawing
    pixel = window.output_view.view_box.pixel()
    drawing.drag_start(0.0, 0.0, False, pixel)
    for step in range(1, 20):
        drawing.drag_move(step * 0.2, 0.0, pixel)
    drawing.drag_end()
    sprayed = controller.session.points.n
    assert sprayed > 10
    assert np.all(np.abs(controller.session.points.xy[:, 1]) < 1.0)
    controller.undo()
    assert controller.session.points.n == 0


def test_play_trains_and_the_loss_on_xor_falls(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window(_xor_session())
    controller = window.controller
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    first_loss = controller.frame.snapshot.train_loss
    assert controller.frame.epoch == 0

    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)

    assert controller.playing
    qtbot.waitUntil(
        lambda: (
            controller.frame is not None
            and controller.frame.epoch >= 100
            and controller.frame.snapshot.train_loss < 0.5 * first_loss
        ),
        timeout=WAIT_MS,
    )
    assert _shown_state(window) == "Training"
    curve = window.metrics.train_curve
    qtbot.waitUntil(
        lambda: curve.getData()[0] is not None and len(curve.getData()[0]) > 10, timeout=WAIT_MS
    )
    x, y = curve.getData()
    assert x[-1] > x[0] and y[-1] < y[0]  # the curve shows the loss falling


def test_changing_the_learning_rate_while_training_keeps_the_epoch(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.play()
    _wait_epoch(qtbot, window, 30)
    epoch_before = controller.status.epoch

    box = window.transport.learning_rate_box
    index = box.findData(0.1)
    box.setCurrentIndex(index)
    box.activated.emit(index)

    assert controller.session.training.optimizer.lr == 0.1
    qtbot.waitUntil(
        lambda: (
            controller.frame is not None
            and controller.frame.snapshot.learning_rate == pytest.approx(0.1)
        ),
        timeout=WAIT_MS,
    )
    assert controller.frame.epoch >= epoch_before  # no reset
    assert controller.playing


def test_adding_a_layer_resets_to_epoch_zero(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.play()
    _wait_epoch(qtbot, window, 30)

    qtbot.mouseClick(window.network_panel.add_layer_button, Qt.MouseButton.LeftButton)

    assert len(controller.session.network.layers) == 3
    qtbot.waitUntil(
        lambda: controller.frame is not None and len(controller.frame.network.layers) == 3,
        timeout=WAIT_MS,
    )
    assert controller.frame.epoch == 0
    assert controller.status.epoch == 0
    assert not controller.playing
    assert len(window.network_panel.cards) == 3
    assert window.transport.epoch_label.text() == "000,000"


def test_opening_a_broken_file_shows_a_dialog_and_keeps_the_session(
    qtbot, window, dialogs, tmp_path
) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "nn-playground/session", "version": 1, "data": [', "utf-8")
    session = window.controller.session

    assert not window.files.open_path(str(broken))

    assert dialogs.kinds() == ["critical"]
    assert "broken.json" in dialogs[0][2]
    assert window.controller.session is session
    assert window.controller.path is None


def test_save_and_open_round_trip_keeps_weights(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    controller = window.controller
    controller.step_epoch()
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.epoch == 1, timeout=WAIT_MS
    )
    path = tmp_path / "saved.json"
    assert window.files.save_path(str(path))
    assert not controller.dirty
    saved = load_session(path)
    assert saved.epoch == 1
    np.testing.assert_array_equal(saved.weights[0].W, controller.frame.weights[0].W)

    controller.add_layer()
    assert controller.dirty
    assert window.files.open_path(str(path))
    assert len(controller.session.network.layers) == 2
    assert controller.path == str(path)
    assert window.files.recent_files()[0] == str(path)


def test_divergence_pauses_with_a_message_suggesting_a_lower_rate(qtbot, make_window) -> None:  # noqa: ANN001
    session = Session.default().with_points(generate("plane", n=200, seed=0))
    window = make_window(session)
    controller = window.controller
    controller.set_all_activations("relu")
    controller.set_learning_rate(10.0)
    controller.play()

    qtbot.waitUntil(lambda: controller.status.state == "diverged", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not controller.playing, timeout=WAIT_MS)
    assert "lower learning rate" in window.banner.text
    assert _shown_state(window) == "Diverged"
    window.banner.hide()
    controller.play()  # refused: the play button goes back and the message comes back
    qtbot.waitUntil(lambda: not controller.playing, timeout=WAIT_MS)
    assert "lower learning rate" in window.banner.text


def test_edits_apply_while_training(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.play()
    _wait_epoch(qtbot, window, 10)
    controller.clear_points()
    qtbot.waitUntil(lambda: controller.status.state == "blocked", timeout=WAIT_MS)
    assert "no training points" in window.banner.text
    controller.undo()
    controller.play()
    qtbot.waitUntil(lambda: controller.status.state == "running", timeout=WAIT_MS)


def test_closing_while_training_leaves_no_thread_running(qtbot, make_window, dialogs) -> None:  # noqa: ANN001
    window = make_window()
    window.controller.play()
    _wait_epoch(qtbot, window, 5)
    assert any(t.name == "training-worker" for t in threading.enumerate())

    assert window.close()

    assert dialogs.kinds() == ["question"]  # unsaved changes: the user discards them
    assert not any(t.name == "training-worker" for t in threading.enumerate())


def test_a_frame_updates_every_neuron_thumbnail(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    frames: list[Frame] = []
    controller.runner.frame_ready.connect(frames.append)
    controller.step_batch()
    qtbot.waitUntil(lambda: bool(frames), timeout=WAIT_MS)
    diagram = window.network_panel.diagram
    for column in diagram.columns:
        assert all(item._image is not None for item in column)
    assert len(diagram.links.weights) == 2 * 4 + 4 * 2 + 2 * 1


def test_one_point_limit_and_the_banner_clears_after_an_erase(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    full = generate("circle", n=MAX_POINTS, seed=0, test_ratio=0.3)
    text = format_csv(full)
    too_many = tmp_path / "too_many.csv"
    too_many.write_text(text + "0.5,0.5,1,train\n", "utf-8")
    fits = tmp_path / "fits.csv"
    fits.write_text(text, "utf-8")
    controller = window.controller
    limit = f"too many points: {MAX_POINTS + 1} (the limit is {MAX_POINTS})"

    errors = []
    window.files.show_error = lambda title, message: errors.append(message)
    assert not window.files.import_csv_path(str(too_many))
    assert errors[0].endswith(limit)
    answer_dialog("Classification (2 classes)")
    assert window.files.import_csv_path(str(fits))
    assert controller.session.points.n == MAX_POINTS

    _click_plot(qtbot, window, 0.3, 0.3)  # one more point: refused with the same words
    qtbot.waitUntil(lambda: window.banner.text != "", timeout=WAIT_MS)
    assert window.banner.text == limit
    assert controller.session.points.n == MAX_POINTS

    x, y = controller.session.points.xy[0]
    _click_plot(qtbot, window, x, y, Qt.MouseButton.RightButton)  # a successful erase
    qtbot.waitUntil(lambda: controller.session.points.n == MAX_POINTS - 1, timeout=WAIT_MS)
    assert window.banner.text == ""


def _shown_state(window) -> str:  # noqa: ANN001
    """The state word of the status bar (after the coloured dot, before an engine note)."""
    text = window.status_bar.state_label.text().split("</span>")[-1]
    return text.split(" · ")[0].strip()
