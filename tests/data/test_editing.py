"""PointEditor: every edit, undo/redo, strokes, listeners and limits."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.editing import PointEditor
from playground.data.points import MAX_POINTS, Points


def state(points: Points) -> tuple[list, list, list, str, int]:
    """Everything in a Points as plain lists, for equality checks."""
    return (
        points.xy.tolist(),
        points.labels.tolist(),
        points.is_test.tolist(),
        points.problem,
        points.classes,
    )


@pytest.fixture
def editor() -> PointEditor:
    """An editor holding three two-class points, the last one a test point."""
    points = Points(
        [[0.0, 0.0], [1.0, 1.0], [2.0, -2.0]], [0, 1, 0], [False, False, True], "classification", 2
    )
    return PointEditor(points)


def test_starts_empty_by_default():
    editor = PointEditor()
    assert editor.points.n == 0
    assert (editor.points.problem, editor.points.classes) == ("classification", 2)
    assert not editor.can_undo and not editor.can_redo
    assert not editor.undo() and not editor.redo()


def test_add(editor):
    index = editor.add(3.0, 4.0, 1)
    assert index == 3
    assert editor.points.xy[3].tolist() == [3.0, 4.0]
    assert editor.points.labels[3] == 1 and not editor.points.is_test[3]
    editor.add(-1.0, 0.5, 0, is_test=True)
    assert editor.points.is_test[4]


def test_add_rejects_bad_label_and_keeps_state(editor):
    before = state(editor.points)
    with pytest.raises(ValueError, match="not a class index"):
        editor.add(0.0, 0.0, 2)
    with pytest.raises(ValueError, match="NaN or infinite"):
        editor.add(float("nan"), 0.0, 0)
    assert state(editor.points) == before and not editor.can_undo


def test_add_many_is_one_step(editor):
    editor.add_many([[5.0, 5.0], [6.0, 6.0]], 1, is_test=[True, False])
    assert editor.points.n == 5
    assert editor.points.labels[3:].tolist() == [1.0, 1.0]
    assert editor.points.is_test[3:].tolist() == [True, False]
    editor.undo()
    assert editor.points.n == 3 and not editor.can_undo


def test_add_many_empty_is_a_no_op(editor):
    editor.add_many(np.zeros((0, 2)), [])
    assert not editor.can_undo


def test_add_many_checks_shape(editor):
    with pytest.raises(ValueError, match=r"xy must have shape \(m, 2\)"):
        editor.add_many([[1.0, 2.0, 3.0]], [0])


def test_point_cap():
    editor = PointEditor(max_points=5)
    editor.add_many(np.zeros((5, 2)), 0)
    with pytest.raises(ValueError, match=r"too many points: 6 \(the limit is 5\)"):
        editor.add(0.0, 0.0, 0)
    assert editor.points.n == 5


def test_one_point_limit_for_files_and_drawing(tmp_path):
    """A full set (as a CSV import gives) refuses one more point with the import's message."""
    full = Points(
        np.zeros((MAX_POINTS, 2)),
        np.zeros(MAX_POINTS),
        np.zeros(MAX_POINTS, bool),
        "classification",
        2,
    )
    editor = PointEditor(full)
    with pytest.raises(ValueError) as drawing:
        editor.add(0.5, 0.5, 1)
    assert editor.points is full
    with pytest.raises(ValueError) as constructing:
        Points(
            np.zeros((MAX_POINTS + 1, 2)),
            np.zeros(MAX_POINTS + 1),
            np.zeros(MAX_POINTS + 1, bool),
            "classification",
            2,
        )
    assert (
        str(drawing.value)
        == str(constructing.value)
        == (f"too many points: {MAX_POINTS + 1} (the limit is {MAX_POINTS})")
    )
    editor.remove([0])
    editor.add(0.5, 0.5, 1)  # room for one again
    assert editor.points.n == MAX_POINTS


def test_remove(editor):
    editor.remove([0, 2])
    assert state(editor.points)[:3] == ([[1.0, 1.0]], [1.0], [False])
    editor.undo()
    assert editor.points.n == 3
    editor.remove(1)
    assert editor.points.labels.tolist() == [0.0, 0.0]


def test_remove_rejects_bad_indices(editor):
    with pytest.raises(IndexError, match=r"point index 3 is out of range 0..2"):
        editor.remove([0, 3])
    with pytest.raises(IndexError, match="out of range"):
        editor.remove(-1)
    with pytest.raises(IndexError, match="indices must be integers"):
        editor.remove([0.5])
    editor.remove([])
    assert editor.points.n == 3 and not editor.can_undo


def test_move(editor):
    editor.move(1, -3.0, 2.5)
    assert editor.points.xy[1].tolist() == [-3.0, 2.5]
    editor.move(1, -3.0, 2.5)  # no change, no extra step
    editor.undo()
    assert editor.points.xy[1].tolist() == [1.0, 1.0]
    assert not editor.can_undo


def test_relabel(editor):
    editor.relabel([0, 2], 1)
    assert editor.points.labels.tolist() == [1.0, 1.0, 1.0]
    editor.relabel([0], 1)  # already 1: no step
    editor.undo()
    assert editor.points.labels.tolist() == [0.0, 1.0, 0.0]
    assert not editor.can_undo
    with pytest.raises(ValueError, match="not a class index"):
        editor.relabel(0, 5)


def test_set_test(editor):
    editor.set_test([0, 1])
    assert editor.points.is_test.all()
    editor.set_test(2, False)
    assert editor.points.is_test.tolist() == [True, True, False]
    editor.undo()
    editor.undo()
    assert editor.points.is_test.tolist() == [False, False, True]


