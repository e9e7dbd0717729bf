"""Figures for slides (1920×1080 PNGs of any view), the GIF recorder, and the packaging smoke
mode of app.run()."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from playground.ui import app as app_module
from playground.ui.classroom.figures import FIGURE_HEIGHT, FIGURE_WIDTH, FIGURES
from playground.ui.classroom.gif_recorder import GifRecorder

from .conftest import WAIT_MS


def _trained(qtbot, window, epochs: int = 20):  # noqa: ANN001, ANN202
    controller = window.controller
    controller.set_speed(200)
    controller.play()
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.epoch >= epochs, timeout=WAIT_MS
    )
    controller.pause()
    controller.set_speed(None)
    return controller


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_exports_as_a_1920_by_1080_png(qtbot, window, tmp_path, name) -> None:  # noqa: ANN001
    _trained(qtbot, window)
    path = tmp_path / f"{name}.png"

    assert window.files.export_figure_path(str(path), name)

    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (FIGURE_WIDTH, FIGURE_HEIGHT)
        pixels = np.asarray(image.convert("RGB"))
    colours = np.unique(pixels.reshape(-1, 3)[::97], axis=0)
    assert len(colours) > 20, "the figure is (nearly) empty"
    if name == "boundary":  # the heatmap's orange and blue are there, at full resolution
        assert ((pixels[..., 0] > 200) & (pixels[..., 2] < 150)).sum() > 10_000
        assert ((pixels[..., 2] > 150) & (pixels[..., 0] < 120)).sum() > 10_000


def test_the_loss_figure_draws_the_curve_even_when_another_tab_is_shown(
    qtbot, window, tmp_path
) -> None:  # noqa: ANN001
    _trained(qtbot, window)
    window.metrics.show_tab("Gradients")
    window.metrics.train_curve.setData([], [])  # as if the hidden tab had never been drawn
    window.files.export_figure_path(str(tmp_path / "loss.png"), "loss")
    x, _ = window.metrics.train_curve.getData()
    assert x is not None and len(x) > 3
    assert window.metrics.tabs.currentIndex() == 2  # the view did not change


def test_the_figure_menu_asks_for_a_file(qtbot, window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "slide"
    monkeypatch.setattr(
        "playground.ui.file_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    window.files.figure_actions["diagram"].trigger()
    with Image.open(tmp_path / "slide.png") as image:
        assert image.width == FIGURE_WIDTH


def test_a_right_click_on_the_curves_or_the_diagram_offers_their_export(qtbot, window) -> None:  # noqa: ANN001
    for target, key, name in (
        (window.metrics.loss_plot.viewport(), "curves", "loss"),
        (window.network_panel.diagram.viewport(), "diagram", "diagram"),
    ):
        point = QPoint(20, 20)
        QApplication.sendEvent(
            target,
            QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, target.mapToGlobal(point)),
        )
        menu = window.figure_menus[key]
        qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
        assert window.files.figure_actions[name] in menu.actions()
        menu.close()


def test_record_gif_collects_frames_while_training_and_writes_an_animation(
    qtbot, window, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    path = tmp_path / "boundary.gif"
    monkeypatch.setattr(
        "playground.ui.file_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    controller = window.controller
    action = window.commands["record_gif"]

    action.trigger()  # starts (asks for the file first)

    assert window.gif.recording and action.isChecked()
    assert window.gif.frame_count == 1  # the picture as it is now
    controller.set_speed(50)
    controller.play()
    qtbot.waitUntil(lambda: window.gif.frame_count >= 4, timeout=WAIT_MS)
    controller.pause()
    action.trigger()  # stops and writes

    assert not window.gif.recording and not action.isChecked()
    frames, durations = _gif_frames(path)
    assert len(frames) > 1
    assert frames[0].shape[:2] == (480, 480)
    # 10 frames a second: each frame shows for 100 ms, or a multiple where nothing moved
    assert durations and all(d > 0 and d % 100 == 0 for d in durations)
    assert not np.array_equal(frames[0], frames[-1])  # the boundary (and the epoch) moved
    for before, after in zip(frames, frames[1:], strict=False):
        assert not np.array_equal(before, after)  # no frame repeats the one before


def _gif_frames(path) -> tuple[list[np.ndarray], list[int]]:  # noqa: ANN001
    """The RGB pictures of a GIF and how long each shows (ms)."""
    frames, durations = [], []
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.is_animated
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB")))
            durations.append(gif.info["duration"])
    return frames, durations


def test_a_capture_like_the_one_before_lengthens_that_frame(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    recorder = GifRecorder(window.controller, lambda: window.output_view.plot, fps=10, size=96)
    path = tmp_path / "still.gif"
    recorder.start(path)  # the first picture
    recorder.capture(window.controller.session.epoch)  # the same picture again: training paused
    assert recorder.frame_count == 1
    recorder.capture(window.controller.session.epoch + 1)  # the epoch label changed
    assert recorder.frame_count == 2
    assert recorder.stop()
    frames, durations = _gif_frames(path)
    assert len(frames) == 2 and durations == [200, 100]


def test_the_recording_stops_by_itself_at_the_frame_cap(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    recorder = GifRecorder(
        window.controller, lambda: window.output_view.plot, max_frames=3, fps=1000, size=120
    )
    written = []
    recorder.written.connect(written.append)
    path = tmp_path / "capped.gif"
    recorder.start(path)
    window.controller.play()
    qtbot.waitUntil(lambda: bool(written), timeout=WAIT_MS)
    window.controller.pause()
    assert written == [str(path)] and not recorder.recording
    with Image.open(path) as gif:
        assert gif.n_frames == 3


def test_a_gif_that_cannot_be_written_says_why(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    recorder = GifRecorder(window.controller, lambda: window.output_view.plot, size=64)
    failures = []
    recorder.failed.connect(failures.append)
    recorder.start(tmp_path / "no-such-folder" / "x.gif")
    assert not recorder.stop()
    assert failures and "no-such-folder" in failures[0]


def test_smoke_test_mode_quits_by_itself(qtbot, qapp, dialogs, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv(app_module.SMOKE_TEST_VARIABLE, "1")
    scheduled = []
    real_single_shot = QTimer.singleShot

    def single_shot(ms: int, *args) -> None:  # noqa: ANN001, ANN002
        if args != (qapp.quit,):  # not the smoke test's quit: the window's own timers run
            real_single_shot(ms, *args)
            return
        # Record what run() schedules; end this run by closing the window instead, because
        # QApplication.quit() would also end the test session's application.
        scheduled.append((ms, *args))
        real_single_shot(50, QApplication.closeAllWindows)

    monkeypatch.setattr(app_module.QTimer, "singleShot", single_shot)
    windows = []
    original = app_module.MainWindow

    def remember(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        window = original(*args, **kwargs)
        windows.append(window)
        return window

    monkeypatch.setattr(app_module, "MainWindow", remember)
    startup_freezes: list[bool] = []
    monkeypatch.setattr(app_module, "freeze_startup_objects", lambda: startup_freezes.append(True))

    assert app_module.run() == 0

    assert scheduled == [(2000, qapp.quit)]
    assert windows and not windows[0].controller.worker.alive
    assert dialogs == []  # no restore question in smoke mode
    assert startup_freezes == []  # closed before the start-up freeze: no timer fires


def test_after_start_up_the_objects_alive_leave_the_collectors_walks() -> None:
    """app.run() calls it once the window has settled: a full collection then walks only the
    objects made since (the walk over all of them stalled the UI thread ~70-100 ms)."""
    try:
        app_module.freeze_startup_objects()
        assert gc.get_freeze_count() > 1000
        assert len(gc.get_objects()) < gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
