"""The data side of the session (no Qt): the preset recipe, the drawing tool and the editable
point set with undo/redo, which also brings back a network an import replaced."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.data.editing import PointEditor
from playground.data.generators import DATASETS, generate
from playground.data.points import Points
from playground.session import Session
from playground.ui.models.events import Event

MAX_REMEMBERED_NETWORKS = 20  # trained networks kept for undo across imports


@dataclass(frozen=True)
class DataRecipe:
    """How the current preset was generated: dataset name, size, noise, split, seed, options."""

    name: str = "circle"
    n: int = 200
    noise: float = 0.0
    test_ratio: float = 0.3
    seed: int = 0
    validation_ratio: float = 0.0
    options: tuple[tuple[str, int], ...] = ()

    def generate(self) -> Points:
        """The points this recipe describes."""
        return generate(
            self.name,
            n=self.n,
            noise=self.noise,
            seed=self.seed,
            test_ratio=self.test_ratio,
            validation_ratio=self.validation_ratio,
            **dict(self.options),
        )


@dataclass(frozen=True)
class DrawSettings:
    """What a click on the plot does: the tool, the class (or value) and the split it adds to."""

    tool: str = "draw"  # "draw" (add, spray, move) or "erase"
    label: int = 0
    value: float = 0.5  # regression target of new points
    as_test: bool = False


class DataEditor:
    """The PointEditor (its edits go out on `points_edited`), the recipe and the draw settings.

    `current_session` gives the session as trained so far: an import remembers it, so that undo
    back to the data before the import can bring the network back (see `remembered`).
    """

    def __init__(self, points: Points, current_session: Callable[[], Session]) -> None:
        self.points_edited = Event()  # Points
        self.recipe_changed = Event()  # DataRecipe
        self.draw_changed = Event()  # DrawSettings
        self.notice = Event()  # (level, message)
        self._current_session = current_session
        self._editor = PointEditor(points)
        self._editor.subscribe(self._on_edited)
        self._loading = False
        self._recipe = DataRecipe()
        self._recipe_points: Points | None = None
        if same_points(points, self._recipe.generate()):
            self._recipe_points = points
        self._draw = DrawSettings()
        # Trained sessions kept for data states an import replaced (keyed by id; the Points
        # object is kept alive with it).
        self._trained_for: dict[int, tuple[Points, Session]] = {}

    @property
    def editor(self) -> PointEditor:
        """The editable point set (undo/redo)."""
        return self._editor

    @property
    def points(self) -> Points:
        """The current points."""
        return self._editor.points

    @property
    def recipe(self) -> DataRecipe:
        """The preset the data came from."""
        return self._recipe

    @property
    def recipe_active(self) -> bool:
        """Whether the points are exactly what the recipe generates (not edited or opened)."""
        return self._editor.points is self._recipe_points

    @property
    def draw(self) -> DrawSettings:
        """The drawing tool settings."""
        return self._draw

    def _on_edited(self, points: Points) -> None:
        if not self._loading:
            self.points_edited.emit(points)

    def reset(self, points: Points, *, new_recipe: bool = False) -> None:
        """Start over with these points and no history (an opened session); nothing is
        emitted. `new_recipe`: back to the default recipe, whose points these are."""
        self._loading = True
        self._trained_for.clear()
        try:
            self._editor.reset(points)
        finally:
            self._loading = False
        if new_recipe:
            self._recipe = DataRecipe()
            self._recipe_points = points

    def set_recipe(self, **changes: Any) -> bool:
        """Change the preset or its parameters and regenerate the points (one undo step)."""
        recipe = dataclasses.replace(self._recipe, **changes)
        if changes.get("name", self._recipe.name) != self._recipe.name and "options" not in changes:
            recipe = dataclasses.replace(recipe, options=())
        try:
            points = recipe.generate()
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        self._recipe = recipe
        self._recipe_points = points
        self._editor.replace(points)
        self.recipe_changed.emit(recipe)
        return True

    def regenerate(self) -> bool:
        """The same preset with a new random seed."""
        return self.set_recipe(seed=self._recipe.seed + 1)

    def set_problem(self, problem: str) -> bool:
        """Switch classification/regression: a preset of that kind replaces the data."""
        if problem == self.points.problem:
            return False
        if DATASETS[self._recipe.name].problem == problem:
            name = self._recipe.name
        else:
            name = next(d.name for d in DATASETS.values() if d.problem == problem)
        self.set_draw(label=0)
        return self.set_recipe(name=name)

    def set_classes(self, classes: int) -> bool:
        """Change the number of classes to draw with; points of removed classes go (undoable)."""
        points = self.points
        if points.problem != "classification" or classes == points.classes:
            return False
        keep = points.labels < classes
        try:
            new = Points(
                points.xy[keep],
                points.labels[keep],
                points.is_test[keep],
                "classification",
                classes,
            )
        except ValueError as error:
            self.notice.emit("warning", str(error))
            return False
        if self._draw.label >= classes:
            self.set_draw(label=classes - 1)
        self._editor.replace(new)
        return True

    def set_points(self, points: Points) -> None:
        """Replace the whole point set as one undo step."""
        self._editor.replace(points)

    def import_points(self, points: Points) -> None:
        """Replace the points with imported ones as one undo step; undo brings back the data
        and the network as trained so far (weights and epoch)."""
        self.remember_trained(self.points)
        self._editor.replace(points)

    def remember_trained(self, points: Points) -> None:
        """Keep the session as trained now for the data state `points`."""
        self._trained_for[id(points)] = (points, self._current_session())
        while len(self._trained_for) > MAX_REMEMBERED_NETWORKS:
            del self._trained_for[next(iter(self._trained_for))]

    def remembered(self, points: Points) -> Session | None:
        """The trained session kept for this data state, if any."""
        kept = self._trained_for.get(id(points))
        return kept[1] if kept is not None and kept[0] is points else None

    def undo(self) -> bool:
        """Undo the last data edit."""
        return self._editor.undo()

    def redo(self) -> bool:
        """Redo the last undone data edit."""
        return self._editor.redo()

    def clear_points(self) -> None:
        """Remove every point (undoable)."""
        self._editor.clear()

    def set_draw(self, **changes: Any) -> None:
        """Change the drawing tool settings."""
        draw = dataclasses.replace(self._draw, **changes)
        if draw != self._draw:
            self._draw = draw
            self.draw_changed.emit(draw)

    def fit_draw_label(self, points: Points) -> None:
        """Draw with class 0 if the current class is not in `points` (or they are targets)."""
        if self._draw.label >= max(points.classes, 1) or points.problem == "regression":
            self.set_draw(label=0)


def same_points(a: Points, b: Points) -> bool:
    """Whether two point sets hold the same points."""
    return (a.problem, a.classes) == (b.problem, b.classes) and all(
        np.array_equal(x, y)
        for x, y in ((a.xy, b.xy), (a.labels, b.labels), (a.is_test, b.is_test))
    )
