"""Advanced controls: panels mark the containers presentation mode hides (drawing tools,
regularization, schedule, clipping, initializer, seed, ...). Only presentation mode changes a
marked container's visibility, so the panels' own show/hide logic inside it is never disturbed."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

ADVANCED = "advanced"  # the dynamic property that marks a container

W = TypeVar("W", bound=QWidget)


def mark_advanced(widget: W) -> W:
    """Mark a container as advanced (hidden in presentation mode); returns it."""
    widget.setProperty(ADVANCED, True)
    return widget


def is_advanced(widget: QWidget) -> bool:
    """Whether the widget was marked advanced."""
    return bool(widget.property(ADVANCED))


def advanced_widgets(root: QWidget) -> list[QWidget]:
    """Every marked container under root."""
    return [w for w in root.findChildren(QWidget) if is_advanced(w)]


def set_advanced_visible(root: QWidget, visible: bool) -> None:
    """Show or hide every marked container under root."""
    for widget in advanced_widgets(root):
        widget.setVisible(visible)
