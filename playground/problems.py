"""The problems the app learns, and how many classes a classification may have.

The one home of these constants: the engine (specs, losses) and the data (points, files) both read
them, and neither may import the other (DESIGN §1), so they live here, below both.
"""

from __future__ import annotations

PROBLEMS = ("classification", "regression")
MIN_CLASSES = 2
MAX_CLASSES = 8  # 2 classes: one sigmoid unit; 3 to 8: softmax (DESIGN §3)
