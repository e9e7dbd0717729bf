"""Dataset CSV: round trips, inference, every rejection, and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from playground.data.generators import generate
from playground.data.points import Points
from playground.io import atomic
from playground.io.atomic import atomic_write_bytes, atomic_write_text
from playground.io.csv import LabelSummary, read_csv, write_csv


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    """Write text to a file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_same(a: Points, b: Points) -> None:
    """Assert two Points hold the same arrays, problem and classes."""
    np.testing.assert_array_equal(a.xy, b.xy)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.is_test, b.is_test)
    assert (a.problem, a.classes) == (b.problem, b.classes)


@pytest.mark.parametrize(
    ("name", "options"),
    [("spiral", {"arms": 3}), ("gaussians", {"classes": 8}), ("xor", {}), ("multi_gaussian", {})],
)
def test_round_trip_is_exact(tmp_path, name, options):
    points = generate(name, n=300, noise=0.2, seed=1, test_ratio=0.3, **options)
    path = tmp_path / "out.csv"
    write_csv(path, points)
    assert_same(read_csv(path), points)


def test_round_trip_of_integer_valued_regression_needs_the_problem(tmp_path):
    points = Points([[0.0, 1.0], [2.0, 3.0]], [1.0, 2.0], [False, True], "regression", 1)
    write_csv(tmp_path / "r.csv", points)
    assert_same(read_csv(tmp_path / "r.csv", problem="regression"), points)
    assert read_csv(tmp_path / "r.csv").problem == "classification"


def test_written_format(tmp_path):
    points = Points([[0.1, -2.0], [3.0, 4.5]], [1, 0], [False, True], "classification", 2)
    write_csv(tmp_path / "d.csv", points)
    text = (tmp_path / "d.csv").read_text(encoding="utf-8")
    assert text == "x1,x2,label,split\n0.1,-2.0,1,train\n3.0,4.5,0,test\n"


def test_empty_points_round_trip(tmp_path):
    write_csv(tmp_path / "e.csv", Points.empty())
    assert read_csv(tmp_path / "e.csv").n == 0


def test_without_split_column_all_train(tmp_path):
    points = read_csv(write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n"))
    assert points.n == 2 and not points.is_test.any()
    assert points.xy.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_columns_in_any_order_case_spaces_bom_crlf_and_blank_lines(tmp_path):
    text = "\ufeff Split , LABEL,x2,x1\r\n\r\ntest,1,2.5,-1\r\nTRAIN, 0 ,0,0\r\n\r\n"
    points = read_csv(write(tmp_path, text))
    assert points.xy.tolist() == [[-1.0, 2.5], [0.0, 0.0]]
    assert points.labels.tolist() == [1.0, 0.0]
    assert points.is_test.tolist() == [True, False]


def test_quoted_fields(tmp_path):
    points = read_csv(write(tmp_path, 'x1,x2,label\n"1.5","2",1\n'))
    assert points.xy.tolist() == [[1.5, 2.0]]


@pytest.mark.parametrize(
    ("labels", "problem", "classes"),
    [
        ("0,1", "classification", 2),
        ("0,0", "classification", 2),
        ("0,2", "classification", 3),
        ("7,1.0", "classification", 8),
        ("0,8", "regression", 1),
        ("0,0.5", "regression", 1),
        ("-1,1", "regression", 1),
    ],
)
def test_problem_inference(tmp_path, labels, problem, classes):
    first, second = labels.split(",")
    points = read_csv(write(tmp_path, f"x1,x2,label\n0,0,{first}\n1,1,{second}\n"))
    assert (points.problem, points.classes) == (problem, classes)


def test_header_only_gives_empty_points(tmp_path):
    points = read_csv(write(tmp_path, "x1,x2,label\n"))
    assert points.n == 0 and points.problem == "classification"


def test_explicit_problem_and_classes(tmp_path):
    path = write(tmp_path, "x1,x2,label\n0,0,0\n1,1,1\n")
    assert read_csv(path, classes=5).classes == 5
    assert read_csv(path, problem="classification", classes=3).classes == 3
    regression = read_csv(path, problem="regression")
    assert (regression.problem, regression.classes) == ("regression", 1)
    assert read_csv(path, classes=1).problem == "regression"


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("", {}, "empty file"),
        ("\n\n  \n", {}, "empty file"),
        ("x1,x2\n1,2\n", {}, "line 1: missing column 'label'"),
        ("x1,x2,label,colour\n", {}, "line 1: unknown column 'colour'"),
        ("x1,x2,label,\n", {}, "line 1: unknown column ''"),
        ("x1,x2,x1,label\n", {}, "line 1: duplicate column 'x1'"),
        ("x1,x2,label\n1,2,0\n1,2\n", {}, "line 3: expected 3 fields, got 2"),
        ("x1,x2,label\n1,2,0,train\n", {}, "line 2: expected 3 fields, got 4"),
        ("x1,x2,label\n\n1,abc,0\n", {}, "line 3: x2 is not a number: 'abc'"),
        ("x1,x2,label\n1,,0\n", {}, "line 2: x2 is not a number: ''"),
        ("x1,x2,label\nnan,1,0\n", {}, "line 2: x1 must be finite, got 'nan'"),
        ("x1,x2,label\n1,-inf,0\n", {}, "line 2: x2 must be finite, got '-inf'"),
        ("x1,x2,label\n1,1,1e999\n", {}, "line 2: label must be finite, got '1e999'"),
        (
            "x1,x2,label,split\n1,1,0,valid\n",
            {},
            "line 2: split must be 'train', 'test' or 'validation'",
        ),
        (
            "x1,x2,label,split\n1,1,0,\n",
            {},
            "line 2: split must be 'train', 'test' or 'validation', got ''",
        ),
        (
            "x1,x2,label\n0,0,0\n1,1,3\n",
            {"classes": 3},
            r"line 3: label 3 is out of range for 3 classes \(0..2\)",
        ),
        (
            "x1,x2,label\n0,0,0\n1,1,0.5\n",
            {"problem": "classification"},
            r"line 3: label 0.5 is not a class index 0..7",
        ),
        (
            "x1,x2,label\n0,0,0\n1,1,9\n",
            {"problem": "classification"},
            r"line 3: label 9 is not a class index 0..7",
        ),
        ("x1,x2,label\n0,0,0\n", {"problem": "ranking"}, "problem must be one of"),
        ("x1,x2,label\n0,0,0\n", {"classes": 9}, r"classification needs 2..8 classes, got 9"),
        ("x1,x2,label\n0,0,0\n", {"problem": "regression", "classes": 2}, "classes=1"),
        ('x1,x2,label\n"1,2,0\n', {}, "line 2: unexpected end of data"),
        ('x1,x2,label\n"1"x,2,0\n', {}, "line 2: ',' expected after '\"'"),
        ("x1,x2,label\n1,2\x00,0\n", {}, r"line 2: x2 is not a number: '2\\x00'"),
    ],
)
def test_rejections(tmp_path, text, kwargs, message):
    with pytest.raises(ValueError, match=message) as info:
        read_csv(write(tmp_path, text), **kwargs)
    assert "\n" not in str(info.value)


