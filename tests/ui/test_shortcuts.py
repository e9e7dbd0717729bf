"""Keyboard: one registry makes every action; keys work from any widget except while typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from playground.data.generators import DATASETS
from playground.ui.classroom.shortcuts import SHORTCUTS, cheat_sheet_html, key_text
from playground.ui.controller import LEARNING_RATES

from .conftest import WAIT_MS


def activate(qtbot, window) -> None:  # noqa: ANN001
    """Make the window the active one (shortcuts only reach the active window)."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)


def focus(qtbot, widget) -> None:  # noqa: ANN001
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=WAIT_MS)


def press(qtbot, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A key press on whatever has the focus (as a user's keyboard does)."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, key, modifiers)


def test_every_registered_command_is_one_action_and_no_key_is_used_twice(window) -> None:  # noqa: ANN001
    assert set(window.commands) == set(SHORTCUTS)
    seen: dict[str, str] = {}
    for action in window.actions():
        name = action.data()
        for sequence in action.shortcuts():
            text = sequence.toString()
            assert text not in seen, f"{text} is used by {seen[text]} and {name}"
            seen[text] = name
        if name:
            keys = [QKeySequence(k).toString() for k in SHORTCUTS[name].keys]
            assert [s.toString() for s in action.shortcuts()] == keys
    for name, shortcut in SHORTCUTS.items():
        assert window.commands[name] in window.actions(), f"{name} is not on the window"
        assert shortcut.help, f"{name} has no help text"


def test_space_plays_and_pauses_whatever_widget_has_the_focus(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller
    widgets = [
        window.transport.reset_button,
        window.output_view.show_test_box,
        window.transport.optimizer_box,
        window.output_view.plot,
        window.network_panel.diagram,
        window.data_panel.gallery_buttons["xor"],
    ]
    for widget in widgets:
        focus(qtbot, widget)
        before = controller.playing
        press(qtbot, Qt.Key.Key_Space)
        assert controller.playing is not before, f"Space did nothing on {type(widget).__name__}"
        assert QApplication.focusWidget() is widget
    controller.pause()
    assert not window.transport.optimizer_box.view().isVisible()  # Space opened no list
    assert window.output_view.show_test_box.isChecked()  # and ticked no box


def test_space_types_in_text_fields_and_esc_hands_the_keys_back(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller
    window.left_tabs.setCurrentIndex(1)
    seed = window.training_settings.seed_edit
    focus(qtbot, seed)
    seed.selectAll()
    qtbot.keyClicks(seed, "4 2")
    assert seed.text() == "4 2"
    press(qtbot, Qt.Key.Key_R)
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_Right)
    assert seed.text() == "4 2r1"
    assert not controller.playing
    assert controller.recipe.name == "circle"  # "1" typed, no preset picked

    for field in (window.data_panel.classes_box, window.transport.learning_rate_box):
        window.left_tabs.setCurrentIndex(0)
        focus(qtbot, field)
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_Plus)
        assert not controller.playing, type(field).__name__
        assert controller.session.training.optimizer.lr == 0.03

    press(qtbot, Qt.Key.Key_Escape)  # leaves the field ...
    assert QApplication.focusWidget() is None
    press(qtbot, Qt.Key.Key_Space)  # ... and the keys are the playground's again
    assert controller.playing
    controller.pause()


def test_arrow_steps_an_epoch_and_shift_arrow_a_batch(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    focus(qtbot, window.output_view.plot)
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: controller.status.step == 1, timeout=WAIT_MS)
    assert controller.status.epoch == 0
    press(qtbot, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: controller.status.epoch == 1, timeout=WAIT_MS)
    assert not controller.playing


def test_r_resets_to_epoch_zero(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.status.epoch >= 5, timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_R)
    assert not controller.playing
    qtbot.waitUntil(
        lambda: controller.status.epoch == 0 and controller.status.step == 0, timeout=WAIT_MS
    )


def test_plus_and_minus_step_the_learning_rate_ladder(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller

    def lr() -> float:
        return controller.session.training.optimizer.lr

    assert lr() == 0.03
    press(qtbot, Qt.Key.Key_Plus)
    assert lr() == 0.1
    press(qtbot, Qt.Key.Key_Equal)  # + without Shift on most keyboards
    assert lr() == 0.3
    press(qtbot, Qt.Key.Key_Minus)
    press(qtbot, Qt.Key.Key_Minus)
    press(qtbot, Qt.Key.Key_Minus)
    assert lr() == 0.01
    assert window.transport.learning_rate_box.currentText() == "0.01"
    controller.set_learning_rate(0.05)  # between two rungs
    press(qtbot, Qt.Key.Key_Plus)
    assert lr() == 0.1
    controller.set_learning_rate(0.05)
    press(qtbot, Qt.Key.Key_Minus)
    assert lr() == 0.03
    controller.set_learning_rate(LEARNING_RATES[-1])
    assert not controller.step_learning_rate(+1)  # the top of the ladder
    controller.set_learning_rate(LEARNING_RATES[0])
    assert not controller.step_learning_rate(-1)
    assert lr() == LEARNING_RATES[0]


def test_number_keys_pick_the_presets_in_gallery_order(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    controller = window.controller
    names = list(DATASETS)
    for key, number in ((Qt.Key.Key_4, 4), (Qt.Key.Key_2, 2), (Qt.Key.Key_9, 9)):
        press(qtbot, key)
        assert controller.recipe.name == names[number - 1]
        assert window.data_panel.gallery_buttons[names[number - 1]].isChecked()
    assert controller.session.points.problem == DATASETS[names[8]].problem


def test_t_and_d_toggle_test_points_and_discretize(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    view = window.output_view
    shown = len(view.scatter.data)
    press(qtbot, Qt.Key.Key_T)
    assert not view.show_test_box.isChecked()
    assert len(view.scatter.data) == int((~window.controller.session.points.is_test).sum())
    assert len(view.scatter.data) < shown
    press(qtbot, Qt.Key.Key_D)
    assert view.discretize_box.isChecked() and window.commands["discretize"].isChecked()
    press(qtbot, Qt.Key.Key_T)
    assert view.show_test_box.isChecked()


def test_f1_shows_every_shortcut_from_the_registry(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_F1)
    sheet = window.cheat_sheet
    assert sheet is not None and sheet.isVisible()
    text = sheet.label.text()
    for shortcut in SHORTCUTS.values():
        for key in shortcut.keys:
            assert key_text(key).replace("&", "&amp;") in text, key
    assert text == cheat_sheet_html()
    assert "Space" in text and "Shift+→" in text and "Ctrl+Z" in text and "Esc" in text
    sheet.close()
    assert not sheet.isVisible()
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_Question)
    assert sheet.isVisible()
    sheet.close()


def test_l_pops_up_the_lessons_and_f5_and_esc_switch_presentation(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_L)
    qtbot.waitUntil(window.lessons_menu.isVisible, timeout=WAIT_MS)
    window.lessons_menu.close()
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_F5)
    assert window.presenting
    assert window.commands["leave"].isEnabled()
    press(qtbot, Qt.Key.Key_Escape)
    assert not window.presenting
    assert not window.commands["leave"].isEnabled()


def test_f11_fills_the_screen_and_esc_goes_back(qtbot, window) -> None:  # noqa: ANN001
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    assert window.commands["full_screen"].isChecked()
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=WAIT_MS)
    assert not window.commands["full_screen"].isChecked()
