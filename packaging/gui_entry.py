"""Entry script of the frozen nn-playground-gui executable: open the app (on a file, if given)."""

from __future__ import annotations

import sys

from playground.frozen import configure_frozen_runtime

configure_frozen_runtime()

from playground.launcher import gui_main  # noqa: E402  (numba must see NUMBA_CACHE_DIR first)

sys.exit(gui_main())
