"""The optimizer race window: every contestant's path on one fixed plane of weight space (the
plane's loss surface behind them, log colour scale), their loss curves overlaid, and each one's
decision boundary as a small multiple. Play / pause / step drive every contestant at once, from
the buttons or the playground's keys (Space, →, Shift+→); closing the window ends the race."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.race import Contestant, RaceResult
from playground.race_worker import RaceFrame, Surface, race_frame_of
from playground.session import Session
from playground.ui.classroom.shortcuts import make_action
from playground.ui.models.race_runner import RaceRunner
from playground.ui.panels.race_controls import RaceControls
from playground.ui.views.landscape_plot import LandscapePlot, PlanePath
from playground.ui.views.race_panels import BoundaryTiles, RaceCurves, contestant_style
from playground.ui.widgets.appearance import Appearance, Look

TITLE = "Optimizer race"
PLANE_CAPTIONS = {  # what α and β are, by the race's choice of plane
    "random": "two random filter-normalised directions",
    "pca": "the first two principal components of all the paths",
}
PICTURE_SIZE = (1280, 720)  # pixels of `race -o OUT.png`


def plane_caption(directions: str) -> str:
    """The sentence under the plot that says what the plane is."""
    axes = PLANE_CAPTIONS.get(directions, directions)
    return (
        "The contestants' paths through weight space, projected on one fixed plane through "
        f"their common start (α, β: {axes}). Colours: the training loss on that plane."
    )


class RaceView(QWidget):
    """What a race shows, fed with RaceFrames: the paths on the plane's loss surface, the loss
    curves, and the decision boundaries (also drawn alone, for `race -o out.png`)."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        body = QHBoxLayout()
        body.setSpacing(12)
        self.landscape = LandscapePlot()
        self.landscape.setMinimumSize(260, 220)
        self.landscape.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        body.addLayout(_titled("Paths on one plane of weight space", self.landscape), 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        self.curves = RaceCurves()
        right.addLayout(_titled("Training loss (log scale)", self.curves), 4)
        self.tiles = BoundaryTiles()
        self.tiles.set_contestants(count)
        right.addLayout(_titled("Decision boundaries", self.tiles), 5)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)
        self.caption = QLabel(plane_caption("random"))
        self.caption.setProperty("role", "hint")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self._surface: Surface | None = None
        self._frame: RaceFrame | None = None

    def apply_look(self, look: Look) -> None:
        """Presentation mode: bigger text, thicker lines and markers in every plot."""
        self.landscape.apply_look(look)
        self.curves.apply_look(look)
        self.tiles.apply_look(look)
        self.caption.setVisible(not look.presentation)
        if self._frame is not None:  # the boundaries in the new palette
            self.show_frame(self._frame)

    def show_frame(self, frame: RaceFrame) -> None:
        """Every contestant's path, curve and boundary (the surface when it is new: another
        plane or a wider span)."""
        self._frame = frame
        surface = frame.surface
        if surface is not None and surface is not self._surface:  # a new plane or span
            self._surface = surface
            self.landscape.set_surface(surface.alphas, surface.betas, surface.loss)
            self.caption.setText(plane_caption(surface.directions))
        self.landscape.set_paths(
            [
                PlanePath(c.name, c.path, *contestant_style(i))
                for i, c in enumerate(frame.contestants)
            ]
        )
        self.curves.show_frame(frame)
        self.tiles.show_frame(frame)


def race_png(result: RaceResult, size: tuple[int, int] = PICTURE_SIZE) -> bytes:
    """The picture of a finished race (`nn-playground race -o OUT.png`): the race view drawn
    offscreen into PNG bytes, under a title. Needs a QApplication."""
    frame = race_frame_of(result)
    figure = QWidget()
    figure.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    layout = QVBoxLayout(figure)
    layout.setContentsMargins(14, 10, 14, 8)
    names = ", ".join(result.names)
    title = QLabel(f"Optimizer race: {names} · {frame.epoch:,} epochs")
    title.setProperty("role", "metric")
    layout.addWidget(title)
    view = RaceView(len(frame.contestants))
    view.tiles.set_points(result.session.points)
    layout.addWidget(view, 1)
    figure.resize(*size)
    figure.show()
    view.show_frame(frame)
    QApplication.processEvents()
    image = figure.grab().toImage()
    figure.close()
    figure.deleteLater()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the race picture could not be drawn")
    return bytes(data.data())


def _titled(title: str, widget: QWidget) -> QVBoxLayout:
    """A widget under a section title."""
    column = QVBoxLayout()
    column.setSpacing(4)
    label = QLabel(title)
    label.setProperty("role", "section")
    column.addWidget(label)
    column.addWidget(widget, 1)
    return column


class RaceWindow(QWidget):
    """A race of 2–6 contestants from `session`, in a window of its own (its own thread)."""

    closed = Signal()  # the race ended (thread joined)

    def __init__(
        self,
        session: Session,
        contestants: tuple[Contestant, ...],
        appearance: Appearance | None = None,
        parent: QWidget | None = None,
        *,
        kernels: Any = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"{TITLE} — " + ", ".join(c.name for c in contestants))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.session = session
        self.runner = RaceRunner(session, contestants, kernels=kernels, parent=self)
        self._appearance = appearance
        self._ended = False
        self._build(len(contestants))
        self.view.tiles.set_points(session.points)
        self.commands = self._create_actions()
        self.runner.frame_ready.connect(self._on_frame)
        if appearance is not None:
            appearance.changed.connect(self.apply_look)
            self.apply_look(appearance.look)

    # ----- building ---------------------------------------------------------------------------

    def _build(self, count: int) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        self.controls = RaceControls(self.runner)
        self.controls.close_button.clicked.connect(self.close)
        layout.addWidget(self.controls)
        self.view = RaceView(count)
        layout.addWidget(self.view, 1)
        self.landscape, self.curves, self.tiles = (
            self.view.landscape,
            self.view.curves,
            self.view.tiles,
        )
        c = self.controls
        self.play_button, self.step_button, self.close_button = (
            c.play_button,
            c.step_button,
            c.close_button,
        )

    def _create_actions(self) -> dict[str, QAction]:
        """The playground's keys for play / pause / step, here for every contestant."""
        r = self.runner
        slots = {"play": r.toggle_play, "step_epoch": r.step_epoch, "step_batch": r.step_batch}
        actions = {name: make_action(self, name, slot) for name, slot in slots.items()}
        close = QAction("Close race", self)
        close.setShortcuts([QKeySequence(QKeySequence.StandardKey.Close), QKeySequence("Esc")])
        close.triggered.connect(self.close)
        self.addAction(close)
        actions["close"] = close
        return actions

    # ----- look -------------------------------------------------------------------------------

    def apply_look(self, look: Look) -> None:
        """Presentation mode: bigger text, thicker lines and markers in every plot."""
        self.view.apply_look(look)
        self.controls.apply_look(look)

    def _on_frame(self, frame: RaceFrame) -> None:
        self.view.show_frame(frame)
        self.controls.show_epoch(frame.epoch)
        if frame.surface is not None:
            self.controls.show_plane(frame.surface.directions)

    # ----- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.end()
        super().closeEvent(event)

    def end(self) -> None:
        """Stop the race thread (joins it); `closed` is emitted once."""
        if self._ended:
            return
        self._ended = True
        self.runner.shutdown()
        self.closed.emit()


__all__ = ["RaceView", "RaceWindow", "TITLE", "plane_caption", "race_png"]
