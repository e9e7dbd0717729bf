"""The problems the app learns, and how many classes a classification may have.

The one home of these constants: the engine (specs, losses) and the data (points, files) both read
them, and neither may import the other (DESIGN §1), so they live here, below both.
"""

from __future__ import annotations

PROBLEMS = ("classification", "regression")
MIN_CLASSES = 2
MAX_CLASSES = 8  # the palette, the softmax layer and the class-index labels 0..7
