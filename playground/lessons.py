"""The classroom lessons: session files with notes shipped in resources/lessons, in course order."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from playground.session import Session, SessionError, load_session

# The course's chapters, by the number a lesson's id starts with (01b-... is in chapter "01").
CHAPTERS: dict[str, str] = {
    "01": "One neuron",
    "02": "Hidden layers",
    "03": "Hidden layers",
    "04": "Gradient descent",
    "05": "Gradient descent",
    "06": "Optimizers",
    "07": "Deep networks",
    "08": "Deep networks",
    "09": "Generalization",
    "10": "Features and outputs",
    "11": "Features and outputs",
    "12": "Features and outputs",
    "13": "Scaling",
}
OTHER_CHAPTER = "More lessons"


@dataclass(frozen=True)
class Lesson:
    """A lesson file: its id (the file name without .json), its notes' title and its path."""

    id: str
    title: str
    path: Path

    @property
    def chapter(self) -> str:
        """The course chapter the lesson belongs to (by its id's number)."""
        return CHAPTERS.get(self.id[:2], OTHER_CHAPTER)

    def load(self) -> Session:
        """The lesson's session; SessionError (one line) if the file is broken."""
        return load_session(self.path)


def lessons_folder() -> Path:
    """resources/lessons, wherever the package is installed (the playground.resources package)."""
    return Path(os.fspath(files("playground.resources") / "lessons"))


def discover_lessons(folder: Path) -> tuple[Lesson, ...]:
    """Every *.json lesson in `folder`, ordered by file name (01, 01b, 02, ...)."""
    if not folder.is_dir():
        return ()
    return tuple(Lesson(path.stem, _title(path), path) for path in sorted(folder.glob("*.json")))


def _title(path: Path) -> str:
    """The notes' title; the file name if the file has none (a broken file fails on load)."""
    try:
        title = json.loads(path.read_text(encoding="utf-8"))["notes"]["title"]
    except (OSError, ValueError, KeyError, TypeError):
        return path.stem
    return title if isinstance(title, str) and title else path.stem


LESSONS: tuple[Lesson, ...] = discover_lessons(lessons_folder())


def chapters(lessons: tuple[Lesson, ...] = LESSONS) -> dict[str, tuple[Lesson, ...]]:
    """The lessons grouped by chapter, chapters and lessons in course order."""
    grouped: dict[str, list[Lesson]] = {}
    for lesson in lessons:
        grouped.setdefault(lesson.chapter, []).append(lesson)
    return {chapter: tuple(members) for chapter, members in grouped.items()}


def load_lesson(lesson_id: str) -> Session:
    """The session of the lesson with this id, e.g. "02-hidden-layer-xor"."""
    for lesson in LESSONS:
        if lesson.id == lesson_id:
            return lesson.load()
    known = ", ".join(lesson.id for lesson in LESSONS) or "none installed"
    raise SessionError(f"unknown lesson {lesson_id!r} (choose one of: {known})")


__all__ = [
    "CHAPTERS",
    "LESSONS",
    "Lesson",
    "chapters",
    "discover_lessons",
    "lessons_folder",
    "load_lesson",
]
