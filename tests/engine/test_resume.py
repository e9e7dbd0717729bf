"""Resume exactly (DESIGN §7): N epochs in one go equal N/2 + N/2 through a saved session."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data.generators import generate
from playground.engine.registry import OPTIMIZERS, SCHEDULES
from playground.engine.spec import (
    LayerSpec,
    NetworkSpec,
    OptimizerSpec,
    ScheduleSpec,
    TrainingSpec,
)
from playground.session import Session, SessionError, load_session, save_session

EPOCHS = 6
SCHEDULE_OPTIONS = {
    "step": {"step_size": 2, "gamma": 0.5},
    "exponential": {"gamma": 0.8},
    "cosine": {"t_max": 5},
    "one_cycle": {"total_epochs": 6},
}


def make_session(
    optimizer: str = "adam",
    schedule: str = "constant",
    dropout: float = 0.0,
    shuffle: bool = True,
    batch_norm: bool = False,
    batch_size: int = 7,
    options: dict | None = None,
) -> Session:
    """A small two-class session (40 training points) with the settings asked for."""
    points = generate("moons", n=60, noise=0.1, seed=0, test_ratio=1 / 3)
    network = NetworkSpec(
        ("x1", "x2"),
        (LayerSpec(5, "tanh", dropout, batch_norm), LayerSpec(3, "relu", dropout)),
        points.problem,
        points.classes,
    )
    training = TrainingSpec(
        OptimizerSpec(optimizer, 0.01, options or {}),
        batch_size=batch_size,
        shuffle=shuffle,
        schedule=ScheduleSpec(schedule, SCHEDULE_OPTIONS.get(schedule, {})),
        seed=3,
    )
    return Session(points, network, training)


def all_arrays(weights) -> list[np.ndarray]:  # noqa: ANN001
    arrays = []
    for lw in weights:
        arrays += [lw.W, lw.b]
        if lw.bn is not None:
            arrays += [lw.bn.gamma, lw.bn.beta, lw.bn.running_mean, lw.bn.running_var]
    return arrays


def assert_identical(a, b) -> None:  # noqa: ANN001
    for x, y in zip(all_arrays(a), all_arrays(b), strict=True):
        assert np.array_equal(x, y), np.max(np.abs(x - y))


def in_one_go(session: Session, epochs: int = EPOCHS):  # noqa: ANN201
    trainer = session.make_trainer()
    trainer.run_epochs(epochs)
    return trainer.weights()


def in_two_halves(session: Session, path, epochs: int = EPOCHS):  # noqa: ANN001, ANN201
    trainer = session.make_trainer()
    trainer.run_epochs(epochs // 2)
    half = session.replace(
        weights=tuple(trainer.weights()), epoch=trainer.epoch, state=trainer.export_state()
    )
    save_session(half, path)
    resumed = load_session(path).make_trainer()
    resumed.run_epochs(epochs - epochs // 2)
    return resumed.weights()


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffle", "no-shuffle"])
@pytest.mark.parametrize("dropout", [0.0, 0.3], ids=["no-dropout", "dropout"])
@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_n_epochs_equal_two_halves_through_a_saved_session(
    tmp_path, optimizer, schedule, dropout, shuffle
) -> None:  # noqa: ANN001
    session = make_session(optimizer, schedule, dropout, shuffle)
    assert_identical(in_one_go(session), in_two_halves(session, tmp_path / "half.json"))


@pytest.mark.parametrize(
    "optimizer, options",
    [
        ("rmsprop", {"momentum": 0.9, "centered": True}),
        ("amsgrad", {"weight_decay": 0.01}),
        ("adagrad", {"initial_accumulator_value": 0.1, "lr_decay": 0.01}),
        ("sgd", {"weight_decay": 0.01}),
    ],
)
def test_optimizer_options_and_batch_norm_resume_exactly(tmp_path, optimizer, options) -> None:  # noqa: ANN001
    session = make_session(optimizer, "step", 0.2, batch_norm=True, options=options)
    assert_identical(in_one_go(session), in_two_halves(session, tmp_path / "half.json"))


def test_a_save_in_the_middle_of_an_epoch_resumes_exactly(tmp_path) -> None:  # noqa: ANN001
    session = make_session("nadam", "one_cycle", 0.3)
    trainer = session.make_trainer()
    trainer.run(17)  # 6 steps per epoch: two epochs and five steps
    half = session.replace(
        weights=tuple(trainer.weights()), epoch=trainer.epoch, state=trainer.export_state()
    )
    assert half.state.cursor == 35
    save_session(half, tmp_path / "mid.json")
    resumed = load_session(tmp_path / "mid.json").make_trainer()
    resumed.run(13)
    trainer.run(13)
    assert_identical(trainer.weights(), resumed.weights())


def test_without_a_state_the_schedule_still_continues_at_the_saved_epoch() -> None:
    session = make_session("sgd", "step")
    trainer = session.make_trainer()
    trainer.run_epochs(4)
    saved = session.replace(weights=tuple(trainer.weights()), epoch=4)  # an older file: no state
    resumed = saved.make_trainer()
    assert resumed.epoch == 0 and resumed.schedule_epoch == 4
    assert resumed.current_learning_rate() == trainer.current_learning_rate() == 0.01 * 0.25


def test_the_state_is_plain_documented_json(tmp_path) -> None:  # noqa: ANN001
    session = make_session("nadam", "constant")
    trainer = session.make_trainer()
    trainer.run(3)
    save_session(
        session.replace(weights=tuple(trainer.weights()), epoch=0, state=trainer.export_state()),
        tmp_path / "s.json",
    )
    state = json.loads((tmp_path / "s.json").read_text())["state"]
    assert set(state) == {"optimizer", "rng", "cursor", "order"}
    assert set(state["optimizer"]) == {"name", "step", "exp_avg", "exp_avg_sq", "mu_product"}
    assert state["optimizer"]["step"] == 3 and state["cursor"] == 21
    assert len(state["rng"]) == 16 and sorted(state["order"]) == list(range(40))
    assert set(state["optimizer"]["exp_avg"][0]) == {"W", "b"}


def _saved(tmp_path, change) -> str:  # noqa: ANN001
    session = make_session("adam", "constant")
    trainer = session.make_trainer()
    trainer.run(3)
    path = tmp_path / "s.json"
    save_session(
        session.replace(weights=tuple(trainer.weights()), state=trainer.export_state()), path
    )
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["state"]["optimizer"].update(name="sgd"),
            "state.optimizer.name: 'sgd' does not match",
        ),
        (
            lambda d: d["state"]["optimizer"]["exp_avg"][0].update(W="AAAA"),
            "state.optimizer.exp_avg[0].W: expected",
        ),
        (
            lambda d: d["state"]["optimizer"].pop("exp_avg_sq"),
            "state.optimizer.exp_avg_sq: missing",
        ),
        (lambda d: d["state"].update(rng="0" * 16), "state.rng:"),
        (lambda d: d["state"].update(cursor=40), "state.cursor: 40 is out of range"),
        (lambda d: d["state"].update(order=[0] * 40), "state.order: expected each"),
        (lambda d: d.pop("weights"), "state: needs the weights"),
        (lambda d: d["state"].update(extra=1), "state.extra: unknown field"),
    ],
)
def test_a_bad_state_is_refused_by_its_path(tmp_path, change, message) -> None:  # noqa: ANN001
    with pytest.raises(
        SessionError,
        match=message.replace("[", r"\[")
        .replace("]", r"\]")
        .replace(".", r"\.")
        .replace("(", r"\("),
    ):
        load_session(_saved(tmp_path, change))


def test_sessions_without_a_state_still_load(tmp_path) -> None:  # noqa: ANN001
    path = _saved(tmp_path, lambda d: d.pop("state"))
    session = load_session(path)
    assert session.state is None and session.weights is not None


def test_a_state_that_no_longer_fits_is_dropped_when_settings_change(tmp_path) -> None:  # noqa: ANN001
    session = load_session(_saved(tmp_path, lambda d: None))
    assert session.state is not None
    changed = session.replace(training=TrainingSpec(OptimizerSpec("sgd", 0.1)))
    assert changed.state is None  # the optimizer starts afresh, as in the window


def test_a_save_never_writes_a_file_too_large_to_load(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import playground.session as session_module

    session = load_session(_saved(tmp_path, lambda d: None))
    without = len(
        session_module.dump_json(
            session_module.session_to_dict(session.replace(state=None))
        ).encode()
    )
    monkeypatch.setattr(session_module, "MAX_FILE_BYTES", without + 10)
    save_session(session, tmp_path / "out.json")  # the state alone would pass the limit
    assert load_session(tmp_path / "out.json").state is None
    monkeypatch.setattr(session_module, "MAX_FILE_BYTES", without - 10)
    with pytest.raises(SessionError, match="more than a session file may"):
        save_session(session, tmp_path / "refused.json")
    assert not (tmp_path / "refused.json").exists()
