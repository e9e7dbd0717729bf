"""Model export: JSON, NPZ and ONNX give the Trainer's predictions; bad model files are refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx.reference import ReferenceEvaluator

from playground.data.generators import generate
from playground.engine.activations import ACTIVATIONS
from playground.engine.features import FEATURES
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.engine.trainer import Trainer
from playground.io.forward import NUMPY_ACTIVATIONS
from playground.io.json_format import FormatError
from playground.io.model import (
    EXPORTERS,
    IMPORTERS,
    Model,
    check_export_path,
    export_model,
    load_model,
    predict,
)
from playground.io.onnx_export import ONNX_ACTIVATIONS, ONNX_FEATURES, OPSET, build_onnx
from playground.session import Session

TOLERANCE = 1e-5


def train(
    problem: str = "binary",
    activation: str = "tanh",
    batch_norm: bool = False,
    standardize: bool = False,
    inputs: tuple[str, ...] = ("x1", "x2"),
    epochs: int = 4,
) -> Trainer:
    """A small network trained for a few epochs."""
    name, options = {
        "binary": ("circle", {}),
        "3-class": ("gaussians", {"classes": 3}),
        "regression": ("sine", {}),
    }[problem]
    points = generate(name, n=80, noise=0.2, seed=3, test_ratio=0.25, **options)
    layers = (LayerSpec(6, activation, 0.0, batch_norm), LayerSpec(3, activation))
    network = NetworkSpec(inputs, layers, points.problem, points.classes, standardize)
    session = Session(
        points, network, TrainingSpec(OptimizerSpec("adam", 0.02), batch_size=8, seed=1)
    )
    trainer = session.make_trainer()
    trainer.run_epochs(epochs)
    return trainer


def query_points() -> np.ndarray:
    """Points across the whole view and beyond it, float64 (120, 2)."""
    return np.random.default_rng(5).uniform(-7.0, 7.0, size=(120, 2))


def onnx_predict(path: Path, xy: np.ndarray) -> np.ndarray:
    """Run the ONNX file with the reference evaluator."""
    session = ReferenceEvaluator(onnx.load(path))
    return session.run(None, {"input": xy.astype(np.float32)})[0]


CASES = {
    "binary": dict(problem="binary"),
    "3-class": dict(problem="3-class"),
    "regression": dict(problem="regression"),
    "batch norm": dict(problem="3-class", batch_norm=True),
    "standardization": dict(
        problem="binary", standardize=True, inputs=("x1", "x2", "x1^2", "x2^2")
    ),
    "every feature": dict(
        problem="regression", inputs=tuple(FEATURES), standardize=True, batch_norm=True
    ),
    **{f"activation {name}": dict(problem="binary", activation=name) for name in ACTIVATIONS},
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_format_predicts_like_the_trainer(tmp_path, case):
    trainer = train(**CASES[case])
    model = Model.from_trainer(trainer)
    xy = query_points()
    expected = trainer.predict(xy)
    assert np.allclose(model.predict(xy), expected, atol=TOLERANCE, rtol=0)
    for suffix in EXPORTERS:
        export_model(tmp_path / f"model{suffix}", model)
    for suffix in IMPORTERS:
        loaded = load_model(tmp_path / f"model{suffix}")
        assert loaded.network == model.network
        got = predict(loaded.network, loaded.weights, loaded.standardization, xy)
        np.testing.assert_allclose(got, expected, atol=TOLERANCE, rtol=0)
        np.testing.assert_array_equal(got, model.predict(xy))  # the files are lossless
    got = onnx_predict(tmp_path / "model.onnx", xy)
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=TOLERANCE, rtol=0)


def test_standardization_is_part_of_the_model(tmp_path):
    trainer = train("binary", standardize=True, inputs=("x1", "x1^2"))
    mean, std = trainer.standardization
    assert np.all(mean != 0) and np.all(std != 1)
    export_model(tmp_path / "m.json", Model.from_trainer(trainer))
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["standardization"] == {"mean": mean.tolist(), "std": std.tolist()}
    assert data["network"]["standardize"] is True
    unstandardized = Model.from_trainer(trainer)._replace(standardization=(np.zeros(2), np.ones(2)))
    assert not np.allclose(unstandardized.predict(query_points()), trainer.predict(query_points()))


@pytest.mark.parametrize("problem", ["binary", "3-class", "regression"])
def test_onnx_model_is_valid_with_the_documented_interface(problem):
    model = Model.from_trainer(
        train(problem, batch_norm=True, standardize=True, inputs=("x1", "x2", "sin(x1)"))
    )
    proto = build_onnx(model)
    onnx.checker.check_model(proto, full_check=True)
    assert [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")][0] >= 17
    assert OPSET >= 17
    (graph_input,), (graph_output,) = proto.graph.input, proto.graph.output
    assert graph_input.name == "input" and graph_output.name == "output"
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = [d.dim_value or d.dim_param for d in graph_input.type.tensor_type.shape.dim]
    assert dims == ["N", 2]
    width = {"binary": 2, "3-class": 3, "regression": 1}[problem]
    out_dims = [d.dim_value or d.dim_param for d in graph_output.type.tensor_type.shape.dim]
    assert out_dims == ["N", width]
    ops = {node.op_type for node in proto.graph.node}
    assert {"Gemm", "BatchNormalization", "Sin"} <= ops
    assert "Cos" not in ops  # only the features the network uses


def test_binary_probabilities_sum_to_one(tmp_path):
    model = Model.from_trainer(train("binary"))
    export_model(tmp_path / "m.onnx", model)
    out = onnx_predict(tmp_path / "m.onnx", query_points())
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-6)


def test_every_activation_and_feature_has_an_exporter():
    assert set(NUMPY_ACTIVATIONS) == set(ACTIVATIONS)
    assert set(ONNX_ACTIVATIONS) == set(ACTIVATIONS)
    assert set(ONNX_FEATURES) == set(FEATURES)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_numpy_activations_match_the_engine_far_out(name):
    from playground.engine.activations import curve

    z = np.concatenate([np.linspace(-60, 60, 241), [-1e-9, 0.0, 1e-9, 19.999, 20.0, 20.001]])
    np.testing.assert_allclose(
        NUMPY_ACTIVATIONS[name](z), curve(name, z)[0], rtol=1e-12, atol=1e-12
    )


def test_npz_layout(tmp_path):
    model = Model.from_trainer(train("3-class", batch_norm=True))
    export_model(tmp_path / "m.npz", model)
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        assert set(npz.files) == {
            "W0",
            "b0",
            "W1",
            "b1",
            "W2",
            "b2",
            "gamma0",
            "beta0",
            "running_mean0",
            "running_var0",
            "mean",
            "std",
            "model",
        }
        np.testing.assert_array_equal(npz["W1"], model.weights[1].W)
        embedded = json.loads(str(npz["model"]))
    assert embedded["format"] == "nn-playground/model" and embedded["classes"] == 3


def test_imported_model_becomes_a_session_that_trains_on(tmp_path):
    trainer = train("binary", batch_norm=True)
    export_model(tmp_path / "m.npz", Model.from_trainer(trainer))
    model = load_model(tmp_path / "m.npz")
    points = generate("circle", n=80, noise=0.2, seed=3, test_ratio=0.25)
    session = Session.from_model(model, points, trainer.training)
    resumed = session.make_trainer()
    np.testing.assert_allclose(
        resumed.predict(query_points()), trainer.predict(query_points()), atol=1e-6
    )
    before = resumed.snapshot().train_loss
    resumed.run_epochs(5)
    assert resumed.epoch == 5 and resumed.snapshot().train_loss != before


# ----- rejections ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_json() -> dict:
    """A valid model JSON object (batch norm, 3 classes)."""
    from playground.io.model_json import model_to_dict

    return model_to_dict(Model.from_trainer(train("3-class", batch_norm=True, epochs=1)))


def load_text(tmp_path: Path, text: str, name: str = "m.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message[len(f"{path}: ") :]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("format", "nn-playground/session", "format: this is a session, not an exported model"),
        ("format", "onnx", 'format: a string "onnx" is not an NN Playground model'),
        ("version", 7, "version: a number 7 is not supported"),
        ("classes", 4, "weights[2].W: 3 rows do not match the network (expected 4×3"),
        ("problem", "ranking", "problem: unknown problem 'ranking'"),
        ("extra", 1, "extra: unknown field"),
        (
            "standardization",
            {"mean": [0, 0], "std": [1, 0]},
            "standardization.std: every std must be > 0",
        ),
        (
            "standardization",
            {"mean": [0], "std": [1, 1]},
            "standardization.mean: 1 numbers do not match the network (2 expected)",
        ),
        ("weights", [], "weights: 0 layers of weights do not match the network, which has 3"),
    ],
)
def test_bad_model_json_is_rejected(tmp_path, model_json, key, value, message):
    data = dict(model_json, **{key: value})
    assert load_text(tmp_path, json.dumps(data)).startswith(message)


def test_model_json_rejects_nan_and_missing_fields(tmp_path, model_json):
    text = json.dumps(model_json).replace(str(model_json["weights"][1]["b"][0]), "NaN", 1)
    assert (
        load_text(tmp_path, text) == "weights[1].b[0]: NaN and Infinity are not allowed (use "
        "a finite number)"
    )
    data = {k: v for k, v in model_json.items() if k != "standardization"}
    assert load_text(tmp_path, json.dumps(data)) == "standardization: missing (add this field)"
    assert load_text(tmp_path, "").startswith("the file is empty")


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def npz_arrays(tmp_path_factory) -> dict[str, np.ndarray]:
    """The arrays of a valid NPZ model (binary, no batch norm)."""
    path = tmp_path_factory.mktemp("npz") / "m.npz"
    export_model(path, Model.from_trainer(train("binary", epochs=1)))
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: a.update(W1=a["W1"] + 1.0),
            "W1: differs from the weights in the embedded model JSON",
        ),
        (
            lambda a: a.update(W0=a["W0"][:, :1]),
            "W0: shape [6, 1] does not match the network ([6, 2])",
        ),
        (lambda a: a.pop("b2"), "b2: missing array"),
        (lambda a: a.update(extra=np.zeros(2)), "extra: unknown array"),
        (lambda a: a.pop("model"), "model: missing"),
        (
            lambda a: a.update(model=np.array([1.0])),
            "model: expected the model JSON as a numpy string array",
        ),
        (lambda a: a.update(W0=np.array([[None]], dtype=object)), "not a readable NPZ file"),
    ],
)
def test_bad_npz_is_rejected(tmp_path, npz_arrays, change, message):
    arrays = dict(npz_arrays)
    change(arrays)
    path = tmp_path / "m.npz"
    path.write_bytes(npz_bytes(arrays))
    with pytest.raises(FormatError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_npz_that_is_not_a_zip(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"\x93NUMPY not an archive")
    with pytest.raises(FormatError, match="not an NPZ file"):
        load_model(path)
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(FormatError, match="not a readable NPZ file"):
        load_model(path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W0.npy", b"\0" * (201 * 2**20))
    with pytest.raises(FormatError, match="unpacks to more data than a model can hold"):
        load_model(path)


@pytest.mark.parametrize("name", ["model.txt", "model", "model.pt"])
def test_unknown_suffix(tmp_path, name):
    model = Model.from_trainer(train("binary", epochs=1))
    with pytest.raises(FormatError, match="cannot export to"):
        export_model(tmp_path / name, model)
    with pytest.raises(FormatError, match="use .json, .npz, .onnx"):
        check_export_path(tmp_path / name)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FormatError, match=r"cannot import .*\(use .json, .npz\)"):
        load_model(tmp_path / "model.onnx")
