"""The optimizer race (issue 11): 2 to 6 contestants train in lockstep from the same weights.

A contestant is an optimizer, with a learning rate or not: "sgd", "adam@0.003". Each one is the
session with that optimizer (`contestant_session`), hence its own Trainer; all start from the
same initial weights (the session's, or its init and seed) and, with the same seed, walk the
same batches. A contestant's final weights are those of `nn-playground train` of its session,
bit for bit.

Without @LR a contestant takes the session's optimizer as it is when the names agree, else the
optimizer's default learning rate (engine registry). With @LR the session's other
hyper-parameters are kept when the names agree.

The paths are drawn on one fixed plane, known from the start so that a live view can draw as
the race runs: two filter-normalised random directions (engine/landscape.py) through the
common initial weights, drawn from `plane_seed`. `RaceResult` (from `Race.result`) may instead
use the plane of the first two principal components of all the contestants' paths together,
through the initial weights ("pca"): random directions in many dimensions are nearly
orthogonal to every path, so the paths there look short.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from playground.engine.landscape import (
    DIRECTIONS,
    MAX_RESOLUTION,
    Plane,
    held_weights,
    loss_grid,
    project,
)
from playground.engine.landscape import random_plane as make_random_plane
from playground.engine.network import Layout
from playground.engine.registry import OPTIMIZERS, choices
from playground.engine.spec import LayerWeights, OptimizerSpec
from playground.engine.trainer import Trainer
from playground.session import Session

Array = npt.NDArray[np.float64]
MIN_CONTESTANTS, MAX_CONTESTANTS = 2, 6


@dataclass(frozen=True)
class Contestant:
    """An optimizer by registry name and, optionally, its learning rate."""

    optimizer: str
    lr: float | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"contestants: unknown optimizer {self.optimizer!r} "
                f"(choose from: {choices(OPTIMIZERS)})"
            )
        if self.lr is not None and not (math.isfinite(self.lr) and 0.0 < self.lr <= 1000.0):
            raise ValueError(
                f"contestants: {self.optimizer}@{self.lr:g}: the learning rate must be "
                "above 0 and at most 1000"
            )

    @property
    def name(self) -> str:
        """As written on the command line: "adam" or "adam@0.003"."""
        return self.optimizer if self.lr is None else f"{self.optimizer}@{self.lr:g}"

    def optimizer_spec(self, session_optimizer: OptimizerSpec) -> OptimizerSpec:
        """The optimizer this contestant trains with (see the module docstring)."""
        if session_optimizer.name == self.optimizer:
            if self.lr is None:
                return session_optimizer
            return dataclasses.replace(session_optimizer, lr=self.lr)
        lr = self.lr if self.lr is not None else float(OPTIMIZERS[self.optimizer].defaults["lr"])
        return OptimizerSpec(self.optimizer, lr)


def parse_contestants(text: str) -> tuple[Contestant, ...]:
    """ "sgd,momentum,adam@0.003" -> contestants; ValueError with a clear message."""
    items = [item.strip() for item in text.split(",")]
    contestants = []
    for item in items:
        if not item:
            raise ValueError(f"contestants: an empty name in {text!r} (e.g. sgd,momentum,adam)")
        name, at, rate = item.partition("@")
        lr = None
        if at:
            try:
                lr = float(rate)
            except ValueError:
                raise ValueError(
                    f"contestants: {item!r}: expected a learning rate after @ (e.g. adam@0.003)"
                ) from None
        contestants.append(Contestant(name.strip().lower(), lr))
    check_contestants(contestants)
    return tuple(contestants)


def check_contestants(contestants: Sequence[Contestant]) -> None:
    """ValueError unless there are 2 to 6 contestants, none listed twice."""
    if not MIN_CONTESTANTS <= len(contestants) <= MAX_CONTESTANTS:
        raise ValueError(
            f"contestants: {len(contestants)} given; a race needs {MIN_CONTESTANTS} to "
            f"{MAX_CONTESTANTS} (e.g. sgd,momentum,adam or adam@0.1,adam@0.01)"
        )
    names = [c.name for c in contestants]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"contestants: {name} is listed twice")


def contestant_session(session: Session, contestant: Contestant) -> Session:
    """The session with the contestant's optimizer (what `train` of it would run)."""
    optimizer = contestant.optimizer_spec(session.training.optimizer)
    return session.replace(training=dataclasses.replace(session.training, optimizer=optimizer))


@dataclass(frozen=True, eq=False)
class Standing:
    """One contestant's record so far: a row per `Race.record()` (row 0 the start)."""

    contestant: Contestant
    optimizer: OptimizerSpec
    epochs: tuple[int, ...]
    steps: tuple[int, ...]
    losses: Array  # float64 (M,) mean training data loss (eval mode); NaN once diverged
    params: Array  # float64 (M, P) the flat weights
    diverged: bool
    message: str


