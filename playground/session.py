"""Session = data + network spec + training spec + weights: the one home of every setting.

Also the session JSON (DESIGN §4): load, validate, save. Loading never unpickles or evaluates
anything; every rejection is a one-line ``SessionError`` naming the JSON path and the fix.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.data.generators import generate
from playground.data.points import MAX_POINTS, SPLITS, Points
from playground.engine.network import Layout, initial_params, unpack_weights
from playground.engine.neuron_masks import NeuronMasks, bake_off, check_masks
from playground.engine.resume import TrainingState, check_state
from playground.engine.spec import (
    LayerSpec,
    LayerWeights,
    NetworkSpec,
    OptimizerSpec,
    ScheduleSpec,
    TrainingSpec,
    check_weights,
)
from playground.engine.trainer import Trainer, TrainingData
from playground.engine.trainer import standardization as trainer_standardization
from playground.io.atomic import atomic_write_bytes
from playground.io.json_format import (
    MAX_FILE_BYTES,
    FormatError,
    build_spec,
    check_header,
    child,
    dump_json,
    expect_int,
    expect_list,
    expect_number,
    expect_object,
    expect_str,
    fail,
    read_json_file,
)
from playground.io.model_json import MODEL_FORMAT, SESSION_FORMAT, Model, model_from_dict
from playground.io.neurons_json import add_masks, split_masks
from playground.io.spec_json import (
    network_from_dict,
    network_to_dict,
    weights_from_list,
    weights_to_list,
)
from playground.io.state_json import state_from_dict, state_to_dict
from playground.problems import MAX_CLASSES, PROBLEMS

VERSION = 2  # 2 adds the "validation" split; a file without validation points is written as 1
OLDEST_VERSION = 1
MAX_EPOCH = 2**63 - 1
TOP_FIELDS = ("format", "version", "data", "network", "training")
TRAINING_FIELDS = (
    "optimizer",
    "batch_size",
    "shuffle",
    "regularization",
    "grad_clip",
    "schedule",
    "init",
    "seed",
)
# TrainingSpec's field names as JSON paths under "training".
MAX_SPEED = 100_000.0  # epochs per second a lesson may ask for
MAX_PAUSES = 100
TRAINING_PATHS = {"regularization": "regularization.kind",
                  "regularization_rate": "regularization.rate",
                  "early_stopping_patience": "early_stopping.patience"}  # fmt: skip


class SessionError(FormatError):
    """A session we refuse: one line naming the JSON path (or setting) and the fix."""


@dataclass(frozen=True)
class Notes:
    """A title and Markdown text shown beside the playground; a lesson is a session with notes.

    A lesson also carries its pace: `speed` (epochs per second, None = as fast as possible) and
    `pause_at`, the epochs where training pauses so the class can look (increasing, >= 1).
    """

    title: str
    text: str
    speed: float | None = None
    pause_at: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.title, str) and isinstance(self.text, str)):
            raise SessionError("notes: title and text must be strings")
        try:
            if self.speed is not None:
                object.__setattr__(self, "speed", _check_speed(self.speed, "notes.speed"))
            object.__setattr__(self, "pause_at", _check_pauses(self.pause_at, "notes.pause_at"))
        except FormatError as error:
            raise SessionError(str(error)) from None


def _check_speed(speed: Any, path: str) -> float:
    """Epochs per second in (0, MAX_SPEED]; FormatError naming path otherwise."""
    speed = expect_number(speed, path)
    if not 0 < speed <= MAX_SPEED:
        raise fail(
            path,
            f"{speed:g} is out of range (0, {MAX_SPEED:g}] epochs per second "
            "(leave it out for full speed)",
        )
    return speed


def _check_pauses(pauses: Any, path: str) -> tuple[int, ...]:
    """Increasing whole epochs >= 1; FormatError naming the bad entry otherwise."""
    if isinstance(pauses, tuple):
        pauses = list(pauses)
    if not isinstance(pauses, list):
        raise fail(path, f"expected a list of epochs like [100, 200], got {pauses!r}")
    expect_list(pauses, path, MAX_PAUSES, "pauses")
    previous = 0
    for i, epoch in enumerate(pauses):
        epoch = expect_int(epoch, child(path, i), 1, MAX_EPOCH)
        if epoch <= previous:
            raise fail(
                child(path, i), f"{epoch} must be greater than the pause before it ({previous})"
            )
        previous = epoch
    return tuple(pauses)


@dataclass(frozen=True, eq=False)
class Session:
    """Points, network, training settings and (optionally) weights, checked to fit together."""

    points: Points
    network: NetworkSpec
    training: TrainingSpec
    weights: tuple[LayerWeights, ...] | None = None
    epoch: int = 0
    notes: Notes | None = None
    state: TrainingState | None = None  # what resuming exactly needs (optimizer, rng, order)
    neurons: NeuronMasks | None = None  # frozen and switched-off neurons (None: none)

    def __post_init__(self) -> None:
        if not isinstance(self.points, Points):
            raise SessionError("data: expected Points")
        if not isinstance(self.network, NetworkSpec):
            raise SessionError("network: expected a NetworkSpec")
        if not isinstance(self.training, TrainingSpec):
            raise SessionError("training: expected a TrainingSpec")
        if (self.network.problem, self.network.classes) != (
            self.points.problem,
            self.points.classes,
        ):
            raise SessionError(
                f"network: built for {_problem_text(self.network.problem, self.network.classes)}"
                f" but the data is {_problem_text(self.points.problem, self.points.classes)} "
                "(use Session.with_points to switch data)"
            )
        _as_session_error("training", self.training.loss_for, self.network)
        if self.weights is not None:
            object.__setattr__(self, "weights", tuple(self.weights))
            _as_session_error("", check_weights, self.network, self.weights)
        if (
            isinstance(self.epoch, bool)
            or not isinstance(self.epoch, int)
            or not 0 <= self.epoch <= MAX_EPOCH
        ):
            raise SessionError(
                f"epoch: {self.epoch!r} must be a whole number from 0 to {MAX_EPOCH}"
            )
        if self.neurons is not None:
            if not isinstance(self.neurons, NeuronMasks):
                raise SessionError("neurons: expected NeuronMasks")
            _as_session_error("", check_masks, self.network, self.neurons)
        if self.notes is not None and not isinstance(self.notes, Notes):
            raise SessionError("notes: expected Notes(title, text)")
        if self.state is not None:  # a state that no longer fits (optimizer, data) is dropped
            if not isinstance(self.state, TrainingState):
                raise SessionError("state: expected a TrainingState")
            try:
                if self.weights is None:
                    raise ValueError("state: needs weights")
                check_state(
                    self.network,
                    self.training,
                    int(np.count_nonzero(self.points.is_train)),
                    self.state,
                )
            except ValueError:
                object.__setattr__(self, "state", None)

    def replace(self, **changes: Any) -> Session:
        """A copy with some fields changed, validated again."""
        return dataclasses.replace(self, **changes)

    def with_points(self, points: Points) -> Session:
        """New data; the network follows its problem, weights stay only if they still fit."""
        network = dataclasses.replace(self.network, problem=points.problem, classes=points.classes)
        training = self.training
        try:
            training.loss_for(network)
        except ValueError:
            training = dataclasses.replace(training, loss=None)
        same = network.same_architecture(self.network)
        return self.replace(
            points=points,
            network=network,
            training=training,
            weights=self.weights if same else None,
            epoch=self.epoch if same else 0,
            state=None,
            neurons=self.neurons if same else None,
        )

    def training_data(self) -> TrainingData:
        """The points split into train, test and (if any) validation for the Trainer."""
        train_xy, train_labels = self.points.train()
        test_xy, test_labels = self.points.test()
        validation_xy, validation_labels = self.points.validation()
        return TrainingData(
            train_xy, train_labels, test_xy, test_labels, validation_xy, validation_labels
        )

    def make_trainer(self) -> Trainer:
        """A Trainer on this session's data, starting from its weights (or init and seed)."""
        weights = list(self.weights) if self.weights is not None else None
        trainer = Trainer(self.network, self.training, self.training_data(), weights)
        if self.neurons is not None:
            trainer.set_masks(self.neurons)
        if weights is not None:
            trainer.resume(self.epoch, self.state)  # the schedule (and state) continue
        return trainer

    def to_model(self) -> Model:
        """The exportable model: network, current weights and the data's standardization.

        No Trainer (no training buffers) and no training points needed, unless the network
        standardizes its inputs (then the training points give the mean and std). A neuron
        switched off is baked in: its outgoing weights are 0 in the model."""
        weights = bake_off(self.current_weights(), self.neurons)
        xy, _ = self.points.train()
        standardization = _as_session_error("", trainer_standardization, self.network, xy)
        return Model(self.network, tuple(weights), standardization)

    def current_weights(self) -> tuple[LayerWeights, ...]:
        """The weights, or the initial ones a Trainer would start from when there are none."""
        if self.weights is not None:
            return self.weights
        layout = Layout.of(self.network)
        params = initial_params(self.network, layout, self.training.init, self.training.seed)
        return tuple(
            unpack_weights(layout, params, np.zeros(layout.n_rows), np.ones(layout.n_rows))
        )

    @classmethod
    def from_model(
        cls, model: Model, points: Points | None = None, training: TrainingSpec | None = None
    ) -> Session:
        """A session that starts from an imported model's weights (to train it further)."""
        network = model.network
        if points is None:
            points = Points.empty(network.problem, network.classes)
        return cls(points, network, training or TrainingSpec(), weights=tuple(model.weights))

    @classmethod
    def default(cls) -> Session:
        """TensorFlow Playground's start: circle data, x1 x2, hidden [4, 2] tanh, sgd 0.03."""
        points = generate("circle", n=200, noise=0.0, seed=0, test_ratio=0.3)
        network = NetworkSpec(
            ("x1", "x2"),
            (LayerSpec(4, "tanh"), LayerSpec(2, "tanh")),
            points.problem,
            points.classes,
        )
        training = TrainingSpec(
            OptimizerSpec("sgd", 0.03), batch_size=10, init="glorot_uniform", seed=0
        )
        return cls(points, network, training)


