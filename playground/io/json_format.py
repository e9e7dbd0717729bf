"""Strict JSON for our files: bounded size, no NaN/Infinity, field checks that name the path.

Every rejection is a ``FormatError`` whose message starts with the JSON path of the bad value,
e.g. ``network.layers[1].units: expected a whole number, got 'four'``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from playground.io.atomic import read_bytes_limited

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INTEGER = 2**63

T = TypeVar("T")


class FormatError(ValueError):
    """A file or value we refuse to read; the message is one line naming where and why."""


def fail(path: str, message: str) -> FormatError:
    """The error for the value at `path` ('' for the whole document)."""
    return FormatError(f"{path}: {message}" if path else message)


def read_json_file(path: str | os.PathLike[str], kind: str) -> Any:
    """Parse a JSON file of at most 50 MB; `kind` ("session", "model") words the errors."""
    size = os.stat(path).st_size  # FileNotFoundError / PermissionError pass through as OSError
    if size > MAX_FILE_BYTES:
        raise fail(
            "",
            f"the file is too large ({size / 2**20:.0f} MB; a {kind} file is at most "
            f"{MAX_FILE_BYTES // 2**20} MB)",
        )
    try:  # capped: a device or a growing file is never read without bound
        data = read_bytes_limited(path, MAX_FILE_BYTES, f"{kind} file")
    except ValueError as error:
        raise fail("", str(error)) from None
    if not data.strip():
        raise fail("", f"the file is empty (expected a {kind} JSON file)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("", f"not a text file (expected a {kind} JSON file)") from None
    return parse_json(text, kind)


def parse_json(text: str, kind: str = "session") -> Any:
    """Parse JSON text; NaN, Infinity and numbers too large for a float are rejected by path."""
    nonfinite: list[bool] = []

    def constant(name: str) -> float:
        nonfinite.append(True)
        return float(name)

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            nonfinite.append(True)
        return value

    duplicates: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        twice = None
        for key, value in items:
            if key in obj and twice is None:
                twice = key
            obj[key] = value
        if twice is not None:
            duplicates.append(True)
            obj = _Duplicated(obj)
            obj.duplicate = twice
        return obj

    try:
        data = json.loads(
            text, parse_constant=constant, parse_float=number, object_pairs_hook=pairs
        )
    except json.JSONDecodeError as error:
        raise fail(
            "",
            f"not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); expected a {kind} JSON file",
        ) from None
    except (RecursionError, ValueError):  # absurd nesting, or an integer with > 4300 digits
        raise fail("", f"not a {kind} JSON file (nested too deeply or a number too long)") from None
    if duplicates:
        raise fail(
            _first_duplicate_path(data), "this key appears more than once in its object (keep one)"
        )
    if nonfinite:
        raise fail(
            _first_nonfinite_path(data), "NaN and Infinity are not allowed (use a finite number)"
        )
    return data


class _Duplicated(dict):
    """A parsed object in which a key appeared twice (`duplicate`: the first such key)."""

    duplicate: str


def _nodes(data: Any) -> Iterator[tuple[Any, str]]:
    """Every value in data with its JSON path, in document order (iterative: nesting may be
    deep; long keys are cut short in the paths)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        yield value, path
        if isinstance(value, dict):
            children = [(v, child(path, _short_key(k))) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, child(path, i)) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


def _first_duplicate_path(data: Any) -> str:
    """The JSON path of the first key that appears twice in its object."""
    for value, path in _nodes(data):
        if isinstance(value, _Duplicated):
            return child(path, _short_key(value.duplicate))
    return "(somewhere)"


def _first_nonfinite_path(data: Any) -> str:
    """The JSON path of the first non-finite float in data."""
    for value, path in _nodes(data):
        if isinstance(value, float) and not math.isfinite(value):
            return path or "(top level)"
    return "(somewhere)"


def _short_key(key: str) -> str:
    return key if len(key) <= 60 else key[:60] + "…"


def dump_json(data: Any) -> str:
    """Readable JSON: objects one key per line, lists of numbers on one line; floats exact."""
    parts: list[str] = []
    _dump(data, 0, parts)
    parts.append("\n")
    return "".join(parts)


def _dump(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * (indent + 1)
    if isinstance(value, dict) and value and _is_flat(value):
        line = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(", ", ": "))
        if len(line) + len(pad) <= 96:
            out.append(line)
            return
    if isinstance(value, dict) and value:
        out.append("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.append(f"{pad}{json.dumps(key)}: ")
            _dump(item, indent + 1, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append("  " * indent + "}")
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(pad)
            _dump(item, indent + 1, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append("  " * indent + "]")
    else:
        out.append(json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(", ", ": ")))


def _is_flat(value: dict[str, Any]) -> bool:
    """No value is an object or a list of lists."""
    return not any(
        isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v))
        for v in value.values()
    )


