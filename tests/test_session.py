"""Session: lossless JSON round trips, validation, and every way a session file is rejected."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from playground.data.generators import generate
from playground.data.points import Points
from playground.engine.spec import (
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    ScheduleSpec,
    TrainingSpec,
)
from playground.io.json_format import MAX_FILE_BYTES
from playground.session import (
    Notes,
    Session,
    SessionError,
    load_session,
    save_session,
    session_from_dict,
    session_to_dict,
)


def rich_session(problem: str = "classification") -> Session:
    """A session using every optional field: bn, standardize, options, notes, trained weights."""
    name, options = ("gaussians", {"classes": 3}) if problem == "classification" else ("sine", {})
    points = generate(name, n=60, noise=0.3, seed=2, test_ratio=0.25, **options)
    network = NetworkSpec(
        ("x1", "x2", "sin(x1)", "x1*x2"),
        (LayerSpec(5, "gelu", 0.1, True), LayerSpec(3, "mish")),
        points.problem,
        points.classes,
        standardize=True,
    )
    training = TrainingSpec(
        OptimizerSpec("adam", 0.01, {"betas": (0.8, 0.99), "eps": 1e-7}),
        batch_size=16,
        shuffle=False,
        loss="huber" if problem == "regression" else None,
        regularization="l2",
        regularization_rate=1e-3,
        grad_clip=5.0,
        schedule=ScheduleSpec("step", {"step_size": 3}),
        init="he_normal",
        seed=7,
        early_stopping_patience=4,
    )
    notes = Notes("Blobs", "Some *Markdown*.\nTwo lines", speed=2.5, pause_at=(10, 200))
    session = Session(points, network, training, notes=notes)
    trainer = session.make_trainer()
    trainer.run_epochs(3)
    return session.replace(weights=tuple(trainer.weights()), epoch=3)


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    """The JSON object of a small trained session with batch norm (read-only: copy it)."""
    return session_to_dict(rich_session())


def assert_same_session(a: Session, b: Session) -> None:
    """Equal dicts and bit-identical arrays."""
    assert session_to_dict(a) == session_to_dict(b)
    np.testing.assert_array_equal(a.points.xy, b.points.xy)
    np.testing.assert_array_equal(a.points.labels, b.points.labels)
    np.testing.assert_array_equal(a.points.is_test, b.points.is_test)
    assert (a.weights is None) == (b.weights is None)
    for wa, wb in zip(a.weights or (), b.weights or (), strict=True):
        np.testing.assert_array_equal(wa.W, wb.W)
        np.testing.assert_array_equal(wa.b, wb.b)
        if wa.bn is not None:
            np.testing.assert_array_equal(wa.bn.running_var, wb.bn.running_var)


# ----- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [Session.default, lambda: rich_session("classification"), lambda: rich_session("regression")],
    ids=["default", "classification", "regression"],
)
def test_save_load_is_lossless(tmp_path, make):
    session = make()
    path = tmp_path / "s.json"
    save_session(session, path)
    loaded = load_session(path)
    assert_same_session(loaded, session)
    assert loaded.network == session.network
    assert loaded.training == session.training
    assert loaded.notes == session.notes
    assert loaded.epoch == session.epoch
    save_session(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_floats_round_trip_exactly(tmp_path):
    awkward = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -2.220446049250313e-16, 5.0]
    points = Points(
        np.column_stack([awkward, awkward[::-1]]), np.array(awkward), [0] * 6, "regression", 1
    )
    session = Session.default().with_points(points)
    save_session(session, tmp_path / "s.json")
    np.testing.assert_array_equal(load_session(tmp_path / "s.json").points.xy, points.xy)
    np.testing.assert_array_equal(load_session(tmp_path / "s.json").points.labels, awkward)


def test_written_json_has_the_documented_fields(tmp_path):
    save_session(rich_session(), tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["epoch"]) == ("nn-playground/session", 1, 3)
    assert data["training"]["optimizer"] == {
        "name": "adam",
        "lr": 0.01,
        "betas": [0.8, 0.99],
        "eps": 1e-7,
    }
    assert data["training"]["schedule"] == {"name": "step", "step_size": 3}
    assert data["training"]["regularization"] == {"kind": "l2", "rate": 1e-3}
    assert data["training"]["early_stopping"] == {"patience": 4}
    assert data["network"]["standardize"] is True
    assert set(data["weights"][0]["bn"]) == {"gamma", "beta", "running_mean", "running_var"}
    assert "bn" not in data["weights"][2]
    assert data["notes"] == {
        "title": "Blobs",
        "text": "Some *Markdown*.\nTwo lines",
        "speed": 2.5,
        "pause_at": [10, 200],
    }
    x1, x2, label, split = data["data"]["points"][0]
    assert isinstance(label, int) and split in ("train", "test")


def test_optional_fields_take_their_defaults(base):
    data = copy.deepcopy(base)
    for key in ("weights", "epoch", "notes"):
        del data[key]
    for key in ("loss", "early_stopping"):
        del data["training"][key]
    del data["network"]["standardize"]
    session = session_from_dict(data)
    assert (session.weights, session.epoch, session.notes) == (None, 0, None)
    assert session.training.loss is None and session.training.early_stopping_patience == 0
    assert session.network.standardize is False


def test_the_pace_is_optional_and_written_only_when_set(tmp_path, base):
    data = copy.deepcopy(base)
    del data["notes"]["speed"], data["notes"]["pause_at"]
    notes = session_from_dict(data).notes
    assert (notes.speed, notes.pause_at) == (None, ())
    save_session(session_from_dict(data), tmp_path / "s.json")
    written = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["notes"]
    assert set(written) == {"title", "text"}
    assert Notes("t", "x", 30, [5, 7]) == Notes("t", "x", 30.0, (5, 7))
    with pytest.raises(SessionError, match=r"^notes\.pause_at\[1\]: 5 must be greater"):
        Notes("t", "x", pause_at=(5, 5))


def test_a_loaded_session_trains_from_its_weights_deterministically(tmp_path):
    session = rich_session()
    save_session(session, tmp_path / "s.json")
    a, b = session.make_trainer(), load_session(tmp_path / "s.json").make_trainer()
    a.run_epochs(2)
    b.run_epochs(2)
    for wa, wb in zip(a.weights(), b.weights(), strict=True):
        np.testing.assert_array_equal(wa.W, wb.W)


def test_default_is_tensorflow_playground():
    session = Session.default()
    assert session.points.n == 200 and session.points.is_test.sum() == 60
    assert [(layer.units, layer.activation) for layer in session.network.layers] == [
        (4, "tanh"),
        (2, "tanh"),
    ]
    assert session.network.inputs == ("x1", "x2")
    assert (session.training.optimizer.name, session.training.optimizer.lr) == ("sgd", 0.03)
    assert (session.training.batch_size, session.training.init) == (10, "glorot_uniform")
    assert session.weights is None
    data = session.training_data()
    assert data.train_xy.shape == (140, 2) and data.test_xy.shape == (60, 2)


# ----- the Session object --------------------------------------------------------------------


def test_replace_validates():
    session = Session.default()
    with pytest.raises(SessionError, match="epoch"):
        session.replace(epoch=-1)
    regression = NetworkSpec(("x1", "x2"), (), "regression", 1)
    with pytest.raises(
        SessionError, match="network: built for regression but the data is 2-class classification"
    ):
        session.replace(network=regression)
    trainer = rich_session().make_trainer()
    with pytest.raises(
        SessionError, match=re_escape("weights[0].W: shape [5, 4] does not match the network (4×2)")
    ):
        session.replace(weights=tuple(trainer.weights()))
    with pytest.raises(SessionError, match="training.loss: 'mse' does not fit 2 classes"):
        session.replace(training=TrainingSpec(loss="mse"))


def test_with_points_follows_the_problem_and_drops_weights_that_no_longer_fit():
    session = rich_session("classification")
    assert session.with_points(generate("gaussians", n=30, classes=3)).weights is not None
    moved = session.with_points(generate("sine", n=30))
    assert (moved.network.problem, moved.network.classes, moved.weights) == ("regression", 1, None)
    assert moved.epoch == 0


def test_from_model_continues_training():
    session = rich_session()
    model = session.to_model()
    again = Session.from_model(model, session.points, session.training)
    for wa, wb in zip(again.weights, session.weights, strict=True):
        np.testing.assert_array_equal(wa.W, wb.W)
    trainer = again.make_trainer()
    trainer.run_epochs(1)
    assert trainer.epoch == 1
    empty = Session.from_model(model)
    assert empty.points.n == 0 and empty.points.classes == 3


# ----- rejections ----------------------------------------------------------------------------


def write_json(tmp_path: Path, data: Any) -> Path:
    """Write data as JSON; the string "NAN"/"INF" become NaN/Infinity tokens."""
    text = json.dumps(data).replace('"NAN"', "NaN").replace('"INF"', "-Infinity")
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    return path


def rejected(tmp_path: Path, data: Any) -> str:
    """Load data as a session file; return the SessionError message (one line)."""
    path = write_json(tmp_path, data)
    with pytest.raises(SessionError) as info:
        load_session(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message[len(f"{path}: ") :]


def edited(base: dict[str, Any], edit: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    edit(data)
    return data


def test_missing_file(tmp_path):
    with pytest.raises(SessionError, match=r"nope\.json: no such file"):
        load_session(tmp_path / "nope.json")


def test_a_folder_is_not_a_session(tmp_path):
    with pytest.raises(SessionError, match="is a folder"):
        load_session(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("  \n", "the file is empty"),
        ('{"format": ', "not valid JSON"),
        ("hello", "not valid JSON"),
        ("[1, 2]", "(top level): expected a JSON object"),
        ("42", "(top level): expected a JSON object"),
        ("\x00\xff", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_not_a_session_document(tmp_path, text, message):
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError, match=re_escape(message)):
        load_session(path)


def test_binary_file(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(SessionError, match="not a text file"):
        load_session(path)


def test_file_over_50_mb(tmp_path):
    path = tmp_path / "s.json"
    with open(path, "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    with pytest.raises(SessionError, match="too large.*at most 50 MB"):
        load_session(path)


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that sets data[path] (dotted, with [i] indices)."""

    def edit(data: dict[str, Any]) -> None:
        keys = [
            int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")
        ]
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[key]
        del target[last]

    return edit


