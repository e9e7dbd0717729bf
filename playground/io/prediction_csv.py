"""CSV for `predict`: read points (x1, x2 and any other columns), write them plus predictions."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from playground.data.points import MAX_POINTS
from playground.io.atomic import read_bytes_limited
from playground.io.csv import parse_number, shorten
from playground.io.json_format import MAX_FILE_BYTES

OUTPUT_COLUMN = "prediction"


@dataclass(frozen=True, eq=False)
class PointTable:
    """A CSV's header and rows as text, with the x1, x2 columns parsed: float64 (n, 2)."""

    header: list[str]
    rows: list[list[str]]
    xy: npt.NDArray[np.float64]
    lines: tuple[int, ...] = ()  # the line of each row in the file


def read_point_table(path: str | os.PathLike[str]) -> PointTable:
    """Read a CSV with columns x1 and x2 (others are carried along); ValueError names the line."""
    name = os.fspath(path)
    try:  # a regular file of at most 50 MB: never a FIFO or an endless device
        text = read_bytes_limited(path, MAX_FILE_BYTES, "CSV file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a UTF-8 text file") from None
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    try:
        return parse_point_table(text)
    except ValueError as error:
        raise ValueError(f"{os.fspath(path)}: {error}") from None


def parse_point_table(text: str) -> PointTable:
    """Parse CSV text; see read_point_table."""
    reader = csv.reader(io.StringIO(text, newline=""))  # \n, \r\n or bare \r
    try:
        header = next((row for row in reader if any(f.strip() for f in row)), None)
        if header is None:
            raise ValueError("empty file: expected a header with columns x1,x2")
        names = [name.strip().lower() for name in header]
        for name in ("x1", "x2"):
            if names.count(name) != 1:
                raise ValueError(
                    f"line {reader.line_num}: expected one column {name!r} "
                    f"(header: {shorten(','.join(header))})"
                )
        columns = (names.index("x1"), names.index("x2"))
        rows: list[list[str]] = []
        xy: list[tuple[float, float]] = []
        lines: list[int] = []
        for row in reader:
            if not any(f.strip() for f in row):
                continue
            if len(rows) == MAX_POINTS:
                raise ValueError(f"line {reader.line_num}: more than {MAX_POINTS} points")
            if len(row) != len(header):
                raise ValueError(
                    f"line {reader.line_num}: expected {len(header)} fields, got {len(row)}"
                )
            xy.append(
                tuple(
                    parse_number(row[c], n, reader.line_num)
                    for c, n in zip(columns, ("x1", "x2"), strict=True)
                )
            )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as error:
        raise ValueError(f"line {reader.line_num}: {error}") from None
    return PointTable(header, rows, np.array(xy, dtype=np.float64).reshape(-1, 2), tuple(lines))


def prediction_columns(problem: str, outputs: int) -> list[str]:
    """`prediction`, then p0, p1, ... for classification."""
    if problem == "regression":
        return [OUTPUT_COLUMN]
    return [OUTPUT_COLUMN, *(f"p{k}" for k in range(outputs))]


def format_predictions(table: PointTable, problem: str, outputs: npt.NDArray[np.float64]) -> str:
    """The input columns plus prediction (class index or value) and class probabilities."""
    added = prediction_columns(problem, outputs.shape[1])
    clash = [name for name in added if name in (h.strip().lower() for h in table.header)]
    if clash:
        raise ValueError(f"the input already has a column {clash[0]!r} (remove or rename it)")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table.header, *added])
    if problem == "regression":
        extra = [[repr(v)] for v in outputs[:, 0].tolist()]
    else:
        classes = outputs.argmax(axis=1).tolist()
        extra = [[str(c), *map(repr, p)] for c, p in zip(classes, outputs.tolist(), strict=True)]
    for row, values in zip(table.rows, extra, strict=True):
        writer.writerow([*row, *values])
    return out.getvalue()