def _short(value: Any, limit: int = 60) -> str:
    """A value as echoed in a message: repr, cut to `limit` characters with an ellipsis."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _problem_text(problem: str, classes: int) -> str:
    return "regression" if problem == "regression" else f"{classes}-class classification"


def _as_session_error(path: str, function: Any, *args: Any) -> Any:
    try:
        return build_spec(path, function, *args)
    except FormatError as error:
        raise SessionError(str(error)) from None


# ----- to JSON -----------------------------------------------------------------------------


def session_to_dict(session: Session) -> dict[str, Any]:
    """The session JSON object (DESIGN §4); floats are kept exactly."""
    points = session.points
    labels: list[Any] = points.labels.tolist()
    if points.problem == "classification":
        labels = [int(label) for label in labels]
    splits = [SPLITS[code] for code in points.split_codes.tolist()]
    data: dict[str, Any] = {
        "format": SESSION_FORMAT,
        "version": VERSION if points.n_validation else OLDEST_VERSION,
        "data": {
            "problem": points.problem,
            "classes": points.classes,
            "points": [
                [x1, x2, label, split]
                for (x1, x2), label, split in zip(points.xy.tolist(), labels, splits, strict=True)
            ],
        },
        "network": network_to_dict(session.network),
        "training": training_to_dict(session.training),
    }
    masks = session.neurons if session.neurons is not None and session.neurons.any else None
    if session.weights is not None or masks is not None:  # the masks belong to weights
        data["weights"] = add_masks(weights_to_list(session.current_weights()), masks)
    data["epoch"] = session.epoch
    if session.notes is not None:
        data["notes"] = notes_to_dict(session.notes)
    if session.state is not None:
        data["state"] = state_to_dict(session.state)
    return data


def notes_to_dict(notes: Notes) -> dict[str, Any]:
    """The `notes` object; the pace fields only when set."""
    data: dict[str, Any] = {"title": notes.title, "text": notes.text}
    if notes.speed is not None:
        data["speed"] = int(notes.speed) if notes.speed.is_integer() else notes.speed
    if notes.pause_at:
        data["pause_at"] = list(notes.pause_at)
    return data


def training_to_dict(training: TrainingSpec) -> dict[str, Any]:
    """The `training` object."""
    return {
        "optimizer": {
            "name": training.optimizer.name,
            "lr": training.optimizer.lr,
            **{key: _plain(value) for key, value in training.optimizer.options},
        },
        "batch_size": training.batch_size,
        "shuffle": training.shuffle,
        "loss": training.loss,
        "regularization": {"kind": training.regularization, "rate": training.regularization_rate},
        "grad_clip": training.grad_clip,
        "schedule": {
            "name": training.schedule.name,
            **{key: _plain(value) for key, value in training.schedule.options},
        },
        "init": training.init,
        "seed": training.seed,
        "early_stopping": {"patience": training.early_stopping_patience},
    }


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def save_session(session: Session, path: str | os.PathLike[str]) -> None:
    """Write the session JSON atomically: the old file survives any error.

    A file is never written that loading would refuse as too large: the optional `state` is
    left out when it alone would pass the limit, else the save is refused."""
    data = dump_json(session_to_dict(session)).encode("utf-8")
    if len(data) > MAX_FILE_BYTES and session.state is not None:
        data = dump_json(session_to_dict(session.replace(state=None))).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise SessionError(
            f"{os.fspath(path)}: the session would take {len(data) / 2**20:.0f} "
            f"MB, more than a session file may ({MAX_FILE_BYTES // 2**20} MB)"
        )
    atomic_write_bytes(path, data)


# ----- from JSON ---------------------------------------------------------------------------


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read and check a session file; SessionError (one line, naming the file) on any problem."""
    name = os.fspath(path)
    try:
        return session_from_dict(read_json_file(path, "session"))
    except FormatError as error:
        raise SessionError(f"{name}: {error}") from None
    except IsADirectoryError:
        raise SessionError(f"{name}: is a folder, not a session file") from None
    except FileNotFoundError:
        raise SessionError(f"{name}: no such file") from None
    except OSError as error:
        raise SessionError(f"{name}: cannot read ({error.strerror or error})") from None


