"""`nn-playground landscape` and `nn-playground race`: NPZ contents, a numpy-only recompute of
grid values, bit-identity with `train`, bad input, and PNG through the app's renderer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from playground import cli
from playground.data.generators import generate
from playground.engine.landscape import LandscapeResult
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.race import RaceResult
from playground.session import Session, load_session, save_session
from tests.cli.test_cli import assert_rejected, run

INPUTS = ("x1", "x2", "x1^2", "sin(x2)")


def deep_session(tmp_path: Path, name: str = "deep.json", **training) -> Path:
    """Features, standardization, batch norm, dropout: everything a recompute must apply."""
    points = generate("spiral", n=80, noise=0.1, seed=2, test_ratio=0.25, arms=3)
    network = NetworkSpec(
        INPUTS,
        (LayerSpec(6, "tanh", batch_norm=True, dropout=0.1), LayerSpec(4, "relu")),
        points.problem,
        points.classes,
        standardize=True,
    )
    options = {"batch_size": 16, "seed": 4, **training}
    options.setdefault("optimizer", OptimizerSpec("adam", 0.02))
    save_session(Session(points, network, TrainingSpec(**options)), tmp_path / name)
    return tmp_path / name


# ----- a numpy forward pass of our own, from the NPZ alone ------------------------------------

FEATURE_FORMULAS = {
    "x1": lambda x: x[:, 0],
    "x2": lambda x: x[:, 1],
    "x1^2": lambda x: x[:, 0] ** 2,
    "x2^2": lambda x: x[:, 1] ** 2,
    "x1*x2": lambda x: x[:, 0] * x[:, 1],
    "sin(x1)": lambda x: np.sin(x[:, 0]),
    "sin(x2)": lambda x: np.sin(x[:, 1]),
    "cos(x1)": lambda x: np.cos(x[:, 0]),
    "cos(x2)": lambda x: np.cos(x[:, 1]),
}
HIDDEN = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z}


def recomputed_loss(npz, alpha: float, beta: float) -> float:
    """The mean training data loss at centre + alpha·d1 + beta·d2, from the NPZ's keys only."""
    x, y = npz["x"], npz["y"]
    a = np.column_stack([FEATURE_FORMULAS[str(name)](x) for name in npz["inputs"]])
    a = (a - npz["mean"]) / npz["std"]
    activations = [str(name) for name in npz["activations"]]
    for i in range(len(activations) + 1):

        def moved(name: str, i: int = i) -> np.ndarray:
            return npz[f"{name}{i}"] + alpha * npz[f"d1_{name}{i}"] + beta * npz[f"d2_{name}{i}"]

        z = a @ moved("W").T + moved("b")
        if f"gamma{i}" in npz:
            normalised = (z - npz[f"running_mean{i}"]) / np.sqrt(npz[f"running_var{i}"] + 1e-5)
            z = moved("gamma") * normalised + moved("beta")
        a = HIDDEN[activations[i]](z) if i < len(activations) else z
    loss_function = str(npz["loss_function"])
    if loss_function == "bce":
        z = a[:, 0]
        return float(np.mean(np.logaddexp(0.0, z) - y * z))
    if loss_function == "cross_entropy":
        shifted = a - a.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-np.mean(log_p[np.arange(len(y)), y.astype(int)]))
    return float(np.mean((a[:, 0] - y) ** 2))


# ----- landscape --------------------------------------------------------------------------------


def test_landscape_npz_has_the_documented_keys_and_shapes(tmp_path):
    out = tmp_path / "land.npz"
    result = run("landscape", deep_session(tmp_path), "-o", out, "--resolution", "7")
    assert result.returncode == 0, result.stderr
    npz = np.load(out)
    assert np.array_equal(npz["alpha"], np.linspace(-1, 1, 7))
    assert np.array_equal(npz["beta"], np.linspace(-1, 1, 7))
    assert npz["loss"].shape == (7, 7)
    for layer, shape in enumerate([(6, 4), (4, 6), (3, 4)]):
        for prefix in ("", "d1_", "d2_"):
            assert npz[f"{prefix}W{layer}"].shape == shape
            assert npz[f"{prefix}b{layer}"].shape == shape[:1]
            assert not npz[f"{prefix}b{layer}"].any() or not prefix  # no bias directions
    assert "path" not in npz
    assert npz["x"].shape == (60, 2) and npz["y"].shape == (60,)
    assert json.loads(str(npz["model"]))["format"] == "nn-playground/model"
    assert str(npz["directions"]) == "random"


