"""The NPZ of `nn-playground landscape` (and the plane part of `race`): README "Loss landscape".

Keys (DESIGN §5): `alpha` (R,), `beta` (R,), `loss` (R, R) with loss[i, j] the mean training
data loss at θc + alpha[j]·d1 + beta[i]·d2; the centre weights `W0, b0, W1, b1, …` (plus
`gamma{i}, beta{i}, running_mean{i}, running_var{i}` for batch-norm layers); the directions
`d1_W0, d1_b0, …, d2_W0, …` in the same shapes (with batch norm also `d1_gamma{i}`,
`d1_beta{i}`); with --epochs `path` (N+1, 2). What a numpy forward pass needs to recompute any
value: `x` (n, 2) and `y` (n,) the training points and labels, `mean` and `std` (F,) the
features' standardization, `inputs` (F,) the feature names, `activations` (L−1,) the hidden
layers' activations, `loss_function` ("bce", "cross_entropy", "mse", "mae" or "huber"),
`directions` ("random" or "pca"), `model` the centre as model JSON (DESIGN §4). With --epochs
also `line_t` (K,) and `line_loss` (K,), the loss along the straight line from the first to the
last weights of the path, and `path_params` (N+1, P), the flat weights after each epoch.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from playground.engine.landscape import LandscapeResult, Plane
from playground.engine.network import Layout, unpack_weights
from playground.engine.trainer import Trainer
from playground.io.atomic import atomic_write_bytes
from playground.io.json_format import dump_json
from playground.io.model_json import Model, model_to_dict

Arrays = dict[str, npt.NDArray[Any]]


def weight_arrays(
    layout: Layout,
    params: npt.NDArray[np.float64],
    prefix: str = "",
    bn_mean: npt.NDArray[np.float64] | None = None,
    bn_var: npt.NDArray[np.float64] | None = None,
) -> Arrays:
    """Flat parameters (P,) as `{prefix}W0, {prefix}b0, …` (batch norm: gamma, beta and, when
    the running statistics are given, running_mean, running_var)."""
    rows = layout.n_rows
    mean = bn_mean if bn_mean is not None else np.zeros(rows)
    var = bn_var if bn_var is not None else np.ones(rows)
    arrays: Arrays = {}
    for i, lw in enumerate(unpack_weights(layout, params, mean, var)):
        arrays[f"{prefix}W{i}"], arrays[f"{prefix}b{i}"] = lw.W, lw.b
        if lw.bn is not None:
            arrays[f"{prefix}gamma{i}"], arrays[f"{prefix}beta{i}"] = lw.bn.gamma, lw.bn.beta
            if bn_mean is not None:
                arrays[f"running_mean{i}"] = lw.bn.running_mean
                arrays[f"running_var{i}"] = lw.bn.running_var
    return arrays


def plane_arrays(
    layout: Layout,
    plane: Plane,
    bn_mean: npt.NDArray[np.float64],
    bn_var: npt.NDArray[np.float64],
) -> Arrays:
    """The centre weights (with the running statistics) and both directions, per layer."""
    return {
        **weight_arrays(layout, plane.centre, "", bn_mean, bn_var),
        **weight_arrays(layout, plane.d1, "d1_"),
        **weight_arrays(layout, plane.d2, "d2_"),
    }


def data_arrays(trainer: Trainer) -> Arrays:
    """The training points and what turns them into the network's loss (see the docstring)."""
    network = trainer.network
    mean, std = trainer.standardization
    return {
        "x": trainer.data.train_xy,
        "y": trainer.data.train_labels,
        "mean": mean,
        "std": std,
        "inputs": np.array(network.inputs),
        "activations": np.array([layer.activation for layer in network.layers], dtype=str),
        "loss_function": np.array(trainer.training.loss_for(network)),
        "model": np.array(dump_json(model_to_dict(Model.from_trainer(trainer)))),
    }


def landscape_arrays(result: LandscapeResult, trainer: Trainer) -> Arrays:
    """Every array of the landscape NPZ; `trainer` is at the plane's centre."""
    inputs = trainer.loss_inputs()
    arrays: Arrays = {
        "alpha": result.alphas,
        "beta": result.betas,
        "loss": result.loss,
        **plane_arrays(result.layout, result.plane, inputs.bn_mean, inputs.bn_var),
        **data_arrays(trainer),
        "directions": np.array(result.directions),
    }
    if result.path is not None:
        arrays["path"] = result.path
        arrays["path_params"] = result.path_params
    if result.line_loss is not None:
        arrays["line_t"] = result.line_ts
        arrays["line_loss"] = result.line_loss
    return arrays


def write_arrays(path: str | os.PathLike[str], arrays: Arrays) -> None:
    """Write arrays as a compressed NPZ, atomically (no pickled objects)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue())
