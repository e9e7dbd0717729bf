"""Dataset CSV: header x1,x2,label with an optional split column ("train", "test" or
"validation")."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from playground.data.points import MAX_POINTS, SPLITS, Points, too_many_points
from playground.io.atomic import atomic_write_text, read_bytes_limited
from playground.problems import MAX_CLASSES, MIN_CLASSES, PROBLEMS

MAX_CSV_BYTES = 50 * 1024 * 1024
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
NONFINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.ASCII | re.IGNORECASE)
REQUIRED_COLUMNS = ("x1", "x2", "label")
COLUMNS = (*REQUIRED_COLUMNS, "split")
MAX_ROWS = MAX_POINTS

if TYPE_CHECKING:
    from _csv import Reader


def read_csv(
    path: str | os.PathLike[str], problem: str | None = None, classes: int | None = None
) -> Points:
    """Read a dataset CSV; problem and classes are inferred from the labels when not given."""
    try:  # a regular file of at most 50 MB: never a FIFO or an endless device
        text = read_bytes_limited(path, MAX_CSV_BYTES, "CSV file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not a UTF-8 text file (expected CSV text: x1,x2,label)") from None
    return parse_csv(text, problem, classes)


def parse_csv(text: str, problem: str | None = None, classes: int | None = None) -> Points:
    """Parse dataset CSV text; see read_csv."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # \n, \r\n or bare \r
    try:
        header, columns = _read_header(reader)
        xy: list[tuple[float, float]] = []
        labels: list[float] = []
        splits: list[int] = []
        line_numbers: list[int] = []
        for row in reader:
            if not any(field.strip() for field in row):
                continue  # blank line
            line = reader.line_num
            if len(labels) == MAX_ROWS:
                raise ValueError(f"line {line}: {too_many_points(MAX_ROWS + 1)}")
            if len(row) != len(header):
                raise ValueError(f"line {line}: expected {len(header)} fields, got {len(row)}")
            x1, x2, label = (
                parse_number(row[columns[name]], name, line) for name in REQUIRED_COLUMNS
            )
            xy.append((x1, x2))
            labels.append(label)
            splits.append(_split(row[columns["split"]], line) if "split" in columns else 0)
            line_numbers.append(line)
    except csv.Error as error:
        raise ValueError(f"line {reader.line_num}: {error}") from None

    problem, classes = _problem_and_classes(labels, line_numbers, problem, classes)
    return Points.from_splits(
        np.array(xy, dtype=np.float64).reshape(-1, 2),
        np.array(labels, dtype=np.float64),
        np.array(splits, dtype=np.intp),
        problem,
        classes,
    )


@dataclass(frozen=True)
class LabelSummary:
    """What a CSV's labels allow: how many distinct values, their range, whole numbers or not."""

    distinct: int
    low: float
    high: float
    integers: bool

    @classmethod
    def of(cls, labels: np.ndarray) -> LabelSummary:
        """The summary of a label column (empty: no distinct labels, range 0..0)."""
        values = np.unique(np.asarray(labels, dtype=np.float64))
        if values.size == 0:
            return cls(0, 0.0, 0.0, True)
        integers = bool(np.all(values == np.round(values)))
        return cls(int(values.size), float(values[0]), float(values[-1]), integers)

    @property
    def classes(self) -> int | None:
        """The class count if the labels can be class indices 0..MAX_CLASSES-1, else None."""
        if not self.integers or self.low < 0 or self.high >= MAX_CLASSES:
            return None
        return max(MIN_CLASSES, int(self.high) + 1)

    def text(self) -> str:
        """E.g. '12 distinct integer labels 0..11' or '250 distinct real labels -1.5..1.5'."""
        kind = "integer" if self.integers else "real"
        plural = "label" if self.distinct == 1 else "labels"
        return f"{self.distinct} distinct {kind} {plural} {self.low:g}..{self.high:g}"

    def why_regression(self) -> str:
        """Why these labels cannot be classes ('' if they can)."""
        if self.classes is not None:
            return ""
        if not self.integers:
            return "not whole numbers, so not class labels"
        if self.low < 0:
            return f"class labels are 0..{MAX_CLASSES - 1}, not negative"
        return f"more than {MAX_CLASSES} classes"


