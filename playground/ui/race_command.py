"""The "Optimizer race…" command: asks for the contestants (seeded from the current session),
pauses the playground, and opens the race in a window of its own. Closing the race ends its
thread and gives the playground back as it was (playing again if it was playing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from playground.race import Contestant
from playground.session import Session
from playground.ui.panels.race_setup import RaceSetup
from playground.ui.views.race_view import RaceWindow

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

RACE_SIZE = (1180, 700)  # fits a 1280×720 projector with the window frame


class RaceCommand(QObject):
    """Owns the setup dialog and the race window of a main window (one race at a time)."""

    started = Signal(object)  # RaceWindow
    ended = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: RaceSetup | None = None
        self.race: RaceWindow | None = None
        self._resume_playing = False

    def ask(self) -> RaceSetup:
        """Show the setup dialog (not blocking); Start begins the race."""
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        self.dialog = RaceSetup(self._window.controller.current_session(), self._window)
        self.dialog.accepted.connect(self._on_accepted)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        return self.dialog

    def _on_accepted(self) -> None:
        dialog = self.dialog
        if dialog is not None and dialog.contestants:
            self.start(dialog.contestants, dialog.start_session())

    def _on_dialog_finished(self, _: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def start(
        self, contestants: tuple[Contestant, ...], session: Session | None = None
    ) -> RaceWindow:
        """End any race, pause the playground and open a new race of these contestants."""
        self.close()
        controller = self._window.controller
        if session is None:
            session = controller.current_session().replace(weights=None, epoch=0, state=None)
        self._resume_playing = controller.playing
        if controller.playing:
            controller.pause()
        frame = controller.frame  # its kernels: plain Python while numba still compiles
        kernels = frame.kernels if frame is not None else None
        race = RaceWindow(
            session, contestants, controller.appearance, self._window, kernels=kernels
        )
        race.closed.connect(self._on_race_closed)
        self.race = race
        screen = self._window.screen().availableGeometry()
        race.resize(min(RACE_SIZE[0], screen.width()), min(RACE_SIZE[1], screen.height() - 40))
        race.show()
        race.raise_()
        race.activateWindow()
        self.started.emit(race)
        return race

    def close(self) -> None:
        """End the race, if one runs (its thread is joined)."""
        if self.race is not None:
            self.race.close()

    def _on_race_closed(self) -> None:
        race, self.race = self.race, None
        if race is not None:
            race.deleteLater()
        if self._resume_playing and not self._window.controller.playing:
            self._window.controller.play()
        self._resume_playing = False
        self._window.activateWindow()
        self.ended.emit()


__all__ = ["RACE_SIZE", "RaceCommand"]
