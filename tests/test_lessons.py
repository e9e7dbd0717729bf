"""Classroom lessons: each loads, has notes, is what tools/make_lessons.py builds from its Markdown
text, and its claim holds on every training seed 0-9.

Every claim is checked headless through the engine, within the epochs the lesson's text names.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from playground.data.generators import generate
from playground.data.points import Points
from playground.engine import GridRequest, LayerSpec, ScheduleSpec, Snapshot, Trainer
from playground.engine.hidden_space import EvalNetwork, HiddenSpace, hidden_space
from playground.engine.landscape import loss_grid, pca_plane, random_plane
from playground.engine.step_trace import trace_trainer_step
from playground.io.json_format import dump_json
from playground.lessons import (
    CHAPTERS,
    LESSONS,
    OTHER_CHAPTER,
    Lesson,
    chapters,
    discover_lessons,
    lessons_folder,
    load_lesson,
)
from playground.race import Race, Standing
from playground.session import Session, SessionError, load_session, session_to_dict

LESSON_IDS = [lesson.id for lesson in LESSONS]
RACE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

Claim = Callable[[Session], None]
CLAIMS: dict[str, Claim] = {}


def claim(lesson_id: str) -> Callable[[Claim], Claim]:
    """Register the check of one lesson's claim."""

    def register(check: Claim) -> Claim:
        CLAIMS[lesson_id] = check
        return check

    return register


# ----- helpers ------------------------------------------------------------------------------


def train(
    session: Session, epochs: int, every: int | None = None
) -> tuple[Trainer, list[Snapshot]]:
    """Train from the session's init; snapshots at epoch 0 and after every `every` epochs."""
    trainer = session.make_trainer()
    snapshots = [trainer.snapshot()]
    every = every or epochs
    for _ in range(epochs // every):
        trainer.run_epochs(every)
        snapshots.append(trainer.snapshot())
    return trainer, snapshots


def with_training(session: Session, **changes: object) -> Session:
    return session.replace(training=dataclasses.replace(session.training, **changes))


def with_network(session: Session, **changes: object) -> Session:
    return session.replace(network=dataclasses.replace(session.network, **changes))


def with_layers(session: Session, **changes: object) -> Session:
    """Every hidden layer changed alike (e.g. batch_norm=True)."""
    layers = tuple(dataclasses.replace(layer, **changes) for layer in session.network.layers)
    return with_network(session, layers=layers)


def with_optimizer(session: Session, **changes: object) -> Session:
    return with_training(
        session, optimizer=dataclasses.replace(session.training.optimizer, **changes)
    )


def final(session: Session, epochs: int) -> Snapshot:
    return train(session, epochs)[1][-1]


def plane_residual(xy: np.ndarray, values: np.ndarray) -> float:
    """Largest deviation of values from the least-squares plane a·x1 + b·x2 + c, over its range."""
    design = np.column_stack([xy, np.ones(len(xy))])
    coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
    return float(np.abs(values - design @ coefficients).max() / max(np.ptp(values), 1e-12))


def output_logit_residual(trainer: Trainer) -> float:
    """plane_residual of the output logit ln(p / (1 − p)) over the data's square."""
    xy = GridRequest(-5.0, 5.0, -5.0, 5.0, 40).points()
    p = trainer.predict(xy)[:, 1]
    usable = (p > 1e-3) & (p < 1 - 1e-3)  # float32 outputs: logits are exact enough here
    assert usable.sum() >= 100
    return plane_residual(xy[usable], np.log(p[usable] / (1 - p[usable])))


def same_except(a: Session, b: Session, **fields: object) -> bool:
    """True when two lessons share points and settings apart from the named training fields."""
    return (
        np.array_equal(a.points.xy, b.points.xy)
        and a.network == b.network
        and dataclasses.replace(a.training, **fields) == b.training
    )


# ----- every lesson -------------------------------------------------------------------------


def test_lessons_cover_the_course() -> None:
    assert len(LESSONS) >= 24
    numbers = {lesson.id[:2] for lesson in LESSONS}
    assert numbers == {f"{n:02d}" for n in range(1, 14)} == set(CHAPTERS)
    assert sorted(CLAIMS) == LESSON_IDS  # every lesson has a checked claim, in course order
    grouped = chapters()
    assert [lesson for members in grouped.values() for lesson in members] == list(LESSONS)
    assert len(grouped) >= 6 and OTHER_CHAPTER not in grouped


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_loads_with_student_notes(lesson_id: str) -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.id == lesson_id)
    session = load_session(lesson.path)
    assert session.notes is not None
    assert session.notes.title == lesson.title and lesson.title[0].isdigit()
    words = len(session.notes.text.split())
    assert 80 <= words <= 200, f"{lesson_id}: {words} words"
    for heading in ("**Do:**", "**Watch:**", "**Why:**"):
        assert heading in session.notes.text
    assert "=" in session.notes.text or "←" in session.notes.text  # the key formula
    assert session.weights is None and session.epoch == 0  # starts from init and seed
    assert session.points.n >= 100
    assert np.array_equal(session.points.xy, np.round(session.points.xy, 4))


EPOCH_COUNT = re.compile(r"\b(\d[\d,]*) epochs?\b")


def named_epoch_counts(text: str) -> set[int]:
    """Every "N epochs" of a lesson's own text (a **Next:** paragraph speaks of another lesson)."""
    own = [p for p in text.split("\n") if not p.startswith("**Next:**")]
    return {int(n.replace(",", "")) for n in EPOCH_COUNT.findall("\n".join(own))}


