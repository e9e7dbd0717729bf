"""The optional third split, validation: data model, generator, editing, CSV, session file
(version 2, version 1 still loads), Trainer (early stopping watches it, the test loss is
untouched) and the command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.data.editing import PointEditor
from playground.data.generators import generate
from playground.data.points import TEST, TRAIN, VALIDATION, Points
from playground.engine import LayerSpec, NetworkSpec, OptimizerSpec, Trainer, TrainingSpec
from playground.engine.trainer import TrainingData
from playground.io.csv import format_csv, parse_csv
from playground.session import Session, SessionError, load_session, save_session


def three_way(n: int = 200) -> Points:
    return generate("xor", n=n, noise=0.3, seed=0, test_ratio=0.3, validation_ratio=0.2)


def test_points_keep_three_disjoint_splits() -> None:
    points = three_way()
    assert points.n_validation == 40 and int(points.is_test.sum()) == 60
    assert not np.any(points.is_test & points.is_validation)
    assert np.array_equal(points.is_train, ~(points.is_test | points.is_validation))
    assert len(points.train()[0]) == 100 and len(points.validation()[0]) == 40
    assert set(points.split_codes.tolist()) == {TRAIN, TEST, VALIDATION}
    assert "validation=40" in repr(points)
    with pytest.raises(ValueError, match="point 0 is both a test and a validation point"):
        Points([[0, 0]], [0], [True], "classification", 2, [True])
    two_way = Points([[0, 0]], [0], [False], "classification", 2)
    assert two_way.n_validation == 0 and "validation" not in repr(two_way)


def test_the_generator_draws_validation_from_the_rest_and_keeps_the_test_points() -> None:
    plain = generate("xor", n=200, noise=0.3, seed=0, test_ratio=0.3)
    points = three_way()
    assert np.array_equal(points.is_test, plain.is_test)
    assert np.array_equal(points.xy, plain.xy)
    with pytest.raises(ValueError, match=r"test_ratio \+ validation_ratio must be at most 0.9"):
        generate("xor", n=200, test_ratio=0.5, validation_ratio=0.5)


def test_editing_keeps_the_validation_points_where_they_are() -> None:
    editor = PointEditor(three_way(20))
    validation = editor.points.is_validation.copy()
    editor.add(0.0, 0.0, 1)
    assert np.array_equal(editor.points.is_validation, np.append(validation, False))
    first = int(np.flatnonzero(validation)[0])
    editor.relabel([first], 1 - editor.points.labels[first])
    editor.move(first, 1.0, 1.0)
    assert editor.points.is_validation[first]
    editor.set_test([first], False)  # to train
    assert not editor.points.is_validation[first] and not editor.points.is_test[first]
    editor.remove([0])
    assert editor.points.n_validation == int(validation.sum()) - 1 - int(validation[0])


def test_csv_reads_and_writes_the_validation_split() -> None:
    points = three_way()
    again = parse_csv(format_csv(points))
    assert np.array_equal(again.split_codes, points.split_codes)
    text = "x1,x2,label,split\n1,1,0,validation\n2,2,1,train\n3,3,0,test\n"
    assert parse_csv(text).split_codes.tolist() == [VALIDATION, TRAIN, TEST]


def session_of(points: Points, patience: int = 0) -> Session:
    network = NetworkSpec(layers=(LayerSpec(16, "tanh"), LayerSpec(16, "tanh")))
    training = TrainingSpec(
        optimizer=OptimizerSpec("adam", 0.03), seed=0, early_stopping_patience=patience
    )
    return Session(points, network, training)


def test_session_files_carry_the_split_as_version_2_and_version_1_still_loads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "three.json"
    save_session(session_of(three_way()), path)
    saved = json.loads(path.read_text())
    assert saved["version"] == 2
    assert {row[3] for row in saved["data"]["points"]} == {"train", "test", "validation"}
    assert np.array_equal(load_session(path).points.split_codes, three_way().split_codes)

    two = tmp_path / "two.json"
    save_session(session_of(generate("xor", n=50, test_ratio=0.3)), two)
    assert json.loads(two.read_text())["version"] == 1  # older apps read it as before
    assert load_session(two).points.n_validation == 0

    saved["version"] = 1  # a version-1 file cannot hold validation points
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(saved))
    with pytest.raises(SessionError, match=r"bad.json: .*validation needs version 2"):
        load_session(bad)


def test_early_stopping_watches_validation_and_leaves_the_test_loss_alone() -> None:
    session = session_of(three_way(), patience=10)
    trainer = session.make_trainer()
    trainer.run_epochs(500)
    assert trainer.stopped_early and "the validation loss has not improved" in trainer.message
    snapshot = trainer.snapshot()
    assert snapshot.validation_loss is not None and snapshot.validation_accuracy is not None
    data = session.training_data()
    assert len(data.validation_xy) == 40 and data.stopping_split == "validation"

    # The same run stops where a Trainer that is shown the validation points as its test set
    # stops: early stopping followed the validation loss, not the test loss.
    swapped = TrainingData(
        data.train_xy, data.train_labels, data.validation_xy, data.validation_labels
    )
    reference = Trainer(session.network, session.training, swapped)
    reference.run_epochs(500)
    assert reference.epoch == trainer.epoch
    assert reference.snapshot().test_loss == snapshot.validation_loss
    # ... and the reported test loss is the test points' own, at the restored weights.
    two_way = TrainingData(data.train_xy, data.train_labels, data.test_xy, data.test_labels)
    on_test = Trainer(session.network, session.training, two_way, trainer.weights())
    assert on_test.snapshot().test_loss == snapshot.test_loss
    assert not math.isclose(snapshot.test_loss, snapshot.validation_loss)


def test_without_validation_points_early_stopping_watches_the_test_loss() -> None:
    trainer = session_of(generate("xor", n=200, noise=0.3, test_ratio=0.3), 10).make_trainer()
    trainer.run_epochs(500)
    assert trainer.stopped_early and "the test loss has not improved" in trainer.message
    assert trainer.snapshot().validation_loss is None


def test_the_command_line_makes_and_reports_a_validation_split(tmp_path: Path) -> None:
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "playground", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    csv_path = tmp_path / "data.csv"
    made = run("data", "xor", "--n", "100", "--test-ratio", "0.3", "--validation-ratio", "0.2",
               "-o", csv_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert parse_csv(csv_path.read_text()).n_validation == 20
    bad = run("data", "xor", "--test-ratio", "0.5", "--validation-ratio", "0.5")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "validation_ratio" in bad.stderr

    session_path = tmp_path / "s.json"
    save_session(session_of(parse_csv(csv_path.read_text())), session_path)
    trained = run("train", session_path, "--epochs", "2")
    assert trained.returncode == 0, trained.stderr
    assert "validation loss" in trained.stdout and "validation accuracy" in trained.stdout
