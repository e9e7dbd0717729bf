"""The lesson notes in the left column of a narrow window (window_layout.place_notes): every
way in and out of presentation mode with the step inspector open keeps the window whole."""

from __future__ import annotations

import pytest

from playground.lessons import LESSONS
from tests.ui.test_step_through import WAIT_MS, open_inspector


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_leaving_presentation_with_the_inspector_and_notes_open(qtbot, make_window, size) -> None:  # noqa: ANN001
    session = next(item for item in LESSONS if item.id.startswith("03-linear")).load()
    window = make_window(session, *size)
    window.set_presentation(True)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=WAIT_MS)
    open_inspector(qtbot, window)
    qtbot.waitUntil(lambda: window.step_through.dock.isVisible(), timeout=WAIT_MS)
    window.set_presentation(False)
    qtbot.wait(100)
    assert window.body.notes_in_left_column
    assert window.step_through.panel.isVisible() or window.left_tabs.count() >= 3
    window.set_presentation(True)
    qtbot.wait(100)
    assert not window.body.notes_in_left_column
    window.set_presentation(False)
    qtbot.wait(100)
