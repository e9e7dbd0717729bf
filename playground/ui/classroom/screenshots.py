"""The README's pictures, taken from the real window:
`python -m playground.ui.classroom.screenshots`.

Each scene prepares a shown main window (a trained spiral, presentation mode, a lesson with its
notes), then saves `window.grab()` at the scene's size. Run it on a real X server (e.g. Xvfb with
openbox) to see what users see; the tests run the same scenes into a temporary folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QWidget

from playground.engine import LayerSpec
from playground.ui.classroom.hands_on_scene import hands_on
from playground.ui.classroom.inspection_scenes import train_hidden_space, train_mistakes
from playground.ui.classroom.race_scene import race_optimizers, race_window
from playground.ui.main_window import MainWindow
from playground.ui.models.step_model import STAGES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
WAIT_MS = 120_000  # a cold numba cache compiles the kernels first

Wait = Callable[[Callable[[], bool], int], None]  # wait(predicate, timeout_ms)


def process_events_until(predicate: Callable[[], bool], timeout_ms: int) -> None:
    """Run the Qt event loop until predicate() holds (TimeoutError after timeout_ms)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def train_spiral(window: MainWindow, wait: Wait) -> None:
    """A 3×8 tanh network trained on a noiseless spiral until its loss is small, then paused."""
    controller = window.controller
    controller.set_recipe(name="spiral", n=300, noise=0.0, test_ratio=0.2)
    controller.set_network(
        dataclasses.replace(
            controller.session.network,
            inputs=("x1", "x2", "sin(x1)", "sin(x2)"),
            layers=(LayerSpec(8, "tanh"),) * 3,
        )
    )
    window.metrics.show_tab("Loss")
    controller.play()
    wait(
        lambda: (
            controller.frame is not None
            and controller.frame.epoch >= 300
            and controller.frame.snapshot.train_loss < 0.05
        ),
        4 * WAIT_MS,
    )
    controller.pause()
    wait(lambda: controller.status.state == "paused", WAIT_MS)


def train_lesson(window: MainWindow, wait: Wait, lesson: str, epochs: int) -> None:
    """A lesson opened (with its notes) and trained for about `epochs` epochs, or to the first
    epoch where the lesson pauses by itself."""
    controller = window.controller
    if not window.open_lesson(lesson):
        raise ValueError(f"no lesson named {lesson!r}")
    controller.set_speed(100)  # a readable epoch count on the curves
    controller.play()
    wait(
        lambda: (
            controller.frame is not None
            and controller.frame.epoch > 0
            and (controller.frame.epoch >= epochs or controller.status.state == "paused")
        ),
        WAIT_MS,
    )
    controller.pause()
    wait(lambda: controller.status.state == "paused", WAIT_MS)


def train_landscape(window: MainWindow, wait: Wait) -> None:
    """The trained spiral, then the loss landscape big on the plane of the path's principal
    components, with the path drawn up to the last weights."""
    train_spiral(window, wait)
    controller, view = window.controller, window.landscape_view
    epoch = controller.status.epoch
    wait(lambda: window.metrics.train_curve.getData()[0] is not None, WAIT_MS)
    wait(lambda: window.metrics.train_curve.getData()[0][-1] >= epoch - 1, WAIT_MS)
    window.metrics.show_tab("Landscape")
    view.set_directions("pca")
    view.big_button.setChecked(True)
    params = controller.frame.params
    wait(
        lambda: (
            view.result is not None
            and view.result.request.line_end is params
            and len(view.figure.path) == len(view.model.path)
        ),
        WAIT_MS,
    )


def step_through(
    stage: str, link: tuple[int, int, int], notes: bool = True
) -> Callable[[MainWindow, Wait], None]:
    """The XOR lesson trained a little, then one training step on a training point in the
    inspector at `stage`, with the chain rule of `link` written out (the notes shown or not)."""

    def prepare(window: MainWindow, wait: Wait) -> None:
        train_lesson(window, wait, "02-hidden-layer-xor", 40)
        window.set_notes_visible(notes)
        command, points = window.step_through, window.controller.model.session.points
        command.set_active(True)
        wait(lambda: command.model.active, WAIT_MS)
        index = int(np.flatnonzero(~points.is_test)[3])
        window.output_view.point_picked.emit(*map(float, points.xy[index]), 0.2)
        wait(lambda: command.model.trace.indices.size == 1, WAIT_MS)
        command.model.set_stage(STAGES.index(stage))
        command.model.select_link(link)
        scroll = window.network_panel._scroll.horizontalScrollBar()  # noqa: SLF001
        wait(lambda: not scroll.isVisible() and bool(command.overlay.neuron_tags), WAIT_MS)

    return prepare


