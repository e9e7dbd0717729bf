"""A fitted caption asks for the lines its text needs at its width, in a stacked page too."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from playground.ui.widgets.fitted_caption import FittedCaption


def test_the_caption_gets_every_line_of_its_text(qtbot) -> None:  # noqa: ANN001
    stack = QStackedWidget()
    page = QWidget()
    layout = QVBoxLayout(page)
    caption = FittedCaption()
    layout.addWidget(caption)
    layout.addWidget(QWidget(), 1)
    stack.addWidget(page)
    qtbot.addWidget(stack)
    stack.resize(200, 400)
    stack.show()
    qtbot.waitExposed(stack)
    caption.setText("A sentence long enough to wrap onto several lines at two hundred pixels. " * 3)
    line = caption.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: caption.height() >= caption.heightForWidth(caption.width()))
    assert caption.height() >= 4 * line
    narrow = caption.minimumHeight()
    stack.resize(800, 400)  # wider: fewer lines, less height
    qtbot.waitUntil(lambda: caption.minimumHeight() < narrow)
    assert caption.height() >= caption.heightForWidth(caption.width())
    caption.setText("")
    assert caption.minimumHeight() == 0
