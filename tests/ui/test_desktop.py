"""The window on a real desktop: no stray top-level windows (preview cards), a size that fits
the screen and is remembered, the keyboard working before the first click, and the class
markers of the picker and the plot agreeing. Written for Xvfb + a window manager; they also
pass on Qt's offscreen platform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from playground.session import Session, save_session
from playground.ui import window_geometry
from playground.ui.autosave import Autosaver
from playground.ui.main_window import MainWindow
from playground.ui.widgets import colors
from playground.ui.widgets.choice_preview import PreviewCombo
from playground.ui.window_geometry import (
    FRAME_ROOM,
    fit_rect,
    initial_geometry,
    initial_size,
    place_window,
)

from .conftest import WAIT_MS

LESSONS = Path(__file__).resolve().parents[2] / "resources" / "lessons"
SCREENS = [QSize(1024, 768), QSize(1280, 720)]


def visible_top_levels() -> list[QWidget]:
    QApplication.processEvents()
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def assert_only(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    qtbot.wait(50)  # let queued signals (highlighted, session_replaced) arrive
    others = [w for w in visible_top_levels() if w is not window]
    assert others == [], [f"{type(w).__name__} {w.objectName()!r}" for w in others]
    assert window.isVisible()


def preview_combos(window: MainWindow) -> list[PreviewCombo]:
    return window.findChildren(PreviewCombo)


# ----- no stray windows --------------------------------------------------------------------------


def test_the_main_window_is_the_only_visible_window_after_start_add_layer_lesson_restore(
    qtbot, make_window, dialogs, tmp_path
) -> None:  # noqa: ANN001
    window = make_window()
    assert len(preview_combos(window)) >= 4
    assert_only(window, qtbot)

    qtbot.mouseClick(window.network_panel.add_layer_button, Qt.MouseButton.LeftButton)
    assert_only(window, qtbot)
    window.controller.remove_layer()
    assert_only(window, qtbot)

    assert window.files.open_path(str(LESSONS / "07-vanishing-gradients.json"))
    assert_only(window, qtbot)
    assert window.open_lesson("11-softmax-spiral")
    assert window.notes_panel.isVisible()  # docked: part of the main window
    assert_only(window, qtbot)

    window.autosaver = Autosaver(window.controller, tmp_path / "autosave.json", seconds=3600)
    save_session(Session.default(), window.autosaver.path)
    dialogs.answer = dialogs.answer.Yes
    assert window.offer_restore()
    assert_only(window, qtbot)


def test_a_programmatic_choice_never_shows_a_preview(qtbot, window) -> None:  # noqa: ANN001
    for combo in preview_combos(window):
        combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
        combo.addItem("extra", combo.itemData(0))
        assert not combo.preview.isVisible()
    assert_only(window, qtbot)


# ----- the preview card follows the open list ----------------------------------------------------


def _open(qtbot, combo: PreviewCombo) -> QWidget:  # noqa: ANN001
    combo.showPopup()
    popup = combo.popup_window()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(combo.preview.isVisible, timeout=WAIT_MS)
    return popup


def _title(combo: PreviewCombo, row: int) -> str:
    preview = combo.preview_of(row)
    assert preview is not None
    return preview.title


def test_the_preview_follows_the_keyboard_and_the_mouse_and_closes_with_esc(qtbot, window) -> None:  # noqa: ANN001
    combo = window.transport.activation_box
    combo.setCurrentIndex(0)
    popup = _open(qtbot, combo)
    assert combo.preview.title.text() == _title(combo, 0)
    assert visible_top_levels() == [window, popup, combo.preview] or set(visible_top_levels()) == {
        window,
        popup,
        combo.preview,
    }

    view = combo.view()
    QTest.keyClick(view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: combo.preview.title.text() == _title(combo, 1), timeout=WAIT_MS)

    row = 3
    target = view.visualRect(view.model().index(row, 0)).center()
    QTest.mouseMove(view.viewport(), target)
    qtbot.waitUntil(lambda: combo.preview.title.text() == _title(combo, row), timeout=WAIT_MS)
    assert combo.preview.isVisible()

    QTest.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT_MS)
    assert not combo.preview.isVisible()
    assert combo.currentIndex() == 0  # Esc chose nothing
    assert_only(window, qtbot)


def test_a_click_outside_the_list_hides_the_preview(qtbot, window) -> None:  # noqa: ANN001
    combo = window.transport.optimizer_box
    popup = _open(qtbot, combo)
    # Through the window system, as a real click: Qt hands it to the open popup, which closes.
    outside = window.status_bar.mapTo(window, QPoint(10, 5))
    QTest.mouseClick(
        window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, outside
    )
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT_MS)
    assert not combo.preview.isVisible()
    assert_only(window, qtbot)


def test_the_preview_hides_however_the_list_goes_away(qtbot, window) -> None:  # noqa: ANN001
    combo = window.training_settings.init_box
    popup = _open(qtbot, combo)
    popup.hide()  # not through hidePopup()
    assert not combo.preview.isVisible()

    popup = _open(qtbot, combo)
    combo.hide()
    qtbot.waitUntil(lambda: not combo.preview.isVisible(), timeout=WAIT_MS)
    combo.show()
    assert_only(window, qtbot)


# ----- the keyboard works at once ----------------------------------------------------------------


def test_a_shortcut_works_right_after_show_without_a_click(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window()  # shown, never clicked, never activated by the test
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    assert not window.controller.playing
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None and target.window() is window
    QTest.keyClick(target, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.playing, timeout=WAIT_MS)
    window.controller.pause()


# ----- the window fits the screen ---------------------------------------------------------------


@pytest.mark.parametrize(
    "available",
    [
        QRect(0, 0, 1024, 768),
        QRect(0, 0, 1280, 720),
        QRect(0, 27, 1280, 693),  # a top panel
        QRect(1920, 0, 1366, 768),
        QRect(0, 0, 1920, 1080),
        QRect(0, 0, 2560, 1440),
    ],
)
def test_the_first_size_fits_the_available_screen(available: QRect) -> None:
    geometry = initial_geometry(available)
    assert available.contains(geometry.marginsAdded(FRAME_ROOM))
    assert geometry.size() == initial_size(available)
    assert geometry.width() <= 1440 and geometry.height() <= 900
    if available.width() >= 1440 + 16 and available.height() >= 900 + 48:
        assert geometry.size() == QSize(1440, 900)


def test_a_remembered_geometry_is_clamped_onto_a_smaller_screen(
    window, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat)
    window.setGeometry(300, 200, 1700, 1000)  # on yesterday's big screen
    window_geometry.save_window_geometry(window, settings)

    small = QRect(0, 0, 1024, 768)
    monkeypatch.setattr(window_geometry, "available_geometry", lambda widget=None: small)
    place_window(window, settings)
    assert small.contains(window.geometry().marginsAdded(FRAME_ROOM))
    assert not window.isFullScreen()
    assert fit_rect(QRect(-500, -500, 400, 300), small).topLeft() == QPoint(
        FRAME_ROOM.left(), FRAME_ROOM.top()
    )


def test_the_window_remembers_its_last_geometry(qtbot, make_window, tmp_path) -> None:  # noqa: ANN001
    window = make_window(width=1100, height=700)
    qtbot.waitUntil(lambda: window.size() == QSize(1100, 700), timeout=WAIT_MS)
    window.shutdown()  # a clean exit saves the geometry

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    again = MainWindow(settings=settings, autosave=False, warm_up=False)
    qtbot.addWidget(again)
    room = window_geometry.available_geometry(again).marginsRemoved(FRAME_ROOM).size()
    try:
        assert again.size() == QSize(1100, 700).boundedTo(room)  # offscreen: an 800×600 screen
    finally:
        again.shutdown()


def _fits(size: QSize, screen: QSize) -> bool:
    return (
        size.width() <= screen.width() - FRAME_ROOM.left() - FRAME_ROOM.right()
        and size.height() <= screen.height() - FRAME_ROOM.top() - FRAME_ROOM.bottom()
    )


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
def test_the_minimum_size_fits_small_screens_with_the_notes_open(
    qtbot, make_window, presenting: bool
) -> None:  # noqa: ANN001
    window = make_window(width=1000, height=700)
    assert window.open_lesson("07-vanishing-gradients")
    qtbot.waitUntil(window.notes_panel.isVisible, timeout=WAIT_MS)
    window.set_presentation(presenting)
    qtbot.wait(50)
    for screen in SCREENS:
        for size in (window.minimumSizeHint(), window.minimumSize()):
            assert _fits(size, screen), f"minimum {size.toTuple()} on {screen.toTuple()}"


def _inside(widget: QWidget, window: MainWindow) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return window.rect().contains(rect)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_the_window_fits_the_screen_in_both_modes_with_the_notes_open(
    qtbot, make_window, screen: QSize
) -> None:  # noqa: ANN001
    size = screen.shrunkBy(FRAME_ROOM)
    window = make_window(width=size.width(), height=size.height())
    # A move before the window manager has framed the window places the client, not the frame,
    # at (0, 0) (a race a busy machine loses): wait for the frame first.
    if QApplication.platformName() == "xcb":
        qtbot.waitUntil(lambda: window.frameGeometry() != window.geometry(), timeout=WAIT_MS)
    window.move(0, 0)
    area = QRect(QPoint(0, 0), screen)
    assert window.open_lesson("07-vanishing-gradients")
    qtbot.waitUntil(window.notes_panel.isVisible, timeout=WAIT_MS)
    for presenting in (False, True, False):
        if presenting != window.presenting:
            QTest.keyClick(window, Qt.Key.Key_F5)
        assert window.presenting == presenting
        qtbot.wait(100)
        assert window.size().width() <= size.width() and window.size().height() <= size.height()
        qtbot.waitUntil(lambda: area.contains(window.frameGeometry()), timeout=WAIT_MS)
        shown = [window.output_card, window.network_card, window.notes_panel, window.transport]
        shown += [] if presenting else [window.status_bar]
        for widget in shown:
            assert widget.isVisible() and _inside(widget, window), type(widget).__name__
        assert window.output_view.plot.width() >= 150 and window.output_view.plot.height() >= 150


# ----- class markers ----------------------------------------------------------------------------


def _mask(image: QImage, grid: int = 24) -> np.ndarray:
    """Where the image is filled (opaque, not the white outline), cropped to its bounding box
    and resampled to grid × grid."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = data.reshape(height, image.bytesPerLine() // 4, 4)[:height, :width].astype(int)
    alpha = (pixels[..., 3] > 128) & (pixels[..., :3].mean(axis=-1) < 220)
    rows, cols = np.nonzero(alpha)
    alpha = alpha[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    ys = (np.arange(grid) + 0.5) * alpha.shape[0] / grid
    xs = (np.arange(grid) + 0.5) * alpha.shape[1] / grid
    return alpha[ys.astype(int)][:, xs.astype(int)]


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def _plot_symbol(symbol: str, size: int) -> QImage:
    """The marker as the output view's scatter plot draws it (pyqtgraph's renderer)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(size / 2, size / 2)
    pg.graphicsItems.ScatterPlotItem.drawSymbol(
        painter, symbol, size * 0.7, pg.mkPen(None), pg.mkBrush(QColor("black"))
    )
    painter.end()
    return image


def test_the_class_picker_and_the_plot_draw_the_same_marker_shapes(window) -> None:  # noqa: ANN001
    buttons = window.data_panel.class_buttons
    assert len(buttons) == len(colors.CLASS_MARKERS)
    for label, button in enumerate(buttons):
        symbol = colors.CLASS_MARKERS[label]
        picker = _mask(button.icon().pixmap(96, 96).toImage())
        plot = _mask(_plot_symbol(symbol, 96))
        upside_down = plot[::-1]
        assert _overlap(picker, plot) > 0.75, f"class {label} ({symbol})"  # white outline
        if _overlap(plot, upside_down) < 0.85:  # an asymmetric shape: the orientation counts
            assert _overlap(picker, plot) > _overlap(picker, upside_down) + 0.1, symbol


def test_triangles_point_up_for_class_2_in_picker_and_plot(window) -> None:  # noqa: ANN001
    symbol = colors.CLASS_MARKERS[2]
    for image in (
        window.data_panel.class_buttons[2].icon().pixmap(96, 96).toImage(),
        _plot_symbol(symbol, 96),
    ):
        mask = _mask(image)
        top, bottom = mask[: len(mask) // 2].sum(), mask[len(mask) // 2 :].sum()
        assert top < bottom  # the apex at the top: more area in the lower half
