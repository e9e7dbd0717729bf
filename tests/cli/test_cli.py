"""The nn-playground command, run for real as `python -m playground` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

from playground import cli
from playground.data.generators import generate
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.io.csv import read_csv, write_csv
from playground.io.model import load_model
from playground.session import Session, load_session, save_session


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m playground ARGS` and capture its output."""
    env = {k: v for k, v in os.environ.items() if k != cli.DEBUG_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "playground", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def assert_rejected(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit status 2 and exactly one error line on stderr that contains `message`."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("nn-playground") and message in errors[0], result.stderr


def small_session(tmp_path: Path, name: str = "s.json", lr: float = 0.05) -> Path:
    """A small two-class session file (60 points, 20 of them test)."""
    points = generate("moons", n=60, noise=0.1, seed=0, test_ratio=1 / 3)
    network = NetworkSpec(("x1", "x2"), (LayerSpec(4, "tanh"),), points.problem, points.classes)
    session = Session(points, network, TrainingSpec(OptimizerSpec("adam", lr), batch_size=10))
    save_session(session, tmp_path / name)
    return tmp_path / name


def points_csv(tmp_path: Path) -> Path:
    """A CSV of 15 points with a label and a split column."""
    path = tmp_path / "points.csv"
    write_csv(path, generate("moons", n=15, seed=4, test_ratio=0.2))
    return path


# ----- help and usage ------------------------------------------------------------------------


def test_help_of_every_command_has_an_example():
    result = run("--help")
    assert result.returncode == 0
    for command in ("open", "train", "export", "predict", "data", "bench"):
        assert command in result.stdout
    for command in ("open", "train", "export", "predict", "data"):
        result = run(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "example:" in result.stdout and f"nn-playground {command}" in result.stdout


def test_usage_errors_exit_2_without_traceback(tmp_path):
    result = run("train", small_session(tmp_path))
    assert result.returncode == 2
    assert "the following arguments are required: --epochs" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("train", small_session(tmp_path), "--epochs", "0")
    assert result.returncode == 2 and "0 is out of range" in result.stderr
    result = run("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_bench_forwards_its_arguments():
    result = run("bench", "--help")
    assert result.returncode == 0
    assert "usage: nn-playground bench" in result.stdout and "--json" in result.stdout


# ----- data ----------------------------------------------------------------------------------


def test_data_writes_a_dataset_csv(tmp_path):
    out = tmp_path / "spiral.csv"
    result = run(
        "data",
        "spiral",
        "-o",
        out,
        "--n",
        "90",
        "--noise",
        "0.1",
        "--seed",
        "3",
        "--test-ratio",
        "0.2",
        "--arms",
        "3",
    )
    assert result.returncode == 0, result.stderr
    points = read_csv(out)
    expected = generate("spiral", n=90, noise=0.1, seed=3, test_ratio=0.2, arms=3)
    np.testing.assert_array_equal(points.xy, expected.xy)
    assert points.classes == 3 and points.is_test.sum() == 18


def test_data_to_standard_output():
    result = run("data", "sine", "--n", "5")
    assert result.returncode == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["x1", "x2", "label", "split"] and len(rows) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--noise", "2"], "noise must be in [0, 1], got 2.0"),
        (["--arms", "3"], "dataset 'circle' has no option 'arms'"),
        (["--n", "0"], "n must be in 1..100000, got 0"),
    ],
)
def test_data_rejects_bad_options_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "d.csv"
    assert_rejected(run("data", "circle", "-o", out, *args), message)
    assert not out.exists()


# ----- train ---------------------------------------------------------------------------------


def test_train_saves_weights_and_epoch(tmp_path):
    session_path = small_session(tmp_path)
    before = session_path.read_bytes()
    out = tmp_path / "trained.json"
    result = run("train", session_path, "--epochs", "6", "--save", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("epoch 6/6  train loss ") and "test accuracy" in line for line in lines
    )
    assert lines[-1] == f"saved {out} (epoch 6)"
    trained = load_session(out)
    assert trained.epoch == 6 and trained.weights is not None
    expected = load_session(session_path).make_trainer()
    expected.run_epochs(6)
    np.testing.assert_array_equal(trained.weights[0].W, expected.weights()[0].W)
    assert session_path.read_bytes() == before


def test_progress_bar_on_a_terminal(tmp_path, capsys):
    trainer = load_session(small_session(tmp_path)).make_trainer()
    terminal = io.StringIO()
    report = cli.TrainingReport(trainer, 3, terminal)
    for _ in range(3):
        trainer.run_epochs(1)
        report.update()
    report.finish()
    text = terminal.getvalue()
    last_line = text.rstrip("\n").split("\r")[-1]
    assert text.endswith("\n") and "\n" not in text[:-1]  # one line, redrawn in place
    assert last_line.startswith("100%") and " 3/3 " in last_line
    assert "train loss " in last_line and "test loss " in last_line
    assert capsys.readouterr().out.startswith("epoch 3/3  train loss ")


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    result = run("train", small_session(tmp_path), "--epochs", "30")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr + result.stdout and "%|" not in result.stderr
    assert len(result.stdout.splitlines()) == 10  # epochs 3, 6, ... 30: one line each


def test_train_without_save_leaves_the_session_untouched(tmp_path):
    session_path = small_session(tmp_path)
    before = session_path.read_bytes()
    result = run("train", session_path, "--epochs", "2")
    assert result.returncode == 0
    assert "--save" in result.stderr
    assert session_path.read_bytes() == before


def test_training_a_saved_session_continues_its_epochs(tmp_path):
    session_path = small_session(tmp_path)
    out = tmp_path / "out.json"
    assert run("train", session_path, "--epochs", "2", "--save", out).returncode == 0
    assert run("train", out, "--epochs", "3", "--save", out).returncode == 0
    assert load_session(out).epoch == 5


def test_diverging_training_exits_2_and_writes_nothing(tmp_path):
    points = generate("plane", n=40, seed=0)
    network = NetworkSpec(("x1", "x2", "x1^2"), (LayerSpec(4, "linear"),), "regression", 1)
    session = Session(points, network, TrainingSpec(OptimizerSpec("sgd", 5.0), batch_size=40))
    save_session(session, tmp_path / "s.json")
    before = (tmp_path / "s.json").read_bytes()
    result = run("train", tmp_path / "s.json", "--epochs", "50", "--save", tmp_path / "out.json")
    assert_rejected(result, "Training diverged at epoch")
    assert "Nothing was saved" in result.stderr
    assert not (tmp_path / "out.json").exists()
    result = run("train", tmp_path / "s.json", "--epochs", "50")
    assert_rejected(result, "Try a lower learning rate")
    assert (tmp_path / "s.json").read_bytes() == before


def test_train_rejects_a_bad_session_and_keeps_the_old_output(tmp_path):
    bad = tmp_path / "bad.json"
    data = json.loads(small_session(tmp_path).read_text(encoding="utf-8"))
    data["network"]["layers"][0]["activation"] = "banana"
    bad.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("keep me", encoding="utf-8")
    assert_rejected(
        run("train", bad, "--epochs", "3", "--save", out),
        "network.layers[0].activation: unknown activation 'banana' (choose one of:",
    )
    assert out.read_text(encoding="utf-8") == "keep me"
    assert_rejected(
        run("train", tmp_path / "missing.json", "--epochs", "3"), "missing.json: no such file"
    )
    bad.write_text("{not json", encoding="utf-8")
    assert_rejected(run("train", bad, "--epochs", "3"), "not valid JSON")


# ----- export --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A trained session file, made through the command line."""
    folder = tmp_path_factory.mktemp("trained")
    path = small_session(folder)
    assert run("train", path, "--epochs", "3", "--save", path).returncode == 0
    return path


def test_export_every_format(tmp_path, trained):
    session = load_session(trained)
    xy = np.random.default_rng(0).uniform(-6, 6, (30, 2))
    expected = session.make_trainer().predict(xy)
    for suffix in (".json", ".npz", ".onnx"):
        out = tmp_path / f"model{suffix}"
        result = run("export", trained, "-o", out)
        assert result.returncode == 0, result.stderr
        assert "note:" not in result.stderr
    for suffix in (".json", ".npz"):
        np.testing.assert_allclose(
            load_model(tmp_path / f"model{suffix}").predict(xy), expected, atol=1e-5
        )
    onnx.checker.check_model(onnx.load(tmp_path / "model.onnx"), full_check=True)


def test_export_rejects_an_unknown_suffix_before_anything_else(tmp_path, trained):
    assert_rejected(
        run("export", trained, "-o", tmp_path / "model.pt"),
        "cannot export to '.pt' (use .json, .npz, .onnx)",
    )
    assert_rejected(
        run("export", tmp_path / "missing.json", "-o", tmp_path / "m.txt"),
        "cannot export to '.txt'",
    )
    assert list(tmp_path.iterdir()) == []


def test_export_of_a_bad_session_leaves_the_old_model(tmp_path):
    out = tmp_path / "model.onnx"
    out.write_bytes(b"old model")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nn-playground/session", "version": 3}', encoding="utf-8")
    assert_rejected(run("export", bad, "-o", out), "version: a number 3 is not supported")
    assert out.read_bytes() == b"old model"


def test_export_of_an_untrained_session_warns(tmp_path):
    result = run("export", small_session(tmp_path), "-o", tmp_path / "m.json")
    assert result.returncode == 0
    assert "has no trained weights; exporting the initial weights" in result.stderr


# ----- predict -------------------------------------------------------------------------------


def test_predict_with_a_model_and_a_session(tmp_path, trained):
    assert run("export", trained, "-o", tmp_path / "m.npz").returncode == 0
    points = points_csv(tmp_path)
    out = tmp_path / "out.csv"
    result = run("predict", tmp_path / "m.npz", "--input", points, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["x1", "x2", "label", "split", "prediction", "p0", "p1"]
    xy = np.array([[float(r["x1"]), float(r["x2"])] for r in rows])
    probabilities = np.array([[float(r["p0"]), float(r["p1"])] for r in rows])
    expected = load_session(trained).make_trainer().predict(xy)
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    assert [int(r["prediction"]) for r in rows] == expected.argmax(axis=1).tolist()
    with open(points, newline="", encoding="utf-8") as file:
        original = list(csv.DictReader(file))
    assert [r["x1"] for r in rows] == [r["x1"] for r in original]
    from_session = run("predict", trained, "--input", points)
    assert from_session.returncode == 0
    assert from_session.stdout == out.read_text(encoding="utf-8")


def test_predict_regression_writes_values_only(tmp_path):
    points = generate("sine", n=30, seed=0)
    network = NetworkSpec(("x1",), (LayerSpec(3, "relu"),), "regression", 1)
    save_session(Session(points, network, TrainingSpec()), tmp_path / "r.json")
    (tmp_path / "in.csv").write_text("id,x2,x1\na,0.5,1.0\nb,0,-2\n", encoding="utf-8")
    result = run("predict", tmp_path / "r.json", "--input", tmp_path / "in.csv")
    assert result.returncode == 0
    assert "no trained weights" in result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "x2", "x1", "prediction"]
    assert [row[:3] for row in rows[1:]] == [["a", "0.5", "1.0"], ["b", "0", "-2"]]
    expected = load_session(tmp_path / "r.json").make_trainer().predict([[1.0, 0.5], [-2, 0]])
    np.testing.assert_allclose([float(row[3]) for row in rows[1:]], expected[:, 0], atol=1e-6)


def test_predict_rejects_bad_input_and_keeps_the_old_output(tmp_path, trained):
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    (tmp_path / "bad.csv").write_text("x1,x2\n1,2\n3,oops\n", encoding="utf-8")
    assert_rejected(
        run("predict", trained, "--input", tmp_path / "bad.csv", "-o", out),
        "line 3: x2 is not a number: 'oops'",
    )
    (tmp_path / "no_x2.csv").write_text("x1,y\n1,2\n", encoding="utf-8")
    assert_rejected(
        run("predict", trained, "--input", tmp_path / "no_x2.csv", "-o", out),
        "expected one column 'x2'",
    )
    points = points_csv(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"")
    assert_rejected(
        run("predict", tmp_path / "model.onnx", "--input", points, "-o", out),
        "cannot import '.onnx' (use .json, .npz)",
    )
    (tmp_path / "m.npz").write_bytes(b"garbage")
    assert_rejected(
        run("predict", tmp_path / "m.npz", "--input", points, "-o", out), "not an NPZ file"
    )
    assert out.read_text(encoding="utf-8") == "old"


# ----- open ----------------------------------------------------------------------------------


def test_open_rejects_a_bad_session_without_opening_a_window(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("", encoding="utf-8")
    result = run("open", bad)
    assert_rejected(result, "the file is empty")
    assert_rejected(run("open", tmp_path / "missing.json"), "missing.json: no such file")


class FakeApp:
    """Stands for the Qt app that playground.launcher hands to cli.main."""

    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def run(self, session_path: str | None) -> int:
        self.calls.append(session_path)
        return 0

    def bench(self) -> dict[str, float]:
        self.calls.append("bench")
        return {}


def test_open_forwards_to_the_app(tmp_path):
    app = FakeApp()
    session_path = small_session(tmp_path)
    assert cli.main(["open", str(session_path)], app=app) == 0
    assert cli.main([], app=app) == 0
    assert app.calls == [str(session_path), None]


def test_the_launcher_hands_the_qt_app_to_the_command_line(monkeypatch, tmp_path, capsys):
    from playground import launcher

    calls = []
    monkeypatch.setattr(launcher.QtApp, "run", lambda self, path: calls.append(path) or 0)
    session_path = small_session(tmp_path)
    assert launcher.main(["open", str(session_path)]) == 0
    monkeypatch.setattr(sys, "argv", ["nn-playground-gui", str(session_path)])
    assert launcher.gui_main() == 0
    assert calls == [str(session_path)] * 2
    assert cli.main([]) == 2  # without the launcher, no app: a clear error, no Qt
    assert "the app is not available here" in capsys.readouterr().err


def test_bench_gui_needs_the_app(capsys):
    with pytest.raises(SystemExit) as exit_status:  # a usage error of the benchmark's parser
        cli.main(["bench", "--gui"])
    assert exit_status.value.code == 2
    assert "--gui needs the app" in capsys.readouterr().err


# ----- errors --------------------------------------------------------------------------------


def test_internal_errors_exit_1_with_a_hint(capsys, monkeypatch):
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)

    def broken() -> int:
        raise ZeroDivisionError("division by zero")

    assert cli._guarded(broken) == 1
    err = capsys.readouterr().err
    assert "nn-playground: error: internal error: ZeroDivisionError: division by zero" in err
    assert "NN_PLAYGROUND_DEBUG=1" in err and "Traceback" not in err
    monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    with pytest.raises(ZeroDivisionError):
        cli._guarded(broken)


def test_bad_input_errors_exit_2(capsys):
    def bad() -> int:
        raise FileNotFoundError(2, "No such file or directory", "x.csv")

    assert cli._guarded(bad) == 2
    assert capsys.readouterr().err == "nn-playground: error: x.csv: No such file or directory\n"
