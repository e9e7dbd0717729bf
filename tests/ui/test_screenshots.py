"""Train a spiral and save the main window at two sizes to docs/screenshots/ (for the README)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PIL import Image

from playground.engine import LayerSpec

from .conftest import WAIT_MS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = ((1600, 1000), (1280, 720))


def test_screenshots_of_a_trained_spiral(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window(None, *SIZES[0])
    controller = window.controller
    controller.set_recipe(name="spiral", n=300, noise=0.0, test_ratio=0.2)
    network = dataclasses.replace(controller.session.network,
                                  inputs=("x1", "x2", "sin(x1)", "sin(x2)"),
                                  layers=(LayerSpec(8, "tanh"),) * 3)
    controller.set_network(network)
    assert window.data_panel.gallery_buttons["spiral"].isChecked()
    window.metrics.show_tab("Loss")
    controller.play()
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.epoch >= 300
                    and controller.frame.snapshot.train_loss < 0.05, timeout=4 * WAIT_MS)
    controller.pause()
    qtbot.waitUntil(lambda: controller.status.state == "paused", timeout=WAIT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: (window.width(), window.height()) == (w, h),
                        timeout=WAIT_MS)
        # the view rectangle follows the new size: wait for the grid of that rectangle
        qtbot.waitUntil(lambda: controller.frame is not None
                        and controller.frame.snapshot.grid.request == controller.grid,
                        timeout=WAIT_MS)
        path = SCREENSHOTS / f"main-{width}x{height}.png"
        assert window.grab().save(str(path))
        with Image.open(path) as image:
            assert image.size[0] >= width and image.size[1] >= height
