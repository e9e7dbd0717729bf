"""Files from the window: CSV, model exports, PNG, autosave and restore, and app.run()."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import onnx
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from playground.data.points import Points
from playground.io.csv import read_csv, write_csv
from playground.io.model import EXPORTERS, load_model
from playground.session import Session, load_session, save_session
from playground.ui import app as app_module
from playground.ui.autosave import Autosaver, pending_restore

from .conftest import WAIT_MS


def test_csv_import_replaces_the_points_undoably(window, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "three.csv"
    points = Points(np.array([[0.0, 1.0], [2.0, -1.0], [-3.0, 0.5]]), np.array([0, 2, 1]),
                    np.array([False, False, True]), "classification", 3)
    write_csv(path, points)
    controller = window.controller

    assert window.files.import_csv_path(str(path))

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


def test_csv_export_writes_the_points(window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "out.csv"
    monkeypatch.setattr("playground.ui.file_actions.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(path), ""))
    window.data_panel.export_button.click()
    assert read_csv(path).n == window.controller.session.points.n


@pytest.mark.parametrize("suffix", sorted(EXPORTERS))
def test_model_export_in_every_registered_format(qtbot, window, tmp_path, suffix) -> None:  # noqa: ANN001
    controller = window.controller
    controller.step_epoch()
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.epoch == 1,
                    timeout=WAIT_MS)
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
        qtbot, window, tmp_path) -> None:  # noqa: ANN001
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


def test_run_with_a_bad_session_shows_a_dialog_and_opens_the_default(
        qtbot, qapp, dialogs, tmp_path, monkeypatch) -> None:  # noqa: ANN001
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