def test_rejects_more_than_max_rows(tmp_path):
    path = write(tmp_path, "x1,x2,label\n" + "0,0,0\n" * 100_001)
    with pytest.raises(
        ValueError,
        match=r"^line 100002: too many points: 100001 \(the limit is "
        r"100000\)$",
    ):
        read_csv(path)


def test_accepts_exactly_max_rows(tmp_path):
    path = write(tmp_path, "x1,x2,label\n" + "0,0,1\n" * 100_000)
    assert read_csv(path).n == 100_000


def test_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"x1,x2,label\n1,2,\xe9\n")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        read_csv(path)


def test_missing_file_raises_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "nope.csv")


def test_failed_write_leaves_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "keep.csv"
    path.write_text("old contents\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_csv(path, generate("xor", n=10))
    assert path.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]  # no temp file left


def test_failed_formatting_writes_nothing(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("old contents\n", encoding="utf-8")
    with pytest.raises(AttributeError):
        write_csv(path, "not points")  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old contents\n"
    assert len(list(tmp_path.iterdir())) == 1


def test_atomic_write_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"new bytes")
    assert path.read_bytes() == b"new bytes"
    assert (path.stat().st_mode & 0o777) == 0o640
    atomic_write_text(path, "τext\n")
    assert path.read_bytes() == "τext\n".encode()
    assert len(list(tmp_path.iterdir())) == 1


def test_atomic_write_new_file_respects_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "hi")
    finally:
        os.umask(old)
    assert ((tmp_path / "new.txt").stat().st_mode & 0o777) == 0o644


def test_atomic_write_failure_during_write_removes_temp(tmp_path, monkeypatch):
    path = tmp_path / "x.bin"
    path.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="I/O error"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_atomic_write_into_missing_directory_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "x.bin", b"data")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("labels", "text", "classes", "why"),
    [
        (list(range(12)), "12 distinct integer labels 0..11", None, "more than 8 classes"),
        ([0, 2, 1, 1], "3 distinct integer labels 0..2", 3, ""),
        ([1, 1], "1 distinct integer label 1..1", 2, ""),
        (
            [-1, 0, 1],
            "3 distinct integer labels -1..1",
            None,
            "class labels are 0..7, not negative",
        ),
        (
            [0.5, 2, 0.5],
            "2 distinct real labels 0.5..2",
            None,
            "not whole numbers, so not class labels",
        ),
    ],
)
def test_label_summary_says_what_the_labels_allow(labels, text, classes, why):
    summary = LabelSummary.of(np.array(labels, dtype=float))
    assert (summary.text(), summary.classes, summary.why_regression()) == (text, classes, why)


def test_a_binary_file_is_one_line_without_the_path(tmp_path):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(ValueError, match=r"^not a UTF-8 text file \(expected CSV text"):
        read_csv(path)