class Race:
    """The contestants' Trainers, stepped in lockstep, with their records and a fixed plane."""

    def __init__(
        self, session: Session, contestants: Sequence[Contestant] | str, plane_seed: int = 0
    ) -> None:
        if isinstance(contestants, str):
            contestants = parse_contestants(contestants)
        check_contestants(contestants)
        self.session = session
        self.contestants = tuple(contestants)
        self.sessions = tuple(contestant_session(session, c) for c in self.contestants)
        self.trainers = tuple(s.make_trainer() for s in self.sessions)
        first = self.trainers[0]
        initial = first.parameters()
        for trainer in self.trainers[1:]:
            assert np.array_equal(trainer.parameters(), initial)  # one init, one seed
        self.initial = initial
        self.plane = make_random_plane(first.layout, initial, plane_seed, held_weights(first))
        self._epochs: list[list[int]] = [[] for _ in self.trainers]
        self._steps: list[list[int]] = [[] for _ in self.trainers]
        self._losses: list[list[float]] = [[] for _ in self.trainers]
        self._params: list[list[Array]] = [[] for _ in self.trainers]
        self.record()

    @property
    def layout(self) -> Layout:
        """The common parameter layout."""
        return self.trainers[0].layout

    def run(self, steps: int) -> None:
        """Each contestant that can still train runs `steps` mini-batch steps."""
        for trainer in self.trainers:
            trainer.run(steps)

    def run_epochs(self, epochs: int, record_each: bool = True) -> None:
        """Each contestant runs `epochs` whole epochs, one at a time in turn; the standings get
        a row after each epoch (or only at the end)."""
        for _ in range(epochs):
            for trainer in self.trainers:
                if trainer.can_train:
                    trainer.run_epochs(1)
            if record_each:
                self.record()
        if not record_each:
            self.record()

    def record(self) -> None:
        """Append every contestant's current loss and weights to its standing."""
        for k, trainer in enumerate(self.trainers):
            if trainer.diverged:
                loss = math.nan
            else:
                loss, _ = trainer.evaluate(trainer.data.train_xy, trainer.data.train_labels)
            self._epochs[k].append(trainer.epoch)
            self._steps[k].append(trainer.step)
            self._losses[k].append(loss)
            self._params[k].append(trainer.parameters())

    def standings(self) -> tuple[Standing, ...]:
        """Every contestant's record so far (copies)."""
        return tuple(
            Standing(
                contestant=c,
                optimizer=trainer.training.optimizer,
                epochs=tuple(self._epochs[k]),
                steps=tuple(self._steps[k]),
                losses=np.array(self._losses[k]),
                params=np.array(self._params[k]),
                diverged=trainer.diverged,
                message=trainer.message,
            )
            for k, (c, trainer) in enumerate(zip(self.contestants, self.trainers, strict=True))
        )

    def paths(self, plane: Plane | None = None) -> Array:
        """float64 (C, M, 2): each contestant's recorded weights projected on the plane
        (default: the race's fixed plane); NaN where the weights are not finite."""
        plane = plane or self.plane
        out = np.empty((len(self.trainers), len(self._params[0]), 2))
        for k, rows in enumerate(self._params):
            params = np.array(rows)
            with np.errstate(all="ignore"):
                out[k] = project(plane, np.where(np.isfinite(params), params, 0.0))
            out[k][~np.all(np.isfinite(params), axis=1)] = np.nan
        return out

    def pca_plane(self) -> Plane:
        """The plane through the initial weights spanned by the first two principal components
        of all the contestants' recorded weights together (finite ones)."""
        points = np.concatenate(self._params)
        points = points[np.all(np.isfinite(points), axis=1)]
        centred = points - points.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        if vt.shape[0] < 2:
            raise ValueError("race: the paths are too short for principal components")
        return Plane(self.initial, vt[0], vt[1])

    def result(
        self, *, directions: str = "random", span: float = 1.0, resolution: int = 31
    ) -> RaceResult:
        """The race so far with the loss over its plane (alphas = betas = linspace(-span,
        span, resolution), through the initial weights)."""
        if directions not in DIRECTIONS:
            raise ValueError(f"directions: {directions!r} is not one of {', '.join(DIRECTIONS)}")
        if not (math.isfinite(span) and span > 0):
            raise ValueError(f"span: must be a positive number, got {span!r}")
        if not 2 <= resolution <= MAX_RESOLUTION:
            raise ValueError(f"resolution: {resolution} is out of range (2 to {MAX_RESOLUTION})")
        plane = self.pca_plane() if directions == "pca" else self.plane
        axis = np.linspace(-span, span, resolution)
        probe = self.sessions[0].make_trainer()  # at the initial weights: its loss inputs
        loss = loss_grid(probe.loss_inputs(), plane, axis, axis, threads=2)
        return RaceResult(
            session=self.session,
            standings=self.standings(),
            plane=plane,
            directions=directions,
            alphas=axis,
            betas=axis.copy(),
            loss=loss,
            paths=self.paths(plane),
            final_weights=tuple(tuple(t.weights()) for t in self.trainers),
            layout=self.layout,
            centre_trainer=probe,
        )


