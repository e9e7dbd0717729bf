"""How the playground looks right now: presentation mode and the colour palette.

This is a view preference, not part of the Session: the controller owns one Appearance and every
view that draws sizes or colours itself follows its `changed` signal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from playground.ui.widgets import colors
from playground.ui.widgets.theme import apply_theme, length_scale

PRESENTATION_SCALE = 1.6  # fonts and lengths in presentation mode
PRESENTATION_LINES = 1.9  # curve and outline widths in presentation mode


@dataclass(frozen=True)
class Look:
    """Presentation mode on or off, and the palette's name (a key of colors.PALETTES)."""

    presentation: bool = False
    palette: str = colors.DEFAULT_PALETTE

    def __post_init__(self) -> None:
        if self.palette not in colors.PALETTES:
            raise ValueError(
                f"palette: unknown {self.palette!r} (choose one of: {', '.join(colors.PALETTES)})"
            )

    @property
    def scale(self) -> float:
        """Font and length factor (1 normally)."""
        return PRESENTATION_SCALE if self.presentation else 1.0

    @property
    def high_contrast(self) -> bool:
        """Darker greys and stronger outlines (in presentation mode)."""
        return self.presentation

    @property
    def colors(self) -> colors.Palette:
        """The data colours."""
        return colors.PALETTES[self.palette]

    def pt(self, points: float) -> float:
        """A font size in points, scaled."""
        return points * self.scale

    def px(self, pixels: float) -> int:
        """A length in pixels (a box, a margin, an icon), scaled as the style sheet's px."""
        return max(1, round(pixels * length_scale(self.scale)))

    def line(self, width: float) -> float:
        """A line width (curves, outlines), thicker in presentation mode."""
        return width * (PRESENTATION_LINES if self.presentation else 1.0)


class Appearance(QObject):
    """The current Look; views connect to `changed`. Entering or leaving presentation mode
    re-applies the application's theme (fonts and style sheet) at the new scale first."""

    changed = Signal(object)  # Look

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._look = Look()

    @property
    def look(self) -> Look:
        """The current look."""
        return self._look

    def set_presentation(self, on: bool) -> None:
        """Presentation mode on or off."""
        self._set(presentation=bool(on))

    def set_palette(self, name: str) -> None:
        """Switch the data colours (a key of colors.PALETTES)."""
        self._set(palette=name)

    def _set(self, **changes: object) -> None:
        look = dataclasses.replace(self._look, **changes)
        if look == self._look:
            return
        old, self._look = self._look, look
        app = QApplication.instance()
        if look.presentation != old.presentation and isinstance(app, QApplication):
            apply_theme(app, look.scale, look.high_contrast)
        self.changed.emit(look)
