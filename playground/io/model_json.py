"""A trained model (network, weights, input standardization) and its JSON form (DESIGN §4)."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from playground.engine.neuron_masks import bake_off
from playground.engine.spec import LayerWeights, NetworkSpec, check_weights
from playground.engine.trainer import Trainer
from playground.io.atomic import atomic_write_text
from playground.io.forward import predict
from playground.io.json_format import (
    FormatError,
    build_spec,
    check_header,
    dump_json,
    expect_int,
    expect_object,
    expect_str,
    fail,
    read_json_file,
)
from playground.io.spec_json import (
    network_from_dict,
    network_to_dict,
    vector,
    weights_from_list,
    weights_to_list,
)
from playground.problems import MAX_CLASSES, PROBLEMS

MODEL_FORMAT = "nn-playground/model"
SESSION_FORMAT = "nn-playground/session"
VERSION = 1
MODEL_FIELDS = ("format", "version", "problem", "classes", "network", "standardization", "weights")

Array = npt.NDArray[np.float64]


class Model(NamedTuple):
    """What an export holds: the network, its weights, and the features' (mean, std)."""

    network: NetworkSpec
    weights: tuple[LayerWeights, ...]
    standardization: tuple[Array, Array]

    @classmethod
    def from_trainer(cls, trainer: Trainer) -> Model:
        """The Trainer's network, current weights (a neuron switched off baked in as zero
        outgoing weights) and standardization."""
        weights = bake_off(tuple(trainer.weights()), trainer.masks)
        return cls(trainer.network, weights, trainer.standardization)

    def predict(self, xy: npt.ArrayLike) -> Array:
        """Class probabilities (n, C) or values (n, 1) for raw points xy (n, 2), in numpy."""
        return predict(self.network, self.weights, self.standardization, xy)

    def check(self) -> Model:
        """Raise FormatError unless weights and standardization fit the network; self."""
        build_spec("", check_weights, self.network, self.weights)
        mean, std = self.standardization
        width = len(self.network.inputs)
        for name, values in (("mean", mean), ("std", std)):
            if np.shape(values) != (width,):
                raise fail(f"standardization.{name}", f"expected {width} numbers (one per input)")
            if not np.all(np.isfinite(values)):
                raise fail(f"standardization.{name}", "NaN and Infinity are not allowed")
        if not np.all(np.asarray(std) > 0):
            raise fail("standardization.std", "every std must be > 0")
        return self


def model_to_dict(model: Model) -> dict[str, Any]:
    """The model JSON object."""
    mean, std = model.standardization
    return {
        "format": MODEL_FORMAT,
        "version": VERSION,
        "problem": model.network.problem,
        "classes": model.network.classes,
        "network": network_to_dict(model.network),
        "standardization": {
            "mean": np.asarray(mean, float).tolist(),
            "std": np.asarray(std, float).tolist(),
        },
        "weights": weights_to_list(model.weights),
    }


def model_from_dict(data: Any) -> Model:
    """A checked Model from parsed model JSON; FormatError names the bad field."""
    if isinstance(data, dict) and data.get("format") == SESSION_FORMAT:
        raise fail(
            "format",
            "this is a session, not an exported model (export it first with: "
            "nn-playground export SESSION -o model.json)",
        )
    check_header(data, MODEL_FORMAT, VERSION, "model")
    data = expect_object(data, "", MODEL_FIELDS)
    problem = expect_str(data["problem"], "problem")
    if problem not in PROBLEMS:
        raise fail("problem", f"unknown problem {problem!r} (choose one of: {', '.join(PROBLEMS)})")
    classes = expect_int(data["classes"], "classes", 1, MAX_CLASSES)
    network = network_from_dict(data["network"], "network", problem, classes)
    weights = weights_from_list(data["weights"], "weights", network)
    stats = expect_object(data["standardization"], "standardization", ("mean", "std"))
    width = len(network.inputs)
    mean = vector(stats["mean"], "standardization.mean", width)
    std = vector(stats["std"], "standardization.std", width)
    return Model(network, weights, (mean, std)).check()


def write_model_json(path: str | os.PathLike[str], model: Model) -> None:
    """Write the model JSON atomically."""
    atomic_write_text(path, dump_json(model_to_dict(model)))


def read_model_json(path: str | os.PathLike[str]) -> Model:
    """Read and check a model JSON file (FormatError or OSError on a bad file)."""
    return model_from_dict(read_json_file(path, "model"))


__all__ = [
    "FormatError",
    "Model",
    "model_from_dict",
    "model_to_dict",
    "read_model_json",
    "write_model_json",
]