def test_named_epoch_counts_reads_the_text() -> None:
    text = (
        "**Do:** press Play and let it run for 200 epochs.\n**Watch:** within 1,000 epochs, "
        "from one epoch to the next, 3 epoch\n**Next:** lesson 2 needs 50 epochs."
    )
    assert named_epoch_counts(text) == {200, 1000, 3}


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_carries_its_pace(lesson_id: str) -> None:
    """Watchable speed; a pause at every epoch count the text names (and nowhere else)."""
    notes = load_lesson(lesson_id).notes
    assert notes is not None
    assert notes.speed is not None and 1 <= notes.speed <= 30, "too fast to watch"
    assert set(notes.pause_at) == named_epoch_counts(notes.text)
    if "run for" in notes.text:
        ran = re.search(r"run for (\d+) epochs", notes.text)
        assert ran is not None and int(ran.group(1)) in notes.pause_at


MAKE_LESSONS = Path(__file__).resolve().parents[1] / "tools" / "make_lessons.py"


def test_files_are_what_make_lessons_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    script = MAKE_LESSONS
    spec = importlib.util.spec_from_file_location("make_lessons", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_lessons", module)  # its dataclasses need it
    spec.loader.exec_module(module)
    assert [source.name for source in module.TABLE] == LESSON_IDS
    assert module.FOLDER == lessons_folder()  # an editable install: the repository's lessons
    for source, lesson in zip(module.TABLE, LESSONS, strict=True):
        assert dump_json(session_to_dict(source.session())) == lesson.path.read_text("utf-8")


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_text_lives_in_markdown_beside_its_session(lesson_id: str) -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.id == lesson_id)
    markdown = lesson.path.with_suffix(".md").read_text("utf-8")
    assert markdown.startswith(f"# {lesson.title}\n\n")
    notes = lesson.load().notes
    assert notes is not None
    assert " ".join(markdown.split("\n", 2)[2].split()) == " ".join(notes.text.split())


def test_no_generator_is_shipped_with_the_lessons() -> None:
    assert not list(lessons_folder().glob("*.py"))
    assert sorted(p.stem for p in lessons_folder().glob("*.md")) == LESSON_IDS


def test_load_lesson_returns_the_session_and_rejects_unknown_ids() -> None:
    session = load_lesson("02-hidden-layer-xor")
    assert session.network.layers == (LayerSpec(4, "tanh"),)
    with pytest.raises(SessionError, match="unknown lesson 'nope'.*01-perceptron-xor"):
        load_lesson("nope")


def test_discover_lessons_orders_by_file_name_and_falls_back_to_it(tmp_path: Path) -> None:
    (tmp_path / "02-b.json").write_text(json.dumps({"notes": {"title": "Second"}}))
    (tmp_path / "01b-a.json").write_text("not json")
    (tmp_path / "01-a.json").write_text(json.dumps({"notes": {"title": "First"}}))
    (tmp_path / "make_lessons.py").write_text("")
    found = discover_lessons(tmp_path)
    assert found == (
        Lesson("01-a", "First", tmp_path / "01-a.json"),
        Lesson("01b-a", "01b-a", tmp_path / "01b-a.json"),
        Lesson("02-b", "Second", tmp_path / "02-b.json"),
    )
    with pytest.raises(SessionError, match="01b-a.json"):
        found[1].load()
    assert discover_lessons(tmp_path / "missing") == ()


SEEDS = range(10)


def lesson_on_seed(lesson_id: str, seed: int) -> Session:
    """The lesson as shipped, trained from another seed (its data stays the same)."""
    return with_training(load_lesson(lesson_id), seed=seed)