CASES: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    # format and version
    (
        "wrong format",
        _set("format", "nn-playground/other"),
        'format: a string "nn-playground/other" is not an NN Playground session',
    ),
    (
        "model file",
        _set("format", "nn-playground/model"),
        "format: this is an exported model, not a session",
    ),
    ("no format", _delete("format"), "format: missing"),
    (
        "newer version",
        _set("version", 3),
        "version: a number 3 is not supported (this NN Playground reads session versions 1 to 2; "
        "the file is from a newer NN Playground)",
    ),
    ("version as text", _set("version", "1"), 'version: a string "1" is not supported'),
    ("version true", _set("version", True), "version: a boolean true is not supported"),
    ("no version", _delete("version"), "version: missing"),
    # missing fields, at every level
    ("no data", _delete("data"), "data: missing (add this field)"),
    ("no network", _delete("network"), "network: missing"),
    ("no training", _delete("training"), "training: missing"),
    ("no points", _delete("data.points"), "data.points: missing"),
    ("no classes", _delete("data.classes"), "data.classes: missing"),
    ("no inputs", _delete("network.inputs"), "network.inputs: missing"),
    (
        "no units",
        lambda d: d["network"]["layers"][0].pop("units"),
        "network.layers[0].units: missing",
    ),
    (
        "no dropout",
        lambda d: d["network"]["layers"][1].pop("dropout"),
        "network.layers[1].dropout: missing",
    ),
    ("no optimizer", _delete("training.optimizer"), "training.optimizer: missing"),
    ("no lr", _delete("training.optimizer.lr"), "training.optimizer.lr: missing"),
    ("no schedule name", _delete("training.schedule.name"), "training.schedule.name: missing"),
    ("no rate", _delete("training.regularization.rate"), "training.regularization.rate: missing"),
    ("no seed", _delete("training.seed"), "training.seed: missing"),
    ("no W", lambda d: d["weights"][1].pop("W"), "weights[1].W: missing"),
    (
        "no bn",
        lambda d: d["weights"][0].pop("bn"),
        "weights[0].bn: missing (this layer uses batch norm",
    ),
    (
        "no running_var",
        lambda d: d["weights"][0]["bn"].pop("running_var"),
        "weights[0].bn.running_var: missing",
    ),
    ("no notes text", lambda d: d["notes"].pop("text"), "notes.text: missing"),
    # extra fields, at every level
    ("extra top", _set("colour", "red"), "colour: unknown field (remove it; expected: format,"),
    ("extra data", _set("data.extra", 1), "data.extra: unknown field"),
    ("extra network", _set("network.problem", "classification"), "network.problem: unknown field"),
    ("extra layer", _set("network.layers[1].bias", True), "network.layers[1].bias: unknown field"),
    ("extra training", _set("training.epochs", 5), "training.epochs: unknown field"),
    (
        "extra optimizer",
        _set("training.optimizer.momentum", 0.9),
        "training.optimizer.momentum: not a parameter of adam (choose from: betas, eps, "
        "weight_decay)",
    ),
    (
        "extra schedule",
        _set("training.schedule.gamma2", 0.5),
        "training.schedule.gamma2: not an option of the step schedule",
    ),
    (
        "extra regularization",
        _set("training.regularization.l1", 0.1),
        "training.regularization.l1: unknown field",
    ),
    (
        "extra early stopping",
        _set("training.early_stopping.delta", 0.1),
        "training.early_stopping.delta: unknown field",
    ),
    ("extra weights", _set("weights[2].bias", [0]), "weights[2].bias: unknown field"),
    ("bn without batch norm", _set("weights[1].bn", {}), "weights[1].bn: unknown field"),
    ("extra bn", _set("weights[0].bn.mean", [0]), "weights[0].bn.mean: unknown field"),
    ("extra notes", _set("notes.author", "me"), "notes.author: unknown field"),
    # wrong types
    ("data a list", _set("data", []), "data: expected a JSON object {...}, got a list"),
    ("points an object", _set("data.points", {}), "data.points: expected a list"),
    (
        "point too short",
        _set("data.points[4]", [1.0, 2.0, 0]),
        "data.points[4]: expected [x1, x2, label, split]",
    ),
    (
        "x as text",
        _set("data.points[2][0]", "1.5"),
        'data.points[2][0]: expected a number, got a string "1.5"',
    ),
    (
        "label true",
        _set("data.points[2][2]", True),
        "data.points[2][2]: expected a number, got a boolean true",
    ),
    (
        "units as text",
        _set("network.layers[0].units", "5"),
        "network.layers[0].units: '5' is out of range (1 to 256 units)",
    ),
    (
        "units fractional",
        _set("network.layers[0].units", 4.5),
        "network.layers[0].units: 4.5 is out of range",
    ),
    (
        "batch_norm as 1",
        _set("network.layers[0].batch_norm", 1),
        "network.layers[0].batch_norm: expected true or false",
    ),
    (
        "standardize as text",
        _set("network.standardize", "yes"),
        'network.standardize: expected true or false, got a string "yes"',
    ),
    ("inputs a string", _set("network.inputs", "x1"), "network.inputs: expected a list"),
    (
        "activation a list",
        _set("network.layers[0].activation", ["tanh"]),
        "network.layers[0].activation: expected a string, got a list",
    ),
    ("shuffle as 0", _set("training.shuffle", 0), "training.shuffle: expected true or false"),
    (
        "optimizer a string",
        _set("training.optimizer", "adam"),
        'training.optimizer: expected an object like {"name": ...}',
    ),
    (
        "betas one number",
        _set("training.optimizer.betas", 0.9),
        "training.optimizer.betas: expected two numbers",
    ),
    ("seed fractional", _set("training.seed", 1.5), "training.seed: 1.5 must be a whole number"),
    (
        "patience true",
        _set("training.early_stopping.patience", True),
        "training.early_stopping.patience: expected a whole number, got a boolean true",
    ),
    ("epoch text", _set("epoch", "3"), 'epoch: expected a whole number, got a string "3"'),
    (
        "W row a number",
        _set("weights[1].W[0]", 0.5),
        "weights[1].W[0]: expected a list of 5 numbers (a row of the 3×5 matrix)",
    ),
    (
        "W entry null",
        _set("weights[1].W[0][1]", None),
        "weights[1].W[0][1]: expected a number, got null",
    ),
    ("notes title number", _set("notes.title", 5), "notes.title: expected a string"),
    (
        "speed zero",
        _set("notes.speed", 0),
        "notes.speed: 0 is out of range (0, 100000] epochs per second",
    ),
    ("speed text", _set("notes.speed", "fast"), "notes.speed: expected a number, got a string"),
    (
        "pause not a list",
        _set("notes.pause_at", 200),
        "notes.pause_at: expected a list of epochs like [100, 200], got 200",
    ),
    ("pause zero", _set("notes.pause_at", [0]), "notes.pause_at[0]: 0 is out of range (1 to"),
    (
        "pause fraction",
        _set("notes.pause_at", [10, 2.5]),
        "notes.pause_at[1]: expected a whole number, got a number 2.5",
    ),
    (
        "pauses out of order",
        _set("notes.pause_at", [200, 100]),
        "notes.pause_at[1]: 100 must be greater than the pause before it (200)",
    ),
    (
        "too many pauses",
        _set("notes.pause_at", list(range(1, 102))),
        "notes.pause_at: 101 pauses is too many (at most 100)",
    ),
    # NaN / Infinity anywhere (also as numbers too large for a float)
    (
        "NaN x",
        _set("data.points[3][0]", "NAN"),
        "data.points[3][0]: NaN and Infinity are not allowed (use a finite number)",
    ),
    ("-Infinity label", _set("data.points[3][2]", "INF"), "data.points[3][2]: NaN and Infinity"),
    ("NaN lr", _set("training.optimizer.lr", "NAN"), "training.optimizer.lr: NaN and Infinity"),
    (
        "NaN beta",
        _set("training.optimizer.betas", [0.9, "NAN"]),
        "training.optimizer.betas[1]: NaN and Infinity",
    ),
    (
        "NaN rate",
        _set("training.regularization.rate", "NAN"),
        "training.regularization.rate: NaN and Infinity",
    ),
    ("NaN weight", _set("weights[2].W[1][0]", "NAN"), "weights[2].W[1][0]: NaN and Infinity"),
    (
        "NaN running var",
        _set("weights[0].bn.running_var[2]", "INF"),
        "weights[0].bn.running_var[2]: NaN and Infinity",
    ),
    ("NaN in an extra field", _set("whatever", "NAN"), "whatever: NaN and Infinity"),
    ("huge float", _set("data.points[0][1]", "HUGE"), "data.points[0][1]: NaN and Infinity"),
    (
        "huge integer",
        _set("data.points[0][1]", 10**30),
        "data.points[0][1]: 1000000000000000000000000000000 is too large",
    ),
    # labels and splits
    (
        "label too big",
        _set("data.points[5][2]", 3),
        "data.points[5][2]: label 3 is out of range for 3 classes (use a class index 0 to 2)",
    ),
    (
        "label negative",
        _set("data.points[5][2]", -1),
        "data.points[5][2]: label -1 is out of range",
    ),
    (
        "label fractional",
        _set("data.points[5][2]", 0.5),
        "data.points[5][2]: label 0.5 is out of range",
    ),
    (
        "bad split",
        _set("data.points[7][3]", "validation"),
        'data.points[7][3]: split must be "train" or "test", got \'validation\' (validation needs '
        "version 2)",
    ),
    ("split upper case", _set("data.points[7][3]", "TEST"), "data.points[7][3]: split must be"),
    ("split number", _set("data.points[7][3]", 1), "data.points[7][3]: split must be"),
    # weights that do not fit the network
    (
        "one layer short",
        lambda d: d["weights"].pop(),
        "weights: 2 layers of weights do not match the network, which has 3",
    ),
    (
        "W rows",
        lambda d: d["weights"][1]["W"].pop(),
        "weights[1].W: 2 rows do not match the network (expected 3×5",
    ),
    (
        "W columns",
        lambda d: d["weights"][0]["W"][2].append(0.0),
        "weights[0].W[2]: 5 numbers do not match the network (expected 5×4",
    ),
    (
        "b length",
        lambda d: d["weights"][2]["b"].append(0.0),
        "weights[2].b: 4 numbers do not match the network (3 expected)",
    ),
    (
        "bn length",
        lambda d: d["weights"][0]["bn"]["gamma"].pop(),
        "weights[0].bn.gamma: 4 numbers do not match the network (5 expected)",
    ),
    (
        "negative running var",
        _set("weights[0].bn.running_var[0]", -1.0),
        "weights[0].bn.running_var: must not be negative",
    ),
    ("weights an object", _set("weights", {}), "weights: expected a list"),
    # unknown names
    (
        "unknown activation",
        _set("network.layers[1].activation", "banana"),
        "network.layers[1].activation: unknown activation 'banana' (choose one of: linear, "
        "sigmoid, tanh,",
    ),
    (
        "unknown feature",
        _set("network.inputs", ["x1", "x3"]),
        "network.inputs[1]: unknown feature 'x3' (choose one of: x1, x2, x1^2",
    ),
    (
        "feature twice",
        _set("network.inputs", ["x1", "x1"]),
        "network.inputs: a feature is listed twice",
    ),
    ("no features", _set("network.inputs", []), "network.inputs: choose at least one input"),
    (
        "unknown optimizer",
        _set("training.optimizer", {"name": "lion", "lr": 0.1}),
        "training.optimizer.name: unknown optimizer 'lion' (choose one of: sgd, momentum",
    ),
    (
        "unknown schedule",
        _set("training.schedule", {"name": "warmup"}),
        "training.schedule.name: unknown schedule 'warmup' (choose one of: constant",
    ),
    (
        "unknown init",
        _set("training.init", "orthogonal"),
        "training.init: unknown initializer 'orthogonal' (choose one of: zeros",
    ),
    ("unknown loss", _set("training.loss", "hinge"), "training.loss: unknown loss 'hinge'"),
    (
        "loss for another problem",
        _set("training.loss", "mse"),
        "training.loss: 'mse' does not fit 3 classes (use 'cross_entropy')",
    ),
    (
        "unknown regularization",
        _set("training.regularization.kind", "l3"),
        "training.regularization.kind: unknown regularization 'l3' (choose one of: none, l1, l2)",
    ),
    (
        "unknown problem",
        _set("data.problem", "clustering"),
        "data.problem: unknown problem 'clustering' (choose one of: classification, regression)",
    ),
    # out-of-range numbers
    (
        "negative lr",
        _set("training.optimizer.lr", -0.1),
        "training.optimizer.lr: -0.1 is out of range (0, 1000]",
    ),
    ("zero lr", _set("training.optimizer.lr", 0), "training.optimizer.lr: 0 is out of range"),
    (
        "dropout 1",
        _set("network.layers[0].dropout", 1.0),
        "network.layers[0].dropout: 1.0 is out of range [0, 1)",
    ),
    (
        "dropout negative",
        _set("network.layers[0].dropout", -0.1),
        "network.layers[0].dropout: -0.1 is out of range",
    ),
    (
        "beta 1",
        _set("training.optimizer.betas", [0.9, 1.0]),
        "training.optimizer.betas[1]: 1.0 is out of range [0, 1)",
    ),
    (
        "zero units",
        _set("network.layers[0].units", 0),
        "network.layers[0].units: 0 is out of range (1 to 256 units)",
    ),
    (
        "257 units",
        _set("network.layers[0].units", 257),
        "network.layers[0].units: 257 is out of range (1 to 256 units)",
    ),
    (
        "17 layers",
        _set(
            "network.layers",
            [{"units": 2, "activation": "relu", "dropout": 0.0, "batch_norm": False}] * 17,
        ),
        "network.layers: 17 hidden layers is too many (at most 16)",
    ),
    ("one class", _set("data.classes", 1), "data.classes: 1 is out of range (2 to 8)"),
    ("nine classes", _set("data.classes", 9), "data.classes: 9 is out of range (2 to 8)"),
    ("batch size 0", _set("training.batch_size", 0), "training.batch_size: 0 is out of range"),
    ("negative seed", _set("training.seed", -1), "training.seed: -1 must be a whole number >= 0"),
    (
        "negative rate",
        _set("training.regularization.rate", -1.0),
        "training.regularization.rate: -1.0 is out of range [0, 100]",
    ),
    ("zero grad clip", _set("training.grad_clip", 0.0), "training.grad_clip: 0.0 is out of range"),
    (
        "step size 0",
        _set("training.schedule.step_size", 0),
        "training.schedule.step_size: must be at least 1 epoch",
    ),
    (
        "negative patience",
        _set("training.early_stopping.patience", -2),
        "training.early_stopping.patience: -2 is out of range (0 to 100000)",
    ),
    ("negative epoch", _set("epoch", -1), "epoch: -1 is out of range"),
]