def test_clear_keeps_problem(editor):
    editor.replace(Points.empty("classification", 4).with_points([[0.0, 0.0]], [3]))
    editor.clear()
    assert editor.points.n == 0 and editor.points.classes == 4
    editor.clear()  # already empty: no step
    editor.undo()
    assert editor.points.labels.tolist() == [3.0]


def test_replace_changes_problem_and_is_undoable(editor):
    before = state(editor.points)
    regression = Points([[1.0, 2.0]], [0.75], [False], "regression", 1)
    editor.replace(regression)
    assert editor.points is regression
    editor.undo()
    assert state(editor.points) == before
    editor.redo()
    assert editor.points is regression


def test_reset_forgets_history(editor):
    editor.add(0.0, 1.0, 1)
    editor.undo()
    editor.reset()
    assert editor.points.n == 0 and not editor.can_undo and not editor.can_redo


def test_undo_redo_sequence(editor):
    states = [state(editor.points)]
    editor.add(4.0, 4.0, 1)
    states.append(state(editor.points))
    editor.move(0, -1.0, -1.0)
    states.append(state(editor.points))
    editor.remove([1])
    states.append(state(editor.points))
    editor.relabel([0], 1)
    states.append(state(editor.points))

    for expected in reversed(states[:-1]):
        assert editor.undo()
        assert state(editor.points) == expected
    assert not editor.can_undo and not editor.undo()
    for expected in states[1:]:
        assert editor.redo()
        assert state(editor.points) == expected
    assert not editor.can_redo and not editor.redo()


def test_new_edit_drops_redo(editor):
    editor.add(4.0, 4.0, 1)
    editor.add(5.0, 5.0, 1)
    editor.undo()
    assert editor.can_redo
    editor.move(0, 1.0, 2.0)
    assert not editor.can_redo
    editor.undo()
    editor.undo()
    assert editor.points.n == 3 and not editor.can_undo


def test_stroke_groups_edits_into_one_step(editor):
    before = state(editor.points)
    editor.begin_stroke()
    for step in range(5):
        editor.move(0, step + 0.5, 0.0)
    editor.add_many([[1.0, 1.0]], 0)
    assert editor.can_undo  # an open stroke with changes can be undone
    editor.end_stroke()
    assert editor.points.xy[0].tolist() == [4.5, 0.0] and editor.points.n == 4
    editor.undo()
    assert state(editor.points) == before
    assert not editor.can_undo
    editor.redo()
    assert editor.points.xy[0].tolist() == [4.5, 0.0] and editor.points.n == 4


def test_stroke_context_manager_and_nesting(editor):
    with editor.stroke():
        editor.add(1.0, 0.0, 0)
        with editor.stroke():
            editor.add(2.0, 0.0, 0)
        editor.add(3.0, 0.0, 0)
    assert editor.points.n == 6
    editor.undo()
    assert editor.points.n == 3 and not editor.can_undo


def test_empty_stroke_adds_no_step(editor):
    editor.begin_stroke()
    editor.end_stroke()
    editor.end_stroke()  # unmatched end: harmless
    assert not editor.can_undo


def test_undo_inside_stroke_closes_it(editor):
    editor.begin_stroke()
    editor.move(0, 1.0, 1.0)
    editor.move(0, 2.0, 2.0)
    assert editor.undo()
    assert editor.points.xy[0].tolist() == [0.0, 0.0]
    editor.end_stroke()  # the mouse release after the undo does nothing
    assert not editor.can_undo and editor.can_redo


def test_stroke_drops_redo(editor):
    editor.add(4.0, 4.0, 1)
    editor.undo()
    with editor.stroke():
        editor.move(0, 1.0, 1.0)
    assert not editor.can_redo


def test_undo_history_is_bounded():
    editor = PointEditor(max_undo=3)
    for i in range(5):
        editor.add(float(i), 0.0, 0)
    undone = 0
    while editor.undo():
        undone += 1
    assert undone == 3 and editor.points.n == 2


def test_listeners_called_after_every_change(editor):
    seen: list[int] = []
    unsubscribe = editor.subscribe(lambda points: seen.append(points.n))
    editor.add(4.0, 4.0, 1)
    editor.add_many([[0.0, 0.0]] * 2, 0)
    editor.remove([0])
    editor.move(0, 3.0, 3.0)
    editor.relabel([0], 0)
    editor.set_test([0])
    editor.replace(Points.empty())
    editor.undo()
    editor.redo()
    editor.clear()  # already empty: no change, no call
    assert seen == [4, 6, 5, 5, 5, 5, 0, 5, 0]
    with editor.stroke():
        editor.add(1.0, 1.0, 0)
        editor.add(2.0, 2.0, 0)
    assert seen[-2:] == [1, 2]
    unsubscribe()
    unsubscribe()  # twice is harmless
    editor.undo()
    assert len(seen) == 11


def test_listener_receives_current_points(editor):
    received: list[Points] = []
    editor.subscribe(received.append)
    editor.add(4.0, 4.0, 1)
    assert received[-1] is editor.points


def test_no_listener_call_when_edit_fails(editor):
    calls: list[Points] = []
    editor.subscribe(calls.append)
    with pytest.raises(ValueError):
        editor.add(0.0, 0.0, 7)
    assert calls == []


def test_nearest(editor):
    assert editor.nearest(0.9, 1.2, 0.5) == 1
    assert editor.nearest(0.9, 1.2, 0.1) is None
    assert editor.nearest(2.0, -2.0, 0.0) == 2
    assert PointEditor().nearest(0.0, 0.0, 10.0) is None
