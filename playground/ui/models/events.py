"""A tiny signal for the Qt-free models: connect callbacks, emit calls them in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks; `emit(*args)` calls each in the order they were connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        """Call `callback` on every emit."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        """Stop calling `callback`."""
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        """Call every connected callback with args."""
        for callback in list(self._callbacks):
            callback(*args)

    def __repr__(self) -> str:
        return f"Event({len(self._callbacks)} callbacks)"
