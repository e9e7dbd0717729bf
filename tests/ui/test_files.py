"""Files from the window: CSV, model exports, PNG, autosave and restore, and app.run()."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import onnx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.data.points import Points
from playground.io.csv import read_csv, write_csv
from playground.io.model import EXPORTERS, load_model
from playground.session import Session, load_session, save_session
from playground.ui import app as app_module
from playground.ui.autosave import Autosaver, pending_restore

from .conftest import WAIT_MS


def answer_dialog(button: str) -> list[object]:
    """Click `button` in the next modal message box (polling, at most ~10 s); the list gets the
    box's text and button labels once it was answered."""
    seen: list[object] = []
    tries = [500]

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            labels = [b.text().replace("&", "") for b in box.buttons()]
            seen.extend([box.text(), labels])
            box.buttons()[labels.index(button)].click()
        elif tries[0] > 0:
            tries[0] -= 1
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def _labels_csv(tmp_path, labels, name: str = "labels.csv"):  # noqa: ANN001, ANN202
    path = tmp_path / name
    rows = [f"{0.1 * i:g},{-0.2 * i:g},{label}" for i, label in enumerate(labels)]
    path.write_text("x1,x2,label\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_csv_import_replaces_the_points_undoably(window, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "three.csv"
    points = Points(
        np.array([[0.0, 1.0], [2.0, -1.0], [-3.0, 0.5]]),
        np.array([0, 2, 1]),
        np.array([False, False, True]),
        "classification",
        3,
    )
    write_csv(path, points)
    controller = window.controller

    asked = answer_dialog("Classification (3 classes)")
    assert window.files.import_csv_path(str(path))
    assert asked[1] == ["Classification (3 classes)", "Regression", "Cancel"]

    assert controller.session.points.n == 3
    assert controller.session.network.output_units == 3
    assert window.data_panel.dataset_title.text().startswith("Your own data")
    controller.undo()
    assert controller.session.points.classes == 2


def test_a_bad_csv_shows_a_dialog_and_changes_nothing(window, dialogs, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "bad.csv"
    path.write_text("x1,x2,label\n1,2,cat\n", "utf-8")
    points = window.controller.session.points
    assert not window.files.import_csv_path(str(path))
    assert dialogs.kinds() == ["critical"]
    assert "line 2" in dialogs[0][2]
    assert window.controller.session.points is points


def test_labels_beyond_eight_classes_ask_before_becoming_regression(window, tmp_path) -> None:  # noqa: ANN001
    path = _labels_csv(tmp_path, list(range(12)) * 2)
    controller = window.controller
    before = controller.session

    asked = answer_dialog("Cancel")
    assert not window.files.import_csv_path(str(path))
    assert asked[0] == (
        "labels.csv: 12 distinct integer labels 0..11 — more than 8 classes, so "
        "they can only be regression targets."
    )
    assert asked[1] == ["Import as regression", "Cancel"]
    assert controller.session is before  # cancelled: nothing changed

    asked = answer_dialog("Import as regression")
    assert window.files.import_csv_path(str(path))
    assert asked
    points = controller.session.points
    assert (points.problem, points.n, points.labels.max()) == ("regression", 24, 11.0)


def test_class_like_labels_can_be_imported_as_regression_too(window, tmp_path) -> None:  # noqa: ANN001
    path = _labels_csv(tmp_path, [0, 1, 2] * 5)
    controller = window.controller
    asked = answer_dialog("Regression")
    assert window.files.import_csv_path(str(path))
    assert "3 distinct integer labels 0..2 — read as 3-class classification" in asked[0]
    assert controller.session.points.problem == "regression"
    assert controller.session.network.output_units == 1
    controller.undo()
    answer_dialog("Classification (3 classes)")
    assert window.files.import_csv_path(str(path))
    assert (controller.session.points.problem, controller.session.points.classes) == (
        "classification",
        3,
    )


def _trained_frame(qtbot, controller, epochs: int):  # noqa: ANN001, ANN202
    """Train `epochs` epochs (step by step) and return the frame that shows the last one."""
    worker = controller.worker
    for _ in range(epochs):
        qtbot.waitUntil(lambda: worker.status().applied == worker.sent, timeout=WAIT_MS)
        target = worker.status().epoch + 1
        controller.step_epoch()
        qtbot.waitUntil(
            lambda t=target: (
                controller.frame is not None
                and controller.frame.epoch == t
                and controller.status.state == "paused"
            ),
            timeout=WAIT_MS,
        )
    return controller.frame


@pytest.mark.parametrize("answer", ["Regression", "Classification (2 classes)"])
def test_undo_after_an_import_brings_back_the_data_and_the_trained_network(
    qtbot, window, tmp_path, answer
) -> None:  # noqa: ANN001
    controller = window.controller
    points = controller.session.points
    trained = _trained_frame(qtbot, controller, 3)
    path = _labels_csv(tmp_path, [0, 1] * 20)

    answer_dialog(answer)
    assert window.files.import_csv_path(str(path))
    _trained_frame(qtbot, controller, 2)  # the new data trains (a new or the same network)
    imported_epoch = controller.frame.epoch
    assert controller.undo()

    assert controller.session.points is points
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    frame = controller.frame
    assert frame.epoch == 3 == controller.current_session().epoch
    for restored, before in zip(frame.weights, trained.weights, strict=True):
        np.testing.assert_array_equal(restored.W, before.W)
        np.testing.assert_array_equal(restored.b, before.b)
    assert controller.redo()  # and the imported data's network comes back with redo
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=WAIT_MS)
    assert controller.frame.epoch == imported_epoch and controller.session.points.n == 40


def test_a_binary_file_names_itself_once_in_one_line(window, dialogs, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    assert not window.files.import_csv_path(str(path))
    ((kind, _, text),) = dialogs
    assert text == f"{path}: not a UTF-8 text file (expected CSV text: x1,x2,label)"
    assert text.count("picture.csv") == 1
    assert not window.files.import_csv_path(str(tmp_path / "missing.csv"))
    assert dialogs[1][2] == f"{tmp_path / 'missing.csv'}: No such file or directory"


def test_csv_export_writes_the_points(window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "out.csv"
    monkeypatch.setattr(
        "playground.ui.file_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), "")
    )
    window.data_panel.export_button.click()
    assert read_csv(path).n == window.controller.session.points.n


@pytest.mark.parametrize("suffix", sorted(EXPORTERS))
def test_model_export_in_every_registered_format(qtbot, window, tmp_path, suffix) -> None:  # noqa: ANN001
    controller = window.controller
    controller.step_epoch()
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.epoch == 1, timeout=WAIT_MS
    )
    path = tmp_path / f"model{suffix}"

    assert window.files.export_model_path(str(path))

    if suffix == ".onnx":
        onnx.checker.check_model(onnx.load(str(path)))
    else:
        model = load_model(path)
        np.testing.assert_array_equal(model.weights[0].W, controller.frame.weights[0].W)


def test_figure_export_writes_a_png(window, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "figure.png"
    assert window.files.export_png_path(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_autosave_writes_while_changing_and_a_clean_exit_removes_it(
    qtbot, window, tmp_path
) -> None:  # noqa: ANN001
    controller = window.controller
    saver = Autosaver(controller, tmp_path / "autosave.json", seconds=3600)
    assert not saver.save_if_changed()  # nothing changed yet
    controller.add_layer()
    assert saver.save_if_changed()
    assert len(load_session(saver.path).network.layers) == 3
    assert not saver.save_if_changed()
    assert pending_restore(saver.path) is not None

    saver.finish()

    assert not saver.path.exists()
    assert pending_restore(saver.path) is None


def test_after_a_crash_the_start_offers_the_autosave(make_window, dialogs, tmp_path) -> None:  # noqa: ANN001
    window = make_window()
    window.autosaver = Autosaver(window.controller, tmp_path / "autosave.json", seconds=3600)
    crashed = Session.default()
    crashed = crashed.replace(training=dataclasses.replace(crashed.training, batch_size=3))
    save_session(crashed, window.autosaver.path)
    dialogs.answer = dialogs.answer.Yes

    assert window.offer_restore()

    assert dialogs.kinds() == ["question"]
    assert window.controller.session.training.batch_size == 3
    assert window.controller.dirty


def test_a_restored_session_keeps_its_file_and_ctrl_s_saves_there(
    qtbot, make_window, dialogs, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    work = tmp_path / "work.json"
    crashed = make_window()
    crashed.autosaver = Autosaver(crashed.controller, tmp_path / "autosave.json", seconds=3600)
    assert crashed.files.save_path(str(work))
    crashed.controller.add_layer()  # unsaved work, then the crash (no clean exit)
    assert crashed.autosaver.save_if_changed()
    crashed.controller.shutdown()
    crashed.hide()

    window = make_window()
    window.autosaver = Autosaver(window.controller, tmp_path / "autosave.json", seconds=3600)
    dialogs.answer = dialogs.answer.Yes
    assert window.offer_restore()

    controller = window.controller
    assert controller.path == str(work)
    assert len(controller.session.network.layers) == 3 and controller.dirty
    assert window.windowTitle().startswith("work.json •")
    assert window.status_bar.file_label.text().strip() == "work.json •"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName",
        lambda *a, **k: pytest.fail("Ctrl+S asked for a file name"),
    )
    window.windowHandle().requestActivate()  # shortcuts reach the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not controller.dirty, timeout=WAIT_MS)
    assert len(load_session(work).network.layers) == 3


def test_an_untitled_restore_stays_untitled(make_window, dialogs, tmp_path) -> None:  # noqa: ANN001
    saver_path = tmp_path / "autosave.json"
    save_session(Session.default(), saver_path)
    window = make_window()
    window.autosaver = Autosaver(window.controller, saver_path, seconds=3600)
    dialogs.answer = dialogs.answer.Yes
    assert window.offer_restore()
    assert window.controller.path is None
    window.autosaver.finish()
    assert list(tmp_path.glob("autosave*")) == []


def test_run_with_a_bad_session_shows_a_dialog_and_opens_the_default(
    qtbot, qapp, dialogs, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "nn-playground/session", "version": 99}), "utf-8")
    windows = []
    original = app_module.MainWindow

    def remember(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        window = original(*args, **kwargs)
        windows.append(window)
        QTimer.singleShot(50, QApplication.closeAllWindows)
        return window

    monkeypatch.setattr(app_module, "MainWindow", remember)

    assert app_module.run(str(bad)) == 0

    window = windows[0]
    assert dialogs.kinds()[0] == "critical"
    assert "version" in dialogs[0][2]
    assert window.controller.path is None
    assert not window.controller.worker.alive
