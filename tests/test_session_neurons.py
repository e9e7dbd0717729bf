"""The session's optional `frozen` / `off` fields: round trip, old files, refusals, exports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import main
from playground.engine.neuron_masks import NeuronMasks
from playground.io.model import EXPORTERS, IMPORTERS, Model, export_model, load_model, predict
from playground.session import Session, SessionError, load_session, save_session
from tests.io.test_export import onnx_predict, query_points, train


def masked_session() -> Session:
    trainer = train("binary", batch_norm=True)
    masks = NeuronMasks.none(trainer.network).with_frozen(0, 1, True).with_off(0, 4, True)
    masks = masks.with_frozen(2, 0, True).with_off(1, 2, True)
    session = Session.default()
    session = Session(
        session.points, trainer.network, trainer.training, tuple(trainer.weights()), 4
    )
    return session.replace(neurons=masks)


def test_masks_round_trip_through_the_session_file(tmp_path):
    session = masked_session()
    save_session(session, tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["weights"][0]["frozen"] == [False, True, False, False, False, False]
    assert data["weights"][0]["off"] == [False, False, False, False, True, False]
    assert data["weights"][1]["off"] == [False, False, True] and "frozen" not in data["weights"][1]
    assert data["weights"][2].get("frozen") == [True] and "off" not in data["weights"][2]
    loaded = load_session(tmp_path / "s.json")
    assert loaded.neurons == session.neurons
    for a, b in zip(loaded.weights, session.weights, strict=True):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    assert loaded.make_trainer().masks == session.neurons


def test_sessions_without_masks_are_written_as_before_and_old_files_load(tmp_path):
    session = masked_session().replace(neurons=None)
    save_session(session, tmp_path / "old.json")
    text = (tmp_path / "old.json").read_text()
    assert '"frozen"' not in text and '"off"' not in text
    assert load_session(tmp_path / "old.json").neurons is None
    default = Session.default()
    no_weights = default.replace(neurons=NeuronMasks.none(default.network))
    assert "weights" not in _dict(no_weights)  # no neuron frozen or off: nothing to keep


def _dict(session: Session) -> dict:
    from playground.session import session_to_dict

    return session_to_dict(session)


def test_masks_without_weights_save_the_initial_weights_with_them(tmp_path):
    session = Session.default()
    session = session.replace(neurons=NeuronMasks.none(session.network).with_frozen(0, 0, True))
    save_session(session, tmp_path / "s.json")
    loaded = load_session(tmp_path / "s.json")
    assert loaded.neurons == session.neurons
    for a, b in zip(loaded.weights, session.make_trainer().weights(), strict=True):
        assert np.array_equal(a.W, b.W)


@pytest.mark.parametrize(
    ("layer", "field", "value", "message"),
    [
        (0, "frozen", [1, 0, 0, 0, 0, 0], r"weights\[0\]\.frozen\[0\]: expected true or false"),
        (0, "off", [False, True], r"weights\[0\]\.off: 2 values do not match the layer's 6"),
        (2, "off", [True], r"weights\[2\]\.off: an output neuron cannot be switched off"),
        (1, "frozen", "yes", r"weights\[1\]\.frozen: expected a list"),
    ],
)
def test_bad_masks_are_refused_with_a_message_naming_the_file(
    tmp_path, layer, field, value, message
):
    save_session(masked_session(), tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text())
    data["weights"][layer][field] = value
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(SessionError, match=message) as error:
        load_session(tmp_path / "bad.json")
    assert str(error.value).startswith(str(tmp_path / "bad.json"))
    assert "\n" not in str(error.value)


def test_an_off_neuron_gives_the_same_predictions_in_every_export(tmp_path):
    session = masked_session()
    trainer = session.make_trainer()
    xy = query_points()
    expected = trainer.predict(xy)
    model = session.to_model()
    assert not model.weights[1].W[:, 4].any() and not model.weights[2].W[:, 2].any()
    np.testing.assert_allclose(model.predict(xy), expected, atol=1e-12, rtol=0)
    np.testing.assert_allclose(
        Model.from_trainer(trainer).predict(xy), expected, atol=1e-12, rtol=0
    )
    for suffix in EXPORTERS:
        export_model(tmp_path / f"model{suffix}", model)
    for suffix in IMPORTERS:
        loaded = load_model(tmp_path / f"model{suffix}")
        got = predict(loaded.network, loaded.weights, loaded.standardization, xy)
        np.testing.assert_allclose(got, expected, atol=1e-12, rtol=0)
    np.testing.assert_allclose(onnx_predict(tmp_path / "model.onnx", xy), expected, atol=1e-5)
    # Without the mask the predictions differ: the test can fail.
    unmasked = session.replace(neurons=None).make_trainer().predict(xy)
    assert np.abs(unmasked - expected).max() > 1e-3


def test_predict_on_the_command_line_honours_an_off_neuron(tmp_path):
    session = masked_session()
    save_session(session, tmp_path / "s.json")
    xy = query_points()[:10]
    (tmp_path / "in.csv").write_text("x1,x2\n" + "".join(f"{x!r},{y!r}\n" for x, y in xy.tolist()))
    assert main(["predict", str(tmp_path / "s.json"), "--input", str(tmp_path / "in.csv"),
                 "-o", str(tmp_path / "out.csv")]) == 0  # fmt: skip
    rows = np.loadtxt(tmp_path / "out.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(rows[:, -1], session.make_trainer().predict(xy)[:, 1], atol=1e-9)


def test_a_frozen_neuron_stays_frozen_through_train_on_the_command_line(tmp_path):
    session = masked_session()
    save_session(session, tmp_path / "s.json")
    assert main(["train", str(tmp_path / "s.json"), "--epochs", "30",
                 "--save", str(tmp_path / "out.json")]) == 0  # fmt: skip
    out = load_session(tmp_path / "out.json")
    assert out.neurons == session.neurons
    assert np.array_equal(out.weights[0].W[1], session.weights[0].W[1])
    assert out.weights[0].b[1] == session.weights[0].b[1]
    assert out.weights[2].b[0] == session.weights[2].b[0]
    assert not np.array_equal(out.weights[0].W[0], session.weights[0].W[0])
    # the off neuron's held outgoing weights come back unchanged
    assert np.array_equal(out.weights[1].W[:, 4], session.weights[1].W[:, 4])
