"""With NUMBA_DISABLE_JIT=1 (coverage of the kernels' Python lines) the kernels run as plain
Python on numpy scalars: make their entry points as quiet as compiled code, where an overflow
gives inf or NaN without a warning (the Trainer checks for those)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numba
import numpy as np
import pytest

from playground.engine import kernels

ENTRY_POINTS = ("train_steps", "evaluate", "grid_pass", "scheduled_lr")


def _quiet(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any) -> Any:
        with np.errstate(all="ignore"):
            return function(*args)

    return call


@pytest.fixture(autouse=True)
def _kernels_quiet_without_jit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if numba.config.DISABLE_JIT:
        for name in ENTRY_POINTS:
            monkeypatch.setattr(kernels, name, _quiet(getattr(kernels, name)))
    yield
