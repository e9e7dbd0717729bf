"""Where the main window opens: at the size it was closed at (remembered in QSettings) or at a
size that fits the screen, never bigger than the screen's available area, frame included, and
activated, so that the keyboard works before the first click (also without a window manager)."""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QMargins,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED_SIZE = QSize(1440, 900)  # on a big screen; smaller screens get their available area
# The window manager's frame (title bar, borders) is not known before the window is shown: leave
# this much room around the window for it.
FRAME_ROOM = QMargins(8, 40, 8, 8)
GEOMETRY_KEY = "window/geometry"
SETTLE_MS = 400  # after the first show, when the frame's real size is known


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The available area (without panels and docks) of the widget's screen, or the primary's."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def initial_size(
    available: QRect, preferred: QSize = PREFERRED_SIZE, room: QMargins = FRAME_ROOM
) -> QSize:
    """The window's size (without frame) on a screen whose available area is `available`:
    the preferred size where it fits, less where the screen is smaller."""
    return QSize(
        max(1, min(preferred.width(), available.width() - room.left() - room.right())),
        max(1, min(preferred.height(), available.height() - room.top() - room.bottom())),
    )


def initial_geometry(
    available: QRect, preferred: QSize = PREFERRED_SIZE, room: QMargins = FRAME_ROOM
) -> QRect:
    """The window's geometry (without frame), centred in the available area."""
    size = initial_size(available, preferred, room)
    framed = size.grownBy(room)
    left = available.left() + max(0, (available.width() - framed.width()) // 2) + room.left()
    top = available.top() + max(0, (available.height() - framed.height()) // 2) + room.top()
    return QRect(QPoint(left, top), size)


def fit_rect(rect: QRect, available: QRect, room: QMargins = FRAME_ROOM) -> QRect:
    """A window geometry (without frame) moved and, if need be, shrunk so that it and its frame
    lie inside the available area."""
    inner = available.marginsRemoved(room)
    width = max(1, min(rect.width(), inner.width()))
    height = max(1, min(rect.height(), inner.height()))
    left = min(max(rect.left(), inner.left()), inner.left() + inner.width() - width)
    top = min(max(rect.top(), inner.top()), inner.top() + inner.height() - height)
    return QRect(left, top, width, height)


def place_window(window: QWidget, settings: QSettings) -> None:
    """Before the first show: the remembered geometry, clamped onto today's screen (a smaller
    screen, a missing monitor), or a size that fits the screen."""
    saved = settings.value(GEOMETRY_KEY)
    if isinstance(saved, QByteArray | bytes) and window.restoreGeometry(QByteArray(saved)):
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowFullScreen)
        available = available_geometry(window)
        if not window.isMaximized():
            window.setGeometry(fit_rect(window.geometry(), available))
        return
    window.setGeometry(initial_geometry(available_geometry(window)))


def save_window_geometry(window: QWidget, settings: QSettings) -> None:
    """Remember the window's geometry for the next start."""
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())


def keep_on_screen(window: QWidget) -> None:
    """Once shown (the window manager's frame now known): if the frame sticks out of the
    available area, move and shrink the window inside it."""
    if not window.isVisible() or window.windowState() & (
        Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
    ):
        return
    available = available_geometry(window)
    frame, inner = window.frameGeometry(), window.geometry()
    if available.contains(frame):
        return
    room = QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )
    window.setGeometry(fit_rect(inner, available, room))


def activate(window: QWidget) -> None:
    """Raise and activate a shown window: keyboard focus without a click, also when no window
    manager gives it focus (a kiosk, a bare X session); then keep its frame on the screen."""
    window.raise_()
    window.activateWindow()
    QTimer.singleShot(SETTLE_MS, window, lambda: keep_on_screen(window))


def keep_size(window: QWidget, size: QSize) -> None:
    """Back to `size` (or the new minimum size) after a rearrangement grew the window; a
    maximized or full-screen window is left alone."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    for _ in range(4):  # the new minimum size, from the innermost layout out
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.resize(size.expandedTo(window.minimumSizeHint()))
