"""A word-wrapped caption that asks for the lines its text needs at its width.

A wrapped QLabel in a layout of a stacked page (the curves' tabs) is given the height of its
size hint, one or two lines, whatever its width; this one sets its minimum height from
the text laid out at its width whenever its text, width, font or style changes."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPaintEvent, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittedCaption(QLabel):
    """A rich-text hint that wraps and is always tall enough for its lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "hint")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        super().setText(text)
        self.fit()

    def needed_height(self, width: int | None = None) -> int:
        """The height of the text wrapped at `width` (default: the current width), laid out as
        QLabel lays out rich text (its heightForWidth would include the minimum set here)."""
        width = self.width() if width is None else width
        if not self.text() or width <= 0:
            return 0
        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setDocumentMargin(0)
        document.setHtml(self.text())
        document.setTextWidth(width - 2 * self.margin())
        return math.ceil(document.size().height()) + 2 * self.margin() + 2

    def fit(self, width: int | None = None) -> None:
        """Ask for the height of the text wrapped at `width` (default: the current width)."""
        needed = self.needed_height(width)
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def show_if_room(self, room: int, width: int) -> None:
        """Show the caption only if it has text and its lines fit in `room` pixels at
        `width` (a short panel keeps its room for the plot or the tables)."""
        wanted = bool(self.text()) and room >= self.needed_height(width)
        if self.isHidden() == wanted:
            self.setVisible(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit(event.size().width())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self.fit()  # a style sheet's font may arrive without a FontChange: the next paint fits


__all__ = ["FittedCaption"]
