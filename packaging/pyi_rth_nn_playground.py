"""PyInstaller runtime hook: runs before the entry script, so before numba is imported."""

from playground.frozen import configure_frozen_runtime

configure_frozen_runtime()
