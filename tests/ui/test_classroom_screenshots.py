"""Screenshots for the README and the teacher's guide: presentation mode at a projector's
1280×720 (a trained spiral) and a lesson with its notes at 1600×1000."""

from __future__ import annotations

import dataclasses

from PIL import Image

from playground.engine import LayerSpec

from .conftest import WAIT_MS
from .test_screenshots import SCREENSHOTS


def _resize_and_settle(qtbot, window, width: int, height: int) -> None:  # noqa: ANN001
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height),
                    timeout=WAIT_MS)
    controller = window.controller
    # the view rectangle follows the new size: wait for the grid of that rectangle
    qtbot.waitUntil(lambda: controller.frame is not None
                    and controller.frame.snapshot.grid.request == controller.grid,
                    timeout=WAIT_MS)


def _wait_for_curves(qtbot, window, epoch: int) -> None:  # noqa: ANN001
    """Until the loss curve reaches the last epoch trained (it redraws a moment later)."""
    def drawn() -> bool:
        x, _ = window.metrics.train_curve.getData()
        return x is not None and len(x) > 3 and x[-1] >= epoch - 1

    qtbot.waitUntil(drawn, timeout=WAIT_MS)


def _save(window, name: str, width: int, height: int) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert window.grab().save(str(path))
    with Image.open(path) as image:
        assert image.size[0] >= width and image.size[1] >= height


def test_presentation_mode_at_1280x720(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window(None, 1280, 720)
    controller = window.controller
    controller.set_recipe(name="spiral", n=300, noise=0.0, test_ratio=0.2)
    controller.set_network(dataclasses.replace(
        controller.session.network, inputs=("x1", "x2", "sin(x1)", "sin(x2)"),
        layers=(LayerSpec(8, "tanh"),) * 3))
    window.set_presentation(True)
    assert window.minimumSizeHint().width() <= 1280  # everything fits a projector
    controller.play()
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.epoch >= 300
                    and controller.frame.snapshot.train_loss < 0.05, timeout=4 * WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: controller.status.state == "paused", timeout=WAIT_MS)
    _resize_and_settle(qtbot, window, 1280, 720)
    _wait_for_curves(qtbot, window, controller.status.epoch)
    assert not window.network_panel._scroll.horizontalScrollBar().isVisible()
    _save(window, "presentation-1280x720.png", 1280, 720)


def test_a_lesson_with_its_notes_at_1600x1000(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window(None, 1600, 1000)
    controller = window.controller
    assert window.open_lesson("02-hidden-layer-xor")
    controller.set_speed(100)  # a readable epoch count on the curves
    controller.play()
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.epoch >= 150,
                    timeout=WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: controller.status.state == "paused", timeout=WAIT_MS)
    _resize_and_settle(qtbot, window, 1600, 1000)
    _wait_for_curves(qtbot, window, controller.status.epoch)
    assert window.notes_panel.isVisible() and window.notes_panel.width() >= 300
    _save(window, "lesson-1600x1000.png", 1600, 1000)
