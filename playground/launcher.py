"""The entry points: `nn-playground` (a command, or the app without one), `nn-playground-gui`
and `python -m playground`.

The one module that joins the headless command line (`cli`) with the Qt app (`ui`): `cli` never
imports the UI, it is handed the app from here (the layers contract in pyproject.toml).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from playground import cli
from playground.frozen import configure_frozen_runtime

if TYPE_CHECKING:
    from playground.engine.landscape import LandscapeResult
    from playground.race import RaceResult


class QtApp:
    """The windowed app, imported only when a command opens or measures it."""

    def run(self, session_path: str | None) -> int:
        """Open the main window (on a session file, if given) until it closes."""
        import playground.engine  # noqa: F401  (numba before Qt, DESIGN §2)
        from playground.ui import app

        return int(app.run(session_path) or 0)

    def bench(self) -> dict[str, float]:
        """Training speed and UI stalls in the real window (`nn-playground bench --gui`)."""
        from playground.ui.gui_bench import run_gui_bench

        return run_gui_bench()

    def landscape_picture(self, result: LandscapeResult, path: str) -> None:
        """`landscape -o OUT.png`: the landscape view's figure, drawn offscreen, written
        atomically."""
        import os

        import playground.engine  # noqa: F401  (numba before Qt, DESIGN §2)
        from playground.io.atomic import atomic_write_bytes

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from playground.ui.app import make_application
        from playground.ui.views.landscape_view import landscape_png

        make_application()
        atomic_write_bytes(path, landscape_png(result))

    def race_picture(self, result: RaceResult, path: str) -> None:
        """`race -o OUT.png`: the race view's picture (paths on the plane, loss curves, the
        decision boundaries), drawn offscreen, written atomically."""
        import os

        import playground.engine  # noqa: F401  (numba before Qt, DESIGN §2)
        from playground.io.atomic import atomic_write_bytes

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from playground.ui.app import make_application
        from playground.ui.views.race_view import race_png

        make_application()
        atomic_write_bytes(path, race_png(result))


def main(argv: list[str] | None = None) -> int:
    """Entry point of `nn-playground` and `python -m playground`; returns the exit status."""
    return cli.main(argv, app=QtApp())


def gui_main() -> int:
    """Entry point of the windowed app (nn-playground-gui [SESSION.json])."""
    configure_frozen_runtime()
    session_path = sys.argv[1] if len(sys.argv) > 1 else None
    return cli._guarded(lambda: QtApp().run(session_path))