@pytest.mark.parametrize("directions", ["random", "pca"])
def test_a_numpy_forward_pass_recomputes_grid_values_from_the_npz(tmp_path, directions):
    out = tmp_path / "land.npz"
    args = ["--resolution", "9", "--span", "2", "--epochs", "3", "--directions", directions]
    result = run("landscape", deep_session(tmp_path), "-o", out, *args)
    assert result.returncode == 0, result.stderr
    npz = np.load(out)
    for i, j in [(4, 4), (0, 0), (2, 7), (8, 1)]:
        expected = recomputed_loss(npz, npz["alpha"][j], npz["beta"][i])
        assert npz["loss"][i, j] == pytest.approx(expected, rel=1e-10)
    assert npz["path"].shape == (4, 2)
    assert np.allclose(npz["path"][-1], 0.0, atol=1e-12)


def test_landscape_centre_is_the_trained_loss_and_the_path_ends_there(tmp_path):
    source = deep_session(tmp_path)
    out = tmp_path / "land.npz"
    assert run("landscape", source, "-o", out, "--epochs", "4", "--resolution", "5").returncode == 0
    saved = tmp_path / "trained.json"
    assert run("train", source, "--epochs", "4", "--save", saved).returncode == 0
    trainer = load_session(saved).make_trainer()
    npz = np.load(out)
    assert np.array_equal(npz["path_params"][-1], trainer.parameters())
    loss, _ = trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)
    assert npz["loss"][2, 2] == pytest.approx(loss, rel=1e-12)
    assert npz["line_loss"][-1] == pytest.approx(loss, rel=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--directions", "pca"], "--directions pca needs --epochs N"),
        (["--span", "0"], "out of range"),
        (["--resolution", "1"], "out of range (2 to 201)"),
        (["--directions", "sideways"], "invalid choice"),
    ],
)
def test_landscape_bad_options_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "land.npz"
    result = run("landscape", deep_session(tmp_path), "-o", out, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_landscape_of_a_diverging_run_exits_2_and_writes_nothing(tmp_path):
    points = generate("plane", n=40, seed=0)
    network = NetworkSpec(("x1", "x2", "x1^2"), (LayerSpec(4, "linear"),), "regression", 1)
    session = Session(points, network, TrainingSpec(OptimizerSpec("sgd", 5.0), batch_size=40))
    save_session(session, tmp_path / "s.json")
    out = tmp_path / "land.npz"
    result = run("landscape", tmp_path / "s.json", "-o", out, "--epochs", "50")
    assert_rejected(result, "Training diverged at epoch")
    assert "Nothing was written" in result.stderr
    assert not out.exists()


def test_landscape_rejects_other_suffixes(tmp_path):
    result = run("landscape", deep_session(tmp_path), "-o", tmp_path / "land.csv")
    assert_rejected(result, "'.npz', '.png'")


# ----- PNG through the app's renderer ----------------------------------------------------------


class FakeApp:
    def __init__(self) -> None:
        self.drawn: list[tuple[object, str]] = []

    def landscape_picture(self, result, path: str) -> None:
        self.drawn.append((result, path))
        Path(path).write_bytes(b"\x89PNG")

    def race_picture(self, result, path: str) -> None:
        self.drawn.append((result, path))
        Path(path).write_bytes(b"\x89PNG")


def test_png_goes_through_the_apps_renderer(tmp_path, capsys):
    app = FakeApp()
    source = str(deep_session(tmp_path))
    out = str(tmp_path / "land.png")
    assert cli.main(["landscape", source, "-o", out, "--resolution", "3"], app=app) == 0
    race_out = str(tmp_path / "race.png")
    argv = ["race", source, "--contestants", "sgd,adam", "--epochs", "2", "-o", race_out]
    assert cli.main([*argv, "--resolution", "3"], app=app) == 0
    (landscape, where), (race, race_where) = app.drawn
    assert isinstance(landscape, LandscapeResult) and where == out
    assert landscape.loss.shape == (3, 3)
    assert isinstance(race, RaceResult) and race_where == race_out
    assert race.names == ("sgd", "adam")


def test_png_without_a_renderer_exits_2(tmp_path, capsys):
    out = tmp_path / "land.png"
    assert cli.main(["landscape", str(deep_session(tmp_path)), "-o", str(out)], app=None) == 2
    assert "needs the app's renderer" in capsys.readouterr().err
    assert not out.exists()


# ----- race ------------------------------------------------------------------------------------


def test_race_contestants_equal_train_bit_for_bit(tmp_path):
    source = deep_session(tmp_path)  # adam 0.02, dropout: the same masks for everyone
    out = tmp_path / "race.npz"
    contestants = "sgd,momentum@0.05,adam,adam@0.003"
    result = run("race", source, "--contestants", contestants, "--epochs", "3", "-o", out)
    assert result.returncode == 0, result.stderr
    npz = np.load(out)
    assert list(npz["contestants"]) == contestants.split(",")
    base = load_session(source)
    optimizers = [
        OptimizerSpec("sgd", 0.03),
        OptimizerSpec("momentum", 0.05),
        OptimizerSpec("adam", 0.02),
        OptimizerSpec("adam", 0.003),
    ]
    for k, optimizer in enumerate(optimizers):
        alone = tmp_path / f"alone{k}.json"
        training = base.training.__class__(**{**base.training.__dict__, "optimizer": optimizer})
        save_session(base.replace(training=training), alone)
        saved = tmp_path / f"trained{k}.json"
        assert run("train", alone, "--epochs", "3", "--save", saved).returncode == 0
        weights = load_session(saved).weights
        for i, lw in enumerate(weights):
            assert np.array_equal(npz[f"final_W{i}"][k], lw.W)
            assert np.array_equal(npz[f"final_b{i}"][k], lw.b)
            if lw.bn is not None:
                assert np.array_equal(npz[f"final_gamma{i}"][k], lw.bn.gamma)
                assert np.array_equal(npz[f"final_running_var{i}"][k], lw.bn.running_var)
    assert npz["lr"].tolist() == [0.03, 0.05, 0.02, 0.003]


def test_race_npz_keys_and_shapes(tmp_path):
    out = tmp_path / "race.npz"
    args = ["--contestants", "sgd,adam", "--epochs", "4", "--resolution", "5", "-o", out]
    assert run("race", deep_session(tmp_path), *args).returncode == 0
    npz = np.load(out)
    assert npz["losses"].shape == (2, 5) and npz["paths"].shape == (2, 5, 2)
    assert npz["epoch"].tolist() == [[0, 1, 2, 3, 4]] * 2
    assert npz["loss"].shape == (5, 5) and npz["params"].shape[0] == 2
    assert npz["losses"][0, 0] == npz["losses"][1, 0]
    assert np.allclose(npz["paths"][:, 0], 0.0)
    assert npz["losses"][0, 0] == pytest.approx(npz["loss"][2, 2], rel=1e-12)
    assert recomputed_loss(npz, 0.0, 0.0) == pytest.approx(npz["losses"][0, 0], rel=1e-10)
    assert npz["diverged"].tolist() == [False, False]


@pytest.mark.parametrize(
    "contestants, message",
    [("sgd,adamm", "unknown optimizer 'adamm' (choose from: sgd"), ("adam", "1 given")],
)
def test_race_bad_contestants_exit_2_and_write_nothing(tmp_path, contestants, message):
    out = tmp_path / "race.npz"
    args = ["--contestants", contestants, "--epochs", "2", "-o", out]
    assert_rejected(run("race", deep_session(tmp_path), *args), message)
    assert not out.exists()


def test_help_has_examples():
    for command in ("landscape", "race"):
        result = run(command, "--help")
        assert result.returncode == 0 and f"nn-playground {command}" in result.stdout