# ----- field checks ------------------------------------------------------------------------


def child(path: str, key: str | int) -> str:
    """The path of a member (`a.b`) or element (`a[3]`)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def expect_object(
    value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()
) -> dict[str, Any]:
    """A JSON object with exactly the required fields and maybe some optional ones."""
    required, optional = tuple(required), tuple(optional)
    if not isinstance(value, dict):
        raise fail(path or "(top level)", f"expected a JSON object {{...}}, got {_kind(value)}")
    for key in required:
        if key not in value:
            raise fail(child(path, key), "missing (add this field)")
    allowed = (*required, *optional)
    for key in value:
        if key not in allowed:
            raise fail(
                child(path, _short_key(key)),
                f"unknown field (remove it; expected: {', '.join(allowed)})",
            )
    return value


def expect_list(
    value: Any, path: str, max_length: int | None = None, what: str = "entries"
) -> list[Any]:
    """A JSON array of at most max_length elements."""
    if not isinstance(value, list):
        raise fail(path, f"expected a list [...], got {_kind(value)}")
    if max_length is not None and len(value) > max_length:
        raise fail(path, f"{len(value)} {what} is too many (at most {max_length})")
    return value


def expect_number(value: Any, path: str) -> float:
    """A finite JSON number as a float (integers allowed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, f"expected a number, got {_kind(value)}")
    if isinstance(value, int) and abs(value) >= MAX_INTEGER:
        shown = (
            str(value)
            if abs(value) < 10**40
            else (f"{str(value)[:40]}… ({len(str(abs(value)))} digits)")
        )
        raise fail(path, f"{shown} is too large")
    if not math.isfinite(value):
        raise fail(path, "NaN and Infinity are not allowed (use a finite number)")
    return float(value)


def expect_int(value: Any, path: str, low: int = 0, high: int = MAX_INTEGER - 1) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, f"expected a whole number, got {_kind(value)}")
    if not low <= value <= high:
        shown = str(value) if abs(value) < 10**40 else f"{str(value)[:40]}…"
        raise fail(path, f"{shown} is out of range ({low} to {high})")
    return value


def expect_bool(value: Any, path: str) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise fail(path, f"expected true or false, got {_kind(value)}")
    return value


def expect_str(value: Any, path: str) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise fail(path, f"expected a string, got {_kind(value)}")
    return value


def check_header(
    data: Any, format_name: str, version: int, kind: str, oldest: int | None = None
) -> None:
    """The document is an object with our `format` name and a `version` we read: `version`,
    or any from `oldest` up to it when `oldest` is given."""
    if not isinstance(data, dict):
        raise fail("(top level)", f"expected a JSON object {{...}}, got {_kind(data)}")
    if "format" not in data:
        raise fail(
            "format",
            f"missing: this is not an NN Playground {kind} file (expected "
            f'"format": "{format_name}")',
        )
    if data["format"] != format_name:
        raise fail(
            "format",
            f'{_kind(data["format"])} is not an NN Playground {kind} (expected "{format_name}")',
        )
    if "version" not in data:
        raise fail("version", f'missing (add "version": {version})')
    found = data["version"]
    low = version if oldest is None else oldest
    if isinstance(found, bool) or not isinstance(found, int) or not low <= found <= version:
        newer = isinstance(found, int) and not isinstance(found, bool) and found > version
        versions = (
            f"{kind} version {version}"
            if low == version
            else (f"{kind} versions {low} to {version}")
        )
        raise fail(
            "version",
            f"{_kind(found)} is not supported (this NN Playground reads "
            f"{versions}" + ("; the file is from a newer NN Playground)" if newer else ")"),
        )


def build_spec(
    path: str,
    make: Callable[..., T],
    *args: Any,
    rename: dict[str, str] | None = None,
    **kwargs: Any,
) -> T:
    """Call an engine spec constructor; its ValueError 'field: msg' becomes 'path.field: msg'."""
    try:
        return make(*args, **kwargs)
    except ValueError as error:
        head, sep, message = str(error).partition(": ")
        if not sep:
            raise fail(path, str(error)) from None
        field, bracket, rest = head.partition("[")
        field = (rename or {}).get(field, field)
        raise fail(child(path, field) + bracket + rest, message) from None


def _kind(value: Any) -> str:
    """How a JSON value reads in an error: its type, and the value when it is short."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}  # fmt: skip
    name = names.get(type(value), type(value).__name__)
    if isinstance(value, (dict, list)) or value is None:
        return name
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return f"{name} {text[:40]}{'...' if len(text) > 40 else ''}"
