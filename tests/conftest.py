"""Test configuration: Qt runs headless; numba's cache stays inside the test session."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
