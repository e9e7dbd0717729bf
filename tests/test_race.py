"""The optimizer race (issue 11): contestants, lockstep training, the shared plane."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.data.generators import generate
from playground.engine.landscape import project
from playground.engine.spec import LayerSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.race import Contestant, Race, contestant_session, parse_contestants, run_race
from playground.session import Session


def session(
    optimizer: OptimizerSpec | None = None, dropout: float = 0.0, batch_norm: bool = True
) -> Session:
    points = generate("moons", n=48, noise=0.1, seed=1, test_ratio=0.25)
    network = NetworkSpec(
        ("x1", "x2"),
        (LayerSpec(5, "tanh", dropout=dropout, batch_norm=batch_norm), LayerSpec(3, "relu")),
        points.problem,
        points.classes,
    )
    training = TrainingSpec(optimizer or OptimizerSpec("adam", 0.01), batch_size=8, seed=3)
    return Session(points, network, training)


# ----- contestants ---------------------------------------------------------------------------


def test_contestants_are_parsed_with_optional_rates():
    parsed = parse_contestants("sgd, momentum,adam@0.003")
    assert parsed == (Contestant("sgd"), Contestant("momentum"), Contestant("adam", 0.003))
    assert [c.name for c in parsed] == ["sgd", "momentum", "adam@0.003"]
    assert [c.name for c in parse_contestants("adam@0.1,adam@0.01")] == ["adam@0.1", "adam@0.01"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("sgd,adamm", "unknown optimizer 'adamm' (choose from: sgd, momentum"),
        ("sgd", "1 given; a race needs 2 to 6"),
        ("sgd,adam,momentum,nesterov,rmsprop,adagrad,adamw", "7 given"),
        ("sgd,,adam", "an empty name"),
        ("sgd,adam@fast", "expected a learning rate after @"),
        ("sgd,adam@-1", "the learning rate must be above 0"),
        ("sgd,adam@nan", "the learning rate must be above 0"),
        ("adam@0.1,adam@0.1", "adam@0.1 is listed twice"),
    ],
)
def test_bad_contestants_are_refused_clearly(text, message):
    with pytest.raises(ValueError, match="contestants: ") as caught:
        parse_contestants(text)
    assert message in str(caught.value)


def test_a_contestant_takes_the_sessions_optimizer_or_the_default_rate():
    mine = OptimizerSpec("adam", 0.02, (("betas", (0.8, 0.99)),))
    assert Contestant("adam").optimizer_spec(mine) == mine
    assert Contestant("adam", 0.1).optimizer_spec(mine) == dataclasses.replace(mine, lr=0.1)
    assert Contestant("sgd").optimizer_spec(mine) == OptimizerSpec("sgd", 0.03)
    assert Contestant("nadam").optimizer_spec(mine) == OptimizerSpec("nadam", 0.002)
    assert Contestant("sgd", 0.5).optimizer_spec(mine) == OptimizerSpec("sgd", 0.5)


# ----- the race --------------------------------------------------------------------------------


def test_contestants_equal_separate_runs_bit_for_bit():
    base = session(dropout=0.2)  # dropout masks draw from the shared seed too
    race = Race(base, "sgd,momentum@0.05,adam@0.003,rmsprop")
    race.run_epochs(4)
    expected = [
        OptimizerSpec("sgd", 0.03),
        OptimizerSpec("momentum", 0.05),
        OptimizerSpec("adam", 0.003),
        OptimizerSpec("rmsprop", 0.01),
    ]
    for optimizer, trainer, standing in zip(expected, race.trainers, race.standings(), strict=True):
        alone = base.replace(training=dataclasses.replace(base.training, optimizer=optimizer))
        solo = alone.make_trainer()
        for _ in range(4):
            solo.run_epochs(1)
        assert np.array_equal(solo.parameters(), trainer.parameters())
        assert np.array_equal(standing.params[-1], solo.parameters())
        for mine, theirs in zip(solo.weights(), trainer.weights(), strict=True):
            assert np.array_equal(mine.bn.running_var, theirs.bn.running_var) if mine.bn else True
    finals = [t.parameters() for t in race.trainers]
    assert not np.array_equal(finals[0], finals[2])  # they did race differently


def test_everyone_starts_from_the_same_weights_and_the_plane_goes_through_them():
    race = Race(session(), "sgd,adam")
    standings = race.standings()
    assert np.array_equal(standings[0].params[0], standings[1].params[0])
    assert np.array_equal(race.plane.centre, standings[0].params[0])
    assert np.allclose(race.paths()[:, 0], 0.0)


def test_lockstep_steps_and_records():
    race = Race(session(), "sgd,adam")
    race.run(3)
    race.record()
    race.run_epochs(2)
    standings = race.standings()
    for standing in standings:
        assert standing.steps[:2] == (0, 3)
        assert standing.epochs[-1] == 2 and len(standing.losses) == 4
        assert standing.losses[0] == standings[0].losses[0]
    for k, standing in enumerate(standings):
        assert np.allclose(race.paths()[k], project(race.plane, standing.params), atol=1e-12)


def test_a_diverging_contestant_stops_while_the_others_go_on():
    race = Race(session(batch_norm=False), "sgd@900,adam")
    race.run_epochs(6)
    wild, calm = race.standings()
    assert wild.diverged and "diverged" in wild.message
    assert np.isnan(wild.losses[-1]) and np.isfinite(calm.losses).all()
    assert calm.epochs[-1] == 6
    paths = race.paths()
    assert np.isfinite(paths[1]).all()
    assert np.isnan(paths[0][-1]).all() or np.isfinite(paths[0][-1]).all()


def test_the_result_has_the_loss_over_the_plane_and_the_paths():
    result = run_race(session(), "sgd,adam@0.02", 3, resolution=5, span=0.5)
    assert result.names == ("sgd", "adam@0.02")
    assert result.loss.shape == (5, 5) and result.paths.shape == (2, 4, 2)
    start_loss = result.standings[0].losses[0]
    assert result.loss[2, 2] == pytest.approx(start_loss, rel=1e-12)  # centre: initial weights
    pca = run_race(session(), "sgd,adam@0.02", 3, resolution=3, directions="pca")
    assert np.isclose(np.linalg.norm(pca.plane.d1), 1.0)
    assert np.allclose(pca.paths[:, 0], 0.0, atol=1e-12)


def test_contestant_session_changes_only_the_optimizer():
    base = session()
    changed = contestant_session(base, Contestant("rmsprop", 0.001))
    assert changed.training.optimizer == OptimizerSpec("rmsprop", 0.001)
    assert dataclasses.replace(changed.training, optimizer=base.training.optimizer) == (
        base.training
    )
    assert changed.points is base.points and changed.network == base.network
