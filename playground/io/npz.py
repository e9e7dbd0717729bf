"""NPZ export: arrays W0, b0, W1, b1, ... (plus batch norm and standardization) and the model JSON.

Batch-norm layers add gamma{i}, beta{i}, running_mean{i}, running_var{i}; `mean` and `std` are
the input standardization; `model` is the model JSON as a 0-d numpy string array. Reading never
unpickles (allow_pickle=False), and the arrays must agree with the embedded JSON.
"""

from __future__ import annotations

import io
import math
import os
import zipfile

import numpy as np
import numpy.typing as npt

from playground.io.atomic import atomic_write_bytes, read_bytes_limited
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
    """Read and check an NPZ model (FormatError or OSError on a bad file).

    Every member's zip and .npy headers (compression, encryption, dtype, shape) are checked
    against the network before anything is unpacked: a crafted file never allocates much.
    """
    try:
        data = read_bytes_limited(path, MAX_FILE_BYTES, "NPZ model")
    except ValueError as error:
        raise fail("", str(error)) from None
    if not data.startswith(b"PK"):
        raise fail("", "not an NPZ file (expected a model exported as .npz)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {_array_name(info.filename): info for info in archive.infolist()}
        for name, info in members.items():
            if info.flag_bits & 0x1:
                raise fail(name, "is encrypted (export the model again without a password)")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise fail(
                    name,
                    f"uses zip compression method {info.compress_type}, which NPZ "
                    "models do not (stored or deflated)",
                )
        if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
            raise fail("", "the NPZ unpacks to more data than a model can hold")
        if "model" not in members:
            raise fail("model", "missing (the NPZ must hold the model JSON as a string array)")
        text = _read_member(archive, members["model"], "model", None)
        if text.dtype.kind != "U" or text.size != 1:
            raise fail("model", "expected the model JSON as a numpy string array")
        model = model_from_dict(parse_json(str(text.reshape(())), "model"))
        expected = model_arrays(model)
        for name in members:
            if name != "model" and name not in expected:
                raise fail(
                    name, f"unknown array (remove it; expected: {', '.join(expected)}, model)"
                )
        stored = {
            name: _read_member(archive, info, name, expected[name].shape)
            for name, info in members.items()
            if name != "model"
        }
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        RuntimeError,
    ) as error:
        raise fail("", f"not a readable NPZ file ({_short(error)})") from None
    _check_arrays(stored, expected)
    return model


def _array_name(filename: str) -> str:
    return filename[:-4] if filename.endswith(".npy") else filename


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, shape: tuple[int, ...] | None
) -> np.ndarray:
    """One .npy member, its header checked first: numbers of `shape` (or the model string)."""
    with archive.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"unsupported .npy version {version}")
        except ValueError as error:
            raise fail(name, f"not a numpy array ({_short(error)})") from None
        declared, fortran, dtype = header
        if dtype.hasobject:
            raise fail(
                "", f"not a readable NPZ file ({name} holds Python objects, which are never loaded)"
            )
        if shape is None and dtype.kind != "U":
            raise fail(name, "expected the model JSON as a numpy string array")
        if shape is not None and dtype.kind not in "fiu":
            raise fail(name, f"expected numbers, got dtype {dtype}")
        count = math.prod(declared)
        if shape is not None and tuple(declared) != shape:
            raise fail(name, f"shape {list(declared)} does not match the network ({list(shape)})")
        if count * dtype.itemsize > min(info.file_size, MAX_FILE_BYTES):
            raise fail(
                name, f"declares {count} values of {dtype.itemsize} bytes, more than the file holds"
            )
        raw = member.read(count * dtype.itemsize + 1)
    if len(raw) != count * dtype.itemsize:
        raise fail(name, "the stored data does not match its declared shape")
    array = np.frombuffer(raw, dtype=dtype).reshape(declared, order="F" if fortran else "C")
    return array


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 80 else text[:80] + "…"


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
            raise fail(
                name, f"shape {list(got.shape)} does not match the network ({list(want.shape)})"
            )
        if not np.array_equal(got.astype(np.float64), want):
            raise fail(
                name, "differs from the weights in the embedded model JSON (re-export the model)"
            )
