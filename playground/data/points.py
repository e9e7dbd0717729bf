"""Points: the one immutable representation of a 2-D dataset used everywhere in the app."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from playground.problems import MAX_CLASSES, MIN_CLASSES, PROBLEMS

SPLITS = ("train", "test", "validation")  # how files name a point's split: SPLITS[split_codes]
TRAIN, TEST, VALIDATION = range(3)  # the split codes
MAX_POINTS = 100_000  # the one limit: presets, files, sessions and drawing alike


def too_many_points(n: int, limit: int = MAX_POINTS) -> ValueError:
    """The error for a point set of n points over the limit (one wording everywhere)."""
    return ValueError(f"too many points: {n} (the limit is {limit})")


def _numeric_array(name: str, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Return a read-only C-contiguous float64 copy of numeric values, or raise ValueError."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}")
    array = np.array(array, dtype=np.float64, order="C", copy=True)
    array.setflags(write=False)
    return array


def _bool_array(values: npt.ArrayLike, name: str = "is_test") -> npt.NDArray[np.bool_]:
    """Return a read-only bool copy of a split mask (bools or integers 0/1), or ValueError."""
    array = np.asarray(values)
    if array.size == 0 or (array.dtype.kind in "iu" and np.isin(array, (0, 1)).all()):
        array = array.astype(np.bool_)
    if array.dtype.kind != "b":
        raise ValueError(f"{name} must be boolean, got dtype {array.dtype}")
    array = np.array(array, dtype=np.bool_, order="C", copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Points:
    """A validated, read-only set of 2-D points with labels and a train/test split, and
    optionally a third split, validation (for early stopping; the test points stay untouched)."""

    xy: npt.NDArray[np.float64]  # (n, 2)
    labels: npt.NDArray[np.float64]  # (n,) class index as float, or a regression target
    is_test: npt.NDArray[np.bool_]  # (n,)
    problem: str  # "classification" or "regression"
    classes: int  # 2..8 for classification, 1 for regression
    is_validation: npt.NDArray[np.bool_] | None = None  # (n,); None: no validation points

    def __post_init__(self) -> None:
        """Coerce the arrays to read-only float64/bool copies and validate everything."""
        if self.problem not in PROBLEMS:
            raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}, got {self.problem!r}")
        if isinstance(self.classes, bool) or not isinstance(self.classes, (int, np.integer)):
            raise ValueError(f"classes must be an integer, got {self.classes!r}")
        classes = int(self.classes)
        if self.problem == "classification" and not MIN_CLASSES <= classes <= MAX_CLASSES:
            raise ValueError(
                f"classification needs {MIN_CLASSES}..{MAX_CLASSES} classes, got {classes}"
            )
        if self.problem == "regression" and classes != 1:
            raise ValueError(f"regression must have classes=1, got {classes}")

        xy = _numeric_array("xy", self.xy)
        if xy.size == 0:
            xy = np.zeros((0, 2), dtype=np.float64)
            xy.setflags(write=False)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
        n = xy.shape[0]
        if n > MAX_POINTS:
            raise too_many_points(n)
        labels = _numeric_array("labels", self.labels)
        if labels.shape != (n,):
            raise ValueError(f"labels must have shape ({n},), got {labels.shape}")
        is_test = _bool_array(self.is_test)
        if is_test.shape != (n,):
            raise ValueError(f"is_test must have shape ({n},), got {is_test.shape}")
        if self.is_validation is None:
            is_validation = np.zeros(n, dtype=np.bool_)
            is_validation.setflags(write=False)
        else:
            is_validation = _bool_array(self.is_validation, "is_validation")
        if is_validation.shape != (n,):
            raise ValueError(f"is_validation must have shape ({n},), got {is_validation.shape}")
        if np.any(is_test & is_validation):
            first = int(np.flatnonzero(is_test & is_validation)[0])
            raise ValueError(f"point {first} is both a test and a validation point")
        if not np.isfinite(xy).all():
            raise ValueError("xy contains NaN or infinite values")
        if not np.isfinite(labels).all():
            raise ValueError("labels contain NaN or infinite values")
        if self.problem == "classification":
            bad = (labels != np.round(labels)) | (labels < 0) | (labels >= classes)
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"label {labels[first]:g} of point {first} is not a class index "
                    f"0..{classes - 1}"
                )

        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "is_test", is_test)
        object.__setattr__(self, "is_validation", is_validation)
        object.__setattr__(self, "classes", classes)

    @classmethod
    def empty(cls, problem: str = "classification", classes: int | None = None) -> Points:
        """An empty point set (classes defaults to 2 for classification, 1 for regression)."""
        if classes is None:
            classes = 1 if problem == "regression" else MIN_CLASSES
        return cls(np.zeros((0, 2)), np.zeros(0), np.zeros(0, dtype=np.bool_), problem, classes)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.xy.shape[0])

    def __len__(self) -> int:
        """Number of points."""
        return self.n

    def __repr__(self) -> str:
        """A short summary; the arrays are not printed."""
        return (
            f"Points(n={self.n}, test={int(self.is_test.sum())}, "
            + (f"validation={self.n_validation}, " if self.n_validation else "")
            + f"problem={self.problem!r}, classes={self.classes})"
        )

    @property
    def is_train(self) -> npt.NDArray[np.bool_]:
        """(n,) True for the training points (neither test nor validation)."""
        return ~(self.is_test | self.is_validation)

    @property
    def n_validation(self) -> int:
        """Number of validation points (0 without a validation split)."""
        return int(np.count_nonzero(self.is_validation))

    @property
    def split_codes(self) -> npt.NDArray[np.intp]:
        """(n,) TRAIN, TEST or VALIDATION of each point: SPLITS[code] is its name."""
        return np.where(self.is_validation, VALIDATION, self.is_test.astype(np.intp))

    @classmethod
    def from_splits(
        cls,
        xy: npt.ArrayLike,
        labels: npt.ArrayLike,
        codes: npt.ArrayLike,
        problem: str,
        classes: int,
    ) -> Points:
        """Points from split codes (TRAIN, TEST, VALIDATION) per point."""
        codes = np.asarray(codes, dtype=np.intp).reshape(-1)
        return cls(xy, labels, codes == TEST, problem, classes, codes == VALIDATION)

    def train(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The training points as (xy (m, 2), labels (m,)) copies."""
        keep = self.is_train
        return self.xy[keep], self.labels[keep]

    def validation(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The validation points as (xy (m, 2), labels (m,)) copies."""
        return self.xy[self.is_validation], self.labels[self.is_validation]

    def test(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The test points as (xy (m, 2), labels (m,)) copies."""
        return self.xy[self.is_test], self.labels[self.is_test]

    def with_points(
        self,
        xy: npt.ArrayLike,
        labels: npt.ArrayLike,
        is_test: npt.ArrayLike | None = None,
        is_validation: npt.ArrayLike | None = None,
    ) -> Points:
        """A new Points with the same problem and classes (is_test None means all train; no
        validation points unless is_validation is given)."""
        if is_test is None:
            is_test = np.zeros(np.shape(labels)[:1], dtype=np.bool_)
        return Points(xy, labels, is_test, self.problem, self.classes, is_validation)