@dataclass(frozen=True, eq=False)
class RaceResult:
    """A finished race, for its NPZ and its picture (the app's `race_picture`)."""

    session: Session  # the race's session (its data, network and training settings)
    standings: tuple[Standing, ...]
    plane: Plane
    directions: str
    alphas: Array  # float64 (R,)
    betas: Array  # float64 (R,)
    loss: Array  # float64 (R, R): loss[i, j] at plane.at(alphas[j], betas[i])
    paths: Array  # float64 (C, M, 2)
    final_weights: tuple[tuple[LayerWeights, ...], ...]  # per contestant
    layout: Layout
    centre_trainer: Trainer  # a Trainer at the initial weights (the plane's centre)

    @property
    def names(self) -> tuple[str, ...]:
        """The contestants' names, as given ("sgd", "adam@0.003")."""
        return tuple(s.contestant.name for s in self.standings)

    @property
    def losses(self) -> Array:
        """float64 (C, M): each contestant's training loss per record (row 0 the start)."""
        return np.array([s.losses for s in self.standings])


def run_race(
    session: Session,
    contestants: Sequence[Contestant] | str,
    epochs: int,
    *,
    directions: str = "random",
    span: float = 1.0,
    resolution: int = 31,
    seed: int = 0,
) -> RaceResult:
    """What `nn-playground race` computes: `epochs` epochs in lockstep, a record per epoch."""
    race = Race(session, contestants, plane_seed=seed)
    race.run_epochs(epochs)
    return race.result(directions=directions, span=span, resolution=resolution)


def race_arrays(result: RaceResult) -> dict[str, npt.NDArray]:
    """Every array of the race NPZ (README "Optimizer race"): C contestants, M = epochs + 1.

    `contestants` (C,) names as given, `optimizer` (C,) names, `lr` (C,) learning rates,
    `epoch` (C, M) the epoch of each record, `losses` (C, M) the mean training data loss after
    each epoch (row 0 the start; NaN once diverged), `diverged` (C,), `paths` (C, M, 2) the
    (α, β) of each record on the shared plane, `params` (C, P) the final flat weights,
    `final_W0, final_b0, …` (C, …) the final weights per layer (batch norm: `final_gamma{i}`,
    `final_beta{i}`, `final_running_mean{i}`, `final_running_var{i}`); and the plane as in the
    landscape NPZ: `alpha`, `beta`, `loss` (R, R), the centre (the common initial weights)
    `W0, b0, …`, the directions `d1_W0, …, d2_W0, …`, `directions`, and the data and model keys
    (`x`, `y`, `mean`, `std`, `inputs`, `activations`, `loss_function`, `model`)."""
    from playground.io.landscape_npz import data_arrays, plane_arrays

    centre = result.centre_trainer
    inputs = centre.loss_inputs()
    standings = result.standings
    arrays: dict[str, npt.NDArray] = {
        "contestants": np.array(result.names),
        "optimizer": np.array([s.optimizer.name for s in standings]),
        "lr": np.array([s.optimizer.lr for s in standings], dtype=np.float64),
        "epoch": np.array([s.epochs for s in standings], dtype=np.int64),
        "losses": result.losses,
        "diverged": np.array([s.diverged for s in standings]),
        "paths": result.paths,
        "params": np.array([s.params[-1] for s in standings]),
        "alpha": result.alphas,
        "beta": result.betas,
        "loss": result.loss,
        **plane_arrays(result.layout, result.plane, inputs.bn_mean, inputs.bn_var),
        **data_arrays(centre),
        "directions": np.array(result.directions),
    }
    for i in range(len(result.final_weights[0])):
        layers = [weights[i] for weights in result.final_weights]
        arrays[f"final_W{i}"] = np.array([lw.W for lw in layers])
        arrays[f"final_b{i}"] = np.array([lw.b for lw in layers])
        if layers[0].bn is not None:
            for name in ("gamma", "beta", "running_mean", "running_var"):
                arrays[f"final_{name}{i}"] = np.array([getattr(lw.bn, name) for lw in layers])
    return arrays