def session_from_dict(data: Any) -> Session:
    """A checked Session from parsed session JSON; SessionError names the bad field."""
    try:
        return _session_from_dict(data)
    except SessionError:
        raise
    except FormatError as error:
        raise SessionError(str(error)) from None


def _session_from_dict(data: Any) -> Session:
    if isinstance(data, dict) and data.get("format") == MODEL_FORMAT:
        raise fail(
            "format",
            "this is an exported model, not a session (use it with: "
            "nn-playground predict MODEL --input points.csv)",
        )
    check_header(data, SESSION_FORMAT, VERSION, "session", OLDEST_VERSION)
    data = expect_object(data, "", TOP_FIELDS, ("weights", "epoch", "notes", "state"))
    points = points_from_dict(data["data"], "data", data["version"])
    network = network_from_dict(data["network"], "network", points.problem, points.classes)
    training = training_from_dict(data["training"], "training")
    build_spec("training", training.loss_for, network)
    weights, neurons = split_masks(data.get("weights"), "weights", network)
    if weights is not None:
        weights = weights_from_list(weights, "weights", network)
    epoch = expect_int(data.get("epoch", 0), "epoch", 0, MAX_EPOCH)
    notes = data.get("notes")
    if notes is not None:
        notes = notes_from_dict(notes, "notes")
    state = data.get("state")
    if state is not None:
        if weights is None:
            raise fail("state", 'needs the weights it belongs to (add "weights" or remove "state")')
        state = state_from_dict(
            state, "state", network, training, int(np.count_nonzero(points.is_train))
        )
    return Session(points, network, training, weights, epoch, notes, state, neurons)


