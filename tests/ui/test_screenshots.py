"""The README's scenes (playground/ui/classroom/screenshots.py), taken into a temporary
folder: each one prepares the real window and saves a picture of it at its size. The tests
never write into the repository; `python -m playground.ui.classroom.screenshots` makes
docs/screenshots/."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.ui.classroom.screenshots import SCENES, Scene, take

# the scenes that fit the test display with a window frame around them
SMALL_SCENES = [scene for scene in SCENES if scene.size[0] <= 1280]


@pytest.mark.parametrize("scene", SMALL_SCENES, ids=lambda scene: scene.file_name)
def test_each_readme_scene_renders_the_trained_window(
    qtbot, make_window, tmp_path, scene: Scene
) -> None:  # noqa: ANN001
    window = make_window(None, *scene.size)

    path = take(scene, window, tmp_path, lambda ok, ms: qtbot.waitUntil(ok, timeout=ms))

    assert path == tmp_path / scene.file_name
    with Image.open(path) as image:
        assert image.size == scene.size
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3)[::53], axis=0)) > 50  # a full window, not blank
    assert window.appearance.look.presentation == scene.presentation
    assert window.minimumSizeHint().width() <= scene.size[0]  # everything fits the screen
    assert not window.network_panel._scroll.horizontalScrollBar().isVisible()
    if scene.name.startswith("lesson"):
        assert window.notes_panel.isVisible() and window.notes_panel.width() >= 240


def test_the_scenes_cover_projector_sizes_in_presentation_mode() -> None:
    projector = {scene.size for scene in SCENES if scene.presentation}
    assert {(1280, 720), (1024, 768)} <= projector
