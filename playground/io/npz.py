"""NPZ export: arrays W0, b0, W1, b1, ... (plus batch norm and standardization) and the model JSON.

Batch-norm layers add gamma{i}, beta{i}, running_mean{i}, running_var{i}; `mean` and `std` are
the input standardization; `model` is the model JSON as a 0-d numpy string array. Reading never
unpickles (allow_pickle=False), and the arrays must agree with the embedded JSON.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from playground.io.atomic import atomic_write_bytes
from playground.io.json_format import MAX_FILE_BYTES, dump_json, fail, parse_json
from playground.io.model_json import Model, model_from_dict, model_to_dict
from playground.io.spec_json import BN_FIELDS

MAX_UNPACKED_BYTES = 4 * MAX_FILE_BYTES


def model_arrays(model: Model) -> dict[str, npt.NDArray[np.float64]]:
    """The NPZ's numeric arrays by name."""
    arrays = {}
    for i, lw in enumerate(model.weights):
        arrays[f"W{i}"], arrays[f"b{i}"] = lw.W, lw.b
        if lw.bn is not None:
            for name in BN_FIELDS:
                arrays[f"{name}{i}"] = getattr(lw.bn, name)
    arrays["mean"], arrays["std"] = (np.asarray(a, np.float64) for a in model.standardization)
    return arrays


def write_npz(path: str | os.PathLike[str], model: Model) -> None:
    """Write the model as NPZ atomically."""
    buffer = io.BytesIO()
    text = dump_json(model_to_dict(model))
    np.savez_compressed(buffer, **model_arrays(model), model=np.array(text))
    atomic_write_bytes(path, buffer.getvalue())


def read_npz(path: str | os.PathLike[str]) -> Model:
    """Read and check an NPZ model (FormatError or OSError on a bad file)."""
    file = Path(path)
    if file.stat().st_size > MAX_FILE_BYTES:
        raise fail("", f"the file is too large (an NPZ model is at most {MAX_FILE_BYTES // 2**20}"
                       " MB)")
    data = file.read_bytes()
    if not data.startswith(b"PK"):
        raise fail("", "not an NPZ file (expected a model exported as .npz)")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as error:
        raise fail("", f"not a readable NPZ file ({error})") from None
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise fail("", "the NPZ unpacks to more data than a model can hold")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            stored = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise fail("", f"not a readable NPZ file ({error})") from None
    if "model" not in stored:
        raise fail("model", "missing (the NPZ must hold the model JSON as a string array)")
    text = stored.pop("model")
    if text.dtype.kind != "U" or text.size != 1:
        raise fail("model", "expected the model JSON as a numpy string array")
    model = model_from_dict(parse_json(str(text.reshape(())), "model"))
    _check_arrays(stored, model_arrays(model))
    return model


def _check_arrays(stored: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    """The stored arrays must be exactly the expected ones: names, shapes and values."""
    for name in stored:
        if name not in expected:
            raise fail(name, f"unknown array (remove it; expected: {', '.join(expected)}, model)")
    for name, want in expected.items():
        if name not in stored:
            raise fail(name, "missing array")
        got = stored[name]
        if got.dtype.kind not in "fiu":
            raise fail(name, f"expected numbers, got dtype {got.dtype}")
        if got.shape != want.shape:
            raise fail(name, f"shape {list(got.shape)} does not match the network "
                             f"({list(want.shape)})")
        if not np.array_equal(got.astype(np.float64), want):
            raise fail(name, "differs from the weights in the embedded model JSON (re-export "
                             "the model)")