def notes_from_dict(data: Any, path: str) -> Notes:
    """Notes from the `notes` object: title, text and the optional pace (speed, pause_at)."""
    data = expect_object(data, path, ("title", "text"), ("speed", "pause_at"))
    speed = data.get("speed")
    if speed is not None:
        speed = _check_speed(speed, child(path, "speed"))
    pauses = _check_pauses(data.get("pause_at", []), child(path, "pause_at"))
    return Notes(
        expect_str(data["title"], child(path, "title")),
        expect_str(data["text"], child(path, "text")),
        speed,
        pauses,
    )


def points_from_dict(data: Any, path: str, version: int = VERSION) -> Points:
    """Points from the `data` object: problem, classes and [x1, x2, label, split] rows (the
    split "validation" from session version 2 on)."""
    data = expect_object(data, path, ("problem", "classes", "points"))
    problem = expect_str(data["problem"], child(path, "problem"))
    if problem not in PROBLEMS:
        raise fail(
            child(path, "problem"),
            f"unknown problem {problem!r} (choose one of: {', '.join(PROBLEMS)})",
        )
    classes_path = child(path, "classes")
    if problem == "regression":
        classes = expect_int(data["classes"], classes_path, 1, 1)
    else:
        classes = expect_int(data["classes"], classes_path, 2, MAX_CLASSES)
    points_path = child(path, "points")
    rows = expect_list(data["points"], points_path, MAX_POINTS, "points")
    xy = np.empty((len(rows), 2))
    labels = np.empty(len(rows))
    codes = np.empty(len(rows), dtype=np.intp)
    names = SPLITS if version >= 2 else SPLITS[:2]
    allowed = " or ".join(f'"{name}"' for name in names)
    for i, row in enumerate(rows):
        row_path = child(points_path, i)
        if not isinstance(row, list) or len(row) != 4:
            raise fail(row_path, 'expected [x1, x2, label, split], e.g. [0.5, -1.2, 1, "train"]')
        xy[i, 0] = expect_number(row[0], child(row_path, 0))
        xy[i, 1] = expect_number(row[1], child(row_path, 1))
        labels[i] = _label(row[2], child(row_path, 2), problem, classes)
        split = row[3]
        if split not in names:  # a JSON string, list, ... : only the names compare equal
            later = " (validation needs version 2)" if split == "validation" else ""
            raise fail(child(row_path, 3), f"split must be {allowed}, got {_short(split)}{later}")
        codes[i] = names.index(split)
    return Points.from_splits(xy, labels, codes, problem, classes)


