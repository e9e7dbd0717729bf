"""The optimizer race in the app: the setup dialog starts a race whose contestants equal
separate Trainers bit for bit; play / pause / step (buttons and keys) drive every contestant;
the view grows while it trains; closing it stops its thread and gives the playground back."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from playground import cli
from playground.engine import OptimizerSpec
from playground.engine.landscape import project
from playground.launcher import QtApp
from playground.race import parse_contestants, run_race
from playground.race_worker import race_frame_of
from playground.session import Session, save_session
from playground.ui.views.race_view import PICTURE_SIZE, RaceWindow

from .conftest import WAIT_MS


def activate(qtbot, widget) -> None:  # noqa: ANN001
    """Make the widget's window the active one (shortcuts only reach the active window)."""
    widget.windowHandle().requestActivate()
    qtbot.waitUntil(widget.isActiveWindow, timeout=WAIT_MS)


def press(qtbot, window, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A key press on whatever has the focus in the window (as a user's keyboard does)."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifiers)


def start_race(qtbot, window, text: str) -> RaceWindow:  # noqa: ANN001
    """Optimizer race… from the Training menu, type the contestants, press Start."""
    window.commands["race"].trigger()
    dialog = window.race.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.field.setText(text)
    with qtbot.waitSignal(window.race.started, timeout=WAIT_MS) as started:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    race = started.args[0]
    qtbot.waitExposed(race)
    qtbot.waitUntil(lambda: race.runner.status.state == "paused", timeout=WAIT_MS)
    return race


def separate_run(session: Session, name: str, lr: float, epochs: int) -> np.ndarray:
    """The flat weights of one Trainer of the session with this optimizer after some epochs."""
    optimizer = OptimizerSpec(name, lr)
    training = dataclasses.replace(session.training, optimizer=optimizer)
    trainer = session.replace(training=training).make_trainer()
    trainer.run_epochs(epochs)
    return trainer.parameters()


def _length(item) -> int:  # noqa: ANN001
    x = item.getData()[0]
    return 0 if x is None else len(x)


def path_lengths(race: RaceWindow) -> list[int]:
    return [_length(line) for _, line, _ in race.landscape.path_items]


def curve_lengths(race: RaceWindow) -> list[int]:
    return [_length(curve) for curve in race.curves.curves]


def test_the_race_trains_each_contestant_exactly_as_a_separate_trainer(qtbot, window) -> None:  # noqa: ANN001
    session = window.controller.current_session().replace(weights=None, epoch=0, state=None)
    race = start_race(qtbot, window, "sgd@0.1, adam@0.01, momentum@0.03")
    assert [c.name for c in race.runner.worker.race.contestants] == [
        "sgd@0.1", "adam@0.01", "momentum@0.03",
    ]  # fmt: skip
    epochs = 3
    for epoch in range(1, epochs + 1):
        race.commands["step_epoch"].trigger()
        qtbot.waitUntil(
            lambda e=epoch: race.runner.status.epoch == e and race.runner.status.state == "paused",
            timeout=WAIT_MS,
        )
    trained = race.runner.worker.weights()
    for params, (name, lr) in zip(
        trained, [("sgd", 0.1), ("adam", 0.01), ("momentum", 0.03)], strict=True
    ):
        expected = separate_run(session, name, lr, epochs)
        assert np.array_equal(params, expected), name
    assert not np.array_equal(trained[0], trained[1])  # the optimizers differ


def test_play_pause_and_step_keys_drive_every_contestant(qtbot, window) -> None:  # noqa: ANN001
    race = start_race(qtbot, window, "sgd, adam")
    activate(qtbot, race)
    trainers = race.runner.worker.race.trainers

    press(qtbot, race, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one batch
    qtbot.waitUntil(lambda: race.runner.status.step == 1, timeout=WAIT_MS)
    assert [t.step for t in trainers] == [1, 1]
    press(qtbot, race, Qt.Key.Key_Right)  # to the end of the epoch
    qtbot.waitUntil(lambda: race.runner.status.epoch == 1, timeout=WAIT_MS)
    assert [t.epoch for t in trainers] == [1, 1]

    press(qtbot, race, Qt.Key.Key_Space)
    assert race.runner.playing
    qtbot.waitUntil(lambda: race.runner.status.epoch >= 3, timeout=WAIT_MS)
    press(qtbot, race, Qt.Key.Key_Space)
    assert not race.runner.playing
    qtbot.waitUntil(lambda: race.runner.status.state == "paused", timeout=WAIT_MS)
    steps = [t.step for t in trainers]
    assert steps[0] == steps[1] > trainers[0].steps_per_epoch
    assert not window.controller.playing  # the playground's own training did not move


def test_the_view_grows_while_the_race_trains(qtbot, window) -> None:  # noqa: ANN001
    race = start_race(qtbot, window, "sgd@0.3, momentum@0.3, adam@0.03")
    qtbot.waitUntil(lambda: len(race.landscape.path_items) == 3, timeout=WAIT_MS)
    assert race.landscape.loss.shape == (31, 31)
    assert len(race.tiles.tiles) == 3
    assert all(tile.image is not None for tile in race.tiles.tiles)
    before_paths, before_curves = path_lengths(race), curve_lengths(race)

    race.play_button.click()
    qtbot.waitUntil(lambda: race.runner.status.epoch >= 5, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            min(path_lengths(race)) > max(before_paths) + 3
            and min(curve_lengths(race)) > max(before_curves) + 3
        ),
        timeout=WAIT_MS,
    )
    race.play_button.click()
    frame = race.runner.frame
    for (_, line, marker), contestant in zip(
        race.landscape.path_items, frame.contestants, strict=True
    ):
        x, y = line.getData()
        assert (x[-1], y[-1]) == tuple(contestant.path[-1])  # the marker ends the path
        assert tuple(marker.data["x"]) == (x[-1],)
    names = [tile.name for tile in race.tiles.tiles]
    assert names == ["sgd@0.3", "momentum@0.3", "adam@0.03"]
    assert all(tile.caption.startswith("loss ") for tile in race.tiles.tiles)


def test_closing_the_race_stops_its_thread_and_gives_the_playground_back(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.status.state == "running", timeout=WAIT_MS)
    race = start_race(qtbot, window, "sgd, momentum")
    assert not controller.playing  # the playground waits while the race runs
    session = controller.session
    race.runner.play()
    qtbot.waitUntil(lambda: race.runner.status.epoch >= 2, timeout=WAIT_MS)
    worker = race.runner.worker

    with qtbot.waitSignal(window.race.ended, timeout=WAIT_MS):
        race.close_button.click()

    assert not worker.alive
    assert window.race.race is None
    assert controller.session is session
    assert controller.playing  # playing again, as before the race
    qtbot.waitUntil(lambda: controller.status.state == "running", timeout=WAIT_MS)


def test_the_main_window_ends_a_running_race_when_it_closes(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window()
    race = start_race(qtbot, window, "sgd, adam")
    race.runner.play()
    worker = race.runner.worker
    window.shutdown()
    assert not worker.alive


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("sgd, banana", "banana"),
        ("sgd", "2 to 6"),
        ("sgd@fast, adam", "learning rate"),
        ("sgd, sgd", "twice"),
        ("", "empty"),
    ],
)
def test_bad_contestants_give_a_message_and_no_race(qtbot, window, text: str, said: str) -> None:  # noqa: ANN001
    window.commands["race"].trigger()
    dialog = window.race.dialog
    dialog.field.setText(text)

    assert said in dialog.message.text()
    assert not dialog.start_button.isEnabled()
    dialog.accept()  # Enter in the field
    assert dialog.isVisible()
    assert window.race.race is None
    dialog.reject()


def test_the_setup_is_seeded_from_the_session(qtbot, window) -> None:  # noqa: ANN001
    controller = window.controller
    controller.set_optimizer("adam")
    controller.set_learning_rate(0.003)
    window.commands["race"].trigger()
    dialog = window.race.dialog
    assert dialog.field.text().startswith("adam@0.003, ")
    assert dialog.start_button.isEnabled()
    dialog.rates_button.click()
    assert dialog.field.text() == "adam@0.0003, adam@0.003, adam@0.03"
    assert [c.name for c in dialog.contestants] == ["adam@0.0003", "adam@0.003", "adam@0.03"]
    dialog.reject()


def test_race_png_draws_the_race_view_of_a_finished_race(qtbot, tmp_path) -> None:  # noqa: ANN001
    session = Session.default()
    result = run_race(session, "sgd@0.3, momentum@0.1, adam@0.01", 4, resolution=9)
    frame = race_frame_of(result)
    assert [c.name for c in frame.contestants] == ["sgd@0.3", "momentum@0.1", "adam@0.01"]
    for k, contestant in enumerate(frame.contestants):
        np.testing.assert_array_equal(contestant.path, result.paths[k])
        np.testing.assert_array_equal(contestant.losses, result.losses[k])
        assert contestant.output is not None and contestant.output.shape[1:] == (48, 48)
    np.testing.assert_array_equal(frame.surface.loss, result.loss)
    assert frame.epoch == 4

    out = tmp_path / "race.png"
    assert cli.main(
        ["race", _saved(session, tmp_path), "--contestants", "sgd,adam", "--epochs", "2",
         "-o", str(out)],
        app=QtApp(),
    ) == 0  # fmt: skip
    with Image.open(out) as image:
        assert image.size == PICTURE_SIZE
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3)[::31], axis=0)) > 50  # drawn, not blank


