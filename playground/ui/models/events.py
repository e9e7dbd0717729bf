"""A tiny signal for the Qt-free models: connect callbacks, emit calls them in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks; `emit(*args)` calls each in the order they were connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any], owner: Any = None) -> None:
        """Call `callback` on every emit; with an `owner` that has a `destroyed` signal (a
        QObject, e.g. the view the callback belongs to), only until the owner is destroyed."""
        self._callbacks.append(callback)
        if owner is not None:
            owner.destroyed.connect(lambda *_: self._forget(callback))

    def _forget(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        """Stop calling `callback`."""
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        """Call every connected callback with args."""
        for callback in list(self._callbacks):
            callback(*args)

    def __repr__(self) -> str:
        return f"Event({len(self._callbacks)} callbacks)"
