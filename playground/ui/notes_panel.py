"""The notes beside the playground: a lesson's text (Markdown), shown whenever the session has
notes, closable; and the Lessons menu that opens the course's lessons in order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QTextBrowser, QWidget

from playground.lessons import LESSONS, Lesson
from playground.session import Session

from .controller import Controller

NOTES_WIDTH = 380
NOTES_WIDTH_PRESENTING = 320  # the text is larger, the playground needs the room


class NotesPanel(QDockWidget):
    """The session's notes as rich text; appears when a session with notes is loaded."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__("Lesson notes", parent)
        self.setObjectName("notesPanel")
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea
                             | Qt.DockWidgetArea.RightDockWidgetArea)
        self.browser = QTextBrowser()
        self.browser.setObjectName("notes")
        self.browser.setOpenExternalLinks(True)
        self.browser.setToolTip("")
        self.setWidget(self.browser)
        self.setMinimumWidth(260)
        self._title = ""
        controller.session_replaced.connect(self._on_session_replaced)
        self._on_session_replaced(controller.session)

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
        self.browser.setMarkdown(f"## {notes.title}\n\n{notes.text}")
        self.browser.verticalScrollBar().setValue(0)
        self.show()


def lessons_menu(parent: QWidget, open_lesson: Callable[[Lesson], object]) -> QMenu:
    """A menu with one entry per lesson (course order) that calls open_lesson."""
    menu = QMenu("&Lessons", parent)
    menu.setToolTipsVisible(True)
    for lesson in LESSONS:
        action = menu.addAction(lesson.title)
        action.setObjectName(f"lesson_{lesson.id}")
        action.setToolTip(f"Open the lesson {lesson.id} (its data, network, settings and notes)")
        action.triggered.connect(lambda _=False, chosen=lesson: open_lesson(chosen))
    if not LESSONS:
        menu.addAction("No lessons installed").setEnabled(False)
    return menu
