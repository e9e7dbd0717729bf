"""The notes beside the playground: a lesson's text (Markdown), shown whenever the session has
notes, closable; and the Lessons menu that opens the course's lessons in order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QTextBrowser, QWidget

from playground.lessons import LESSONS, Lesson, chapters
from playground.session import Session
from playground.ui.models.session_model import SessionModel
from playground.ui.widgets.appearance import Appearance, Look

NOTES_WIDTH = 380
NOTES_WIDTH_PRESENTING = 340  # at most; about a fifth of the window (the playground needs room)
NOTES_SHARE_PRESENTING = 0.22
NOTES_MIN_WIDTH = 260
NOTES_MIN_WIDTH_PRESENTING = 220
NOTES_TEXT_PRESENTING = 0.8  # of presentation mode's text size: the notes are read up close
# The curves tab a lesson's "Watch:" line points at, by the words it uses (first match wins).
VIEW_WORDS = (
    ("Hidden space", ("hidden space",)),
    ("Landscape", ("loss landscape", "landscape view", "landscape plot")),
    ("Gradients", ("gradient plot", "gradient curve", "gradients plot")),
    ("Weights", ("weight plot", "weights plot", "weight histogram")),
    ("Accuracy", ("accuracy plot", "accuracy curve")),
    ("Loss", ("loss plot", "loss curve", "loss chart")),
)


def named_tab(text: str) -> str | None:
    """The curves tab ('Loss', 'Gradients', ...) that notes tell the class to watch: the first
    one named in the "Watch:" paragraph (else anywhere in the text), or None."""
    lower = text.lower()
    start = lower.find("watch:")
    places = [lower[start : lower.find("\n\n", start) if "\n\n" in lower[start:] else None]]
    places = (places if start >= 0 else []) + [lower]
    for place in places:
        found = [
            (place.find(word), tab) for tab, words in VIEW_WORDS for word in words if word in place
        ]
        if found:
            return min(found)[1]
    return None


class NotesPanel(QDockWidget):
    """The session's notes as rich text; appears when a session with notes is loaded."""

    def __init__(
        self, model: SessionModel, appearance: Appearance, parent: QWidget | None = None
    ) -> None:
        super().__init__("Lesson notes", parent)
        self.setObjectName("notesPanel")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.browser = QTextBrowser()
        self.browser.setObjectName("notes")
        self.browser.setOpenExternalLinks(True)
        self.browser.setToolTip("")
        self.setWidget(self.browser)
        self.setMinimumWidth(NOTES_MIN_WIDTH)
        self._title = ""
        self._text = ""
        model.replaced.connect(self._on_session_replaced, self)
        appearance.changed.connect(self._apply_look)
        self._on_session_replaced(model.session)
        self._apply_look(appearance.look)

    def _apply_look(self, look: Look) -> None:
        """Presentation mode: a narrower panel whose text is a little smaller than the rest."""
        self.setMinimumWidth(NOTES_MIN_WIDTH_PRESENTING if look.presentation else NOTES_MIN_WIDTH)
        font = QFont(QApplication.font())
        if look.presentation:
            font.setPointSizeF(font.pointSizeF() * NOTES_TEXT_PRESENTING)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        if self._title:
            self._show_notes()

    @property
    def title(self) -> str:
        """The notes' title ('' without notes)."""
        return self._title

    @property
    def markdown(self) -> str:
        """The notes shown, as Markdown ('' without notes)."""
        return self.browser.toMarkdown() if self._title else ""

    def _on_session_replaced(self, session: Session) -> None:
        notes = session.notes
        if notes is None:
            self._title = ""
            self.browser.clear()
            self.hide()
            return
        self._title = notes.title
        self._text = notes.text
        self._show_notes()
        self.browser.verticalScrollBar().setValue(0)
        self.show()

    def _show_notes(self) -> None:
        position = self.browser.verticalScrollBar().value()
        self.browser.setMarkdown(f"## {self._title}\n\n{self._text}")
        self.browser.verticalScrollBar().setValue(position if position else 0)


def lessons_menu(parent: QWidget, open_lesson: Callable[[Lesson], object]) -> QMenu:
    """A menu with one submenu per course chapter, one entry per lesson (course order) that
    calls open_lesson."""
    menu = QMenu("&Lessons", parent)
    menu.setToolTipsVisible(True)
    for chapter, members in chapters(LESSONS).items():
        submenu = menu.addMenu(chapter)
        submenu.setObjectName(f"chapter_{chapter}")
        submenu.setToolTipsVisible(True)
        for lesson in members:
            action = submenu.addAction(lesson.title)
            action.setObjectName(f"lesson_{lesson.id}")
            action.setToolTip(
                f"Open the lesson {lesson.id} (its data, network, settings and notes)"
            )
            action.triggered.connect(lambda _=False, chosen=lesson: open_lesson(chosen))
    if not LESSONS:
        menu.addAction("No lessons installed").setEnabled(False)
    return menu
