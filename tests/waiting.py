"""Waiting for another thread without Qt: poll a condition until it holds or time runs out."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.002


def wait_until(condition: Callable[[], object], timeout_ms: int) -> None:
    """Return once condition() is true; fail the test after timeout_ms."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the condition did not hold within {timeout_ms} ms")
        time.sleep(POLL_S)
