"""The README's picture of the optimizer race (a scene of screenshots.py): three optimizers
raced from the default session's start, their paths drawn on the plane fitted to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from playground.race import parse_contestants

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

CONTESTANTS = "sgd@0.03, momentum@0.03, adam@0.03"
EPOCHS = 150
SPEED = 100.0  # epochs per second: a readable epoch count, soon done
WAIT_MS = 120_000

Wait = Callable[[Callable[[], bool], int], None]  # wait(predicate, timeout_ms)


def race_optimizers(window: MainWindow, wait: Wait) -> None:
    """Race the contestants for about EPOCHS epochs in a window of the scene's size, then fit
    the plane to their paths. (The playground trains a few epochs first: it has curves.)"""
    controller = window.controller
    controller.play()
    wait(lambda: controller.frame is not None and controller.frame.epoch >= 5, WAIT_MS)
    race = window.race.start(parse_contestants(CONTESTANTS))  # pauses the playground
    race.resize(window.size())
    runner = race.runner
    wait(lambda: runner.status.state == "paused", WAIT_MS)
    runner.set_speed(SPEED)
    runner.play()
    wait(lambda: runner.status.epoch >= EPOCHS, WAIT_MS)
    runner.pause()
    wait(lambda: runner.status.state == "paused", WAIT_MS)
    plane = race.controls.plane
    plane.setCurrentIndex(plane.findData("pca"))
    plane.activated.emit(plane.currentIndex())
    wait(lambda: runner.frame is not None and runner.frame.surface.directions == "pca", WAIT_MS)
    wait(lambda: race.size() == window.size(), WAIT_MS)


def race_window(window: MainWindow) -> QWidget:
    """What the race scene's picture shows: the race window."""
    return window.race.race


__all__ = ["CONTESTANTS", "race_optimizers", "race_window"]