@pytest.mark.parametrize(("edit", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_with_the_path_and_the_fix(tmp_path, base, edit, message):
    data = edited(base, edit)
    if "HUGE" in json.dumps(data):
        path = write_json(tmp_path, data)
        path.write_text(
            path.read_text(encoding="utf-8").replace('"HUGE"', "1e999"), encoding="utf-8"
        )
        with pytest.raises(SessionError, match=re_escape(message)):
            load_session(path)
        return
    assert rejected(tmp_path, data).startswith(message)


def test_too_many_points(tmp_path, base):
    data = edited(base, _set("data.points", [[0.0, 0.0, 0, "train"]] * 100_001))
    assert rejected(tmp_path, data) == "data.points: 100001 points is too many (at most 100000)"


def test_a_regression_session_has_one_class(tmp_path):
    data = session_to_dict(rich_session("regression"))
    data["data"]["classes"] = 2
    assert rejected(tmp_path, data).startswith("data.classes: 2 is out of range (1 to 1)")
    data["data"]["classes"] = 1
    data["data"]["points"][0][2] = 123.456  # any finite target is a fine label
    assert session_from_dict(data).points.labels[0] == 123.456


def test_session_from_dict_raises_session_error_without_a_file(base):
    with pytest.raises(SessionError, match=r"^network\.layers\[0\]\.units: 0 is out of range"):
        session_from_dict(edited(base, _set("network.layers[0].units", 0)))
    with pytest.raises(SessionError):
        session_from_dict(None)


def test_the_unedited_base_is_accepted(base):
    assert session_to_dict(session_from_dict(copy.deepcopy(base))) == base


def test_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(Session.default(), path)
    before = path.read_bytes()
    from playground import session as session_module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr("playground.io.atomic.os.fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        session_module.save_session(rich_session(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
