"""`nn-playground explain`: the documented JSON, the text form, bad input, and JAX's autograd."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from playground import cli
from playground.data.generators import generate
from playground.engine import ACTIVATIONS
from playground.engine.explain import explain, features_of
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.session import Session, load_session, save_session
from tests.engine.engine_pass import random_weights

INPUTS = ("x1", "x2", "x1*x2", "sin(x1)")
DATASETS = {"binary": ("xor", {}), "multi": ("spiral", {"arms": 3}), "regression": ("plane", {})}


def session_file(
    tmp_path: Path, problem: str, activation: str = "tanh", batch_norm: bool = True
) -> Path:
    """A trained-looking session: random weights, batch-norm statistics, standardised inputs."""
    name, options = DATASETS[problem]
    points = generate(name, n=40, noise=0.1, seed=1, **options)
    network = NetworkSpec(
        INPUTS,
        (LayerSpec(5, activation, batch_norm=batch_norm, dropout=0.2), LayerSpec(3, activation)),
        points.problem,
        points.classes,
        standardize=True,
    )
    session = Session(
        points, network, TrainingSpec(OptimizerSpec("adam", 0.01)), random_weights(network, 3)
    )
    path = tmp_path / f"{problem}-{activation}.json"
    save_session(session, path)
    return path


def explain_json(capsys, path: Path, x1: float, x2: float, label: str) -> dict:
    assert cli.main(["explain", str(path), "--point", str(x1), str(x2), "--label", label]
                    + ["--json"]) == 0  # fmt: skip
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("problem", "label"), [("binary", "1"), ("multi", "2"),
                                                ("regression", "-0.7")])  # fmt: skip
def test_json_is_the_documented_object_with_the_engine_numbers(tmp_path, capsys, problem, label):
    path = session_file(tmp_path, problem)
    got = explain_json(capsys, path, 0.4, -1.3, label)
    assert list(got) == ["features", "layers", "output", "loss"]
    assert len(got["layers"]) == 3  # two hidden layers, the output layer last
    session = load_session(path)
    model = session.to_model()
    X = features_of(model.network, model.standardization, [[0.4, -1.3]])
    np.testing.assert_allclose(got["features"], X[0])
    trainer = session.make_trainer()  # the engine's eval-mode forward pass
    expected = trainer.unit_outputs(np.array([[0.4, -1.3]]), np.float64)
    for layer, units in zip(got["layers"], expected[1:], strict=True):
        np.testing.assert_allclose(layer["a"], units[:, 0], rtol=1e-12)
        assert np.shape(layer["grad_W"]) == (len(layer["z"]), np.shape(layer["grad_W"])[1])
    np.testing.assert_allclose(got["output"], expected[-1][:, 0], rtol=1e-12)
    loss, _ = trainer.evaluate(np.array([[0.4, -1.3]]), np.array([float(label)]))
    assert got["loss"] == pytest.approx(loss, rel=1e-12)


def test_text_names_every_layer_and_the_loss(tmp_path, capsys):
    path = session_file(tmp_path, "multi")
    assert cli.main(["explain", str(path), "--point", "1", "2", "--label", "0"]) == 0
    text = capsys.readouterr().out
    for word in ("features", "x1*x2 =", "cross_entropy =", "hidden 1", "batch norm", "output",
                 "softmax", "delta", "grad_W", "grad_b"):  # fmt: skip
        assert word in text


@pytest.mark.parametrize(
    ("problem", "args", "message"),
    [
        ("binary", ["--label", "2"], "--label: '2' is not a class of"),
        ("binary", ["--label", "0.5"], "a class index 0 to 1"),
        ("multi", ["--label", "-1"], "a class index 0 to 2"),
        ("regression", ["--label", "nan"], "not a finite number"),
        ("binary", ["--label", "1", "--point", "inf", "0"], "--point: inf 0"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, problem, args, message):
    path = session_file(tmp_path, problem)
    argv = ["explain", str(path), *args]
    if "--point" not in args:
        argv += ["--point", "0", "0"]
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nn-playground: error:") and message in lines[0]
    if "class of" in message:
        assert str(path) in lines[0]


def test_a_missing_session_is_named(tmp_path, capsys):
    assert cli.main(["explain", str(tmp_path / "nope.json"), "--point", "0", "0",
                     "--label", "1"]) == 2  # fmt: skip
    assert "nope.json" in capsys.readouterr().err


# ----- an outside autograd framework agrees (as the outside check will) -------------


def _jax_gradients(session: Session, xy, label: float):
    """grad of the eval-mode data loss by JAX's autograd, per layer (W, b); and z per layer."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    model = session.to_model()
    X = jnp.asarray(features_of(model.network, model.standardization, [xy]))
    loss_name = session.training.loss_for(session.network)
    hidden = {"tanh": jnp.tanh, "relu": lambda z: jnp.maximum(z, 0.0),
              "gelu": lambda z: jax.nn.gelu(z, approximate=True), "elu": jax.nn.elu,
              "selu": jax.nn.selu, "sigmoid": jax.nn.sigmoid, "swish": jax.nn.swish,
              "softplus": jax.nn.softplus, "mish": lambda z: z * jnp.tanh(jax.nn.softplus(z)),
              "sine": jnp.sin, "linear": lambda z: z,
              "leaky_relu": lambda z: jnp.where(z > 0, z, 0.01 * z)}  # fmt: skip

    def loss(params):
        a, zs = X, []
        for i, ((W, b), lw) in enumerate(zip(params, model.weights, strict=True)):
            z = a @ W.T + b
            zs.append(z)
            if lw.bn is not None:
                z = lw.bn.gamma * (z - lw.bn.running_mean) / jnp.sqrt(lw.bn.running_var + 1e-5)
                z = z + lw.bn.beta
            if i < len(session.network.layers):
                a = hidden[session.network.layers[i].activation](z)
            else:
                a = z
        if loss_name == "bce":
            return jnp.mean(
                jax.nn.softplus(-a[:, 0]) * label + jax.nn.softplus(a[:, 0]) * (1 - label)
            ), zs
        if loss_name == "cross_entropy":
            return -jax.nn.log_softmax(a)[0, int(label)], zs
        return jnp.mean((a - label) ** 2), zs

    params = [(jnp.asarray(lw.W), jnp.asarray(lw.b)) for lw in model.weights]
    grads, zs = jax.grad(loss, has_aux=True)(params)
    return grads, zs


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("problem", sorted(DATASETS))
def test_gradients_agree_with_jax_autograd(tmp_path, problem, activation):
    session = load_session(session_file(tmp_path, problem, activation))
    label = {"binary": 0.0, "multi": 1.0, "regression": 0.8}[problem]
    grads, zs = _jax_gradients(session, [0.3, -0.9], label)
    model = session.to_model()
    X = features_of(model.network, model.standardization, [[0.3, -0.9]])
    got = explain(model.network, model.weights, session.training.loss_for(session.network), X,
                  [label])  # fmt: skip
    for layer, (W, b), z in zip(got.layers, grads, zs, strict=True):
        np.testing.assert_allclose(layer.z, np.asarray(z), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.grad_W, np.asarray(W), rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(layer.grad_b, np.asarray(b), rtol=1e-9, atol=1e-13)