def write_csv(path: str | os.PathLike[str], points: Points) -> None:
    """Write points as CSV (x1,x2,label,split) atomically; the old file survives any error."""
    atomic_write_text(path, format_csv(points))


def format_csv(points: Points) -> str:
    """The CSV text of points; floats are written so that they read back exactly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    integer_labels = points.problem == "classification"
    for (x1, x2), label, split in zip(
        points.xy.tolist(), points.labels.tolist(), points.split_codes.tolist(), strict=True
    ):
        label_text = str(int(label)) if integer_labels else repr(label)
        writer.writerow((repr(x1), repr(x2), label_text, SPLITS[split]))
    return out.getvalue()


def _read_header(reader: Reader) -> tuple[list[str], dict[str, int]]:
    """The header row and each known column's position; ValueError naming the problem."""
    for row in reader:
        if any(field.strip() for field in row):
            break
    else:
        raise ValueError("empty file: expected a header x1,x2,label[,split]")
    line = reader.line_num
    header = [field.strip().lower() for field in row]
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        if name not in COLUMNS:
            raise ValueError(
                f"line {line}: unknown column {shorten(name)} (expected x1, x2, label and "
                "optional split)"
            )
        if name in columns:
            raise ValueError(f"line {line}: duplicate column {shorten(name)}")
        columns[name] = position
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise ValueError(f"line {line}: missing column {name!r}")
    return header, columns


def parse_number(field: str, name: str, line: int) -> float:
    """The finite float in field (ASCII digits, sign, point, exponent; no underscores), or
    ValueError naming the line and column."""
    text = field.strip(" \t")
    if not NUMBER.fullmatch(text):
        if NONFINITE.fullmatch(text):
            raise ValueError(f"line {line}: {name} must be finite, got {shorten(text)}")
        raise ValueError(f"line {line}: {name} is not a number: {shorten(text)}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"line {line}: {name} must be finite, got {shorten(text)}")
    return value


def shorten(text: str, limit: int = 60) -> str:
    """A value as echoed in a message: repr, cut to `limit` characters with an ellipsis."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _split(field: str, line: int) -> int:
    """The split code (SPLITS.index) of "train", "test" or "validation", else ValueError
    naming the line."""
    split = field.strip().lower()
    if split not in SPLITS:
        raise ValueError(
            f"line {line}: split must be 'train', 'test' or 'validation', got "
            f"{shorten(field.strip())}"
        )
    return SPLITS.index(split)


def _problem_and_classes(
    labels: list[float], line_numbers: list[int], problem: str | None, classes: int | None
) -> tuple[str, int]:
    """Resolve problem and classes (inferring what is None) and check every label against them."""
    if problem is not None and problem not in PROBLEMS:
        raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}, got {problem!r}")
    is_class_index = [label.is_integer() and 0 <= label < MAX_CLASSES for label in labels]
    if problem is None:
        if classes is not None:
            problem = "regression" if classes == 1 else "classification"
        else:
            problem = "classification" if all(is_class_index) else "regression"
    if problem == "regression":
        if classes not in (None, 1):
            raise ValueError(f"regression must have classes=1, got {classes}")
        return problem, 1

    if classes is None:
        for ok, label, line in zip(is_class_index, labels, line_numbers, strict=True):
            if not ok:
                raise ValueError(
                    f"line {line}: label {label:g} is not a class index 0..{MAX_CLASSES - 1}"
                )
        classes = max(MIN_CLASSES, int(max(labels, default=0)) + 1)
    elif isinstance(classes, bool) or not MIN_CLASSES <= classes <= MAX_CLASSES:
        raise ValueError(
            f"classification needs {MIN_CLASSES}..{MAX_CLASSES} classes, got {classes}"
        )
    for label, line in zip(labels, line_numbers, strict=True):
        if not (label.is_integer() and 0 <= label < classes):
            raise ValueError(
                f"line {line}: label {label:g} is out of range for {classes} classes "
                f"(0..{classes - 1})"
            )
    return problem, classes
