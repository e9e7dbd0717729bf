"""Which file the session belongs to and whether it has unsaved changes (no Qt)."""

from __future__ import annotations

import os
from collections.abc import Callable

from playground.ui.models.events import Event

Marker = tuple[int, int]  # (run, step) of the training: progress counts as a change


class FileState:
    """The session file's path and the dirty flag.

    A change is a new revision (`touch`) or training progress (the marker that
    `training_marker` returns moves); `refresh` re-reads the marker and emits `dirty_changed`
    when the flag flips. Reading `dirty` never emits.
    """

    def __init__(self, training_marker: Callable[[], Marker] = lambda: (0, 0)) -> None:
        self.path_changed = Event()  # str | None
        self.dirty_changed = Event()  # bool
        self._training_marker = training_marker
        self._path: str | None = None
        self._revision = 0
        self._saved_revision = 0
        self._saved_marker: Marker = training_marker()
        self._dirty = False

    @property
    def path(self) -> str | None:
        """The session file, if the session was opened or saved."""
        return self._path

    @property
    def dirty(self) -> bool:
        """Unsaved changes as of the last touch, save or refresh."""
        return self._dirty

    @property
    def change_key(self) -> tuple[int, int, int]:
        """Changes whenever the session (including its training progress) changes."""
        return (self._revision, *self._training_marker())

    def touch(self) -> None:
        """Count the session as changed."""
        self._revision += 1
        self.refresh()

    def opened(self, path: str | os.PathLike[str] | None) -> None:
        """A session was loaded (from `path`, or from no file): nothing is unsaved."""
        self._revision += 1
        self.saved(path)

    def saved(self, path: str | os.PathLike[str] | None) -> None:
        """The session as it is now was written to `path` (or loaded from it)."""
        self._path = None if path is None else os.fspath(path)
        self._saved_revision = self._revision
        self._saved_marker = self._training_marker()
        self.refresh()
        self.path_changed.emit(self._path)

    def refresh(self) -> None:
        """Re-read the training marker; emit dirty_changed if the flag flips."""
        dirty = (
            self._revision != self._saved_revision or self._training_marker() != self._saved_marker
        )
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
