"""The models behind the controller, each on its own: the Qt-free ones without a QApplication."""

from __future__ import annotations

import pytest

from playground.data.points import Points
from playground.session import Session
from playground.ui.models.data_editor import DataEditor, DataRecipe
from playground.ui.models.events import Event
from playground.ui.models.file_state import FileState
from playground.ui.models.selection import Selection
from playground.ui.models.session_model import LEARNING_RATES, MAX_LAYERS, SessionModel

WAIT_MS = 30_000


class Recorder(list):
    """Collects what an Event emits."""

    def __call__(self, *args: object) -> None:
        self.append(args[0] if len(args) == 1 else args)


def test_event_calls_callbacks_in_order_and_disconnects() -> None:
    event, calls = Event(), []
    first, second = (lambda x: calls.append(("a", x))), (lambda x: calls.append(("b", x)))
    event.connect(first)
    event.connect(second)
    event.emit(1)
    event.disconnect(first)
    event.emit(2)
    assert calls == [("a", 1), ("b", 1), ("b", 2)]


# ----- SessionModel -------------------------------------------------------------------------


def test_learning_rate_is_live_and_emits_training() -> None:
    model, changes = SessionModel(), Recorder()
    model.training_changed.connect(changes)
    assert model.set_learning_rate(0.1)
    assert model.session.training.optimizer.lr == 0.1
    assert changes == [model.session.training]


def test_learning_rate_ladder_steps_to_the_next_rung() -> None:
    model = SessionModel()
    model.set_learning_rate(0.02)  # between 0.01 and 0.03
    assert model.step_learning_rate(1) and model.session.training.optimizer.lr == 0.03
    assert model.step_learning_rate(-2) and model.session.training.optimizer.lr == 0.003
    model.set_learning_rate(LEARNING_RATES[-1])
    assert not model.step_learning_rate(1)


def test_a_refused_value_is_one_notice_and_nothing_changes() -> None:
    model, notices, changes = SessionModel(), Recorder(), Recorder()
    model.notice.connect(notices)
    model.training_changed.connect(changes)
    before = model.session
    assert not model.set_learning_rate(-1.0)
    assert model.session is before and changes == []
    assert len(notices) == 1 and notices[0][0] == "warning"


def test_architecture_change_starts_over() -> None:
    model, networks = SessionModel(), Recorder()
    model.network_changed.connect(networks)
    layers = len(model.session.network.layers)
    assert model.add_layer()
    assert len(model.session.network.layers) == layers + 1
    assert networks == [model.session] and model.session.weights is None
    while model.add_layer():
        pass
    assert len(model.session.network.layers) == MAX_LAYERS


def test_the_last_input_stays() -> None:
    model, notices = SessionModel(), Recorder()
    model.notice.connect(notices)
    for name in model.session.network.inputs[1:]:
        assert model.toggle_input(name)
    assert not model.toggle_input(model.session.network.inputs[0])
    assert notices == [("info", "The network needs at least one input feature.")]


# ----- DataEditor ---------------------------------------------------------------------------


def _editor() -> tuple[DataEditor, list[Session]]:
    sessions = [Session.default()]
    return DataEditor(sessions[0].points, lambda: sessions[-1]), sessions


def test_default_points_are_the_recipe_and_an_edit_is_not() -> None:
    editor, _ = _editor()
    assert editor.recipe_active
    edits = Recorder()
    editor.points_edited.connect(edits)
    editor.editor.add(0.0, 0.0, 1)
    assert not editor.recipe_active and edits == [editor.points]


def test_recipe_change_regenerates_as_one_undo_step() -> None:
    editor, _ = _editor()
    recipes = Recorder()
    editor.recipe_changed.connect(recipes)
    before = editor.points
    assert editor.set_recipe(n=100)
    assert editor.points.n == 100 and recipes == [DataRecipe(n=100)]
    assert editor.undo() and editor.points is before


