"""The Lessons menu: every lesson opens from it with its notes beside the playground."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from playground.lessons import LESSONS, chapters


def _lesson_actions(window):  # noqa: ANN001, ANN202
    """Every lesson's action, from the chapters' submenus, in menu order."""
    return {
        a.objectName().removeprefix("lesson_"): a
        for chapter in window.lessons_menu.actions()
        if chapter.menu() is not None
        for a in chapter.menu().actions()
        if a.objectName().startswith("lesson_")
    }


def _first_words(markdown: str, characters: int = 40) -> str:
    """The start of the notes as plain text (Markdown marks and line breaks dropped)."""
    first_paragraph = markdown.strip().split("\n\n")[0]
    return " ".join(re.sub(r"[*_`#]", "", first_paragraph).split())[:characters]


def test_the_menu_lists_the_lessons_in_course_order(window) -> None:  # noqa: ANN001
    actions = _lesson_actions(window)
    assert list(actions) == [lesson.id for lesson in LESSONS]
    assert [a.text() for a in actions.values()] == [lesson.title for lesson in LESSONS]
    assert len(LESSONS) >= 24
    titles = [a.text() for a in window.lessons_menu.actions() if a.menu() is not None]
    assert titles == list(chapters()) and len(titles) >= 6  # grouped by course chapter
    assert not window.notes_panel.isVisible()  # the default session has no notes


def test_every_lesson_opens_from_the_menu_with_its_notes(qtbot, window, dialogs) -> None:  # noqa: ANN001
    controller = window.controller
    for lesson in LESSONS:
        expected = lesson.load()
        _lesson_actions(window)[lesson.id].trigger()

        session = controller.session
        assert session.notes is not None and session.notes.title == lesson.title, lesson.id
        assert session.network == expected.network and session.training == expected.training
        assert session.points.n == expected.points.n
        assert window.notes_panel.isVisible(), lesson.id
        assert window.commands["notes"].isChecked()
        assert window.notes_panel.title == lesson.title
        shown = " ".join(window.notes_panel.browser.toPlainText().split())
        assert _first_words(expected.notes.text) in shown, lesson.id
        assert lesson.title in window.windowTitle()
        assert controller.path is None  # Save asks for a new file: the lesson stays intact
    assert dialogs == []  # nothing was changed, so nothing was asked


def test_the_notes_panel_closes_and_leaves_with_a_session_without_notes(window) -> None:  # noqa: ANN001
    window.open_lesson(LESSONS[0].id)
    assert window.notes_panel.isVisible()
    window.commands["notes"].trigger()
    assert not window.notes_panel.isVisible()
    window.commands["notes"].trigger()
    assert window.notes_panel.isVisible()
    window.notes_panel.close()  # its own close button
    assert not window.commands["notes"].isChecked()
    window.open_lesson(LESSONS[1].id)
    assert window.notes_panel.isVisible()  # a new lesson shows its notes again
    window.controller.new_session()
    assert not window.notes_panel.isVisible()
    assert window.notes_panel.markdown == ""


def test_opening_a_lesson_asks_about_unsaved_changes(qtbot, window, dialogs) -> None:  # noqa: ANN001
    controller = window.controller
    controller.add_layer()
    assert controller.dirty
    dialogs.answer = QMessageBox.StandardButton.Cancel
    before = controller.session

    assert not window.open_lesson(LESSONS[2].id)

    assert dialogs.kinds() == ["question"]
    assert controller.session is before
    dialogs.answer = QMessageBox.StandardButton.Discard
    assert window.open_lesson(LESSONS[2].id)
    assert controller.session.notes.title == LESSONS[2].title


def test_a_lesson_plays_at_its_pace_and_pauses_where_its_text_says(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    window.open_lesson("01-perceptron-xor")  # "let it run for 200 epochs", 30 epochs/s
    assert controller.speed == 30
    assert window.transport.speed_label.text() == "30 epochs/s"
    controller.set_speed(None)  # the test need not wait 7 s; the pause stays
    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not controller.playing, timeout=30_000)
    assert controller.status.epoch == 200 and controller.status.state == "paused"
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.epoch == 200)
    assert "Paused at epoch 200" in window.banner.text
    qtbot.mouseClick(window.transport.play_button, Qt.MouseButton.LeftButton)  # go on
    assert window.banner.text == ""
    qtbot.waitUntil(lambda: controller.status.epoch > 220, timeout=30_000)
    assert controller.playing
    controller.pause()


def test_a_lesson_speed_ends_with_the_lesson(window) -> None:  # noqa: ANN001
    controller = window.controller
    assert controller.speed is None
    window.open_lesson("02-hidden-layer-xor")
    assert controller.speed == 10
    controller.new_session()  # no lesson, no pace: full speed again
    assert controller.speed is None
    controller.set_speed(5)  # the user's own choice outlives a session without a pace
    controller.new_session()
    assert controller.speed == 5


def test_the_tab_a_lesson_says_to_watch_comes_to_the_front_in_the_normal_window(
    qtbot, make_window, dialogs
) -> None:  # noqa: ANN001
    """Lesson 2b's notes say "Watch: the hidden space": the Hidden space tab comes to the front
    without presentation mode, both when the window opens on the lesson (`open lesson.json`)
    and when the lesson is opened from the menu with another tab in front."""
    lesson = next(item for item in LESSONS if item.id.startswith("02b"))
    window = make_window(lesson.load(), 1280, 720)
    metrics = window.metrics
    assert not window.presenting
    assert metrics.tab_names()[metrics.tabs.currentIndex()] == "Hidden space"
    metrics.show_tab("Loss")
    _lesson_actions(window)[lesson.id].trigger()
    qtbot.waitUntil(lambda: window.controller.session.notes is not None, timeout=3000)
    assert not window.presenting
    assert metrics.tab_names()[metrics.tabs.currentIndex()] == "Hidden space"