def _saved(session: Session, folder) -> str:  # noqa: ANN001
    path = folder / "session.json"
    save_session(session, path)
    return str(path)


def test_the_paths_can_be_drawn_on_a_plane_fitted_to_them(qtbot, window) -> None:  # noqa: ANN001
    race = start_race(qtbot, window, "sgd@0.3, momentum@0.1")
    controls = race.controls
    pca = controls.plane.findData("pca")
    controls.plane.activated.emit(pca)  # too early: the paths have not moved yet
    qtbot.waitUntil(lambda: "too short" in controls.status_label.text(), timeout=WAIT_MS)
    assert race.runner.frame.surface.directions == "random"

    race.runner.play()
    qtbot.waitUntil(lambda: race.runner.status.epoch >= 10, timeout=WAIT_MS)
    race.runner.pause()
    qtbot.waitUntil(lambda: race.runner.status.state == "paused", timeout=WAIT_MS)
    controls.plane.setCurrentIndex(pca)
    controls.plane.activated.emit(pca)
    qtbot.waitUntil(
        lambda: (
            race.runner.frame.surface.directions == "pca"
            and "principal components" in race.view.caption.text()
        ),
        timeout=WAIT_MS,
    )
    recording = race.runner.worker._recording
    plane = recording.plane
    assert np.isclose(np.linalg.norm(plane.d1), 1) and np.isclose(np.linalg.norm(plane.d2), 1)
    assert abs(plane.d1 @ plane.d2) < 1e-9
    np.testing.assert_array_equal(plane.centre, race.runner.worker.race.initial)
    frame = race.runner.frame
    for contestant, trainer in zip(frame.contestants, recording.race.trainers, strict=True):
        np.testing.assert_allclose(contestant.path[-1], project(plane, trainer.parameters()))
        np.testing.assert_allclose(contestant.path[0], (0.0, 0.0), atol=1e-12)  # the start
    surface = frame.surface
    assert surface.span >= np.abs(np.concatenate([c.path for c in frame.contestants])).max()
    assert controls.plane.currentData() == "pca"