def sibling(session: Session, lesson_id: str) -> Session:
    """Another lesson, on the same training seed as `session` (a claim compares the two)."""
    return lesson_on_seed(lesson_id, session.training.seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_claim_holds(lesson_id: str, seed: int) -> None:
    """Every lesson's claim holds whatever seed Reset draws: training seeds 0-9."""
    CLAIMS[lesson_id](lesson_on_seed(lesson_id, seed))


# ----- the claims ---------------------------------------------------------------------------


@claim("01-perceptron-xor")
def _xor_defeats_a_perceptron(session: Session) -> None:
    assert session.network.layers == ()
    last = final(session, 200)
    assert last.train_accuracy <= 0.75 and last.test_accuracy <= 0.75  # never past 3 blobs of 4
    assert last.train_accuracy <= 0.6  # "here it stays near 50 %"


def _learns_a_separable_gate(session: Session) -> None:
    xor = sibling(session, "01-perceptron-xor")
    assert same_except(xor, session)  # only the labels differ
    assert not np.array_equal(xor.points.labels, session.points.labels)
    last = final(session, 50)  # lesson 1: "both pass 98 % within 50 epochs"
    assert last.train_accuracy >= 0.98 and last.test_accuracy >= 0.97


claim("01b-perceptron-and")(_learns_a_separable_gate)
claim("01c-perceptron-or")(_learns_a_separable_gate)


def _boundary_offset(trainer: Trainer) -> tuple[float, np.ndarray]:
    """Where p = 1/2 crosses the line through the origin along the output's weights w (found
    by bisection on the predictions), and w's direction."""
    w = trainer.weights()[-1].W[0]
    direction = w / np.linalg.norm(w)
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        p = trainer.predict((middle * direction)[None, :])[0, 1]
        low, high = (middle, high) if p < 0.5 else (low, middle)
    return (low + high) / 2, direction


@claim("01d-bias-shifts-the-boundary")
def _bias_slides_the_boundary(session: Session) -> None:
    assert session.network.layers == ()
    trainer, snapshots = train(session, 50)
    assert snapshots[-1].train_accuracy >= 0.97
    offset, direction = _boundary_offset(trainer)
    w, b = trainer.weights()[-1].W[0], float(trainer.weights()[-1].b[0])
    assert abs(offset + b / np.linalg.norm(w)) < 1e-6  # at distance -b/||w|| along w
    trainer.set_weight(0, 0, -1, b + 4.0)  # "type its bias plus 4"
    moved, turned = _boundary_offset(trainer)
    np.testing.assert_allclose(moved - offset, -4.0 / np.linalg.norm(w), rtol=1e-6)
    assert 1.3 <= abs(moved - offset) <= 1.7  # "about 1.5 units"
    np.testing.assert_allclose(turned, direction)  # without turning
    p = trainer.predict(session.points.xy)[:, 1]
    assert np.sum((p > 0.5) & (session.points.labels == 0)) > 10  # orange points on blue's side
    trainer.run_epochs(50)
    assert trainer.snapshot().train_accuracy >= 0.97  # pulled back
    # Try: a weight turns the boundary.
    before = _boundary_offset(trainer)[1]
    trainer.set_weight(0, 0, 0, float(trainer.weights()[-1].W[0, 0]) + 1.0)
    assert np.degrees(np.arccos(_boundary_offset(trainer)[1] @ before)) > 5


@claim("02-hidden-layer-xor")
def _hidden_layer_solves_xor(session: Session) -> None:
    xor = sibling(session, "01-perceptron-xor")
    assert np.array_equal(xor.points.labels, session.points.labels)
    assert len(session.network.layers) == 1
    last = final(session, 100)
    assert last.train_accuracy >= 0.97 and last.test_accuracy >= 0.97


def _blob_corners(session: Session, trainer: Trainer) -> tuple[HiddenSpace, np.ndarray]:
    """The hidden space of the first hidden layer (as the view draws it) and the mean hidden
    point of each truth-table blob, by quadrant (x1 > 0, x2 > 0)."""
    network = EvalNetwork.of(
        trainer.loss_inputs(), trainer.parameters(), session.network.inputs,
        trainer.standardization,
    )  # fmt: skip
    xy, labels = session.points.train()
    space = hidden_space(network, 0, network.features(xy), labels)
    quadrant = 2 * (xy[:, 0] > 0) + (xy[:, 1] > 0)
    return space, np.array([space.points[quadrant == q].mean(axis=0) for q in range(4)])


@claim("02b-hidden-space")
def _hidden_space_makes_xor_a_line(session: Session) -> None:
    assert [layer.units for layer in session.network.layers] == [2]
    xor = sibling(session, "01-perceptron-xor")
    assert np.array_equal(xor.points.xy, session.points.xy)
    trainer, snapshots = train(session, 200)
    space, corners = _blob_corners(session, trainer)
    assert space.boundary is not None and space.boundary.exact  # two units: the whole space
    xy, labels = session.points.train()
    drawn_side = space.boundary.logits(space.points)[:, 0] > 0
    blob_class = np.array([0, 1, 1, 0])  # XOR of the quadrant
    apart = [np.linalg.norm(corners[i] - corners[j]) for i in range(4) for j in range(4)
             if blob_class[i] != blob_class[j]]  # fmt: skip
    if snapshots[-1].train_accuracy == 1.0:
        assert np.all(drawn_side == (labels == 1))  # the drawn line separates every point
        same = min(np.linalg.norm(corners[0] - corners[3]), np.linalg.norm(corners[1] - corners[2]))
        assert same < 0.1  # the two blobs of one class share a corner
        assert min(apart) > 1.5 and np.all(np.abs(corners) > 0.85)  # corners of the square
    else:
        assert snapshots[-1].train_accuracy <= 0.8  # stuck near 75 %
        assert min(apart) < 0.01  # a class-0 and a class-1 blob on the same corner


@pytest.mark.slow
def test_two_hidden_units_separate_xor_in_the_hidden_space_on_six_seeds_of_ten() -> None:
    """Lesson 2b: "On 6 of the training seeds 0-9 the four blobs move to corners"."""

    def solved(seed: int) -> bool:
        return final(lesson_on_seed("02b-hidden-space", seed), 200).train_accuracy == 1.0

    assert "On 6 of the training seeds 0–9" in load_lesson("02b-hidden-space").notes.text
    assert seeds_where(solved) == 6


@claim("03-linear-stays-linear")
def _linear_layers_stay_linear(session: Session) -> None:
    assert len(session.network.layers) >= 3
    assert {layer.activation for layer in session.network.layers} == {"linear"}
    trainer, snapshots = train(session, 200)
    assert snapshots[-1].train_accuracy <= 0.8 and snapshots[-1].test_accuracy <= 0.8
    assert output_logit_residual(trainer) < 1e-4
    # The check can fail: one tanh layer makes the same net bend (and solve XOR).
    bent = with_network(session, layers=(LayerSpec(4, "tanh"), *session.network.layers[1:]))
    trainer, snapshots = train(bent, 200)
    assert snapshots[-1].train_accuracy >= 0.97
    assert output_logit_residual(trainer) > 0.05


@claim("03b-backprop-by-hand")
def _backprop_by_hand_is_the_engines_step(session: Session) -> None:
    assert [layer.units for layer in session.network.layers] == [2]
    assert session.training.batch_size == 1 and session.training.optimizer.name == "sgd"
    trainer, _ = train(session, 10)
    trace = trace_trainer_step(trainer)  # what the inspector shows (the next point)
    (i,) = trace.indices
    x, y = session.points.train()[0][i], session.points.train()[1][i]
    (W1, b1), (W2, b2) = ((w.W, w.b) for w in trainer.weights())
    z1 = W1 @ x + b1  # by hand, as the notes write it
    h = np.tanh(z1)
    z2 = W2[0] @ h + b2[0]
    p = 1 / (1 + np.exp(-z2))
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    delta2 = p - y
    delta1 = (1 - h**2) * (W2[0] * delta2)
    hidden_stage, output_stage = trace.explanation.layers
    np.testing.assert_allclose(hidden_stage.z[0], z1, rtol=1e-12)
    np.testing.assert_allclose(hidden_stage.a[0], h, rtol=1e-12)
    np.testing.assert_allclose(output_stage.a[0, 0], p, rtol=1e-12)
    np.testing.assert_allclose(trace.explanation.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(output_stage.delta[0, 0], delta2, rtol=1e-12)
    np.testing.assert_allclose(hidden_stage.delta[0], delta1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(output_stage.grad_W[0], delta2 * h, rtol=1e-12)
    np.testing.assert_allclose(hidden_stage.grad_W, np.outer(delta1, x), rtol=1e-12, atol=1e-15)
    lr = session.training.optimizer.lr
    after = trace.after
    np.testing.assert_allclose(after[0].W, W1 - lr * np.outer(delta1, x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(after[1].W[0], W2[0] - lr * delta2 * h, rtol=1e-12)
    np.testing.assert_allclose(after[1].b[0], b2[0] - lr * delta2, rtol=1e-12)
    trainer.run(1)  # the step training takes is the traced one, bit for bit
    assert np.array_equal(trainer.parameters(), trace.params_after)


@claim("04-learning-rate")
def _learning_rate_right_and_too_small(session: Session) -> None:
    start, right = train(session, 100)[1]
    assert right.train_accuracy >= 0.985 and right.train_loss < 0.25 * start.train_loss
    start, small = train(with_optimizer(session, lr=0.0003), 100)[1]
    assert abs(small.train_loss - start.train_loss) < 0.1 * start.train_loss
    assert small.train_accuracy < 0.75


@claim("04b-learning-rate-too-big")
def _learning_rate_too_big(session: Session) -> None:
    right = sibling(session, "04-learning-rate")
    assert same_except(right, session, optimizer=session.training.optimizer)
    assert session.training.optimizer.lr in _try_rates(right)  # lesson 4's "then try ..."
    trainer, snapshots = train(session, 100, every=10)
    losses = [snapshot.train_loss for snapshot in snapshots]
    assert trainer.diverged or (losses[-1] > losses[0] and max(losses) > 2 * losses[0])
    assert min(losses[1:]) > losses[0]  # never gets back below its start
    assert snapshots[-1].train_accuracy < 0.9  # far from lesson 4's 98.5 %: it does not learn
    # The heatmap flips: over epochs 50-100, a fifth or more of the points change class per epoch.
    trainer = session.make_trainer()
    trainer.run_epochs(50)
    classes = [trainer.predict(session.points.xy).argmax(axis=1)]
    for _ in range(50):
        trainer.run_epochs(1)
        classes.append(trainer.predict(session.points.xy).argmax(axis=1))
    assert np.mean([np.mean(a != b) for a, b in zip(classes[:-1], classes[1:], strict=True)]) >= 0.2


def _try_rates(session: Session) -> set[float]:
    """The learning rates lesson 4's "Do:" line asks to try."""
    assert session.notes is not None
    do = session.notes.text.split("\n")[0]
    return {float(rate) for rate in re.findall(r"\b(\d+(?:\.\d+)?)\b", do)}


def _losses_and_rates(session: Session, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """The training loss after every epoch, and the learning rate there."""
    trainer = session.make_trainer()
    losses, rates = [], []
    for _ in range(epochs):
        trainer.run_epochs(1)
        snapshot = trainer.snapshot()
        losses.append(snapshot.train_loss)
        rates.append(snapshot.learning_rate)
    return np.array(losses), np.array(rates)


def _bends(trainer: Trainer, centre: np.ndarray) -> float:
    """The most negative second difference of the loss along the rows and columns of the
    landscape view's grid (random plane, seed 0, span 1, 31 × 31) through `centre`, relative
    to the loss's range there: >= 0 on a convex slice."""
    plane = random_plane(trainer.layout, centre, seed=0)
    axis = np.linspace(-1.0, 1.0, 31)
    loss = loss_grid(trainer.loss_inputs(), plane, axis, axis, threads=1)
    rows = loss[:, 2:] - 2 * loss[:, 1:-1] + loss[:, :-2]
    columns = loss[2:, :] - 2 * loss[1:-1, :] + loss[:-2, :]
    return float(min(rows.min(), columns.min()) / np.ptp(loss))


@claim("04c-loss-landscape")
def _logistic_regression_is_a_bowl_a_hidden_layer_is_not(session: Session) -> None:
    assert session.network.layers == ()
    assert np.array_equal(
        session.points.xy, sibling(session, "01d-bias-shifts-the-boundary").points.xy
    )
    trainer = session.make_trainer()
    start = trainer.parameters()
    trainer.run_epochs(50)
    assert trainer.snapshot().train_loss < 0.5 * session.make_trainer().snapshot().train_loss
    assert _bends(trainer, start) >= -1e-9 and _bends(trainer, trainer.parameters()) >= -1e-9
    hidden_layer = sibling(session, "02-hidden-layer-xor")
    trainer = hidden_layer.make_trainer()
    start = trainer.parameters()
    trainer.run_epochs(100)
    assert _bends(trainer, start) < -1e-3  # bends downward somewhere: not convex


@claim("04d-too-big-on-the-landscape")
def _too_big_zig_zags_across_the_valley(session: Session) -> None:
    assert session.network.layers == () and session.points.problem == "regression"
    xy, y = session.points.train()
    assert session.training.batch_size >= len(y)  # full batch: one exact step per epoch
    X = np.column_stack([xy, np.ones(len(y))])
    curvatures, vectors = np.linalg.eigh(2 * X.T @ X / len(y))
    kappa, steepest = curvatures[-1], vectors[:, -1]
    assert abs(kappa - 28.5) < 0.05 and abs(1 / kappa - 0.035) < 5e-4
    assert abs(2 / kappa - 0.070) < 5e-4
    assert round(curvatures[-1] / curvatures[0]) == 14  # "a rate 14 times larger"
    bottom = np.linalg.lstsq(X, y, rcond=None)[0]  # (w1, w2, b), the Trainer's order

    def across(lr: float, epochs: int = 30) -> tuple[np.ndarray, Trainer]:
        """The weights after each epoch (row 0: the start) and the Trainer at the end."""
        trainer = with_optimizer(session, lr=lr).make_trainer()
        path = [trainer.parameters()]
        for _ in range(epochs):
            trainer.run_epochs(1)
            path.append(trainer.parameters())
        return np.array(path), trainer

    start = session.make_trainer().snapshot().train_loss
    for lr, factor in ((0.08, -1.28), (0.05, -0.42), (0.03, 0.15)):
        path, trainer = across(lr)
        distance = (path - bottom) @ steepest  # to the bottom, along the steepest direction
        early = distance[:13]  # before rounding shows in the settling runs
        np.testing.assert_allclose(early[1:] / early[:-1], 1 - lr * kappa, rtol=1e-6)
        assert abs((1 - lr * kappa) - factor) < 0.01  # the notes' factors
        assert (trainer.snapshot().train_loss > start) == (lr == 0.08)  # climbs only at 0.08
    path, _ = across(session.training.optimizer.lr)
    plane = pca_plane(path, path[-1])  # the view's PCA directions hold the zig-zag
    assert abs(plane.d1 @ steepest) / np.linalg.norm(plane.d1) > 0.99


@claim("04e-learning-rate-schedules")
def _schedules_bring_the_loss_to_rest(session: Session) -> None:
    assert session.training.schedule.name == "constant"
    lr = session.training.optimizer.lr

    def jitter(losses: np.ndarray) -> float:  # epoch-to-epoch changes over the last 20
        return float(np.std(np.diff(losses[-20:])))

    constant, _ = _losses_and_rates(session, 200)
    runs = {
        name: _losses_and_rates(with_training(session, schedule=ScheduleSpec(name)), 200)
        for name in ("step", "cosine", "one_cycle")
    }
    assert 10 * jitter(runs["cosine"][0]) < jitter(constant)
    assert 10 * jitter(runs["one_cycle"][0]) < jitter(constant)
    assert jitter(runs["step"][0]) < jitter(constant)
    step_rates = runs["step"][1]  # halved after epochs 50, 100 and 150
    np.testing.assert_allclose(step_rates[[0, 50, 100, 150]], lr * 0.5 ** np.arange(4))
    assert runs["cosine"][1][-1] < 1e-3 * lr
    one_cycle = runs["one_cycle"][1]
    assert one_cycle[0] < lr / 10 and 50 <= int(np.argmax(one_cycle)) <= 70
    assert one_cycle[-1] < lr / 25


def _loss_changes(session: Session, epochs: int = 150) -> np.ndarray:
    losses = np.array([s.train_loss for s in train(session, epochs, every=1)[1]])
    return np.diff(losses[30:])  # past the first fast descent


@claim("05-batch-size")
def _small_batches_make_a_noisy_loss(session: Session) -> None:
    assert session.training.batch_size == 1
    sgd = _loss_changes(session)
    full = _loss_changes(with_training(session, batch_size=1000))  # > 140 training points
    assert sgd.std() > 5 * full.std()
    assert (sgd > 0).mean() >= 0.2  # the loss often rises from one epoch to the next
    assert np.all(full <= 1e-12)  # full batch with a small step: every epoch is better
    sgd_loss = final(session, 150).train_loss
    full_loss = final(with_training(session, batch_size=1000), 150).train_loss
    assert full_loss > 1.5 * sgd_loss  # "and much slower"


@claim("06-optimizer-race")
def _optimizer_race(session: Session) -> None:
    start = session.make_trainer().snapshot().train_loss
    loss = {name: final(with_optimizer(session, name=name), 100).train_loss for name in RACE}
    assert all(value < 0.75 * start for value in loss.values()), loss
    heavy_ball = max(loss["momentum"], loss["nesterov"])
    assert min(loss["sgd"], loss["adagrad"]) > 2 * heavy_ball  # "several times lower"
    assert max(loss["rmsprop"], loss["adam"]) < min(loss["momentum"], loss["nesterov"])


def _race(session: Session, contestants: str, epochs: int = 100) -> dict[str, Standing]:
    """A race (the race view's headless core) after `epochs`: standings by optimizer name."""
    race = Race(session, contestants)  # asserts one start for all
    race.run_epochs(epochs)
    return {standing.contestant.optimizer: standing for standing in race.standings()}


def _travelled(standing: Standing) -> float:
    """How far a contestant's weights travelled, epoch by epoch, through weight space."""
    return float(np.linalg.norm(np.diff(standing.params, axis=0), axis=1).sum())


def _race_text(session: Session) -> str:
    """The contestants a race lesson asks to type (the line after **Do:**'s first line)."""
    assert session.notes is not None
    return session.notes.text.split("\n")[0].split("type ")[1].split(" and press")[0]


@claim("06b-optimizer-race-view")
def _race_on_one_landscape(session: Session) -> None:
    assert same_except(sibling(session, "06-optimizer-race"), session)
    text = _race_text(session)
    assert text == "sgd, momentum@0.01, rmsprop@0.01, adam@0.01"
    standings = _race(session, text)
    loss = {name: standing.losses[-1] for name, standing in standings.items()}
    far = {name: _travelled(standing) for name, standing in standings.items()}
    assert 0.25 <= loss["sgd"] <= 0.35 and 0.07 <= loss["momentum"] <= 0.13
    assert loss["rmsprop"] < 0.06 and loss["adam"] < 0.06
    assert far["sgd"] < 3 and 7 <= far["momentum"] <= 10
    assert 10 <= min(far["rmsprop"], far["adam"]) and max(far["rmsprop"], far["adam"]) <= 15


@claim("06c-more-optimizers")
def _the_other_adams(session: Session) -> None:
    text = _race_text(session)
    assert text == "adam@0.01, adadelta@1, nadam@0.01, adamax@0.01, amsgrad@0.01"
    loss = {name: standing.losses[-1] for name, standing in _race(session, text).items()}
    for name in ("nadam", "amsgrad"):
        assert abs(loss[name] - loss["adam"]) <= 0.1 * loss["adam"], name
    for name in ("adamax", "adadelta"):
        assert 2 * loss["adam"] <= loss[name] <= 6 * loss["adam"], name
    defaults = _race(session, "adam, adadelta, nadam, adamax, amsgrad")  # "leave out every @"
    assert [s.optimizer.lr for s in defaults.values()] == [0.001, 1.0, 0.002, 0.002, 0.001]
    best = min(defaults, key=lambda name: defaults[name].losses[-1])
    assert best == "adadelta"


def _gradient_norms(session: Session) -> tuple[np.ndarray, Snapshot]:
    """Per-layer gradient RMS over epochs 45–50 (first layer first, output last)."""
    trainer = session.make_trainer()
    trainer.run_epochs(45)
    trainer.snapshot()  # starts a new gradient window
    trainer.run_epochs(5)
    snapshot = trainer.snapshot()
    return snapshot.grad_norm_per_layer, snapshot


@claim("07-vanishing-gradients")
def _sigmoid_gradients_vanish(session: Session) -> None:
    assert len(session.network.layers) >= 6
    norms, snapshot = _gradient_norms(session)
    assert norms[-1] > 1000 * norms[0]  # "more than a thousand times bigger"
    assert snapshot.train_accuracy <= 0.6


@claim("07b-relu-he-init")
def _relu_he_keeps_gradients(session: Session) -> None:
    sigmoid = sibling(session, "07-vanishing-gradients")
    assert [layer.units for layer in session.network.layers] == [
        layer.units for layer in sigmoid.network.layers
    ]
    norms, snapshot = _gradient_norms(session)
    assert norms.max() < 10 * norms.min()  # "within a factor of ten or so"
    assert snapshot.train_accuracy >= 0.95
    assert final(session, 50).train_loss < 0.05  # "near zero within 50 epochs"


@claim("07c-exploding-gradients")
def _clipping_tames_exploding_gradients(session: Session) -> None:
    assert session.training.grad_clip is None and session.points.problem == "regression"
    assert abs(session.points.labels.var() - 0.52) < 0.01  # "0.52, the spread of the targets"
    trainer = session.make_trainer()
    trainer.run_epochs(1)
    if not trainer.diverged:
        assert trainer.snapshot().grad_norm_per_layer.max() > 10  # exploded in epoch 1
        trainer.run_epochs(199)
    assert trainer.diverged or trainer.snapshot().train_loss > 0.3
    clipped, snapshots = train(with_training(session, grad_clip=1.0), 200)
    assert not clipped.diverged and snapshots[-1].train_loss < 0.05


@pytest.mark.slow
def test_exploding_gradients_diverge_on_three_seeds_of_ten() -> None:
    """Lesson 7c: "Training diverged (on 3 of the training seeds 0-9)"."""

    def diverges(seed: int) -> bool:
        return train(lesson_on_seed("07c-exploding-gradients", seed), 200)[0].diverged

    assert "on 3 of the training seeds 0–9" in load_lesson("07c-exploding-gradients").notes.text
    assert seeds_where(diverges) == 3


@claim("08-zero-init")
def _zero_init_keeps_units_identical(session: Session) -> None:
    trainer, snapshots = train(session, 100)
    weights = trainer.weights()
    for layer in weights[:-1]:
        assert np.ptp(layer.W, axis=0).max() == 0.0 and np.ptp(layer.b) == 0.0
    assert np.ptp(weights[-1].W) == 0.0
    assert max(np.abs(layer.W).max() for layer in weights) > 1e-4  # they did move, together
    assert snapshots[-1].train_accuracy <= 0.6
    # With tanh, zero weights stay zero; only the output bias moves.
    trainer, _ = train(with_layers(session, activation="tanh"), 100)
    assert all(not layer.W.any() for layer in trainer.weights())
    assert not any(layer.b.any() for layer in trainer.weights()[:-1])
    assert np.abs(trainer.weights()[-1].b).max() > 1e-4
    trainer, snapshots = train(with_training(session, init="glorot_uniform"), 150)
    assert min(np.ptp(layer.W, axis=0).max() for layer in trainer.weights()[:-1]) > 0.1
    assert snapshots[-1].train_accuracy >= 0.97


@claim("09-overfitting")
def _regularization_fights_overfitting(session: Session) -> None:
    train_xy, _ = session.points.train()
    assert len(train_xy) == 30 and session.points.is_test.sum() >= 100
    assert session.points.n_validation == 60
    base = final(session, 300)
    test_curve = [snapshot.test_loss for snapshot in train(session, 300, every=10)[1]]
    assert test_curve[-1] > 3 * min(test_curve)  # the test loss turns and climbs
    assert base.train_accuracy == 1.0
    assert 0.1 <= base.train_accuracy - base.test_accuracy <= 0.25
    assert base.test_loss > 5 * base.train_loss
    fixes = {
        "l2": with_training(session, regularization="l2", regularization_rate=0.03),
        "dropout": with_layers(session, dropout=0.5),
        "early stopping": with_training(session, early_stopping_patience=20),
    }
    for name, fixed in fixes.items():
        snapshot = final(fixed, 300)
        assert snapshot.test_loss < 0.5 * base.test_loss, name
    trainer, _ = train(fixes["early stopping"], 300)
    assert trainer.stopped_early and "the validation loss has not improved" in trainer.message


@claim("09b-validation-and-test")
def _validation_chooses_and_test_measures(session: Session) -> None:
    overfit = sibling(session, "09-overfitting")
    assert np.array_equal(session.points.xy, overfit.points.xy)
    assert np.array_equal(session.points.split_codes, overfit.points.split_codes)
    assert session.training.early_stopping_patience == 20
    trainer, _ = train(session, 300)
    assert trainer.stopped_early and "the validation loss has not improved" in trainer.message
    assert 35 <= trainer.epoch <= 45  # "after about 40 epochs"
    snapshot = trainer.snapshot()
    assert 0.31 <= snapshot.validation_loss <= 0.36 and 0.44 <= snapshot.test_loss <= 0.54
    assert snapshot.validation_loss < snapshot.test_loss


def _stopped_on_test(session: Session) -> Session:
    """The same lesson without its validation points: early stopping watches the test ones."""
    points = session.points
    keep = ~points.is_validation
    return session.replace(points=points.with_points(points.xy[keep], points.labels[keep],
                                                     points.is_test[keep]))  # fmt: skip


@pytest.mark.slow
def test_stopping_on_test_flatters_the_test_loss_on_six_seeds_of_ten() -> None:
    """Lesson 9b: "lower on 6 of the seeds 0-9, equal on the rest"."""
    lower = 0
    for seed in SEEDS:
        honest = train(lesson_on_seed("09b-validation-and-test", seed), 300)[1][-1]
        flattering = train(_stopped_on_test(lesson_on_seed("09b-validation-and-test", seed)), 300)
        assert flattering[1][-1].test_loss <= honest.test_loss
        lower += flattering[1][-1].test_loss < honest.test_loss
    assert "lower on 6 of the seeds 0–9" in load_lesson("09b-validation-and-test").notes.text
    assert lower == 6


@claim("09c-capacity")
def _capacity_too_small_right_too_big(session: Session) -> None:
    assert len(session.points.train()[0]) == 60
    right = final(session, 300)
    assert right.train_accuracy == 1.0 and 0.84 <= right.test_accuracy <= 0.89
    small = final(with_network(session, layers=(LayerSpec(1, "tanh"),)), 300)
    assert small.train_accuracy < 0.7 and small.test_accuracy < 0.7
    big = final(with_network(session, layers=(LayerSpec(64, "tanh"),) * 3), 300)
    assert big.train_accuracy == 1.0 and big.test_loss > 2 * right.test_loss


@pytest.mark.slow
def test_depth_beats_width_on_the_spiral_on_eight_seeds_of_ten() -> None:
    """Lesson 9c: two layers of 8 (105 weights) beat one layer of 24 (97) on 8 of 10 seeds
    (one tie, one loss)."""
    spiral = with_network(
        load_lesson("09c-capacity"),
        layers=(LayerSpec(24, "tanh"),),
    ).replace(points=rounded_generate("spiral", n=300, noise=0.1, arms=2))

    def margin(seed: int) -> float:
        wide = with_training(spiral, seed=seed)
        deep = with_network(wide, layers=(LayerSpec(8, "tanh"),) * 2)
        return final(deep, 300).train_accuracy - final(wide, 300).train_accuracy

    margins = [margin(seed) for seed in SEEDS]
    assert "on 8 of the seeds 0–9 (one tie, one loss)" in load_lesson("09c-capacity").notes.text
    assert sum(m > 0 for m in margins) == 8 and sum(m < 0 for m in margins) == 1


def rounded_generate(name: str, **options: object) -> Points:
    """A generated data set as the lessons make them: seed 0, 30 % test points, 4 decimals."""
    points = generate(name, seed=0, test_ratio=0.3, **options)
    return points.with_points(np.round(points.xy, 4), points.labels, points.is_test)


@claim("10-feature-engineering")
def _squared_features_draw_a_circle(session: Session) -> None:
    assert session.network.layers == () and set(session.network.inputs) == {"x1^2", "x2^2"}
    trainer, snapshots = train(session, 100)
    last = snapshots[-1]
    assert last.train_accuracy >= 0.97 and last.test_accuracy >= 0.97
    assert final(session, 30).train_accuracy == 1.0  # "within a few dozen epochs"
    w = trainer.weights()[-1].W[0]
    assert np.all(w < 0) and abs(w[0] - w[1]) < 0.2 * abs(w).max()  # w1 ≈ w2 < 0
    plain = final(with_network(session, inputs=("x1", "x2")), 100)
    assert plain.train_accuracy <= 0.7


@claim("11-softmax-spiral")
def _softmax_separates_three_arms(session: Session) -> None:
    assert session.points.classes >= 3
    trainer, snapshots = train(session, 150)
    assert snapshots[-1].train_accuracy >= 0.9 and snapshots[-1].test_accuracy >= 0.9
    assert final(session, 100).train_accuracy >= 0.9  # "within about 100 epochs"
    small = final(with_network(session, layers=(LayerSpec(4, "tanh"),)), 150)
    assert small.train_accuracy < 0.9  # the Try line: one layer of 4 is not enough
    probabilities = trainer.predict(session.points.xy[:5])
    assert probabilities.shape == (5, session.points.classes)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@claim("11b-cross-entropy-not-mse")
def _cross_entropy_pulls_hardest_where_most_wrong(session: Session) -> None:
    assert session.network.layers == () and session.training.init == "normal"
    assert session.training.loss_for(session.network) == "bce"
    with pytest.raises(ValueError, match="'mse' does not fit 2 classes"):
        with_training(session, loss="mse").loss_for(session.network)  # classes: no MSE
    xy, y = session.points.train()
    # The engine's gradient of the logit is p - y: one full-batch SGD step moves the output
    # bias by exactly -lr * mean(p - y).
    full = with_training(session, batch_size=len(y), shuffle=False).make_trainer()
    p = full.predict(xy)[:, 1]
    bias = float(full.weights()[-1].b[0])
    full.run(1)
    step = float(full.weights()[-1].b[0]) - bias
    np.testing.assert_allclose(step, -session.training.optimizer.lr * np.mean(p - y), rtol=1e-9)
    # Where the start is confidently wrong, the squared error's slope is far weaker.
    wrong = np.abs(p - y) > 0.9
    squared = 2 * (p - y) * p * (1 - p)
    assert np.all(np.abs(squared[wrong]) * 5 < np.abs(p - y)[wrong])  # 1/(2·0.1·0.9) = 5.6
    assert np.isclose(2 * (0.01 - 1) * 0.01 * 0.99, -0.0196, atol=1e-4)  # the text's numbers
    assert final(session, 50).train_accuracy >= 0.97


@pytest.mark.slow
def test_a_normal_start_is_confidently_wrong_on_seven_seeds_of_ten() -> None:
    """Lesson 11b: "On 7 of the training seeds 0-9 the start is confidently wrong somewhere"."""

    def confidently_wrong(seed: int) -> bool:
        session = lesson_on_seed("11b-cross-entropy-not-mse", seed)
        p = session.make_trainer().predict(session.points.xy)[:, 1]
        return bool(np.any(np.abs(p - session.points.labels) > 0.9))

    assert "On 7 of the training seeds 0–9" in load_lesson("11b-cross-entropy-not-mse").notes.text
    assert seeds_where(confidently_wrong) == 7


@claim("12-regression-mse")
def _regression_mse_falls(session: Session) -> None:
    assert session.points.problem == "regression"
    assert session.training.loss_for(session.network) == "mse"
    variance = session.points.labels.var()
    assert 0.6 <= session.make_trainer().snapshot().train_loss <= 2.4  # "0.7 to 2.3, by seed"
    last = final(session, 200)
    assert last.train_loss < 0.02 and last.test_loss < 0.05 < 0.1 * variance
    linear = final(with_network(session, layers=()), 200)
    assert linear.train_loss > 0.3


@claim("13-input-scaling")
def _standardization_fixes_bad_scaling(session: Session) -> None:
    xy = session.points.xy
    assert np.ptp(xy[:, 1]) < 0.1 * np.ptp(xy[:, 0])  # badly scaled on purpose
    assert not session.network.standardize
    trainer, snapshots = train(session, 100)
    raw = snapshots[-1]
    standardized = final(with_network(session, standardize=True), 100)
    assert 0.8 <= raw.train_accuracy <= 0.9  # "stays near 85 %"
    # The boundary: two nearly vertical lines, near x1 = -1.5 and x1 = +1.9, across the strip.
    x1 = np.linspace(-6.0, 6.0, 1201)
    for x2 in (-0.2, 0.0, 0.2):
        is_one = trainer.predict(np.column_stack([x1, np.full_like(x1, x2)]))[:, 1] > 0.5
        crossings = x1[np.flatnonzero(is_one[1:] != is_one[:-1])]
        assert len(crossings) == 2, crossings
        assert -2.2 <= crossings[0] <= -1.0 and 1.4 <= crossings[1] <= 2.5, crossings
    assert standardized.train_accuracy >= 0.985 and standardized.test_accuracy >= 0.97  # 99-100 %
    assert standardized.train_loss < 0.5 * raw.train_loss


@claim("13b-batch-norm")
def _batch_norm_rescues_deep_sigmoid(session: Session) -> None:
    assert session.network.standardize
    assert not any(layer.batch_norm for layer in session.network.layers)
    stuck = final(session, 100)
    assert stuck.train_loss > 0.65
    both = final(with_layers(session, batch_norm=True), 100)
    assert both.train_loss < 0.2 and both.train_accuracy >= 0.97
    assert both.test_accuracy >= 0.97
    norm_only = final(with_network(with_layers(session, batch_norm=True), standardize=False), 100)
    assert both.train_loss < norm_only.train_loss < 0.8 * stuck.train_loss


# ----- the "Try" lines that say how often something happens, counted over seeds 0-9 ------------


def seeds_where(check: Callable[[int], bool]) -> int:
    return sum(bool(check(seed)) for seed in SEEDS)


@pytest.mark.slow
def test_two_hidden_units_get_stuck_on_six_seeds_of_ten() -> None:
    """Lesson 2: "after 100 epochs training is stuck below 80 % on 6 of the training seeds 0-9"."""

    def stuck(seed: int) -> bool:
        two = with_network(
            lesson_on_seed("02-hidden-layer-xor", seed), layers=(LayerSpec(2, "tanh"),)
        )
        return final(two, 100).train_accuracy < 0.8

    assert "on 6 of the training seeds 0–9" in load_lesson("02-hidden-layer-xor").notes.text
    assert seeds_where(stuck) == 6


@pytest.mark.slow
def test_a_normal_start_sticks_relu_at_ln2_on_two_seeds_of_ten() -> None:
    """Lesson 7b: N(0, 1) weights; first loss from 2 to over 100; stuck at ln 2 on 2 seeds of 10."""
    first, stuck = [], 0
    for seed in SEEDS:
        normal = with_training(lesson_on_seed("07b-relu-he-init", seed), init="normal")
        start, last = train(normal, 100)[1]
        first.append(start.train_loss)
        stuck += abs(last.train_loss - np.log(2)) < 0.05 and last.train_accuracy < 0.6
    assert min(first) >= 1.5 and max(first) > 100
    assert "on 2 of the\ntraining seeds 0–9" in load_lesson("07b-relu-he-init").notes.text.replace(
        " training seeds", "\ntraining seeds"
    )
    assert stuck == 2


@pytest.mark.slow
def test_relu_in_the_first_layer_solves_xor_on_nine_seeds_of_ten() -> None:
    """Lesson 3: "with relu instead, on 9 of the training seeds 0-9"."""

    def solved(seed: int) -> bool:
        linear = lesson_on_seed("03-linear-stays-linear", seed)
        layers = (LayerSpec(4, "relu"), *linear.network.layers[1:])
        return final(with_network(linear, layers=layers), 200).train_accuracy >= 0.97

    assert "on 9 of the training seeds 0–9" in load_lesson("03-linear-stays-linear").notes.text
    assert seeds_where(solved) == 9