def settle(window: MainWindow, wait: Wait, width: int, height: int) -> None:
    """Resize, then wait until the heatmap of the new view and the last epoch's curves are in."""
    window.resize(width, height)
    wait(lambda: (window.width(), window.height()) == (width, height), WAIT_MS)
    controller = window.controller
    wait(
        lambda: (
            controller.frame is not None
            and controller.frame.snapshot.grid.request == controller.grid
        ),
        WAIT_MS,
    )
    epoch = controller.status.epoch

    def curves_drawn() -> bool:  # the loss curve, or the gradients' when that tab is in front
        metrics = window.metrics
        curves = metrics.gradient_curves if metrics.tabs.currentIndex() == 2 else []
        x, _ = (curves[0] if curves else metrics.train_curve).getData()
        return x is not None and len(x) > 3 and x[-1] >= epoch - 1

    wait(curves_drawn, WAIT_MS)


@dataclasses.dataclass(frozen=True)
class Scene:
    """One picture: how to prepare the window, at which size, in which mode."""

    name: str
    size: tuple[int, int]
    prepare: Callable[[MainWindow, Wait], None]
    presentation: bool = False
    picture: Callable[[MainWindow], QWidget] | None = None  # what to grab (default: window)

    @property
    def file_name(self) -> str:
        return f"{self.name}-{self.size[0]}x{self.size[1]}.png"


def _lesson(name: str, epochs: int) -> Callable[[MainWindow, Wait], None]:
    return lambda window, wait: train_lesson(window, wait, name, epochs)


SCENES = (
    Scene("main", (1920, 1080), train_spiral),
    Scene("main", (1280, 720), train_spiral),
    Scene("main", (1024, 768), train_spiral),
    Scene("presentation", (1280, 720), train_spiral, presentation=True),
    Scene("presentation", (1024, 768), train_spiral, presentation=True),
    Scene("lesson", (1920, 1080), _lesson("02-hidden-layer-xor", 150)),
    Scene("lesson", (1024, 768), _lesson("07-vanishing-gradients", 150)),
    Scene("landscape", (1280, 720), train_landscape),
    Scene("landscape-presentation", (1024, 768), train_landscape, presentation=True),
    Scene("race", (1280, 720), race_optimizers, picture=race_window),
    Scene("race-presentation", (1024, 768), race_optimizers, True, race_window),
    Scene("hands-on", (1280, 720), hands_on),
    Scene("hands-on-presentation", (1024, 768), hands_on, presentation=True),
    Scene("hidden-space", (1280, 720), train_hidden_space),
    Scene("hidden-space-presentation", (1024, 768), train_hidden_space, presentation=True),
    Scene("where-wrong", (1280, 720), train_mistakes),
    Scene("where-wrong-presentation", (1024, 768), train_mistakes, presentation=True),
    Scene("step-through", (1280, 720), step_through("backward", (0, 2, 1))),
    Scene("step-through-update", (1024, 768), step_through("update", (1, 0, 2), notes=False)),
    Scene(
        "lesson-presentation",
        (1280, 720),
        _lesson("07-vanishing-gradients", 150),
        presentation=True,
    ),
)


def take(scene: Scene, window: MainWindow, out_dir: Path, wait: Wait) -> Path:
    """Prepare a shown window for the scene and save its picture into out_dir."""
    window.resize(*scene.size)
    window.set_presentation(scene.presentation)
    scene.prepare(window, wait)
    settle(window, wait, *scene.size)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / scene.file_name
    target = scene.picture(window) if scene.picture is not None else window
    if not target.grab().save(str(path)):
        raise OSError(f"{path}: cannot write the picture")
    return path


def main(argv: list[str] | None = None) -> int:
    """Take every scene (or those named) into --out (docs/screenshots by default)."""
    from playground.ui.app import make_application

    parser = argparse.ArgumentParser(
        prog="python -m playground.ui.classroom.screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the PNGs")
    parser.add_argument("names", nargs="*", help="scene file names to take (default: all)")
    args = parser.parse_args(argv)
    app = make_application()
    with tempfile.TemporaryDirectory() as settings_dir:
        for scene in SCENES:
            if args.names and scene.file_name not in args.names:
                continue
            settings = QSettings(
                str(Path(settings_dir) / "settings.ini"), QSettings.Format.IniFormat
            )
            window = MainWindow(settings=settings, autosave=False)
            window.show()
            try:
                print(take(scene, window, args.out, process_events_until))
            finally:
                window.shutdown()
                window.close()
                window.deleteLater()
                app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