def _label(value: Any, path: str, problem: str, classes: int) -> float:
    label = expect_number(value, path)
    if problem == "classification" and not (label.is_integer() and 0 <= label < classes):
        raise fail(
            path,
            f"label {_short(value)} is out of range for {classes} classes (use a "
            f"class index 0 to {classes - 1})",
        )
    return label


def training_from_dict(data: Any, path: str) -> TrainingSpec:
    """A TrainingSpec from the `training` object."""
    data = expect_object(data, path, TRAINING_FIELDS, ("loss", "early_stopping"))
    optimizer = _named_options(data["optimizer"], child(path, "optimizer"), ("name", "lr"))
    optimizer = build_spec(
        child(path, "optimizer"),
        OptimizerSpec,
        optimizer.pop("name"),
        optimizer.pop("lr"),
        optimizer,
    )
    schedule = _named_options(data["schedule"], child(path, "schedule"), ("name",))
    schedule = build_spec(child(path, "schedule"), ScheduleSpec, schedule.pop("name"), schedule)
    regularization = expect_object(
        data["regularization"], child(path, "regularization"), ("kind", "rate")
    )
    expect_str(regularization["kind"], child(path, "regularization.kind"))
    for key in ("init", "loss"):
        if data.get(key) is not None:
            expect_str(data[key], child(path, key))
    early = expect_object(
        data.get("early_stopping", {"patience": 0}), child(path, "early_stopping"), ("patience",)
    )
    patience = expect_int(early["patience"], child(path, "early_stopping.patience"), 0, 100_000)
    return build_spec(
        path,
        TrainingSpec,
        optimizer=optimizer,
        batch_size=data["batch_size"],
        shuffle=data["shuffle"],
        loss=data.get("loss"),
        regularization=regularization["kind"],
        regularization_rate=regularization["rate"],
        grad_clip=data["grad_clip"],
        schedule=schedule,
        init=data["init"],
        seed=data["seed"],
        early_stopping_patience=patience,
        rename=TRAINING_PATHS,
    )


def _named_options(data: Any, path: str, required: tuple[str, ...]) -> dict[str, Any]:
    """An object with a name (and lr) plus hyper-parameters: a copy, lists turned to tuples."""
    if not isinstance(data, dict):
        raise fail(path, f'expected an object like {{"name": ...}}, got {type(data).__name__}')
    for key in required:
        if key not in data:
            raise fail(child(path, key), "missing (add this field)")
    expect_str(data["name"], child(path, "name"))
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}


def model_from_file(
    path: str | os.PathLike[str], warn: Callable[[str], None] | None = None
) -> Model:
    """A model to predict with from a session, a model .json or a .npz file; errors name it."""
    from playground.io.model import load_model

    name = os.fspath(path)
    if not name.lower().endswith(".json"):
        return load_model(path)
    try:
        data = read_json_file(path, "session or model")
        if not (isinstance(data, dict) and data.get("format") == SESSION_FORMAT):
            return model_from_dict(data)
        session = session_from_dict(data)
    except FormatError as error:
        raise type(error)(f"{name}: {error}") from None
    if session.weights is None and warn is not None:
        warn(f"{name} has no trained weights; using its initial weights")
    return session.to_model()


__all__ = [
    "Notes",
    "Session",
    "SessionError",
    "load_session",
    "model_from_file",
    "save_session",
    "session_from_dict",
    "session_to_dict",
]