def test_a_race_that_cannot_train_says_why(qtbot, window) -> None:  # noqa: ANN001
    session = Session.default()
    points = dataclasses.replace(session.points, is_test=np.ones(session.points.n, bool))
    race = window.race.start(parse_contestants("sgd, adam"), session.replace(points=points))
    qtbot.waitUntil(lambda: race.runner.status.state == "blocked", timeout=WAIT_MS)
    assert "no training points" in race.controls.status_label.text().lower()
    assert not race.play_button.isEnabled()
    race.runner.play()  # nothing to train: the race stays put, the window answers
    qtbot.waitUntil(lambda: not race.runner.playing, timeout=WAIT_MS)
    race.close()
    assert window.race.race is None


def test_closing_the_race_at_once_stops_its_thread(qtbot, window) -> None:  # noqa: ANN001
    race = window.race.start(parse_contestants("sgd, momentum, adam"))
    worker = race.runner.worker
    race.close()  # while the race may still be building
    assert not worker.alive


def test_the_race_follows_the_palette_and_presentation_mode(qtbot, window) -> None:  # noqa: ANN001
    race = start_race(qtbot, window, "sgd, adam")
    qtbot.waitUntil(lambda: race.tiles.tiles[0].image is not None, timeout=WAIT_MS)
    before = race.tiles.tiles[0].image.copy()
    width = race.landscape.path_items[0][1].opts["pen"].widthF()

    window.set_palette("cbd1")
    window.set_presentation(True)

    assert race.tiles.tiles[0].image != before  # the boundary in the new colours
    assert race.landscape.path_items[0][1].opts["pen"].widthF() > width  # thicker paths
    window.set_presentation(False)
