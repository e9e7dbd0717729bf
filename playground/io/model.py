"""Model export and import by file suffix: one registry per direction (.json, .npz, .onnx)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from playground.io.forward import NUMPY_ACTIVATIONS, predict
from playground.io.json_format import FormatError
from playground.io.model_json import Model, read_model_json, write_model_json
from playground.io.npz import read_npz, write_npz

Exporter = Callable[[str | os.PathLike[str], Model], None]
Importer = Callable[[str | os.PathLike[str]], Model]


def _write_onnx(path: str | os.PathLike[str], model: Model) -> None:
    from playground.io.onnx_export import write_onnx  # onnx is slow to import: only when asked

    write_onnx(path, model)


EXPORTERS: dict[str, Exporter] = {
    ".json": write_model_json,
    ".npz": write_npz,
    ".onnx": _write_onnx,
}
IMPORTERS: dict[str, Importer] = {".json": read_model_json, ".npz": read_npz}


def _suffix(path: str | os.PathLike[str], registry: dict[str, object], verb: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in registry:
        shown = f"'{suffix}'" if suffix else "a file without a suffix"
        raise FormatError(f"{os.fspath(path)}: cannot {verb} {shown} (use {', '.join(registry)})")
    return suffix


def check_export_path(path: str | os.PathLike[str]) -> None:
    """Raise FormatError unless the suffix names an export format."""
    _suffix(path, EXPORTERS, "export to")


def export_model(path: str | os.PathLike[str], model: Model) -> None:
    """Write a model in the format its suffix names, atomically."""
    EXPORTERS[_suffix(path, EXPORTERS, "export to")](path, model)


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read a .json or .npz model: (network, weights, standardization); errors name the file."""
    importer = IMPORTERS[_suffix(path, IMPORTERS, "import")]
    try:
        return importer(path)
    except FormatError as error:
        raise FormatError(f"{os.fspath(path)}: {error}") from None


__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "NUMPY_ACTIVATIONS",
    "FormatError",
    "Model",
    "check_export_path",
    "export_model",
    "load_model",
    "predict",
]