def test_fewer_classes_moves_the_draw_label() -> None:
    editor, _ = _editor()
    assert editor.set_recipe(name="gaussians", options=(("classes", 4),))
    editor.set_draw(label=3)
    assert editor.set_classes(2)
    assert editor.points.classes == 2 and editor.draw.label == 1


def test_import_remembers_the_trained_session_for_undo() -> None:
    editor, sessions = _editor()
    before = editor.points
    editor.import_points(Points.empty())
    assert editor.remembered(before) is sessions[0]
    editor.reset(before)
    assert editor.remembered(before) is None


def test_reset_emits_no_edit() -> None:
    editor, _ = _editor()
    edits = Recorder()
    editor.points_edited.connect(edits)
    editor.reset(Points.empty())
    assert edits == [] and editor.points.n == 0


# ----- FileState and Selection --------------------------------------------------------------


def test_dirty_follows_revisions_and_training_progress() -> None:
    marker = [(0, 0)]
    files, flips, paths = FileState(lambda: marker[0]), Recorder(), Recorder()
    files.dirty_changed.connect(flips)
    files.path_changed.connect(paths)
    files.touch()
    assert files.dirty and flips == [True]
    files.saved("/tmp/a.json")
    assert not files.dirty and paths == ["/tmp/a.json"]
    marker[0] = (0, 5)
    assert not files.dirty  # reading never updates or emits
    files.refresh()
    assert files.dirty and flips == [True, False, True]
    files.opened(None)
    assert not files.dirty and files.path is None


def test_selection_falls_back_to_the_output() -> None:
    sizes = [(4, 2)]
    selection, changes = Selection(lambda: sizes[0]), Recorder()
    selection.changed.connect(changes)
    selection.select((1, 1))
    selection.select((2, 0))  # no third layer
    assert changes == [(1, 1), None]
    selection.select((0, 3))
    sizes[0] = (2,)
    selection.validate()
    assert selection.neuron is None and changes == [(1, 1), None, (0, 3), None]


# ----- TrainingRunner (Qt) ------------------------------------------------------------------


@pytest.fixture
def runner(qtbot):  # noqa: ANN001, ANN201
    from playground.ui.models.training_runner import TrainingRunner

    runner = TrainingRunner(Session.default(), warm_up=False)
    yield runner
    runner.shutdown()


def test_the_frame_tick_is_precise_and_a_little_faster_than_the_frame_rate(runner) -> None:  # noqa: ANN001
    """A coarse timer (Qt's default) fires up to 5 % late: 28-29 frames a second at 30; and a
    frame late for one tick waits for the next, so ticks come 5 % more often than frames."""
    from PySide6.QtCore import Qt

    from playground.ui.models.frame_clock import FRAME_RATE, tick_interval_ms

    assert runner.timer.timerType() == Qt.TimerType.PreciseTimer
    assert runner.timer.interval() == tick_interval_ms(FRAME_RATE) == 32  # 31.25 ticks a second
    runner.set_frame_rate(60.0)
    assert runner.timer.interval() == 16
    assert runner.timer.timerType() == Qt.TimerType.PreciseTimer


def test_runner_counts_runs_with_the_worker(qtbot, runner) -> None:  # noqa: ANN001
    runner.step_epoch()
    qtbot.waitUntil(lambda: runner.frame is not None and runner.frame.epoch == 1, timeout=WAIT_MS)
    assert runner.frame.run == runner.worker.run == 0
    runner.reset()
    assert runner.worker.run == 1 and runner.frame is None  # the old run's frame is dropped
    assert runner.training_marker() == (1, 0)
    qtbot.waitUntil(lambda: runner.status.run == 1, timeout=WAIT_MS)


def test_runner_play_and_pause(qtbot, runner) -> None:  # noqa: ANN001
    with qtbot.waitSignal(runner.running_changed, timeout=WAIT_MS) as blocker:
        runner.play()
    assert blocker.args == [True] and runner.playing
    qtbot.waitUntil(lambda: runner.status.state == "running", timeout=WAIT_MS)
    runner.pause()
    assert not runner.playing
    qtbot.waitUntil(lambda: runner.status.state == "paused", timeout=WAIT_MS)
